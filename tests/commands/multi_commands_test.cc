// In-process tests of MULTI, EXEC, DISCARD, WATCH and UNWATCH: exact reply bytes and error texts
// of Redis 7.0.15, and which changes invalidate a WATCH.
#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/session.h"
#include "engine/transaction.h"
#include "engine_support.h"
#include "hashkv/engine.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

constexpr std::string_view kOk = "+OK\r\n";
constexpr std::string_view kQueued = "+QUEUED\r\n";
constexpr std::string_view kNullArray = "*-1\r\n";
constexpr std::string_view kExecAbort =
    "-EXECABORT Transaction discarded because of previous errors.\r\n";

using Client = testing::EngineClient;

// An expired key the store has not reaped yet, as if its TTL ran out between commands.
void ExpireNow(EngineDriver& d, std::string_view key, int db = 0) {
  d.engine().keyspace().db(db).SetExpire(key, d.engine().NowMs() - 1);
}

// WATCH key, then MULTI/EXEC with one HGET: the EXEC reply tells whether the watch held.
std::string ExecAfterWatch(EngineDriver& d) {
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGET", "nothing", "f"}), kQueued);
  return d.Run({"EXEC"});
}
constexpr std::string_view kExecRan = "*1\r\n$-1\r\n";

// --- MULTI, EXEC, DISCARD

TEST(MultiCommandsTest, ExecRunsTheQueueInOrder) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), kQueued);
  EXPECT_EQ(d.Run({"HLEN", "h"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), kQueued);
  // Nothing ran yet.
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
  EXPECT_EQ(d.Run({"EXEC"}), "*4\r\n:1\r\n$1\r\nv\r\n:1\r\n$1\r\nv\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST(MultiCommandsTest, EmptyTransaction) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"EXEC"}), "*0\r\n");
  EXPECT_EQ(d.Run({"multi"}), kOk);
  EXPECT_EQ(d.Run({"exec"}), "*0\r\n");
}

TEST(MultiCommandsTest, ExecAndDiscardWithoutMulti) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(d.Run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
}

TEST(MultiCommandsTest, Arity) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI", "x"}), "-ERR wrong number of arguments for 'multi' command\r\n");
  EXPECT_EQ(d.Run({"EXEC", "x"}),
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
            "command\r\n");
  EXPECT_EQ(d.Run({"DISCARD", "x"}), "-ERR wrong number of arguments for 'discard' command\r\n");
  EXPECT_EQ(d.Run({"WATCH"}), "-ERR wrong number of arguments for 'watch' command\r\n");
  EXPECT_EQ(d.Run({"UNWATCH", "x"}), "-ERR wrong number of arguments for 'unwatch' command\r\n");
}

// Redis's rejectCommand aborts at once when the rejected command is EXEC itself.
TEST(MultiCommandsTest, ExecWithWrongArityDiscardsTheTransaction) {
  EngineDriver d;
  Client other(d.engine());
  constexpr std::string_view kAbort =
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
      "command\r\n";
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC", "x"}), kAbort);
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);

  // Outside MULTI it still drops the WATCHes.
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"exec", "x", "y"}), kAbort);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
  std::string errors = d.Run({"INFO", "errorstats"});
  EXPECT_NE(errors.find("errorstat_EXECABORT:count=2"), std::string::npos) << errors;
}

TEST(MultiCommandsTest, NestedMultiIsAnErrorThatKeepsTheTransaction) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*1\r\n:1\r\n");
}

TEST(MultiCommandsTest, WatchInsideMultiIsAnErrorThatKeepsTheTransaction) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"WATCH", "h"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*1\r\n:1\r\n");
  // The failed WATCH watched nothing.
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
}

TEST(MultiCommandsTest, DiscardDropsTheQueue) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"DISCARD"}), kOk);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(d.Run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
}

