// What the engine records around each command: Redis 7.0's call() bookkeeping (commandstats,
// failed and rejected calls, errorstats, latency histograms, slowlog, MONITOR feed) and the
// processCommand checks that belong to it (protected DEBUG, MONITOR clients off the keyspace).
#include "engine/observer.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>

#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

// slowlog.h
constexpr size_t kSlowlogMaxArgc = 32;
constexpr size_t kSlowlogMaxString = 128;
// server.h ERROR_STATS_NUMBER: distinct error codes tracked at most.
constexpr size_t kMaxErrorCodes = 128;

constexpr std::string_view kRedacted = "(redacted)";

// Redis's islocalClient: loopback peers (and, here, in-process sessions, which have no peer).
bool IsLocal(const Session& session) {
  std::string_view addr = session.addr();
  return addr.empty() || addr.starts_with("127.0.0.1:") || addr.starts_with("[::1]:");
}

// helloCommand's option loop: the version must parse, then AUTH's two arguments are redacted
// as the loop meets them; it stops at the first bad option.
bool HelloRedacts(std::span<const Arg> argv, size_t i) {
  if (argv.size() < 2) return false;
  int64_t version = 0;
  if (!ParseInt64(argv[1], &version) || version < 2 || version > 3) return false;
  for (size_t j = 2; j < argv.size(); ++j) {
    const size_t more = argv.size() - 1 - j;
    if (EqualsIgnoreCase(argv[j], "auth") && more >= 2) {
      if (i == j + 1 || i == j + 2) return true;
      j += 2;
    } else if (EqualsIgnoreCase(argv[j], "setname") && more >= 1) {
      ++j;
    } else {
      return false;
    }
  }
  return false;
}

}  // namespace

// --- CommandStats

void CommandStats::RecordLatency(int64_t usec) {
  // updateCommandLatencyHistogram: nanoseconds clamped to the histogram's 1 ns .. 1 s range.
  int64_t ns = usec * 1000;
  if (ns < 1) ns = 1;
  if (ns > 1000000000) ns = 1000000000;
  // The first k with ns < 1032 * 2^k, i.e. the bit width of ns / 1032.
  int k = static_cast<int>(std::bit_width(static_cast<uint64_t>(ns) / 1032));
  if (k >= kLatencyBuckets) k = kLatencyBuckets - 1;
  ++latency[static_cast<size_t>(k)];
  ++latency_samples;
}

int64_t CommandStats::BucketMicros(int k) { return ((int64_t{1032} << k) - 1) / 1000; }

// --- Observer

CommandStats& Observer::StatsFor(const CommandSpec& spec, const CommandSpec* parent) {
  if (last_spec_ == &spec) return *last_stats_;
  auto [it, inserted] = stats_.try_emplace(&spec);
  if (inserted) {
    it->second.parent = parent;
    it->second.flags = spec.flag_bits;
  }
  last_spec_ = &spec;
  last_stats_ = &it->second;
  return it->second;
}

const CommandStats* Observer::FindStats(const CommandSpec& spec) const {
  auto it = stats_.find(&spec);
  return it == stats_.end() ? nullptr : &it->second;
}

void Observer::ResetStats() {
  for (auto& [spec, st] : stats_) {
    CommandStats fresh;
    fresh.parent = st.parent;
    fresh.flags = st.flags;
    st = fresh;
  }
  errors_.clear();
}

// afterErrorReply: the code is the first word when the line has one within 32 bytes.
void Observer::CountError(std::string_view line) {
  std::string_view code = "ERR";
  size_t space = line.substr(0, 32).find(' ');
  if (space != std::string_view::npos && space > 0) code = line.substr(0, space);
  auto it = errors_.find(code);
  if (it != errors_.end()) {
    ++it->second;
  } else if (errors_.size() < kMaxErrorCodes) {
    errors_.emplace(std::string(code), 1);
  }
}

// slowlogCreateEntry.
void Observer::PushSlowlog(const Session& session, const CommandSpec& spec,
                           const CommandSpec* parent, std::span<const Arg> argv,
                           int64_t duration_us, int64_t max_len) {
  SlowlogEntry entry;
  entry.id = next_slowlog_id_++;
  entry.time_s = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  entry.duration_us = duration_us;
  const size_t argc = std::min(argv.size(), kSlowlogMaxArgc);
  entry.args.reserve(argc);
  for (size_t j = 0; j < argc; ++j) {
    if (argc != argv.size() && j == argc - 1) {
      entry.args.push_back("... (" + std::to_string(argv.size() - argc + 1) + " more arguments)");
    } else if (IsRedactedArg(spec, parent, argv, j)) {
      entry.args.emplace_back(kRedacted);
    } else if (argv[j].size() > kSlowlogMaxString) {
      std::string s(argv[j].substr(0, kSlowlogMaxString));
      s += "... (" + std::to_string(argv[j].size() - kSlowlogMaxString) + " more bytes)";
      entry.args.push_back(std::move(s));
    } else {
      entry.args.emplace_back(argv[j]);
    }
  }
  entry.addr = session.addr();
  entry.name = session.name;
  slowlog_.push_front(std::move(entry));
  TrimSlowlog(max_len);
}

