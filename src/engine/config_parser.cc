// Directive handling mirrors config.c's loadServerConfigFromString: the command line is turned
// into config lines, appended after the file's, so flags override the file.
#include "engine/config_parser.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "commands/args.h"
#include "engine/limits.h"
#include "protocol/resp_parser.h"

namespace hashkv {
namespace {

// Redis directives that have no meaning for an in-memory hash server: accepted with a warning
// so scripts written for redis-server keep working.
constexpr std::string_view kIgnored[] = {
    "save",
    "appendonly",
    "appendfsync",
    "appendfilename",
    "daemonize",
    "supervised",
    "pidfile",
    "dbfilename",
    "rdbcompression",
    "rdbchecksum",
    "always-show-logo",
    "set-proc-title",
    "tcp-backlog",
    "maxmemory-samples",
    "io-threads",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "replica-lazy-flush",
    "syslog-enabled",
    "stop-writes-on-bgsave-error",
    "activerehashing",
    "latency-monitor-threshold",

    "notify-keyspace-events",

    "enable-module-command",
    "lua-time-limit",
    "busy-reply-threshold",
    "jemalloc-bg-thread",
    "dynamic-hz",
    "aof-use-rdb-preamble",
    "repl-diskless-sync",
    "list-max-listpack-size",
    "set-max-intset-entries",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
};

bool ParseIntDirective(std::string_view v, int64_t lo, int64_t hi, int64_t* out) {
  int64_t n = 0;
  if (!ParseInt64(v, &n) || n < lo || n > hi) return false;
  *out = n;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Applies one directive; returns an error text or "".
std::string Apply(const std::vector<std::string>& args, Config* config, ConfigResult* result) {
  const std::string name = Lower(args[0]);
  const size_t argc = args.size();
  auto one_int = [&](int64_t lo, int64_t hi, int64_t* out) -> std::string {
    if (argc != 2) return "wrong number of arguments";
    if (!ParseIntDirective(args[1], lo, hi, out)) return "argument must be a number in range";
    return "";
  };
  auto one_mem = [&](int64_t* out) -> std::string {
    if (argc != 2) return "wrong number of arguments";
    if (!ParseMemory(args[1], out)) return "argument must be a memory value";
    return "";
  };
  int64_t n = 0;
  if (name == "port") {
    std::string err = one_int(0, 65535, &n);
    if (err.empty()) config->port = static_cast<int>(n);
    return err;
  }
  if (name == "bind") {
    if (argc < 2) return "wrong number of arguments";
    // Redis binds every address listed; hashkv serves one: the first, minus Redis's
    // optional-address marker '-'.
    std::string addr = args[1];
    if (!addr.empty() && addr[0] == '-') addr.erase(0, 1);
    if (addr == "*") addr = "0.0.0.0";
    config->bind = addr;
    if (argc > 2) result->warnings.push_back("bind: only the first address (" + addr + ") is used");
    return "";
  }
  if (name == "databases") {
    std::string err = one_int(1, 1 << 20, &n);
    if (err.empty()) config->databases = static_cast<int>(n);
    return err;
  }
  if (name == "loglevel") {
    if (argc != 2) return "wrong number of arguments";
    std::string level = Lower(args[1]);
    if (level != "debug" && level != "verbose" && level != "notice" && level != "warning" &&
        level != "nothing") {
      return "Invalid log level. Must be one of debug, verbose, notice, warning, nothing";
    }
    config->loglevel = level;
    return "";
  }
  if (name == "logfile") {
    if (argc != 2) return "wrong number of arguments";
    config->logfile = args[1];
    return "";
  }
  if (name == "requirepass") {
    // "" means no password, as Redis's EMPTY_STRING_IS_NULL.
    if (argc != 2) return "wrong number of arguments";
    config->requirepass = args[1];
    return "";
  }
  if (name == "dir") {
    if (argc != 2) return "wrong number of arguments";
    config->dir = args[1];
    return "";
  }
  if (name == "proto-max-bulk-len") {
    std::string err = one_mem(&n);
    if (err.empty()) {
      if (n < 1024 * 1024) return "proto-max-bulk-len must be 1mb or greater";
      config->proto_max_bulk_len = n;
    }
    return err;
  }
  if (name == "client-query-buffer-limit") {
    std::string err = one_mem(&n);
    if (err.empty()) {
      if (n < 1024 * 1024) return "client-query-buffer-limit must be 1mb or greater";
      config->client_query_buffer_limit = n;
    }
    return err;
  }
  if (name == "hash-max-listpack-entries" || name == "hash-max-ziplist-entries") {
    std::string err = one_int(0, INT64_MAX, &n);
    if (err.empty()) config->hash_max_listpack_entries = n;
    return err;
  }
  if (name == "hash-max-listpack-value" || name == "hash-max-ziplist-value") {
    std::string err = one_mem(&n);
    if (err.empty()) config->hash_max_listpack_value = n;
    return err;
  }
  if (name == "maxclients") {
    std::string err = one_int(1, INT32_MAX, &n);
    if (err.empty()) config->maxclients = n;
    return err;
  }
  if (name == "timeout") {
    std::string err = one_int(0, INT32_MAX, &n);
    if (err.empty()) config->timeout = n;
    return err;
  }
  if (name == "protected-mode") {
    if (argc != 2) return "wrong number of arguments";
    std::string v = Lower(args[1]);
    if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
    config->protected_mode = v == "yes";
    return "";
  }
  if (name == "maxmemory") {
    std::string err = one_mem(&n);
    if (err.empty()) {
      if (n < 0) return "argument must be a memory value";
      config->maxmemory = static_cast<uint64_t>(n);
    }
    return err;
  }
  if (name == "maxmemory-policy") {
    if (argc != 2) return "wrong number of arguments";
    std::string v = Lower(args[1]);
    // All accepted, as Redis; hashkv never evicts, so every policy acts as noeviction (main.cc
    // warns).
    for (std::string_view policy :
         {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
          "allkeys-lfu", "allkeys-random", "noeviction"}) {
      if (v == policy) {
        config->maxmemory_policy = v;
        return "";
      }
    }
    return "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
           "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";
  }
  if (name == "client-output-buffer-limit") {
    // One quoted argument ("normal 1mb 0 0") is split as Redis splits multi-argument options.
    std::vector<std::string> split;
    if (argc == 2 && !args[1].empty() && !SplitInlineArgs(args[1], split)) {
      return "Wrong number of arguments in buffer limit configuration.";
    }
    const std::vector<std::string>& parts = argc == 2 && !args[1].empty() ? split : args;
    const size_t first = argc == 2 && !args[1].empty() ? 0 : 1;
    std::vector<std::string_view> views(parts.begin() + static_cast<std::ptrdiff_t>(first),
                                        parts.end());
    std::string error;
    if (!ParseOutputBufferLimits(views, &config->client_output_buffer_limits, &error)) {
      return error;
    }
    return "";
  }
  if (name == "tcp-keepalive") {
    std::string err = one_int(0, INT32_MAX, &n);
    if (err.empty()) config->tcp_keepalive = n;
    return err;
  }
  if (name == "slowlog-log-slower-than") {
    return one_int(INT64_MIN, INT64_MAX, &config->slowlog_log_slower_than);
  }
  if (name == "slowlog-max-len") return one_int(0, INT64_MAX, &config->slowlog_max_len);
  if (name == "enable-debug-command") {
    if (argc != 2) return "wrong number of arguments";
    std::string v = Lower(args[1]);
    if (v != "no" && v != "yes" && v != "local")
      return "argument(s) must be one of: no, yes, local";
    config->enable_debug_command = v;
    return "";
  }
  if (name == "enable-test-controls") {
    // A bare --enable-test-controls means yes.
    if (argc > 2) return "wrong number of arguments";
    std::string v = argc == 1 ? "yes" : Lower(args[1]);
    if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
    config->enable_test_controls = v == "yes";
    return "";
  }
  if (name == "latency-tracking") {
    if (argc != 2) return "wrong number of arguments";
    std::string v = Lower(args[1]);
    if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
    config->latency_tracking = v == "yes";
    return "";
  }
  if (name == "unixsocket") {
    if (argc != 2) return "wrong number of arguments";
    config->unixsocket = args[1];
    return "";
  }
  if (name == "unixsocketperm") {
    // Octal, as Redis's OCTAL_CONFIG: "700", "0770".
    if (argc != 2 || args[1].empty()) return "wrong number of arguments";
    int64_t mode = 0;
    for (char c : args[1]) {
      if (c < '0' || c > '7') return "argument couldn't be parsed into an integer";
      mode = std::min<int64_t>(mode * 8 + (c - '0'), 010000);
    }
    if (mode > 0777) return "argument must be between 0 and 777 (octal)";
    config->unixsocketperm = static_cast<int>(mode);
    return "";
  }
  if (name == "port-file") {
    if (argc != 2) return "wrong number of arguments";
    config->port_file = args[1];
    return "";
  }
  if (name == "hz") {
    std::string err = one_int(1, 500, &n);
    if (err.empty()) config->hz = static_cast<int>(n);
    return err;
  }
  for (std::string_view ignored : kIgnored) {
    if (name == ignored) {
      std::string line = args[0];
      for (size_t i = 1; i < argc; ++i) line += " '" + args[i] + "'";
      result->warnings.push_back("Ignoring directive with no effect in hashkv: " + line);
      return "";
    }
  }
  return "Bad directive or wrong number of arguments";
}

}  // namespace

bool ParseMemory(std::string_view s, int64_t* out) {
  size_t digits = 0;
  while (digits < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[digits])) || (digits == 0 && s[0] == '-'))) {
    ++digits;
  }
  uint64_t unit_bytes = 1;
  if (!MemoryUnitBytes(s.substr(digits), &unit_bytes)) return false;
  const auto mul = static_cast<int64_t>(unit_bytes);
  int64_t n = 0;
  if (!ParseInt64(s.substr(0, digits), &n)) return false;
  if (n != 0 && (n > INT64_MAX / mul || n < INT64_MIN / mul)) return false;
  *out = n * mul;
  return true;
}

