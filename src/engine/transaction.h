// MULTI/EXEC state per session and the registry of WATCHed keys.
#pragma once

namespace hashkv {

class WatchRegistry {};

}  // namespace hashkv
