// Server options, named after redis.conf directives; filled by flags or a config file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hashkv {

// One class of client-output-buffer-limit: a client whose pending replies reach `hard_bytes`, or
// stay at or over `soft_bytes` for more than `soft_seconds`, is disconnected. 0 disables each.
struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};

// Redis's client classes for client-output-buffer-limit, in CONFIG GET's order.
enum class ClientClass : uint8_t { kNormal = 0, kReplica = 1, kPubsub = 2 };

struct Config {
  std::string bind = "127.0.0.1";
  int port = 6379;  // 0 picks a free port (redis-server would disable TCP instead)
  int databases = 16;
  std::string loglevel = "notice";
  std::string logfile;  // empty: stdout
  std::string config_file;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t maxclients = 10000;
  int64_t timeout = 0;  // seconds a client may stay idle; 0: forever
  // Redis's defaults: "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60". hashkv has no
  // replicas or subscribers; the other classes are kept for CONFIG GET/SET, and a MONITOR
  // client falls back to the replica limits while the normal class is unlimited.
  std::array<OutputBufferLimit, 3> client_output_buffer_limits = {{
      {0, 0, 0},
      {256ULL * 1024 * 1024, 64ULL * 1024 * 1024, 60},
      {32ULL * 1024 * 1024, 8ULL * 1024 * 1024, 60},
  }};
  uint64_t maxmemory = 0;  // bytes; 0: no limit
  // Every policy Redis knows is accepted; there is no eviction, so all behave as noeviction.
  std::string maxmemory_policy = "noeviction";
  // Without a password, clients from other hosts than this one are refused (-DENIED).
  bool protected_mode = true;
  int64_t tcp_keepalive = 300;
  int hz = 10;
  std::string dir = ".";
  std::string requirepass;                  // empty: no authentication
  int64_t slowlog_log_slower_than = 10000;  // microseconds; negative disables the slowlog
  int64_t slowlog_max_len = 128;
  std::string enable_debug_command = "no";  // no | yes | local, as Redis 7.0 (immutable)
  bool latency_tracking = true;             // per-command histograms for LATENCY HISTOGRAM
  std::string unixsocket;                   // empty: no Unix socket
  int unixsocketperm = 0;                   // octal mode for the socket file; 0 keeps umask's
  std::string port_file;                    // hashkv: the bound port is written here at start
  // hashkv: the HASHKV.* test-double commands and their command log (never on by default: a
  // shared server must not let any client move its clock or fail its commands).
  bool enable_test_controls = false;
};

}  // namespace hashkv
