// The observability family: MONITOR, SLOWLOG, LATENCY and DEBUG, with Redis 7.0's replies and
// error texts. The data behind them is recorded by the engine's Observer (src/engine/observer.h).
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/reply_help.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "hashkv/engine.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// printf's "%.128s": the argument up to a NUL, at most 128 bytes.
std::string_view Printable(std::string_view s) {
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  return s.substr(0, 128);
}

// Redis's addReplySubcommandSyntaxError, for containers that parse their own subcommands.
Status SubcommandSyntaxError(Context& ctx, std::string_view command, std::string_view sub) {
  std::string line = "ERR unknown subcommand or wrong number of arguments for '";
  line.append(Printable(sub));
  line.append("'. Try ");
  line.append(command);
  line.append(" HELP.");
  return ctx.ReplyWithError(line);
}

// --- MONITOR ---------------------------------------------------------------------------------

// monitorCommand: the session becomes a monitor (the engine pushes it a line per command and
// keeps it off the keyspace). A second MONITOR is ignored without a reply.
Status MonitorCommand(Context& ctx, const Arg*, int) {
  Session& session = ctx.session();
  // Inside EXEC Redis's client is CLIENT_DENY_BLOCKING: it expects one reply per command.
  if (session.tx.in_exec) {
    return ctx.ReplyWithError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  if (session.monitor) return Status::kOk;
  session.monitor = true;
  ctx.engine().observer().AddMonitor();
  return ctx.ReplyWithSimpleString("OK");
}

// --- SLOWLOG ---------------------------------------------------------------------------------

Status SlowlogGetCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 3) return SubcommandSyntaxError(ctx, "SLOWLOG", argv[1]);
  const auto& log = ctx.engine().observer().slowlog();
  int64_t count = 10;
  if (argc == 3) {
    if (!ParseInt64(argv[2], &count) || count < -1) {
      return ctx.ReplyWithError("ERR count should be greater than or equal to -1");
    }
    if (count == -1) count = static_cast<int64_t>(log.size());
  }
  const size_t n = std::min(static_cast<size_t>(count), log.size());
  ctx.ReplyWithArray(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    ctx.ReplyWithArray(6);
    ctx.ReplyWithLongLong(static_cast<int64_t>(e.id));
    ctx.ReplyWithLongLong(e.time_s);
    ctx.ReplyWithLongLong(e.duration_us);
    ctx.ReplyWithArray(e.args.size());
    for (const std::string& a : e.args) ctx.ReplyWithString(a);
    ctx.ReplyWithString(e.addr);
    ctx.ReplyWithString(e.name);
  }
  return Status::kOk;
}

Status SlowlogLenCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(static_cast<int64_t>(ctx.engine().observer().slowlog().size()));
}

Status SlowlogResetCommand(Context& ctx, const Arg*, int) {
  ctx.engine().observer().ResetSlowlog();
  return ctx.ReplyWithSimpleString("OK");
}

Status SlowlogHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
  };
  return ReplyWithHelp(ctx, "SLOWLOG", kHelp);
}

// --- LATENCY ---------------------------------------------------------------------------------
// hashkv keeps no latency events (latency-monitor-threshold stays 0), so LATEST, HISTORY,
// RESET, GRAPH and DOCTOR answer as Redis does with monitoring disabled. HISTOGRAM reports the
// per-command histograms the engine records, as Redis's latency tracking.

Status LatencyLatestCommand(Context& ctx, const Arg*, int) { return ctx.ReplyWithArray(0); }

Status LatencyHistoryCommand(Context& ctx, const Arg*, int) { return ctx.ReplyWithArray(0); }

Status LatencyResetCommand(Context& ctx, const Arg*, int) { return ctx.ReplyWithLongLong(0); }

Status LatencyGraphCommand(Context& ctx, const Arg* argv, int) {
  std::string line = "ERR No samples available for event '";
  std::string_view event = argv[2];
  size_t nul = event.find('\0');
  line.append(nul == std::string_view::npos ? event : event.substr(0, nul));
  line.push_back('\'');
  return ctx.ReplyWithError(line);
}