TEST(MultiCommandsTest, UnknownCommandAbortsExec) {
  EngineDriver d;
  d.Run({"HSET", "h", "f", "old"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "new"}), kQueued);
  EXPECT_EQ(d.Run({"FOO", "a"}), "-ERR unknown command 'FOO', with args beginning with: 'a' \r\n");
  // Later commands are still acknowledged.
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), kExecAbort);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), "$3\r\nold\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST(MultiCommandsTest, WrongArityAbortsExec) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), kExecAbort);

  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"WATCH"}), "-ERR wrong number of arguments for 'watch' command\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), kExecAbort);

  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"CLIENT", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), kExecAbort);
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
}

TEST(MultiCommandsTest, DoomedTransactionQueuesNothing) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.session().tx.multi_count(), 1);
  EXPECT_EQ(d.Run({"NOPE"}), "-ERR unknown command 'NOPE', with args beginning with: \r\n");
  EXPECT_EQ(d.Run({"HSET", "h", "g", "v"}), kQueued);
  EXPECT_EQ(d.session().tx.multi_count(), 1);
  EXPECT_EQ(d.Run({"DISCARD"}), kOk);
  EXPECT_EQ(d.session().tx.multi_count(), -1);
}

TEST(MultiCommandsTest, NoMultiCommandIsRejectedAndAbortsExec) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"SHUTDOWN"}), "-ERR Command not allowed inside a transaction\r\n");
  EXPECT_FALSE(d.engine().shutdown_requested());
  EXPECT_EQ(d.Run({"EXEC"}), kExecAbort);
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
}

TEST(MultiCommandsTest, RunTimeErrorsAreRepliedPerCommandWithoutRollback) {
  EngineDriver d;
  d.Run({"HSET", "h", "s", "text"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1"}), kQueued);
  EXPECT_EQ(d.Run({"HINCRBY", "h", "s", "1"}), kQueued);
  // Passes the arity check when queued; its odd pair count fails when it runs.
  EXPECT_EQ(d.Run({"HSET", "h", "b", "2", "c"}), kQueued);
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "s", "x"}), kQueued);
  EXPECT_EQ(d.Run({"HINCRBY", "h", "a", "41"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}),
            "*5\r\n:1\r\n-ERR hash value is not an integer\r\n"
            "-ERR wrong number of arguments for 'hset' command\r\n"
            "-ERR value is not a valid float\r\n:42\r\n");
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), "$2\r\n42\r\n");
  EXPECT_EQ(d.Run({"HLEN", "h"}), ":2\r\n");
}

TEST(MultiCommandsTest, HGetSetInsideMulti) {
  EngineDriver d;
  d.Run({"HSET", "h", "f", "old"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGETSET", "h", "f", "new"}), kQueued);
  EXPECT_EQ(d.Run({"HGETSET", "h", "g", "first"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*3\r\n$3\r\nold\r\n$-1\r\n$3\r\nnew\r\n");
}

TEST(MultiCommandsTest, ExecIsAtomicAgainstOtherClients) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "counter", "n", "0"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGETSET", "counter", "n", "10"}), kQueued);
  // Another client's write between queueing and EXEC is not interleaved into the queue.
  EXPECT_EQ(other.Run({"HINCRBY", "counter", "n", "5"}), ":5\r\n");
  EXPECT_EQ(d.Run({"HINCRBY", "counter", "n", "1"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*2\r\n$1\r\n5\r\n:11\r\n");
}

TEST(MultiCommandsTest, CommandsThatRunInsideMulti) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"UNWATCH"}), kQueued);
  EXPECT_EQ(d.Run({"SELECT", "1"}), kQueued);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"SELECT", "0"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*4\r\n+OK\r\n+OK\r\n:1\r\n+OK\r\n");
  EXPECT_EQ(d.engine().keyspace().db(1).size(), 1u);
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);

  // QUIT is not queued: it replies and closes.
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  FeedResult result;
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nQUIT\r\n", &result), kOk);
  EXPECT_TRUE(result.close);
}

TEST(MultiCommandsTest, ResetLeavesMultiAndUnwatches) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kQueued);
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 1u);
}

