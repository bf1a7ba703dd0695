// CLIENT LIST's line for one client, also used by the server's log lines about a client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hashkv {

class Session;

// networking.c catClientInfoString, with a trailing newline. `argv_mem` is the running
// command's argument bytes (only the client executing CLIENT LIST/INFO has one).
void AppendClientInfo(std::string* out, const Session& s, int64_t now_ms, size_t argv_mem);

}  // namespace hashkv
