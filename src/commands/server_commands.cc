// The connection and server family: PING, ECHO, QUIT, TIME, SHUTDOWN, LASTSAVE, INFO and
// CONFIG (GET, SET, RESETSTAT, HELP), with Redis 7.0's replies and error texts.
#include <stdlib.h>

#include <cctype>
#include <chrono>
#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/glob.h"
#include "commands/info.h"
#include "commands/reply_help.h"
#include "engine/auth.h"
#include "engine/limits.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

Status PingCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 2) return ctx.WrongArity();
  return argc == 1 ? ctx.ReplyWithSimpleString("PONG") : ctx.ReplyWithString(argv[1]);
}

Status EchoCommand(Context& ctx, const Arg* argv, int) { return ctx.ReplyWithString(argv[1]); }

Status QuitCommand(Context& ctx, const Arg*, int) {
  ctx.session().close_after_reply = true;
  return ctx.ReplyWithSimpleString("OK");
}

Status TimeCommand(Context& ctx, const Arg*, int) {
  const int64_t us = ctx.engine().NowUs();
  ctx.ReplyWithArray(2);
  ctx.ReplyWithString(FormatInt64(us / 1000000));
  return ctx.ReplyWithString(FormatInt64(us % 1000000));
}

// Nothing is ever saved, so the last save is the start, as Redis's lastsave before any save.
Status LastSaveCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(ctx.engine().start_time_ms() / 1000);
}

// hashkv keeps nothing on disk: SAVE and BGSAVE succeed at once with Redis's replies, so
// scripts and clients that call them keep working.
Status SaveCommand(Context& ctx, const Arg*, int) { return ctx.ReplyWithSimpleString("OK"); }

Status BgSaveCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 2 || (argc == 2 && !EqualsIgnoreCase(argv[1], "schedule"))) return Status::kSyntax;
  return ctx.ReplyWithSimpleString("Background saving started");
}

// There are no replicas: WAIT acknowledges zero of them. Redis would block until the timeout
// when asked for more than zero; hashkv answers at once, since no replica can ever arrive.
Status WaitCommand(Context& ctx, const Arg* argv, int) {
  int64_t replicas = 0;
  int64_t timeout = 0;
  if (!ParseInt64(argv[1], &replicas)) return Status::kNotInteger;
  if (!ParseInt64(argv[2], &timeout)) {
    return ctx.ReplyWithError("ERR timeout is not an integer or out of range");
  }
  if (timeout < 0) return ctx.ReplyWithError("ERR timeout is negative");
  return ctx.ReplyWithLongLong(0);
}

