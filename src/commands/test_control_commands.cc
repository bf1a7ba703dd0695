// HASHKV.CLOCK / HASHKV.ERROR / HASHKV.LOG / HASHKV.RESET: the test-double controls over the
// wire, for tests written in any language. Registered only with --enable-test-controls.
#include <absl/strings/ascii.h>

#include <algorithm>
#include <chrono>

#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/reply_help.h"
#include "engine/test_controls.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

TestControls& Controls(Context& ctx) { return ctx.engine().controls(); }

// The wall clock, for turning "now" into the offset a running virtual clock keeps.
int64_t RealUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- HASHKV.CLOCK ----------------------------------------------------------------------------

Status ClockGetCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(ctx.engine().NowMs());
}

Status ClockFreezeCommand(Context& ctx, const Arg*, int) {
  Controls(ctx).Freeze(RealUs());
  return ctx.ReplyWithSimpleString("OK");
}

Status ClockAdvanceCommand(Context& ctx, const Arg* argv, int) {
  int64_t ms = 0;
  if (!ParseInt64(argv[2], &ms)) return Status::kNotInteger;
  if (!Controls(ctx).Advance(ms, RealUs())) return ctx.ReplyWithError("ERR invalid milliseconds");
  return ctx.ReplyWithLongLong(ctx.engine().NowMs());
}

Status ClockSetCommand(Context& ctx, const Arg* argv, int) {
  int64_t ms = 0;
  if (!ParseInt64(argv[2], &ms)) return Status::kNotInteger;
  if (ms < 0 || ms > TestControls::kMaxUnixMs)
    return ctx.ReplyWithError("ERR invalid milliseconds");
  Controls(ctx).SetNow(ms, RealUs());
  return ctx.ReplyWithSimpleString("OK");
}

Status ClockRealtimeCommand(Context& ctx, const Arg*, int) {
  Controls(ctx).Realtime();
  return ctx.ReplyWithSimpleString("OK");
}

Status ClockHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "GET",
      "    Return the server's time in unix milliseconds.",
      "FREEZE",
      "    Stop the clock: TTLs stop running until ADVANCE, SET or REALTIME.",
      "ADVANCE <milliseconds>",
      "    Move the clock forward; keys whose TTL passes expire at once.",
      "SET <unix-milliseconds>",
      "    Set the clock (a frozen clock stays frozen, a running one keeps running).",
      "REALTIME",
      "    Go back to the real clock.",
  };
  return ReplyWithHelp(ctx, "HASHKV.CLOCK", kHelp);
}

// --- HASHKV.ERROR ----------------------------------------------------------------------------

Status ErrorSetCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 4) return ctx.WrongArity();
  if (argc == 3) {
    Controls(ctx).SetError("", argv[2]);
    return ctx.ReplyWithSimpleString("OK");
  }
  std::string name = absl::AsciiStrToLower(absl::string_view(argv[2].data(), argv[2].size()));
  if (ctx.engine().commands().Find(name) == nullptr) {
    return ctx.ReplyWithError("ERR no such command '" + std::string(argv[2]) + "'");
  }
  Controls(ctx).SetError(name, argv[3]);
  return ctx.ReplyWithSimpleString("OK");
}

Status ErrorClearCommand(Context& ctx, const Arg*, int) {
  Controls(ctx).ClearErrors();
  return ctx.ReplyWithSimpleString("OK");
}

Status ErrorHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "SET [<command>] <message>",
      "    Answer every command, or only <command>, with the error <message> (\"ERR \" is",
      "    prepended unless the message starts with an upper-case error code).",
      "CLEAR",
      "    Remove every injected error.",
  };
  return ReplyWithHelp(ctx, "HASHKV.ERROR", kHelp);
}

// --- HASHKV.LOG ------------------------------------------------------------------------------

Status LogGetCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 3) return ctx.WrongArity();
  const auto& log = Controls(ctx).log();
  size_t count = log.size();
  if (argc == 3) {
    int64_t n = 0;
    if (!ParseInt64(argv[2], &n)) return Status::kNotInteger;
    if (n < 0) return Status::kNotPositive;
    count = std::min(count, static_cast<size_t>(n));
  }
  ctx.ReplyWithArray(count);
  for (size_t i = log.size() - count; i < log.size(); ++i) {
    ctx.ReplyWithArray(log[i].size());
    for (const std::string& arg : log[i]) ctx.ReplyWithString(arg);
  }
  return Status::kOk;
}

