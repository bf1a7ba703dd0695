// Per-command statistics, the slowlog and MONITOR feeds: what the engine records about the
// commands it runs (Redis's commandstats, errorstats, slowlog.c, latency histograms, monitors).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "hashkv/command.h"

namespace hashkv {

class Session;

// One command's counters: INFO commandstats' fields and LATENCY HISTOGRAM's cumulative
// distribution. Subcommands have their own.
struct CommandStats {
  // Redis records latencies in an hdr_histogram (1 ns .. 1 s, 2 significant digits) and
  // reports it with a base-2 logarithmic iteration starting at 1024 ns; bucket k holds the
  // samples below 1032 * 2^k ns, the bound that iteration reports.
  static constexpr int kLatencyBuckets = 21;

  const CommandSpec* parent = nullptr;  // the container, for names like 'client|list'
  uint32_t flags = 0;                   // parsed once, so the hot path never reads flag words
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
  uint64_t latency_samples = 0;
  std::array<uint64_t, kLatencyBuckets> latency{};

  void RecordLatency(int64_t usec);
  // The microsecond bound LATENCY HISTOGRAM prints for bucket k.
  static int64_t BucketMicros(int k);
};

struct SlowlogEntry {
  uint64_t id = 0;
  int64_t time_s = 0;             // unix seconds when logged
  int64_t duration_us = 0;        // execution time
  std::vector<std::string> args;  // at most 32, each cut at 128 bytes, as Redis keeps them
  std::string addr;
  std::string name;
};

class Observer {
 public:
  // --- Command statistics (keyed by spec pointer: no string hashing per command).
  CommandStats& StatsFor(const CommandSpec& spec, const CommandSpec* parent);
  const CommandStats* FindStats(const CommandSpec& spec) const;
  // CONFIG RESETSTAT: command and error statistics start over (the slowlog stays).
  void ResetStats();

  // --- errorstats: one counter per error code (the reply's first word), sorted by code.
  void CountError(std::string_view line);
  const std::map<std::string, uint64_t, std::less<>>& error_counts() const { return errors_; }

  // Redis's prev_err_count in call(): the error-reply total when the running command started;
  // an EXEC's queued commands move it, so their errors do not fail the EXEC too.
  uint64_t prev_error_count = 0;

  // --- Slowlog, newest first.
  void PushSlowlog(const Session& session, const CommandSpec& spec, const CommandSpec* parent,
                   std::span<const Arg> argv, int64_t duration_us, int64_t max_len);
  void TrimSlowlog(int64_t max_len);
  const std::deque<SlowlogEntry>& slowlog() const { return slowlog_; }
  void ResetSlowlog() { slowlog_.clear(); }

  // --- MONITOR. A hint, not a list: sessions carry the flag and the feed recounts them, so a
  // monitor that disconnects or RESETs needs no bookkeeping here.
  void AddMonitor() { ++monitors_; }
  bool has_monitors() const { return monitors_ > 0; }
  void set_monitor_count(size_t n) { monitors_ = n; }
  // The line MONITOR clients receive for a command run by `session` (Redis's
  // replicationFeedMonitors), with `now_us` as its timestamp.
  static std::string MonitorLine(const Session& session, const CommandSpec& spec,
                                 const CommandSpec* parent, std::span<const Arg> argv,
                                 int64_t now_us);

  // --- DEBUG SET-ACTIVE-EXPIRE: the cron reaps expired keys only while this is on.
  bool active_expire = true;

 private:
  absl::flat_hash_map<const CommandSpec*, CommandStats> stats_;
  // The last StatsFor() answer, as a client usually repeats its command. Every insertion (which
  // may move the map's values) goes through StatsFor and replaces it, so it is never stale.
  const CommandSpec* last_spec_ = nullptr;
  CommandStats* last_stats_ = nullptr;
  std::map<std::string, uint64_t, std::less<>> errors_;
  std::deque<SlowlogEntry> slowlog_;
  uint64_t next_slowlog_id_ = 0;
  size_t monitors_ = 0;
};

// Whether argv[i] is shown as "(redacted)" in MONITOR and the slowlog: AUTH's and HELLO
// AUTH's credentials, as Redis's redactClientCommandArgument.
bool IsRedactedArg(const CommandSpec& spec, const CommandSpec* parent, std::span<const Arg> argv,
                   size_t i);

// Redis's sdscatrepr: a double-quoted, escaped rendering of arbitrary bytes.
void AppendRepr(std::string* out, std::string_view s);

}  // namespace hashkv