TEST(MultiCommandsTest, NoMultiRejectionCountsAsRejectedCall) {
  EngineDriver d;
  uint64_t errors = d.engine().stats().total_error_replies;
  d.Run({"MULTI"});
  d.Run({"SHUTDOWN"});
  d.Run({"EXEC"});
  // The rejection and EXECABORT.
  EXPECT_EQ(d.engine().stats().total_error_replies - errors, 2u);
  std::string stats = d.Run({"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_shutdown:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,"
                       "failed_calls=0"),
            std::string::npos)
      << stats;
  EXPECT_NE(stats.find("cmdstat_exec:calls=1,"), std::string::npos) << stats;
}

TEST(MultiCommandsTest, Resp3RepliesInsideExec) {
  EngineDriver d;
  d.Run({"HELLO", "3"});
  d.Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGETALL", "h"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "nope"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*2\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n");
}

TEST(MultiCommandsTest, HelloInsideExecSwitchesTheProtocolOfLaterReplies) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGET", "h", "nope"}), kQueued);
  EXPECT_EQ(d.Run({"HELLO", "3"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "nope"}), kQueued);
  std::string reply = d.Run({"EXEC"});
  EXPECT_EQ(reply.substr(0, 13), "*3\r\n$-1\r\n%7\r\n");
  EXPECT_EQ(reply.substr(reply.size() - 3), "_\r\n");
}

TEST(MultiCommandsTest, EachQueuedCommandCountsAsProcessed) {
  EngineDriver d;
  uint64_t before = d.engine().stats().total_commands_processed;
  d.Run({"MULTI"});
  d.Run({"HSET", "h", "f", "v"});
  d.Run({"HGET", "h", "f"});
  d.Run({"EXEC"});
  // MULTI, the two queued commands when EXEC runs them, and EXEC.
  EXPECT_EQ(d.engine().stats().total_commands_processed - before, 4u);

  before = d.engine().stats().total_commands_processed;
  d.Run({"MULTI"});
  d.Run({"HSET", "h", "f", "v"});
  d.Run({"FOO"});
  d.Run({"EXEC"});
  // MULTI and the aborted EXEC; nothing queued ran and the unknown command never counts.
  EXPECT_EQ(d.engine().stats().total_commands_processed - before, 2u);
}

TEST(MultiCommandsTest, MultiCountAndMemoryForClientList) {
  EngineDriver d;
  EXPECT_EQ(d.session().tx.multi_count(), -1);
  d.Run({"MULTI"});
  EXPECT_EQ(d.session().tx.multi_count(), 0);
  d.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.session().tx.multi_count(), 1);
  // Redis 7.0 shows multi-mem=39 here: 7 argument bytes and a pointer per argument.
  EXPECT_EQ(d.session().tx.multi_mem, 39u);
  d.Run({"DISCARD"});
  EXPECT_EQ(d.session().tx.multi_count(), -1);
  EXPECT_EQ(d.session().tx.multi_mem, 0u);
}

// --- WATCH

TEST(MultiCommandsTest, WatchAndUnwatchReplyOk) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"WATCH", "a", "b", "a"}), kOk);
  EXPECT_EQ(d.engine().watches().watch_count(), 2u);
  EXPECT_EQ(d.Run({"UNWATCH"}), kOk);
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  EXPECT_EQ(d.Run({"UNWATCH"}), kOk);
}

TEST(MultiCommandsTest, UntouchedWatchLetsExecRun) {
  EngineDriver d;
  d.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "k", "f", "w"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "*1\r\n:0\r\n");
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
}

TEST(MultiCommandsTest, TouchedWatchAbortsExecWithNullArray) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"HSET", "k", "f", "v"}), ":0\r\n");  // same value: still a change
  EXPECT_TRUE(d.session().tx.dirty_cas);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "k", "f", "mine"}), kQueued);
  EXPECT_EQ(d.session().tx.multi_count(), 0);  // a doomed transaction stores nothing
  EXPECT_EQ(d.Run({"EXEC"}), kNullArray);
  EXPECT_EQ(d.Run({"HGET", "k", "f"}), "$1\r\nv\r\n");
  // EXEC unwatched and cleared the state: the next transaction runs.
  EXPECT_FALSE(d.session().tx.dirty_cas);
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, TouchedWatchInResp3AbortsWithNull) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HELLO", "3"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGET", "k", "f"}), kQueued);
  EXPECT_EQ(d.Run({"EXEC"}), "_\r\n");
}