Status LatencyDoctorCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithVerbatim(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
      "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order "
      "to enable it. If we weren't in a deep space mission I'd suggest to take a look at "
      "https://redis.io/topics/latency-monitor.\n");
}

struct Histogram {
  std::string name;
  const CommandStats* stats;
};

void AddHistogram(const Observer& observer, const CommandSpec& spec, const CommandSpec* parent,
                  std::vector<Histogram>* out) {
  const CommandStats* st = observer.FindStats(spec);
  if (st == nullptr || st->latency_samples == 0) return;
  std::string name;
  if (parent != nullptr) {
    name.append(parent->name);
    name.push_back('|');
  }
  name.append(spec.name);
  out->push_back({std::move(name), st});
}

// A command with its subcommands, as latencySpecificCommandsFillCDF reports a container.
void AddCommandHistograms(const Observer& observer, const CommandSpec& spec,
                          const CommandSpec* parent, std::vector<Histogram>* out) {
  AddHistogram(observer, spec, parent, out);
  for (const CommandSpec& sub : spec.subcommands) AddHistogram(observer, sub, &spec, out);
}

// Redis's lookupCommandBySds: "name" or "container|sub", case-insensitive.
const CommandSpec* LookupByFullName(const CommandTable& table, std::string_view name,
                                    const CommandSpec** parent) {
  *parent = nullptr;
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr || container->subcommands.empty()) return nullptr;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  *parent = container;
  return CommandTable::FindSubcommand(*container, sub);
}

// fillCommandCDF: calls, then the cumulative count at each bucket that adds samples.
void ReplyHistogram(Context& ctx, const CommandStats& st) {
  ctx.ReplyWithMap(2);
  ctx.ReplyWithString("calls");
  ctx.ReplyWithLongLong(static_cast<int64_t>(st.latency_samples));
  ctx.ReplyWithString("histogram_usec");
  size_t samples = 0;
  for (uint64_t n : st.latency) samples += n > 0 ? 1 : 0;
  ctx.ReplyWithMap(samples);
  uint64_t cumulative = 0;
  for (int k = 0; k < CommandStats::kLatencyBuckets; ++k) {
    uint64_t n = st.latency[static_cast<size_t>(k)];
    if (n == 0) continue;
    cumulative += n;
    ctx.ReplyWithLongLong(CommandStats::BucketMicros(k));
    ctx.ReplyWithLongLong(static_cast<int64_t>(cumulative));
  }
}

Status LatencyHistogramCommand(Context& ctx, const Arg* argv, int argc) {
  const CommandTable& table = ctx.engine().commands();
  const Observer& observer = ctx.engine().observer();
  std::vector<Histogram> found;
  if (argc == 2) {
    for (const CommandSpec* spec : table.all()) {
      AddCommandHistograms(observer, *spec, nullptr, &found);
    }
  } else {
    for (int i = 2; i < argc; ++i) {
      const CommandSpec* parent = nullptr;
      const CommandSpec* spec = LookupByFullName(table, argv[i], &parent);
      if (spec != nullptr) AddCommandHistograms(observer, *spec, parent, &found);
    }
  }
  ctx.ReplyWithMap(found.size());
  for (const Histogram& h : found) {
    ctx.ReplyWithString(h.name);
    ReplyHistogram(ctx, *h.stats);
  }
  return Status::kOk;
}

Status LatencyHelpCommand(Context& ctx, const Arg*, int) {
  // One line in Redis's text, longer than ours.
  static constexpr std::string_view kHistogramHelp =
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.";
  static constexpr std::string_view kHelp[] = {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      kHistogramHelp,
      "    If no commands are specified then all histograms are replied.",
  };
  return ReplyWithHelp(ctx, "LATENCY", kHelp);
}

// --- DEBUG -----------------------------------------------------------------------------------
// Only what test suites use on hashes. The dispatcher gates the whole command on
// enable-debug-command (Engine::ObserverAllows), as Redis's CMD_PROTECTED.