// server.c shutdownCommand. There is no dataset to save, so SAVE and NOSAVE only differ in
// the syntax they allow; on success Redis exits without replying, and so does this.
Status ShutdownCommand(Context& ctx, const Arg* argv, int argc) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (int i = 1; i < argc; ++i) {
    if (EqualsIgnoreCase(argv[i], "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(argv[i], "save")) {
      save = true;
    } else if (EqualsIgnoreCase(argv[i], "now")) {
      now = true;
    } else if (EqualsIgnoreCase(argv[i], "force")) {
      force = true;
    } else if (EqualsIgnoreCase(argv[i], "abort")) {
      abort = true;
    } else {
      return Status::kSyntax;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) return Status::kSyntax;
  if (abort) return ctx.ReplyWithError("ERR No shutdown in progress.");
  ctx.engine().RequestShutdown();
  ctx.session().close_after_reply = true;
  return Status::kOk;
}

Status InfoCommand(Context& ctx, const Arg* argv, int argc) {
  std::span<const Arg> sections(argv + 1, static_cast<size_t>(argc - 1));
  return ctx.ReplyWithVerbatim(GenerateInfo(ctx.engine(), sections));
}

// --- CONFIG ----------------------------------------------------------------------------------

enum class Opt : uint8_t {
  kBind,
  kPort,
  kDatabases,
  kLoglevel,
  kLogfile,
  kDir,
  kProtoMaxBulkLen,
  kClientQueryBufferLimit,
  kHashMaxListpackEntries,
  kHashMaxListpackValue,
  kMaxclients,
  kTimeout,
  kTcpKeepalive,
  kHz,
  kSave,
  kAppendonly,
  kMaxmemory,
  kMaxmemoryPolicy,
  kNotifyKeyspaceEvents,
  kSlowlogLogSlowerThan,
  kSlowlogMaxLen,
  kEnableDebugCommand,
  kLatencyMonitorThreshold,
  kLatencyTracking,
  kRequirepass,
  kProtectedMode,
  kClientOutputBufferLimit,
};

// Redis's names; an alias is its own row, as in Redis's config dictionary, so GET patterns
// list both spellings.
struct OptionName {
  std::string_view name;
  Opt opt;
};
constexpr OptionName kOptions[] = {
    {"bind", Opt::kBind},
    {"port", Opt::kPort},
    {"databases", Opt::kDatabases},
    {"loglevel", Opt::kLoglevel},
    {"logfile", Opt::kLogfile},
    {"dir", Opt::kDir},
    {"proto-max-bulk-len", Opt::kProtoMaxBulkLen},
    {"client-query-buffer-limit", Opt::kClientQueryBufferLimit},
    {"hash-max-listpack-entries", Opt::kHashMaxListpackEntries},
    {"hash-max-ziplist-entries", Opt::kHashMaxListpackEntries},
    {"hash-max-listpack-value", Opt::kHashMaxListpackValue},
    {"hash-max-ziplist-value", Opt::kHashMaxListpackValue},
    {"maxclients", Opt::kMaxclients},
    {"timeout", Opt::kTimeout},
    {"tcp-keepalive", Opt::kTcpKeepalive},
    {"hz", Opt::kHz},
    {"save", Opt::kSave},
    {"appendonly", Opt::kAppendonly},
    {"maxmemory", Opt::kMaxmemory},
    {"maxmemory-policy", Opt::kMaxmemoryPolicy},
    {"notify-keyspace-events", Opt::kNotifyKeyspaceEvents},
    {"slowlog-log-slower-than", Opt::kSlowlogLogSlowerThan},
    {"slowlog-max-len", Opt::kSlowlogMaxLen},
    {"enable-debug-command", Opt::kEnableDebugCommand},
    {"latency-monitor-threshold", Opt::kLatencyMonitorThreshold},
    {"latency-tracking", Opt::kLatencyTracking},
    {"requirepass", Opt::kRequirepass},
    {"protected-mode", Opt::kProtectedMode},
    {"client-output-buffer-limit", Opt::kClientOutputBufferLimit},
};

const OptionName* FindOption(std::string_view name) {
  for (const OptionName& o : kOptions) {
    if (EqualsIgnoreCase(o.name, name)) return &o;
  }
  return nullptr;
}

std::string Number(int64_t v) { return FormatInt64(v); }

// Redis answers with the working directory it chdir()ed to; hashkv does not chdir, so it
// answers with the directory's absolute path.
std::string AbsoluteDir(const std::string& dir) {
  char* real = realpath(dir.c_str(), nullptr);
  if (real == nullptr) return dir;
  std::string s = real;
  free(real);
  return s;
}

std::string OptionValue(Engine& engine, Opt opt) {
  const Config& c = engine.config();
  switch (opt) {
    case Opt::kBind:
      return c.bind;
    case Opt::kPort:
      return Number(c.port);
    case Opt::kDatabases:
      return Number(c.databases);
    case Opt::kLoglevel:
      return c.loglevel;
    case Opt::kLogfile:
      return c.logfile;
    case Opt::kDir:
      return AbsoluteDir(c.dir);
    case Opt::kProtoMaxBulkLen:
      return Number(c.proto_max_bulk_len);
    case Opt::kClientQueryBufferLimit:
      return Number(c.client_query_buffer_limit);
    case Opt::kHashMaxListpackEntries:
      return Number(static_cast<int64_t>(engine.keyspace().limits().max_listpack_entries));
    case Opt::kHashMaxListpackValue:
      return Number(static_cast<int64_t>(engine.keyspace().limits().max_listpack_value));
    case Opt::kMaxclients:
      return Number(c.maxclients);
    case Opt::kTimeout:
      return Number(c.timeout);
    case Opt::kTcpKeepalive:
      return Number(c.tcp_keepalive);
    case Opt::kHz:
      return Number(c.hz);
    case Opt::kSave:
      return "";
    case Opt::kAppendonly:
      return "no";
    case Opt::kMaxmemory:
      return std::to_string(c.maxmemory);
    case Opt::kMaxmemoryPolicy:
      return c.maxmemory_policy;
    case Opt::kNotifyKeyspaceEvents:
      return "";
    case Opt::kSlowlogLogSlowerThan:
      return Number(c.slowlog_log_slower_than);
    case Opt::kSlowlogMaxLen:
      return Number(c.slowlog_max_len);
    case Opt::kEnableDebugCommand:
      return c.enable_debug_command;
    case Opt::kLatencyMonitorThreshold:
      return "0";
    case Opt::kLatencyTracking:
      return c.latency_tracking ? "yes" : "no";
    case Opt::kRequirepass:
      return c.requirepass;
    case Opt::kProtectedMode:
      return c.protected_mode ? "yes" : "no";
    case Opt::kClientOutputBufferLimit:
      return FormatOutputBufferLimits(c.client_output_buffer_limits);
  }
  return "";
}

Status ConfigGetCommand(Context& ctx, const Arg* argv, int argc) {
  std::vector<std::pair<std::string, Opt>> matches;
  auto seen = [&matches](std::string_view name) {
    for (const auto& m : matches) {
      if (EqualsIgnoreCase(m.first, name)) return true;
    }
    return false;
  };
  for (int i = 2; i < argc; ++i) {
    std::string_view pattern = argv[i];
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      // A plain name answers under the spelling asked for, as Redis does.
      const OptionName* o = FindOption(pattern);
      if (o != nullptr && !seen(pattern)) matches.emplace_back(std::string(pattern), o->opt);
      continue;
    }
    for (const OptionName& o : kOptions) {
      if (!seen(o.name) && GlobMatch(pattern, o.name, /*nocase=*/true)) {
        matches.emplace_back(std::string(o.name), o.opt);
      }
    }
  }
  ctx.ReplyWithMap(matches.size());
  for (const auto& [name, opt] : matches) {
    ctx.ReplyWithString(name);
    ctx.ReplyWithString(OptionValue(ctx.engine(), opt));
  }
  return Status::kOk;
}

