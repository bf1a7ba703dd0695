// MULTI/EXEC state per session and the registry of WATCHed keys.
#pragma once

#include <string>
#include <vector>

namespace hashkv {

// A session's transaction state (Redis's CLIENT_MULTI, CLIENT_DIRTY_EXEC, CLIENT_DIRTY_CAS and
// the queued commands).
struct Transaction {
  bool in_multi = false;
};

class WatchRegistry {};

}  // namespace hashkv