Status LogLenCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(static_cast<int64_t>(Controls(ctx).log().size()));
}

Status LogResetCommand(Context& ctx, const Arg*, int) {
  Controls(ctx).ClearLog();
  return ctx.ReplyWithSimpleString("OK");
}

Status LogHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "GET [<count>]",
      "    Return the commands clients sent, oldest first (the newest <count> only).",
      "LEN",
      "    Return the number of commands in the log.",
      "RESET",
      "    Empty the log.",
  };
  return ReplyWithHelp(ctx, "HASHKV.LOG", kHelp);
}

// --- HASHKV.RESET ----------------------------------------------------------------------------

Status ResetCommand(Context& ctx, const Arg*, int) {
  // Through FLUSHALL itself, so WATCHers and keyspace statistics see it as any flush.
  ctx.Call("flushall");
  Controls(ctx).Reset();
  return ctx.ReplyWithSimpleString("OK");
}

// clang-format off
constexpr std::string_view kFlags = "admin noscript loading stale";

constexpr CommandSpec kClockSubcommands[] = {
    // name      handler               flags   arity first last step
    {"get",      ClockGetCommand,      kFlags, 2,    0,    0,   0, {},
     "Return the server's time in unix milliseconds", "0.1.0", "hashkv", ""},
    {"freeze",   ClockFreezeCommand,   kFlags, 2,    0,    0,   0, {},
     "Stop the server's clock", "0.1.0", "hashkv", ""},
    {"advance",  ClockAdvanceCommand,  kFlags, 3,    0,    0,   0, {},
     "Move the server's clock forward", "0.1.0", "hashkv", "milliseconds"},
    {"set",      ClockSetCommand,      kFlags, 3,    0,    0,   0, {},
     "Set the server's clock", "0.1.0", "hashkv", "unix-milliseconds"},
    {"realtime", ClockRealtimeCommand, kFlags, 2,    0,    0,   0, {},
     "Return to the real clock", "0.1.0", "hashkv", ""},
    {"help",     ClockHelpCommand,     kFlags, 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "0.1.0", "hashkv", ""},
};

constexpr CommandSpec kErrorSubcommands[] = {
    {"set",      ErrorSetCommand,      kFlags, -3,   0,    0,   0, {},
     "Answer every command, or one command, with an error", "0.1.0", "hashkv",
     "[command] message"},
    {"clear",    ErrorClearCommand,    kFlags, 2,    0,    0,   0, {},
     "Remove every injected error", "0.1.0", "hashkv", ""},
    {"help",     ErrorHelpCommand,     kFlags, 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "0.1.0", "hashkv", ""},
};

constexpr CommandSpec kLogSubcommands[] = {
    {"get",      LogGetCommand,        kFlags, -2,   0,    0,   0, {},
     "Return the commands clients sent", "0.1.0", "hashkv", "[count]"},
    {"len",      LogLenCommand,        kFlags, 2,    0,    0,   0, {},
     "Return the length of the command log", "0.1.0", "hashkv", ""},
    {"reset",    LogResetCommand,      kFlags, 2,    0,    0,   0, {},
     "Empty the command log", "0.1.0", "hashkv", ""},
    {"help",     LogHelpCommand,       kFlags, 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "0.1.0", "hashkv", ""},
};

constexpr CommandSpec kTestControlCommands[] = {
    {"hashkv.clock", nullptr,         "",     -2,   0,    0,   0, kClockSubcommands,
     "A container for the test clock", "0.1.0", "hashkv", ""},
    {"hashkv.error", nullptr,         "",     -2,   0,    0,   0, kErrorSubcommands,
     "A container for injected errors", "0.1.0", "hashkv", ""},
    {"hashkv.log",   nullptr,         "",     -2,   0,    0,   0, kLogSubcommands,
     "A container for the command log", "0.1.0", "hashkv", ""},
    {"hashkv.reset", ResetCommand,    kFlags, 1,    0,    0,   0, {},
     "Flush all data and reset the clock, injected errors and command log", "0.1.0", "hashkv",
     ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> TestControlCommands() { return kTestControlCommands; }

}  // namespace hashkv