// A validated CONFIG SET assignment.
struct Assignment {
  Opt opt;
  int64_t number = 0;
  std::string text;
  OutputBufferLimits limits;  // client-output-buffer-limit, the current ones with the changes
};

// config.c's numeric rules: plain integers with string2ll, memory values with memtoull's
// units, then the bounds (printed signed or unsigned as Redis's type is).
enum class NumKind : uint8_t { kInteger, kMemory };

bool ParseMemory(std::string_view s, uint64_t* out) {
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::string_view unit = s.substr(digits);
  uint64_t mul = 1;
  if (!MemoryUnitBytes(unit, &mul)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (v > UINT64_MAX / mul) return false;
  *out = v * mul;
  return true;
}

bool ParseNumber(std::string_view value, NumKind kind, bool is_unsigned, int64_t lo, uint64_t hi,
                 int64_t* out, std::string* err) {
  int64_t v = 0;
  if (kind == NumKind::kMemory) {
    uint64_t u;
    if (!ParseMemory(value, &u)) {
      *err = "argument must be a memory value";
      return false;
    }
    v = static_cast<int64_t>(u);
  } else if (!ParseInt64(value, &v)) {
    *err = "argument couldn't be parsed into an integer";
    return false;
  }
  bool in_range = is_unsigned ? (static_cast<uint64_t>(v) <= hi &&
                                 static_cast<uint64_t>(v) >= static_cast<uint64_t>(lo))
                              : (v >= lo && v <= static_cast<int64_t>(hi));
  if (!in_range) {
    *err =
        "argument must be between " + FormatInt64(lo) + " and " + std::to_string(hi) + " inclusive";
    return false;
  }
  *out = v;
  return true;
}

bool OneOf(std::string_view value, std::span<const std::string_view> allowed, std::string* err) {
  for (std::string_view a : allowed) {
    if (EqualsIgnoreCase(a, value)) return true;
  }
  *err = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) err->append(", ");
    err->append(allowed[i]);
  }
  return false;
}

constexpr std::string_view kUnsupported = "this value is not supported by hashkv";