// Redis's 24-bit LRU clock in seconds, and estimateObjectIdleTime on it.
constexpr int64_t kLruClockMax = (1 << 24) - 1;
int64_t LruClock(int64_t ms) { return (ms / 1000) & kLruClockMax; }
int64_t IdleSeconds(int64_t now_ms, int64_t access_ms) {
  int64_t now = LruClock(now_ms), then = LruClock(access_ms);
  return now >= then ? now - then : now + (kLruClockMax - then);
}

// rdbSaveLen's size.
size_t RdbLenSize(size_t len) {
  if (len < (1u << 6)) return 1;
  if (len < (1u << 14)) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}

// rdbSaveRawString's size without LZF compression: integers of up to 11 characters are
// stored as 1, 2 or 4 bytes after a type byte.
size_t RdbStringSize(std::string_view s) {
  int64_t v = 0;
  if (s.size() <= 11 && ParseInt64(s, &v)) {
    if (v >= -(1 << 7) && v <= (1 << 7) - 1) return 2;
    if (v >= -(1 << 15) && v <= (1 << 15) - 1) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  }
  return RdbLenSize(s.size()) + s.size();
}

// One listpack element with its back-length (listpack.c lpEncodeGetType and lpEncodeBacklen).
size_t ListpackEntrySize(std::string_view s) {
  size_t size;
  int64_t v = 0;
  if (ParseInt64(s, &v)) {
    if (v >= 0 && v <= 127) {
      size = 1;
    } else if (v >= -4096 && v <= 4095) {
      size = 2;
    } else if (v >= -32768 && v <= 32767) {
      size = 3;
    } else if (v >= -8388608 && v <= 8388607) {
      size = 4;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      size = 5;
    } else {
      size = 9;
    }
  } else if (s.size() < 64) {
    size = 1 + s.size();
  } else if (s.size() < 4096) {
    size = 2 + s.size();
  } else {
    size = 5 + s.size();
  }
  size_t backlen = size <= 127        ? 1
                   : size < 16383     ? 2
                   : size < 2097151   ? 3
                   : size < 268435455 ? 4
                                      : 5;
  return size + backlen;
}

// rdbSavedObjectLen for a hash, without compression: a listpack blob as one string, or a
// length and every field and value as strings.
size_t SerializedLength(const HashValue& hash) {
  if (hash.is_listpack()) {
    size_t bytes = 6 + 1;  // header and end byte
    hash.ForEach([&bytes](std::string_view f, std::string_view v) {
      bytes += ListpackEntrySize(f) + ListpackEntrySize(v);
    });
    return RdbLenSize(bytes) + bytes;
  }
  size_t bytes = RdbLenSize(hash.size());
  hash.ForEach([&bytes](std::string_view f, std::string_view v) {
    bytes += RdbStringSize(f) + RdbStringSize(v);
  });
  return bytes;
}

Status DebugObject(Context& ctx, std::string_view key) {
  // Redis reads the dict directly: no lazy expiry, no touch.
  const HashValue* hash = ctx.db().Peek(key);
  if (hash == nullptr) return ctx.ReplyWithError("ERR no such key");
  const int64_t access_ms = ctx.db().AccessTime(key);
  char line[256];
  std::snprintf(line, sizeof(line),
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%lld "
                "lru_seconds_idle:%lld",
                static_cast<const void*>(hash), hash->is_listpack() ? "listpack" : "hashtable",
                SerializedLength(*hash), static_cast<long long>(LruClock(access_ms)),
                static_cast<long long>(IdleSeconds(ctx.now_ms(), access_ms)));
  return ctx.ReplyWithSimpleString(line);
}

Status DebugHelp(Context& ctx) {
  static constexpr std::string_view kHelp[] = {
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
  };
  return ReplyWithHelp(ctx, "DEBUG", kHelp);
}

