// The transactions family (Redis 7.0's multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing
// itself is a dispatcher stage (Engine::QueueIfInMulti, src/engine/transaction.cc).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "engine/session.h"
#include "engine/transaction.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"
#include "protocol/resp_writer.h"

namespace hashkv {
namespace {

Status MultiCommand(Context& ctx, const Arg*, int) {
  Transaction& tx = ctx.session().tx;
  if (tx.in_multi) return ctx.ReplyWithError("ERR MULTI calls can not be nested");
  tx.in_multi = true;
  return ctx.ReplyWithSimpleString("OK");
}

Status DiscardCommand(Context& ctx, const Arg*, int) {
  if (!ctx.session().tx.in_multi) return ctx.ReplyWithError("ERR DISCARD without MULTI");
  DiscardTransaction(ctx.engine().watches(), ctx.session());
  return ctx.ReplyWithSimpleString("OK");
}

Status ExecCommand(Context& ctx, const Arg*, int) {
  Session& session = ctx.session();
  Transaction& tx = session.tx;
  Engine& engine = ctx.engine();
  WatchRegistry& watches = engine.watches();
  if (!tx.in_multi) return ctx.ReplyWithError("ERR EXEC without MULTI");
  // A key alive when WATCHed that has expired since fails the EXEC even if not yet reaped.
  if (!tx.dirty_cas && watches.AnyWatchedKeyExpired(ctx.keyspace(), session, ctx.now_ms())) {
    tx.dirty_cas = true;
  }
  if (tx.dirty_exec || tx.dirty_cas) {
    const bool queue_error = tx.dirty_exec;
    DiscardTransaction(watches, session);
    if (queue_error) {
      return ctx.ReplyWithError("EXECABORT Transaction discarded because of previous errors.");
    }
    return ctx.ReplyWithNullArray();
  }

  watches.UnwatchAll(session);
  // The session stays in MULTI while the queue runs (CLIENT LIST shows 'x' and the count).
  tx.in_exec = true;
  std::string& out = ctx.writer().buffer();
  ctx.ReplyWithArray(tx.queue.size());
  std::vector<Arg> argv;
  // Everything below runs on this thread with the clock snapshot taken for EXEC, so the queue
  // is atomic. Each command counts in the stats as if sent alone, as Redis's call().
  for (size_t i = 0; i < tx.queue.size(); ++i) {
    const QueuedCommand command = tx.queue[i];
    tx.ArgsOf(command, &argv);
    // A writer per command: a HELLO in the queue changes the protocol of the replies after it.
    RespWriter writer(out, session.resp);
    engine.Call(session, *command.spec, command.parent, argv, writer);
  }
  tx.in_exec = false;
  DiscardTransaction(watches, session);
  return Status::kOk;
}

Status WatchCommand(Context& ctx, const Arg* argv, int argc) {
  Session& session = ctx.session();
  // Not a queue-time error: the transaction stays valid.
  if (session.tx.in_multi) return ctx.ReplyWithError("ERR WATCH inside MULTI is not allowed");
  // A dirty session's EXEC fails whatever else changes, so new watches would be dead weight.
  if (!session.tx.dirty_cas) {
    WatchRegistry& watches = ctx.engine().watches();
    for (int i = 1; i < argc; ++i) {
      watches.Watch(ctx.keyspace(), session, session.db, argv[i], ctx.now_ms());
    }
  }
  return ctx.ReplyWithSimpleString("OK");
}

Status UnwatchCommand(Context& ctx, const Arg*, int) {
  ctx.engine().watches().UnwatchAll(ctx.session());
  ctx.session().tx.dirty_cas = false;
  return ctx.ReplyWithSimpleString("OK");
}

constexpr std::string_view kGroup = "transactions";
constexpr std::string_view kFlags = "noscript loading stale fast allow-busy";

// clang-format off
constexpr CommandSpec kMultiCommands[] = {
    // name, handler, flags, arity, first key, last key, step, subcommands, then summary, since,
    // group, syntax: as Redis 7.0.15's command table and COMMAND DOCS.
    {"multi", MultiCommand, kFlags, 1, 0, 0, 0, {},
     "Mark the start of a transaction block", "1.2.0", kGroup, ""},
    {"exec", ExecCommand, "noscript loading stale skip-slowlog", 1, 0, 0, 0, {},
     "Execute all commands issued after MULTI", "1.2.0", kGroup, ""},
    {"discard", DiscardCommand, kFlags, 1, 0, 0, 0, {},
     "Discard all commands issued after MULTI", "2.0.0", kGroup, ""},
    {"watch", WatchCommand, kFlags, -2, 1, -1, 1, {},
     "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", kGroup,
     "key [key ...]"},
    {"unwatch", UnwatchCommand, kFlags, 1, 0, 0, 0, {},
     "Forget about all watched keys", "2.2.0", kGroup, ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> MultiCommands() { return kMultiCommands; }

}  // namespace hashkv