// Validates one value; false with the text Redis prints after "... - ".
bool ParseAssignment(const Engine& engine, Opt opt, std::string_view value, Assignment* a,
                     std::string* err) {
  a->opt = opt;
  switch (opt) {
    case Opt::kBind:
    case Opt::kPort:
    case Opt::kDatabases:
    case Opt::kLogfile:
    case Opt::kEnableDebugCommand:
      *err = "can't set immutable config";
      return false;
    case Opt::kDir:
      *err = "can't set protected config";
      return false;
    case Opt::kHashMaxListpackEntries:
    case Opt::kHashMaxListpackValue:
      return ParseNumber(value, NumKind::kInteger, true, 0, LONG_MAX, &a->number, err);
    case Opt::kMaxclients:
      return ParseNumber(value, NumKind::kInteger, true, 1, UINT_MAX, &a->number, err);
    case Opt::kTimeout:
      return ParseNumber(value, NumKind::kInteger, true, 0, INT_MAX, &a->number, err);
    case Opt::kTcpKeepalive:
    case Opt::kHz:
      return ParseNumber(value, NumKind::kInteger, false, 0, INT_MAX, &a->number, err);
    case Opt::kProtoMaxBulkLen:
      return ParseNumber(value, NumKind::kMemory, false, 1024 * 1024, LLONG_MAX, &a->number, err);
    case Opt::kClientQueryBufferLimit:
      return ParseNumber(value, NumKind::kMemory, true, 1024 * 1024, LONG_MAX, &a->number, err);
    case Opt::kLoglevel: {
      static constexpr std::string_view kLevels[] = {"debug", "verbose", "notice", "warning"};
      if (!OneOf(value, kLevels, err)) return false;
      a->text = std::string(value);
      for (char& c : a->text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return true;
    }
    case Opt::kAppendonly:
      if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
        *err = "argument must be 'yes' or 'no'";
        return false;
      }
      if (EqualsIgnoreCase(value, "yes")) {
        *err = kUnsupported;
        return false;
      }
      return true;
    case Opt::kMaxmemory: {
      uint64_t v;
      if (!ParseMemory(value, &v)) {
        *err = "argument must be a memory value";
        return false;
      }
      a->number = static_cast<int64_t>(v);
      return true;
    }
    case Opt::kMaxmemoryPolicy: {
      // Every policy is accepted and shown as set; with no eviction, all act as noeviction.
      static constexpr std::string_view kPolicies[] = {
          "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
          "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};
      if (!OneOf(value, kPolicies, err)) return false;
      a->text = std::string(value);
      for (char& c : a->text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return true;
    }
    case Opt::kProtectedMode:
      if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
        *err = "argument must be 'yes' or 'no'";
        return false;
      }
      a->number = EqualsIgnoreCase(value, "yes") ? 1 : 0;
      return true;
    case Opt::kClientOutputBufferLimit:
      a->limits = engine.config().client_output_buffer_limits;
      return ParseOutputBufferLimitsValue(value, &a->limits, err);
    case Opt::kSlowlogLogSlowerThan:
      return ParseNumber(value, NumKind::kInteger, false, -1, LLONG_MAX, &a->number, err);
    case Opt::kSlowlogMaxLen:
      return ParseNumber(value, NumKind::kInteger, true, 0, LONG_MAX, &a->number, err);
    case Opt::kLatencyMonitorThreshold:
      // No latency events are recorded: only "disabled" is honest.
      if (!ParseNumber(value, NumKind::kInteger, false, 0, LLONG_MAX, &a->number, err)) {
        return false;
      }
      if (a->number != 0) {
        *err = kUnsupported;
        return false;
      }
      return true;
    case Opt::kRequirepass:
      a->text = std::string(value);
      return true;
    case Opt::kLatencyTracking:
      if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
        *err = "argument must be 'yes' or 'no'";
        return false;
      }
      a->number = EqualsIgnoreCase(value, "yes") ? 1 : 0;
      return true;
    case Opt::kSave:
    case Opt::kNotifyKeyspaceEvents:
      // Nothing is persisted and no events are published: only "off" is honest.
      if (!value.empty()) {
        *err = kUnsupported;
        return false;
      }
      return true;
  }
  return false;
}

