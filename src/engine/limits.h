// Per-client limits shared by the configuration and the network layer, as Redis 7.0 applies
// them: client-output-buffer-limit (syntax and check), idle timeouts, protected mode and
// maxclients' texts.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hashkv/config.h"

namespace hashkv {

class Session;

using OutputBufferLimits = std::array<OutputBufferLimit, 3>;

// The replies a refused connection gets before it is closed (networking.c).
inline constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";
// Redis 7.0.15's text, typo included ("Setup a an").
inline constexpr std::string_view kProtectedModeReply =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    "to do one of the above things in order for the server to start accepting connections from "
    "the outside.\r\n";

// config.c setConfigClientOutputBufferLimitOption: `args` are groups of "class hard soft
// seconds" (class normal, replica/slave or pubsub; sizes are memory values, seconds a plain
// number), with redis-server 7.0.15's exact acceptance. All or nothing: false with Redis's
// error text and `limits` untouched.
bool ParseOutputBufferLimits(std::span<const std::string_view> args, OutputBufferLimits* limits,
                             std::string* error);
// CONFIG SET's value: one string split at every single space, as Redis's sdssplitlen.
bool ParseOutputBufferLimitsValue(std::string_view value, OutputBufferLimits* limits,
                                  std::string* error);
// CONFIG GET's value: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
std::string FormatOutputBufferLimits(const OutputBufferLimits& limits);

// The limits that apply to `session`. Redis counts a MONITOR client as a normal one; since the
// normal class is unlimited by default and back-pressure cannot slow the clients a MONITOR feed
// echoes, a monitor falls back to the replica class's limits while the normal class has none.
const OutputBufferLimit& OutputLimitFor(const Config& config, const Session& session);

// networking.c checkClientOutputBufferLimits: whether `pending` reply bytes break `limit` at
// `now_s` (seconds). `*soft_since_s` is the client's state: 0, or when it first reached the soft
// limit; it is set and cleared here.
bool OutputLimitReached(const OutputBufferLimit& limit, uint64_t pending, int64_t now_s,
                        int64_t* soft_since_s);

// server.c clientsCronHandleTimeout: a client (not a MONITOR) whose last read or write, at
// `last_io_s`, is more than `timeout` seconds before `now_s`. The network layer passes a clock
// that test controls do not move, so HASHKV.CLOCK ADVANCE closes no one.
bool IdleTimedOut(const Config& config, const Session& session, int64_t last_io_s, int64_t now_s);

// networking.c clientAcceptHandler: with protected mode on and no password, only loopback
// clients are served. `peer_ip` is the address as text ("127.0.0.1", "::1"); Redis compares it
// with exactly those two, so 127.0.0.2 counts as remote. Unix socket clients are local.
bool ProtectedModeRefuses(const Config& config, std::string_view peer_ip, bool unix_socket);

// Redis's sdscatrepr: a quoted, escaped rendering of bytes for log lines.
std::string QuotedRepr(std::string_view bytes);

}  // namespace hashkv
