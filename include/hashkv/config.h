// Server options, named after redis.conf directives; filled by flags or a config file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hashkv {

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
  int64_t timeout = 0;
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