void Apply(Engine& engine, const Assignment& a) {
  Config& c = engine.config();
  switch (a.opt) {
    case Opt::kHashMaxListpackEntries:
      c.hash_max_listpack_entries = a.number;
      engine.keyspace().limits().max_listpack_entries = static_cast<size_t>(a.number);
      break;
    case Opt::kHashMaxListpackValue:
      c.hash_max_listpack_value = a.number;
      engine.keyspace().limits().max_listpack_value = static_cast<size_t>(a.number);
      break;
    case Opt::kMaxclients:
      c.maxclients = a.number;
      break;
    case Opt::kTimeout:
      c.timeout = a.number;
      break;
    case Opt::kTcpKeepalive:
      c.tcp_keepalive = a.number;
      break;
    case Opt::kHz:
      // Redis's updateHZ clamps to CONFIG_MIN_HZ..CONFIG_MAX_HZ, and GET shows the result.
      c.hz = static_cast<int>(a.number < 1 ? 1 : (a.number > 500 ? 500 : a.number));
      break;
    case Opt::kProtoMaxBulkLen:
      c.proto_max_bulk_len = a.number;
      engine.ForEachSession([&a](Session& s) {
        RespLimits limits = s.parser.limits();
        limits.proto_max_bulk_len = a.number;
        s.parser.set_limits(limits);
      });
      break;
    case Opt::kClientQueryBufferLimit:
      c.client_query_buffer_limit = a.number;
      break;
    case Opt::kLoglevel:
      c.loglevel = a.text;
      break;
    case Opt::kSlowlogLogSlowerThan:
      c.slowlog_log_slower_than = a.number;
      break;
    case Opt::kSlowlogMaxLen:
      c.slowlog_max_len = a.number;
      break;
    case Opt::kLatencyTracking:
      c.latency_tracking = a.number != 0;
      break;
    case Opt::kRequirepass:
      SetRequirePass(engine, a.text);
      break;
    case Opt::kMaxmemory:
      c.maxmemory = static_cast<uint64_t>(a.number);
      break;
    case Opt::kMaxmemoryPolicy:
      c.maxmemory_policy = a.text;
      break;
    case Opt::kProtectedMode:
      c.protected_mode = a.number != 0;
      break;
    case Opt::kClientOutputBufferLimit:
      c.client_output_buffer_limits = a.limits;
      break;
    default:
      break;  // accepted values equal to the fixed ones
  }
}

// config.c configSetCommand: every name is checked before any value, the first problem is
// reported, and either all assignments apply or none.
Status ConfigSetCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc % 2 != 0) return Status::kSyntax;
  auto fail = [&ctx](std::string_view arg, std::string_view why) {
    std::string line = "ERR CONFIG SET failed (possibly related to argument '";
    line.append(arg);
    line.append("') - ");
    line.append(why);
    return ctx.ReplyWithError(line);
  };
  std::vector<const OptionName*> names;
  for (int i = 2; i < argc; i += 2) {
    const OptionName* o = FindOption(argv[i]);
    if (o == nullptr) {
      std::string line = "ERR Unknown option or number of arguments for CONFIG SET - '";
      line.append(argv[i]);
      line.push_back('\'');
      return ctx.ReplyWithError(line);
    }
    if (o->opt == Opt::kBind || o->opt == Opt::kPort || o->opt == Opt::kDatabases ||
        o->opt == Opt::kLogfile || o->opt == Opt::kEnableDebugCommand) {
      return fail(argv[i], "can't set immutable config");
    }
    if (o->opt == Opt::kDir) return fail(argv[i], "can't set protected config");
    for (const OptionName* prev : names) {
      if (prev == o) return fail(argv[i], "duplicate parameter");
    }
    names.push_back(o);
  }
  std::vector<Assignment> assignments(names.size());
  for (size_t j = 0; j < names.size(); ++j) {
    std::string err;
    std::string_view value = argv[2 + 2 * j + 1];
    if (!ParseAssignment(ctx.engine(), names[j]->opt, value, &assignments[j], &err)) {
      return fail(argv[2 + 2 * j], err);
    }
  }
  for (size_t j = 0; j < names.size(); ++j) {
    // config.c updateMaxclients: the standalone server raises its open-files limit first, and
    // the value is refused if the system cannot serve that many clients.
    if (assignments[j].opt == Opt::kMaxclients &&
        assignments[j].number != ctx.engine().config().maxclients) {
      const int64_t possible = ctx.engine().AdjustMaxclients(assignments[j].number);
      if (possible < assignments[j].number) {
        return fail(argv[2 + 2 * j],
                    "The operating system is not able to handle the specified number of "
                    "clients, try with " +
                        FormatInt64(possible));
      }
    }
  }
  for (const Assignment& a : assignments) Apply(ctx.engine(), a);
  return ctx.ReplyWithSimpleString("OK");
}