TEST(MultiCommandsTest, OwnChangeTouchesTheWatch) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  d.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, WatchTouchedWhileInsideMulti) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "k", "f", "mine"}), kQueued);
  other.Run({"HSET", "k", "f", "theirs"});
  EXPECT_EQ(d.Run({"EXEC"}), kNullArray);
  EXPECT_EQ(d.Run({"HGET", "k", "f"}), "$6\r\ntheirs\r\n");
}

TEST(MultiCommandsTest, UnwatchClearsATouchedWatch) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"UNWATCH"}), kOk);
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, DiscardUnwatches) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"DISCARD"}), kOk);
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, ExecUnwatchesEvenWhenItRuns) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, EveryWatcherOfAKeyIsTouched) {
  EngineDriver d;
  Client second(d.engine());
  Client writer(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k", "other"}), kOk);
  EXPECT_EQ(second.Run({"WATCH", "k"}), kOk);
  writer.Run({"HSET", "k", "f", "v"});
  EXPECT_TRUE(d.session().tx.dirty_cas);
  EXPECT_TRUE(second.session().tx.dirty_cas);
  // Dirty sessions stop watching at once; their EXEC fails all the same.
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, WatchIsPerDatabase) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"SELECT", "1"});
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);

  // The watch stays in the database selected when WATCH ran.
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  d.Run({"SELECT", "1"});
  other.Run({"SELECT", "0"});
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, DisconnectedWatcherLeavesTheRegistry) {
  EngineDriver d;
  auto other = std::make_unique<Client>(d.engine());
  EXPECT_EQ(other->Run({"WATCH", "k", "j"}), kOk);
  EXPECT_EQ(other->Run({"MULTI"}), kOk);
  EXPECT_EQ(other->Run({"HSET", "k", "f", "v"}), kQueued);
  EXPECT_EQ(d.engine().watches().watch_count(), 2u);
  other.reset();
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  EXPECT_EQ(d.Run({"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 1u);
}

// One writer command from another client and whether it invalidates a WATCH on "k".
struct TouchCase {
  const char* name;
  std::vector<std::vector<std::string>> setup;  // run before WATCH
  std::vector<std::string> change;              // run by the other client after WATCH
  bool touches;
};

class WatchTouchTest : public ::testing::TestWithParam<TouchCase> {};

std::string RunArgs(Client& c, const std::vector<std::string>& argv, Engine& engine) {
  std::vector<std::string_view> args(argv.begin(), argv.end());
  std::string out;
  engine.Execute(c.session(), args, out);
  return out;
}

TEST_P(WatchTouchTest, ExecReply) {
  const TouchCase& c = GetParam();
  EngineDriver d;
  Client other(d.engine());
  for (const auto& argv : c.setup) RunArgs(other, argv, d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  std::string reply = RunArgs(other, c.change, d.engine());
  if (std::string_view(c.name).find("error") == std::string_view::npos) {
    EXPECT_NE(reply.substr(0, 1), "-") << reply;
  }
  EXPECT_EQ(ExecAfterWatch(d), c.touches ? kNullArray : kExecRan) << c.name;
}

using Args = std::vector<std::string>;
const Args kHash = {"HSET", "k", "f", "1"};
const Args kTtl = {"EXPIRE", "k", "100"};

const TouchCase kTouchCases[] = {
    // Changes: Redis's signalModifiedKey.
    {"hset_new_key", {}, {"HSET", "k", "f", "v"}, true},
    {"hset_same_value", {kHash}, {"HSET", "k", "f", "1"}, true},
    {"hmset", {kHash}, {"HMSET", "k", "g", "2"}, true},
    {"hsetnx_new_field", {kHash}, {"HSETNX", "k", "g", "2"}, true},
    {"hdel", {kHash, {"HSET", "k", "g", "2"}}, {"HDEL", "k", "f"}, true},
    {"hdel_last_field", {kHash}, {"HDEL", "k", "f", "x"}, true},
    {"hincrby", {kHash}, {"HINCRBY", "k", "f", "1"}, true},
    {"hincrbyfloat", {kHash}, {"HINCRBYFLOAT", "k", "f", "0.5"}, true},
    {"hgetset", {kHash}, {"HGETSET", "k", "f", "2"}, true},
    {"del", {kHash}, {"DEL", "k"}, true},
    {"unlink", {kHash}, {"UNLINK", "x", "k"}, true},
    {"expire", {kHash}, {"EXPIRE", "k", "100"}, true},
    {"pexpireat", {kHash}, {"PEXPIREAT", "k", "99999999999999"}, true},
    {"expire_in_the_past_deletes", {kHash}, {"EXPIRE", "k", "-1"}, true},
    {"expire_gt", {kHash, kTtl}, {"EXPIRE", "k", "200", "GT"}, true},
    {"persist", {kHash, kTtl}, {"PERSIST", "k"}, true},
    {"rename_from", {kHash}, {"RENAME", "k", "j"}, true},
    {"rename_to", {{"HSET", "j", "f", "v"}}, {"RENAME", "j", "k"}, true},
    {"renamenx_to", {{"HSET", "j", "f", "v"}}, {"RENAMENX", "j", "k"}, true},
    {"move_from", {kHash}, {"MOVE", "k", "1"}, true},
    {"copy_to", {{"HSET", "j", "f", "v"}}, {"COPY", "j", "k"}, true},
    {"copy_replace", {kHash, {"HSET", "j", "f", "v"}}, {"COPY", "j", "k", "REPLACE"}, true},
    {"flushdb", {kHash}, {"FLUSHDB"}, true},
    {"flushall", {kHash}, {"FLUSHALL"}, true},
    {"flushall_from_another_db", {kHash, {"SELECT", "3"}}, {"FLUSHALL", "ASYNC"}, true},
    {"swapdb_key_in_watched_db", {kHash}, {"SWAPDB", "0", "1"}, true},
    {"swapdb_key_in_other_db", {{"SELECT", "1"}, kHash}, {"SWAPDB", "1", "0"}, true},
    // No change: Redis does not signal these.
    {"hdel_missing_field", {kHash}, {"HDEL", "k", "nope"}, false},
    {"hdel_missing_key", {}, {"HDEL", "k", "f"}, false},
    {"hsetnx_existing_field", {kHash}, {"HSETNX", "k", "f", "2"}, false},
    {"hincrby_error", {{"HSET", "k", "f", "x"}}, {"HINCRBY", "k", "f", "1"}, false},
    {"hincrbyfloat_error", {{"HSET", "k", "f", "x"}}, {"HINCRBYFLOAT", "k", "f", "1"}, false},
    {"reads", {kHash}, {"HGETALL", "k"}, false},
    {"exists", {kHash}, {"EXISTS", "k"}, false},
    {"del_missing", {}, {"DEL", "k"}, false},
    {"expire_missing", {}, {"EXPIRE", "k", "100"}, false},
    {"expire_nx_refused", {kHash, kTtl}, {"EXPIRE", "k", "200", "NX"}, false},
    {"persist_without_ttl", {kHash}, {"PERSIST", "k"}, false},
    {"rename_to_itself", {kHash}, {"RENAME", "k", "k"}, false},
    {"renamenx_refused", {kHash, {"HSET", "j", "f", "v"}}, {"RENAMENX", "j", "k"}, false},
    {"copy_from", {kHash}, {"COPY", "k", "j"}, false},
    {"copy_refused", {kHash, {"HSET", "j", "f", "v"}}, {"COPY", "j", "k"}, false},
    {"move_refused", {kHash, {"SELECT", "1"}, kHash, {"SELECT", "0"}}, {"MOVE", "k", "1"}, false},
    {"flushdb_missing_key", {{"HSET", "j", "f", "v"}}, {"FLUSHDB"}, false},
    {"flushdb_other_db", {kHash, {"SELECT", "1"}, kHash}, {"FLUSHDB"}, false},
    {"swapdb_same_db", {kHash}, {"SWAPDB", "0", "0"}, false},
    {"swapdb_key_nowhere", {{"HSET", "j", "f", "v"}}, {"SWAPDB", "0", "1"}, false},
    {"swapdb_other_dbs", {kHash}, {"SWAPDB", "1", "2"}, false},
    {"same_name_other_db", {{"SELECT", "1"}}, {"HSET", "k", "f", "v"}, false},
};

INSTANTIATE_TEST_SUITE_P(Changes, WatchTouchTest, ::testing::ValuesIn(kTouchCases),
                         [](const ::testing::TestParamInfo<TouchCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(MultiCommandsTest, MoveTouchesTheDestinationDatabase) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"SELECT", "1"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(other.Run({"MOVE", "k", "1"}), ":1\r\n");
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, CopyTouchesTheDestinationDatabase) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"SELECT", "2"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(other.Run({"COPY", "k", "k", "DB", "2"}), ":1\r\n");
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

// --- WATCH and expiry (Redis 7.0: reaping a key signals it; EXEC fails when a key alive at
// WATCH time has expired since; a key already expired when WATCHed is no change when reaped).

TEST(MultiCommandsTest, KeyExpiringAfterWatchAbortsExecEvenUnreaped) {
  EngineDriver d;
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  ExpireNow(d, "k");
  EXPECT_FALSE(d.session().tx.dirty_cas);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, LazyExpiryByAnotherClientTouches) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  ExpireNow(d, "k");
  EXPECT_EQ(other.Run({"HGET", "k", "f"}), "$-1\r\n");  // reaps it
  EXPECT_TRUE(d.session().tx.dirty_cas);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, ActiveExpiryTouches) {
  EngineDriver d;
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  ExpireNow(d, "k");
  d.engine().Cron();
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
  EXPECT_TRUE(d.session().tx.dirty_cas);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, ActiveExpiryInAnotherDatabaseDoesNotTouch) {
  EngineDriver d;
  Client other(d.engine());
  other.Run({"SELECT", "1"});
  other.Run({"HSET", "k", "f", "v"});
  other.Run({"PEXPIRE", "k", "100000"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  ExpireNow(d, "k", 1);
  d.engine().Cron();
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, KeyExpiredWhenWatchedIsNoChange) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k");
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  // Still stored and expired at EXEC: not a failure.
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);

  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"EXISTS", "k"}), ":0\r\n");  // reaped: no logical change
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, KeyExpiredWhenWatchedThenDeletedIsNoChange) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k");
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"DEL", "k"}), ":0\r\n");
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, KeyExpiredWhenWatchedThenRecreatedTouches) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k");
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, KeyExpiredWhenWatchedThenFlushedIsNoChange) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k");
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"FLUSHDB"}), kOk);
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, KeyExpiredWhenWatchedThenSwappedForALiveKeyTouches) {
  EngineDriver d;
  Client other(d.engine());
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k");
  other.Run({"SELECT", "1"});
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

TEST(MultiCommandsTest, MissingKeySwappedForAnExpiredKeyIsNoChange) {
  EngineDriver d;
  Client other(d.engine());
  other.Run({"SELECT", "1"});
  other.Run({"HSET", "k", "f", "v"});
  other.Run({"PEXPIRE", "k", "100000"});
  ExpireNow(d, "k", 1);
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(other.Run({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(ExecAfterWatch(d), kExecRan);
}

TEST(MultiCommandsTest, WatchOnADirtySessionIsANoOp) {
  EngineDriver d;
  Client other(d.engine());
  EXPECT_EQ(d.Run({"WATCH", "k"}), kOk);
  other.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"WATCH", "j"}), kOk);
  EXPECT_EQ(d.engine().watches().watch_count(), 0u);
  EXPECT_EQ(ExecAfterWatch(d), kNullArray);
}

}  // namespace
}  // namespace hashkv