ConfigResult ParseConfigText(std::string_view text, Config* config) {
  ConfigResult result;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> args;
    if (!SplitInlineArgs(line, args)) {
      result.ok = false;
      result.error = "Unbalanced quotes in configuration line";
    } else if (!args.empty()) {
      std::string err = Apply(args, config, &result);
      if (!err.empty()) {
        result.ok = false;
        result.error = err;
      }
    }
    if (!result.ok) {
      result.error =
          "\n*** FATAL CONFIG FILE ERROR (hashkv) ***\nReading the configuration "
          "file, at line " +
          std::to_string(line_no) + "\n>>> '" + std::string(line) + "'\n" + result.error;
      return result;
    }
  }
  return result;
}

ConfigResult ParseCommandLine(int argc, const char* const* argv, Config* config) {
  ConfigResult result;
  int i = 1;
  if (argc >= 2) {
    std::string_view first = argv[1];
    if (first == "-v" || first == "--version") {
      result.show_version = true;
      return result;
    }
    if (first == "-h" || first == "--help") {
      result.show_help = true;
      return result;
    }
  }
  std::string text;
  if (argc >= 2 && std::string_view(argv[1]).substr(0, 2) != "--") {
    config->config_file = argv[1];
    std::ifstream file(argv[1], std::ios::binary);
    if (!file) {
      result.ok = false;
      result.error = "Fatal error, can't open config file '" + std::string(argv[1]) + "'";
      return result;
    }
    std::stringstream contents;
    contents << file.rdbuf();
    text = contents.str();
    text.push_back('\n');
    i = 2;
  }
  // "--port 7000 --save ''" becomes the lines "port 7000" and "save ''", as redis-server does.
  bool first_line = true;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) == "--" && arg.size() > 2) {
      if (!first_line) text.push_back('\n');
      first_line = false;
      text.append(arg.substr(2));
    } else {
      text.push_back(' ');
      // Quote so an empty argument (--save '') survives the split.
      text.push_back('"');
      for (char c : arg) {
        if (c == '"' || c == '\\') text.push_back('\\');
        if (c == '\n') {
          text.append("\\n");
          continue;
        }
        text.push_back(c);
      }
      text.push_back('"');
    }
  }
  return ParseConfigText(text, config);
}

}  // namespace hashkv