// server.c resetServerStats, with resetCommandTableStats and resetErrorTableStats.
Status ConfigResetStatCommand(Context& ctx, const Arg*, int) {
  Stats fresh;
  fresh.expired_keys_at_reset = ctx.engine().keyspace().expired_keys();
  ctx.engine().stats() = fresh;
  ctx.engine().observer().ResetStats();
  return ctx.ReplyWithSimpleString("OK");
}

Status ConfigHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
  };
  return ReplyWithHelp(ctx, "CONFIG", kHelp);
}

constexpr std::string_view kConfigFlags = "admin noscript loading stale";

// clang-format off
constexpr CommandSpec kConfigSubcommands[] = {
    // name        handler                 flags            arity first last step
    {"get",        ConfigGetCommand,       kConfigFlags,    -3,   0,    0,   0, {},
     "Get the values of configuration parameters", "2.0.0", "server",
     "parameter [parameter ...]"},
    {"set",        ConfigSetCommand,       kConfigFlags,    -4,   0,    0,   0, {},
     "Set configuration parameters to the given values", "2.0.0", "server",
     "parameter value [parameter value ...]"},
    {"resetstat",  ConfigResetStatCommand, kConfigFlags,    2,    0,    0,   0, {},
     "Reset the stats returned by INFO", "2.0.0", "server", ""},
    {"help",       ConfigHelpCommand,      "loading stale", 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "5.0.0", "server", ""},
};

constexpr CommandSpec kServerCommands[] = {
    // name       handler          flags                                              arity
    {"ping",      PingCommand,     "fast",                                            -1, 0, 0, 0,
     {}, "Ping the server", "1.0.0", "connection", "[message]"},
    {"echo",      EchoCommand,     "loading stale fast",                              2,  0, 0, 0,
     {}, "Echo the given string", "1.0.0", "connection", "message"},
    {"quit",      QuitCommand,     "noscript loading stale fast no-auth allow-busy",  -1, 0, 0, 0,
     {}, "Close the connection", "1.0.0", "connection", ""},
    {"time",      TimeCommand,     "loading stale fast",                              1,  0, 0, 0,
     {}, "Return the current server time", "2.6.0", "server", ""},
    {"lastsave",  LastSaveCommand, "loading stale fast",                              1,  0, 0, 0,
     {}, "Get the UNIX time stamp of the last successful save to disk", "1.0.0", "server", ""},
    {"save",      SaveCommand,     "admin noscript no-async-loading no-multi",        1,  0, 0, 0,
     {}, "Synchronously save the dataset to disk", "1.0.0", "server", ""},
    {"bgsave",    BgSaveCommand,   "admin noscript no-async-loading",                 -1, 0, 0, 0,
     {}, "Asynchronously save the dataset to disk", "1.0.0", "server", "[SCHEDULE]"},
    {"wait",      WaitCommand,     "noscript",                                        3,  0, 0, 0,
     {}, "Wait for the synchronous replication of all the write commands sent in the context of "
     "the current connection", "3.0.0", "generic", "numreplicas timeout"},
    {"shutdown",  ShutdownCommand, "admin noscript loading stale no-multi allow-busy", -1, 0, 0, 0,
     {}, "Synchronously save the dataset to disk and then shut down the server", "1.0.0",
     "server", "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]"},
    {"info",      InfoCommand,     "loading stale",                                   -1, 0, 0, 0,
     {}, "Get information and statistics about the server", "1.0.0", "server",
     "[section [section ...]]"},
    {"config",    nullptr,         "",                                                -2, 0, 0, 0,
     kConfigSubcommands, "A container for server configuration commands", "2.0.0", "server", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ServerCommands() { return kServerCommands; }

}  // namespace hashkv
