// Dispatcher stage for injected errors and the command log, and the clock arithmetic.
#include "engine/test_controls.h"

#include <algorithm>

#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {

void TestControls::Freeze(int64_t real_us) {
  frozen_us_ = NowUs(real_us);
  frozen_ = true;
}

bool TestControls::Advance(int64_t ms, int64_t real_us) {
  if (ms < 0 || ms > kMaxUnixMs - NowUs(real_us) / 1000) return false;
  (frozen_ ? frozen_us_ : offset_us_) += ms * 1000;
  return true;
}

void TestControls::SetNow(int64_t unix_ms, int64_t real_us) {
  if (frozen_) {
    frozen_us_ = unix_ms * 1000;
  } else {
    offset_us_ = unix_ms * 1000 - real_us;
  }
}

void TestControls::Realtime() {
  frozen_ = false;
  offset_us_ = 0;
}

std::string InjectedErrorLine(std::string_view message) {
  while (!message.empty() && message.front() == '-') message.remove_prefix(1);
  const size_t word_end = std::min(message.find(' '), message.size());
  const bool has_code = word_end > 0 && std::all_of(message.begin(), message.begin() + word_end,
                                                    [](char c) { return c >= 'A' && c <= 'Z'; });
  std::string line = has_code ? std::string() : std::string("ERR ");
  line.append(message);
  std::replace(line.begin(), line.end(), '\r', ' ');
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

void TestControls::SetError(std::string_view command, std::string_view message) {
  std::string line = InjectedErrorLine(message);
  for (Rule& rule : errors_) {
    if (rule.command == command) {
      rule.line = std::move(line);
      return;
    }
  }
  errors_.push_back({std::string(command), std::move(line)});
}

void TestControls::ClearErrors() { errors_.clear(); }

const std::string* TestControls::ErrorFor(std::string_view name, bool every) const {
  const std::string* all = nullptr;
  for (const Rule& rule : errors_) {
    if (rule.command == name) return &rule.line;  // a command's own rule wins over "every"
    if (rule.command.empty() && every) all = &rule.line;
  }
  return all;
}

void TestControls::Record(std::span<const Arg> argv) {
  if (log_.size() >= kMaxLog) log_.pop_front();
  std::vector<std::string>& entry = log_.emplace_back();
  entry.reserve(argv.size());
  for (const Arg& a : argv) entry.emplace_back(a);
}

void TestControls::Reset() {
  Realtime();
  ClearErrors();
  ClearLog();
}

namespace {

// The HASHKV.* family is the test's own remote control: never logged, never failed.
bool IsControlCommand(const CommandSpec& spec) { return spec.group == "hashkv"; }

}  // namespace

void Engine::RecordIfLogging(const Session& session, const CommandSpec* spec,
                             std::span<const Arg> argv) {
  if (!controls_->logging() || session.internal) return;
  // By name, so a mistyped HASHKV.* subcommand stays out of the log too.
  constexpr std::string_view kPrefix = "hashkv.";
  if ((spec != nullptr && IsControlCommand(*spec)) ||
      (argv[0].size() >= kPrefix.size() &&
       EqualsIgnoreCase(argv[0].substr(0, kPrefix.size()), kPrefix))) {
    return;
  }
  controls_->Record(argv);
}

bool Engine::ControlsAllow(const Session& session, const CommandSpec& spec,
                           const CommandSpec* parent, std::string* error) const {
  if (!controls_->has_errors() || session.internal || IsControlCommand(spec)) return true;
  // Connection handling (AUTH, HELLO, QUIT, RESET: the no-auth commands) is left out of
  // "every command", so clients can still connect, log in and close; naming one fails it too.
  const CommandSpec& command = parent != nullptr ? *parent : spec;
  const bool every = (command.flag_bits & kFlagNoAuth) == 0;
  const std::string* line = controls_->ErrorFor(command.name, every);
  if (line == nullptr) return true;
  *error = *line;
  return false;
}

}  // namespace hashkv