Status DebugCommand(Context& ctx, const Arg* argv, int argc) {
  std::string_view sub = argv[1];
  if (argc == 2 && EqualsIgnoreCase(sub, "help")) return DebugHelp(ctx);
  if (argc == 3 && EqualsIgnoreCase(sub, "object")) return DebugObject(ctx, argv[2]);
  if (argc == 3 && EqualsIgnoreCase(sub, "sleep")) {
    // strtod: what does not parse sleeps 0. It blocks everything, as in Redis. Only a positive
    // time, at most 10^9 s, is converted: an out-of-range or NaN conversion is undefined.
    std::string text(argv[2]);
    const double seconds = std::strtod(text.c_str(), nullptr);
    if (seconds > 0) {
      const auto us = static_cast<int64_t>(std::min(seconds, 1e9) * 1000000);
      if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
    }
    return ctx.ReplyWithSimpleString("OK");
  }
  if (argc == 3 && EqualsIgnoreCase(sub, "set-active-expire")) {
    std::string flag(argv[2]);
    ctx.engine().observer().active_expire = std::atoi(flag.c_str()) != 0;
    return ctx.ReplyWithSimpleString("OK");
  }
  return SubcommandSyntaxError(ctx, "DEBUG", sub);
}

constexpr std::string_view kLatencyFlags = "admin noscript loading stale";
constexpr std::string_view kSlowlogFlags = "admin loading stale";

// clang-format off
constexpr CommandSpec kSlowlogSubcommands[] = {
    // name     handler              flags            arity first last step
    {"get",     SlowlogGetCommand,   kSlowlogFlags,   -2,   0,    0,   0, {},
     "Get the slow log's entries", "2.2.12", "server", "[count]"},
    {"len",     SlowlogLenCommand,   kSlowlogFlags,   2,    0,    0,   0, {},
     "Get the slow log's length", "2.2.12", "server", ""},
    {"reset",   SlowlogResetCommand, kSlowlogFlags,   2,    0,    0,   0, {},
     "Clear all entries from the slow log", "2.2.12", "server", ""},
    {"help",    SlowlogHelpCommand,  "loading stale", 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "6.2.0", "server", ""},
};

constexpr CommandSpec kLatencySubcommands[] = {
    // name       handler                  flags            arity first last step
    {"doctor",    LatencyDoctorCommand,    kLatencyFlags,   2,    0,    0,   0, {},
     "Return a human readable latency analysis report.", "2.8.13", "server", ""},
    {"graph",     LatencyGraphCommand,     kLatencyFlags,   3,    0,    0,   0, {},
     "Return a latency graph for the event.", "2.8.13", "server", "event"},
    {"history",   LatencyHistoryCommand,   kLatencyFlags,   3,    0,    0,   0, {},
     "Return timestamp-latency samples for the event.", "2.8.13", "server", "event"},
    {"latest",    LatencyLatestCommand,    kLatencyFlags,   2,    0,    0,   0, {},
     "Return the latest latency samples for all events.", "2.8.13", "server", ""},
    {"reset",     LatencyResetCommand,     kLatencyFlags,   -2,   0,    0,   0, {},
     "Reset latency data for one or more events.", "2.8.13", "server", "[event [event ...]]"},
    {"histogram", LatencyHistogramCommand, kLatencyFlags,   -2,   0,    0,   0, {},
     "Return the cumulative distribution of latencies of a subset of commands or all.",
     "7.0.0", "server", "[command [command ...]]"},
    {"help",      LatencyHelpCommand,      "loading stale", 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands.", "2.8.13", "server", ""},
};

constexpr CommandSpec kObserveCommands[] = {
    // name     handler         flags                          arity first last step
    {"monitor", MonitorCommand, "admin noscript loading stale", 1,    0,    0,   0, {},
     "Listen for all requests received by the server in real time", "1.0.0", "server", ""},
    {"slowlog", nullptr,        "",                            -2,   0,    0,   0,
     kSlowlogSubcommands, "A container for slow log commands", "2.2.12", "server", ""},
    {"latency", nullptr,        "",                            -2,   0,    0,   0,
     kLatencySubcommands, "A container for latency diagnostics commands", "2.8.13", "server",
     ""},
    {"debug",   DebugCommand,   "admin noscript loading stale", -2,   0,    0,   0, {},
     "A container for debugging commands", "1.0.0", "server", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ObserveCommands() { return kObserveCommands; }

}  // namespace hashkv
