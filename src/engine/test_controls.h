// The test-double controls: a settable clock, injected error replies and a log of the commands
// clients sent. The C++ API (hashkv::Server) and the HASHKV.* wire commands both drive this one
// state, on the loop thread.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hashkv/command.h"

namespace hashkv {

class TestControls {
 public:
  // The clock: real time, moved by an offset, or frozen. Everything the engine dates (expiry,
  // TTL, TIME, idle times) reads it through Engine::NowMs/NowUs.
  bool clock_overridden() const { return frozen_ || offset_us_ != 0; }
  bool clock_frozen() const { return frozen_; }
  int64_t NowUs(int64_t real_us) const { return frozen_ ? frozen_us_ : real_us + offset_us_; }
  void Freeze(int64_t real_us);
  // The clock never goes past the end of year 9999 (nor would an int64 of microseconds last).
  static constexpr int64_t kMaxUnixMs = 253402300799999;
  // Frozen: stays frozen, later; running: runs ahead. False, and the clock unmoved, for a
  // negative step or one past kMaxUnixMs.
  bool Advance(int64_t ms, int64_t real_us);
  void SetNow(int64_t unix_ms, int64_t real_us);  // 0 <= unix_ms <= kMaxUnixMs
  void Realtime();

  // Injected errors: `command` empty for every command, else a lower-case command name (a
  // container's subcommands answer as the container). The reply line is Redis-shaped: "ERR "
  // is prepended unless the message starts with an upper-case error code.
  void SetError(std::string_view command, std::string_view message);
  void ClearErrors();
  bool has_errors() const { return !errors_.empty(); }
  // The error line for a command named `name` (lower case), or nullptr; the every-command
  // rule counts only when `every` is true.
  const std::string* ErrorFor(std::string_view name, bool every) const;

  // The command log (what clients sent, newest kept up to kMaxLog).
  static constexpr size_t kMaxLog = 100000;
  bool logging() const { return logging_; }
  void set_logging(bool on) { logging_ = on; }
  void Record(std::span<const Arg> argv);
  const std::deque<std::vector<std::string>>& log() const { return log_; }
  void ClearLog() { log_.clear(); }

  // Clock to real time, no errors, empty log.
  void Reset();

 private:
  bool frozen_ = false;
  int64_t frozen_us_ = 0;
  int64_t offset_us_ = 0;
  struct Rule {
    std::string command;  // empty: every command
    std::string line;
  };
  std::vector<Rule> errors_;
  bool logging_ = false;
  std::deque<std::vector<std::string>> log_;
};

// The error line a message becomes: a message starting with an all-capitals word keeps it as
// its error code, any other gets "ERR "; line breaks, which RESP cannot carry, become spaces.
std::string InjectedErrorLine(std::string_view message);

}  // namespace hashkv