void Observer::TrimSlowlog(int64_t max_len) {
  while (static_cast<int64_t>(slowlog_.size()) > max_len) slowlog_.pop_back();
}

// replicationFeedMonitors: "+<sec>.<usec> [<db> <addr>] "arg" "arg"...".
std::string Observer::MonitorLine(const Session& session, const CommandSpec& spec,
                                  const CommandSpec* parent, std::span<const Arg> argv,
                                  int64_t now_us) {
  char head[64];
  std::snprintf(head, sizeof(head), "+%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
                static_cast<long long>(now_us % 1000000), session.db);
  std::string line = head;
  line += session.addr();
  line += "] ";
  for (size_t j = 0; j < argv.size(); ++j) {
    if (j > 0) line.push_back(' ');
    AppendRepr(&line, IsRedactedArg(spec, parent, argv, j) ? kRedacted : argv[j]);
  }
  line += "\r\n";
  return line;
}

bool IsRedactedArg(const CommandSpec& spec, const CommandSpec* parent, std::span<const Arg> argv,
                   size_t i) {
  if (i == 0 || parent != nullptr) return false;
  // authCommand redacts after its argument count check: AUTH with too many arguments shows.
  if (spec.name == "auth") return argv.size() <= 3;
  if (spec.name == "hello") return HelloRedacts(argv, i);
  return false;
}

void AppendRepr(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\':
      case '"':
        out->push_back('\\');
        out->push_back(c);
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default: {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
          out->push_back(c);
        } else {
          char buf[5];
          std::snprintf(buf, sizeof(buf), "\\x%02x", u);
          out->append(buf);
        }
      }
    }
  }
  out->push_back('"');
}

// --- Engine stages

bool Engine::ObserverAllows(const Session& session, const CommandSpec& spec,
                            std::string* error) const {
  // processCommand's CMD_PROTECTED check, before authentication.
  if (spec.name == "debug" && config_.enable_debug_command != "yes" &&
      !(config_.enable_debug_command == "local" && IsLocal(session))) {
    *error =
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.";
    return false;
  }
  // MONITOR makes the client a replica in Redis, and replicas may not touch the keyspace.
  if (session.monitor && (spec.flag_bits & (kFlagWrite | kFlagReadonly | kFlagMayReplicate)) != 0) {
    *error = "ERR Replica can't interact with the keyspace";
    return false;
  }
  return true;
}

void Engine::CountErrorReply(std::string_view line) {
  ++stats_.total_error_replies;
  observer_->CountError(line);
}

void Engine::CountRejected(const CommandSpec* spec, const CommandSpec* parent,
                           std::span<const Arg> argv) {
  if (spec == nullptr) {
    // Resolve failed. An arity error still names a command, which Redis counts; an unknown
    // command or subcommand names none.
    spec = commands_->Find(argv[0]);
    if (spec == nullptr) return;
    if (!spec->subcommands.empty() && argv.size() >= 2) {
      const CommandSpec* sub = CommandTable::FindSubcommand(*spec, argv[1]);
      if (sub == nullptr) return;
      parent = spec;
      spec = sub;
    }
  }
  ++observer_->StatsFor(*spec, parent).rejected_calls;
}

void Engine::AfterCommand(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                          std::span<const Arg> argv, int64_t us) {
  Observer& obs = *observer_;
  CommandStats& st = obs.StatsFor(spec, parent);
  ++st.calls;
  st.usec += static_cast<uint64_t>(us);
  if (config_.latency_tracking) st.RecordLatency(us);
  if (stats_.total_error_replies > obs.prev_error_count) ++st.failed_calls;
  obs.prev_error_count = stats_.total_error_replies;
  const uint32_t flags = st.flags;

  // slowlogPushCurrentCommand: a disabled slowlog (negative threshold) is not even trimmed.
  const int64_t slower_than = config_.slowlog_log_slower_than;
  if (slower_than >= 0 && (flags & kFlagSkipSlowlog) == 0) {
    if (us >= slower_than) {
      obs.PushSlowlog(session, spec, parent, argv, us, config_.slowlog_max_len);
    } else if (static_cast<int64_t>(obs.slowlog().size()) > config_.slowlog_max_len) {
      obs.TrimSlowlog(config_.slowlog_max_len);
    }
  }

  if (obs.has_monitors() && (flags & (kFlagAdmin | kFlagSkipMonitor)) == 0 && !session.internal) {
    std::string line;
    size_t monitors = 0;
    ForEachSession([&](Session& s) {
      if (!s.monitor) return;
      ++monitors;
      // CLIENT REPLY OFF silences a monitor too, and a closing one (QUIT) gets nothing more, as
      // Redis's prepareClientToWrite; in-process sessions have nowhere to push.
      if (s.hooks == nullptr || s.reply_mode == Session::ReplyMode::kOff || s.close_after_reply) {
        return;
      }
      if (line.empty()) {
        const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        line = Observer::MonitorLine(session, spec, parent, argv, now_us);
      }
      s.hooks->Push(line);
    });
    obs.set_monitor_count(monitors);
  }
}

}  // namespace hashkv
