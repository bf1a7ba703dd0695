// MONITOR, SLOWLOG, LATENCY, DEBUG, OBJECT IDLETIME, INFO commandstats/errorstats and their
// CONFIG options through the in-process engine, with Redis 7.0.15's bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/engine_support.h"
#include "commands/reply_parse.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

using testing::Parse;
using testing::Reply;

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string InfoText(EngineDriver& d, std::string_view section) {
  return Parse(d.Run({"INFO", section})).str;
}

// A connection's side of a session: what MONITOR lines were pushed to it.
class FakeHooks : public ConnectionHooks {
 public:
  void Push(std::string_view bytes) override { pushed.append(bytes); }
  void Kill() override { killed = true; }

  // The pushed lines, each with its timestamp checked and removed.
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    static const std::regex kLine(R"(^\+\d{10,}\.\d{6} (\[.*)$)");
    size_t pos = 0;
    while (pos < pushed.size()) {
      size_t eol = pushed.find("\r\n", pos);
      EXPECT_NE(eol, std::string::npos);
      std::string line = pushed.substr(pos, eol - pos);
      std::smatch m;
      EXPECT_TRUE(std::regex_match(line, m, kLine)) << line;
      lines.push_back(m[1]);
      pos = eol + 2;
    }
    pushed.clear();
    return lines;
  }

  std::string pushed;
  bool killed = false;
};

Config DebugConfig(std::string enable) {
  Config config;
  config.enable_debug_command = std::move(enable);
  return config;
}

using Client = testing::EngineClient;

// A monitoring client with a connection to push to.
struct Monitor {
  explicit Monitor(Engine& engine, std::string addr = "127.0.0.1:50000")
      : client(engine, std::move(addr)) {
    client.session().hooks = &hooks;
    EXPECT_EQ(client.Run({"MONITOR"}), "+OK\r\n");
  }
  Client client;
  FakeHooks hooks;
};

// --- MONITOR -----------------------------------------------------------------------------------

TEST(MonitorTest, StreamsEveryCommandWithDbAndAddress) {
  EngineDriver d;
  Monitor m(d.engine());
  EXPECT_EQ(d.Run({"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(d.Run({"HGET", "k", "f"}), "$1\r\nv\r\n");
  EXPECT_EQ(d.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"HGET", "k", "f"}), "$-1\r\n");
  d.Run({"HINCRBY", "nope", "f", "x"});  // failing at run time is still a call
  EXPECT_EQ(m.hooks.Lines(), (std::vector<std::string>{
                                 R"([0 127.0.0.1:40000] "HSET" "k" "f" "v")",
                                 R"([0 127.0.0.1:40000] "HGET" "k" "f")",
                                 R"([3 127.0.0.1:40000] "SELECT" "3")",  // the db after it ran
                                 R"([3 127.0.0.1:40000] "HGET" "k" "f")",
                                 R"([3 127.0.0.1:40000] "HINCRBY" "nope" "f" "x")",
                             }));
}

TEST(MonitorTest, LineFormatAndEscaping) {
  EngineDriver d;
  Monitor m(d.engine());
  d.Run({"HSET", "k", "f", std::string_view("v\0\x01\"\\ \xc3\xa9\n\r\t\a\b\x7f", 14)});
  std::string expected =
      R"(+1700000000.000000 [0 127.0.0.1:40000] "HSET" "k" "f" "v\x00\x01\"\\ \xc3\xa9\n\r\t\a\b\x7f")"
      "\r\n";
  ASSERT_EQ(m.hooks.pushed.size(), expected.size()) << m.hooks.pushed;
  EXPECT_EQ(m.hooks.pushed.substr(18), expected.substr(18));
  EXPECT_EQ(m.hooks.pushed[0], '+');
  EXPECT_EQ(m.hooks.pushed[11], '.');
}

TEST(MonitorTest, MonitorLineMatchesRedisTimestampFormat) {
  EngineDriver d;
  Session& s = d.session();
  const CommandSpec spec{"ping", nullptr, "fast", -1, 0, 0, 0};
  std::vector<Arg> argv = {"PING", "a b"};
  EXPECT_EQ(Observer::MonitorLine(s, spec, nullptr, argv, 1700000000000042),
            "+1700000000.000042 [0 127.0.0.1:40000] \"PING\" \"a b\"\r\n");
}

TEST(MonitorTest, AdminAndRejectedCommandsAreNotShown) {
  EngineDriver d;
  Monitor m(d.engine());
  d.Run({"CONFIG", "GET", "port"});
  d.Run({"SLOWLOG", "LEN"});
  d.Run({"MONITOR"});  // admin as well
  d.Run({"NOSUCH", "a"});
  d.Run({"HSET", "k"});
  d.Run({"CLIENT", "NOSUCH"});
  d.Run({"PING"});
  EXPECT_EQ(m.hooks.Lines(), (std::vector<std::string>{
                                 R"([0 127.0.0.1:40000] "PING")",
                             }));
}

TEST(MonitorTest, CredentialsAreRedacted) {
  EngineDriver d;
  Monitor m(d.engine());
  d.Run({"AUTH", "secret"});
  d.Run({"AUTH", "user", "secret"});
  d.Run({"AUTH", "a", "b", "c"});  // a syntax error before authCommand redacts anything
  d.Run({"HELLO", "2", "AUTH", "default", "secret"});
  d.Run({"HELLO", "2", "SETNAME", "x"});
  d.Run({"HELLO", "9", "AUTH", "default", "secret"});  // NOPROTO before the options are read
  EXPECT_EQ(m.hooks.Lines(),
            (std::vector<std::string>{
                R"x([0 127.0.0.1:40000] "AUTH" "(redacted)")x",
                R"x([0 127.0.0.1:40000] "AUTH" "(redacted)" "(redacted)")x",
                R"([0 127.0.0.1:40000] "AUTH" "a" "b" "c")",
                R"x([0 127.0.0.1:40000] "HELLO" "2" "AUTH" "(redacted)" "(redacted)")x",
                R"([0 127.0.0.1:40000] "HELLO" "2" "SETNAME" "x")",
                R"([0 127.0.0.1:40000] "HELLO" "9" "AUTH" "default" "secret")",
            }));
}

TEST(MonitorTest, TransactionShowsQueuedCommandsWhenExecRuns) {
  EngineDriver d;
  Monitor m(d.engine());
  EXPECT_EQ(d.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"HSET", "k", "a", "b"}), "+QUEUED\r\n");
  EXPECT_EQ(d.Run({"HGET", "k", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(m.hooks.Lines(), (std::vector<std::string>{R"([0 127.0.0.1:40000] "MULTI")"}));
  EXPECT_EQ(d.Run({"EXEC"}), "*2\r\n:1\r\n$1\r\nb\r\n");
  EXPECT_EQ(m.hooks.Lines(), (std::vector<std::string>{
                                 R"([0 127.0.0.1:40000] "HSET" "k" "a" "b")",
                                 R"([0 127.0.0.1:40000] "HGET" "k" "a")",
                                 R"([0 127.0.0.1:40000] "EXEC")",
                             }));
}

TEST(MonitorTest, MonitoringClientStaysOffTheKeyspace) {
  EngineDriver d;
  Monitor m(d.engine());
  Client& c = m.client;
  // Redis's monitor is a replica: keyspace commands are rejected, others run and are fed to
  // the monitor itself too.
  EXPECT_EQ(c.Run({"HSET", "k", "f", "v"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(c.Run({"HGET", "k", "f"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(c.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(c.Run({"MONITOR"}), "");  // already monitoring: ignored, no reply
  EXPECT_EQ(m.hooks.Lines(), (std::vector<std::string>{R"([0 127.0.0.1:50000] "PING")"}));
  EXPECT_EQ(d.Run({"EXISTS", "k"}), ":0\r\n");
  std::string stats = InfoText(d, "commandstats");
  EXPECT_NE(stats.find("cmdstat_hset:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,"
                       "failed_calls=0\r\n"),
            std::string::npos)
      << stats;
}

TEST(MonitorTest, MonitorInsideExecIsRefused) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"MONITOR"}), "+QUEUED\r\n");
  EXPECT_EQ(d.Run({"EXEC"}), "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  EXPECT_FALSE(d.session().monitor);
}

TEST(MonitorTest, SeveralMonitorsAndDisconnects) {
  EngineDriver d;
  auto a = std::make_unique<Monitor>(d.engine(), "127.0.0.1:50001");
  auto b = std::make_unique<Monitor>(d.engine(), "127.0.0.1:50002");
  d.Run({"PING"});
  EXPECT_EQ(a->hooks.Lines().size(), 1u);
  EXPECT_EQ(b->hooks.Lines().size(), 1u);
  a.reset();  // disconnects
  d.Run({"PING"});
  EXPECT_EQ(b->hooks.Lines().size(), 1u);
  b->client.session().monitor = false;  // as RESET does
  d.Run({"PING"});
  EXPECT_TRUE(b->hooks.pushed.empty());
  EXPECT_FALSE(d.engine().observer().has_monitors());
}

TEST(MonitorTest, InProcessMonitorHasNowhereToPush) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"HSET", "k", "f", "v"}), "-ERR Replica can't interact with the keyspace\r\n");
}

// --- SLOWLOG -----------------------------------------------------------------------------------

TEST(SlowlogTest, LogsCommandsOverTheThresholdNewestFirst) {
  // A 100 s threshold to start with: under the default 10 ms, a descheduled SLOWLOG LEN on a
  // loaded machine would be logged and shift every id below.
  Config config;
  config.slowlog_log_slower_than = 100000000;
  EngineDriver d(config);
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":0\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "GET"}), "*0\r\n");
  // The CONFIG SET that lowers the threshold is itself checked after it ran.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", "me"}), "+OK\r\n");
  d.Run({"HSET", "k", "f", std::string(200, 'y')});
  d.Run({"AUTH", "secret"});
  d.Run({"MULTI"});
  d.Run({"HGET", "k", "f"});
  d.Run({"EXEC"});  // skip-slowlog; its queued commands are logged
  std::vector<std::string> hmget = {"HMGET", "k"};
  for (int i = 0; i < 40; ++i) hmget.push_back("a" + std::to_string(i));
  d.Run(hmget);
  d.Run({"HSET", "k"});  // rejected: never ran
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":7\r\n");

  Reply all = Parse(d.Run({"SLOWLOG", "GET", "-1"}));
  ASSERT_EQ(all.elems.size(), 8u);  // SLOWLOG LEN came in too
  auto args_of = [&all](size_t i) {
    std::vector<std::string> args;
    for (const Reply& a : all.elems[i].elems[3].elems) args.push_back(a.str);
    return args;
  };
  using Args = std::vector<std::string>;
  EXPECT_EQ(args_of(0), (Args{"SLOWLOG", "LEN"}));
  std::vector<std::string> logged = args_of(1);
  ASSERT_EQ(logged.size(), 32u);
  EXPECT_EQ(logged[30], "a28");
  EXPECT_EQ(logged[31], "... (11 more arguments)");
  EXPECT_EQ(args_of(2), (Args{"HGET", "k", "f"}));
  EXPECT_EQ(args_of(3), (Args{"MULTI"}));
  EXPECT_EQ(args_of(4), (Args{"AUTH", "(redacted)"}));
  EXPECT_EQ(args_of(5), (Args{"HSET", "k", "f", std::string(128, 'y') + "... (72 more bytes)"}));
  EXPECT_EQ(args_of(6), (Args{"CLIENT", "SETNAME", "me"}));
  EXPECT_EQ(args_of(7), (Args{"CONFIG", "SET", "slowlog-log-slower-than", "0"}));
  const int64_t now_s = d.engine().NowMs() / 1000;
  for (size_t i = 0; i < all.elems.size(); ++i) {
    const Reply& e = all.elems[i];
    ASSERT_EQ(e.elems.size(), 6u);
    EXPECT_EQ(e.elems[0].integer, static_cast<int64_t>(7 - i));  // ids count up from 0
    EXPECT_LE(e.elems[1].integer, now_s);
    EXPECT_GE(e.elems[1].integer, now_s - 5);
    EXPECT_GE(e.elems[2].integer, 0);
    EXPECT_EQ(e.elems[4].str, "127.0.0.1:40000");
    // The name at the time of logging: SETNAME's own entry already has it.
    EXPECT_EQ(e.elems[5].str, i == 7 ? "" : "me");
  }

  // Default count 10, an explicit count, 0.
  for (int i = 0; i < 5; ++i) d.Run({"PING"});
  EXPECT_EQ(Parse(d.Run({"SLOWLOG", "GET"})).elems.size(), 10u);
  EXPECT_EQ(Parse(d.Run({"SLOWLOG", "GET", "2"})).elems.size(), 2u);
  EXPECT_EQ(d.Run({"SLOWLOG", "GET", "0"}), "*0\r\n");
}

TEST(SlowlogTest, EntryBytes) {
  EngineDriver d;
  d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});  // logged as id 0
  d.Run({"SLOWLOG", "RESET"});                               // logged after it ran: id 1
  std::string raw = d.Run({"SLOWLOG", "GET"});
  Reply r = Parse(raw);
  ASSERT_EQ(r.elems.size(), 1u);
  const Reply& e = r.elems[0];
  EXPECT_EQ(raw, "*1\r\n*6\r\n:1\r\n:" + std::to_string(e.elems[1].integer) +
                     "\r\n:" + std::to_string(e.elems[2].integer) +
                     "\r\n*2\r\n$7\r\nSLOWLOG\r\n$5\r\nRESET\r\n$15\r\n127.0.0.1:40000\r\n"
                     "$0\r\n\r\n");
  // RESP3 has no other shape for it.
  d.Run({"HELLO", "3"});
  EXPECT_EQ(d.Run({"SLOWLOG", "GET", "1"}).substr(0, 12), "*1\r\n*6\r\n:3\r\n");  // HELLO
}

TEST(SlowlogTest, ThresholdAndMaxLen) {
  EngineDriver d(DebugConfig("yes"));
  // The default threshold is 10 ms: fast commands are not logged, a 20 ms sleep is. (On a loaded
  // machine a descheduled HSET can take 10 ms too: whatever is logged took at least that.)
  d.Run({"HSET", "k", "f", "v"});
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0.02"}), "+OK\r\n");
  Reply r = Parse(d.Run({"SLOWLOG", "GET", "-1"}));
  ASSERT_GE(r.elems.size(), 1u);
  EXPECT_GE(r.elems[0].elems[2].integer, 20000);
  EXPECT_EQ(r.elems[0].elems[3].elems[1].str, "SLEEP");
  for (const Reply& e : r.elems) EXPECT_GE(e.elems[2].integer, 10000);

  // From here every command is logged; the RESET (logged after it ran) drops the above.
  d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  EXPECT_EQ(d.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  for (int i = 0; i < 5; ++i) d.Run({"PING"});
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":6\r\n");
  // A lower max-len applies at the next command, whether or not that one is logged: here the
  // CONFIG SET itself trims.
  d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "100000000", "slowlog-max-len", "2"});
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":2\r\n");
  // Disabled (-1): nothing logged, nothing trimmed.
  d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "5"});
  for (int i = 0; i < 5; ++i) d.Run({"PING"});
  d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1", "slowlog-max-len", "1"});
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":5\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN"}), ":0\r\n");
}

TEST(SlowlogTest, Errors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SLOWLOG"}), "-ERR wrong number of arguments for 'slowlog' command\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "NOSUCH"}),
            "-ERR unknown subcommand 'NOSUCH'. Try SLOWLOG HELP.\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "GET", "1", "2"}),
            "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG "
            "HELP.\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "get", "1", "2"}),
            "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG "
            "HELP.\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "GET", "-2"}),
            "-ERR count should be greater than or equal to -1\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "GET", "x"}), "-ERR count should be greater than or equal to -1\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "LEN", "1"}),
            "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  EXPECT_EQ(d.Run({"SLOWLOG", "RESET", "1"}),
            "-ERR wrong number of arguments for 'slowlog|reset' command\r\n");
}

TEST(SlowlogTest, Help) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SLOWLOG", "HELP"}),
            "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+GET [<count>]\r\n"
            "+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"
            "+    Entries are made of:\r\n"
            "+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"
            "+    client name\r\n"
            "+LEN\r\n+    Return the length of the slowlog.\r\n"
            "+RESET\r\n+    Reset the slowlog.\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

// --- INFO commandstats / errorstats -------------------------------------------------------------

// "cmdstat_x:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=.." with the
// timing fields checked for shape and dropped.
std::string CommandStat(const std::string& info, std::string_view name) {
  std::string prefix = "cmdstat_" + std::string(name) + ":";
  size_t at = info.find("\r\n" + prefix);
  if (at == std::string::npos) return "";
  at += 2;
  std::string line = info.substr(at, info.find("\r\n", at) - at);
  static const std::regex kLine(
      R"(^cmdstat_[a-z|_-]+:calls=(\d+),usec=\d+,usec_per_call=\d+\.\d\d,(rejected_calls=\d+,failed_calls=\d+)$)");
  std::smatch m;
  EXPECT_TRUE(std::regex_match(line, m, kLine)) << line;
  return "calls=" + m[1].str() + "," + m[2].str();
}

TEST(CommandStatsTest, CallsRejectionsAndFailuresAsRedis) {
  EngineDriver d;
  d.Run({"HSET", "s", "f", "v"});
  d.Run({"HINCRBY", "s", "f", "1"});  // fails: not an integer
  d.Run({"HSET", "s"});               // rejected: arity
  d.Run({"NOSUCH"});                  // no command: errorstats only
  d.Run({"MULTI"});
  d.Run({"HINCRBY", "s", "f", "1"});
  d.Run({"HSET", "s", "g", "1"});
  d.Run({"EXEC"});  // an inner failure does not fail the EXEC
  d.Run({"MULTI"});
  d.Run({"HSET", "s"});  // rejected while queueing
  d.Run({"EXEC"});       // EXECABORT: a failure
  d.Run({"CLIENT", "LIST"});
  d.Run({"CLIENT", "NOSUCH"});
  d.Run({"CLIENT", "SETNAME"});
  d.Run({"EXEC"});  // without MULTI: a failure

  std::string info = InfoText(d, "commandstats");
  EXPECT_EQ(info.rfind("# Commandstats\r\n", 0), 0u) << info;
  EXPECT_EQ(CommandStat(info, "hset"), "calls=2,rejected_calls=2,failed_calls=0");
  EXPECT_EQ(CommandStat(info, "hincrby"), "calls=2,rejected_calls=0,failed_calls=2");
  EXPECT_EQ(CommandStat(info, "exec"), "calls=3,rejected_calls=0,failed_calls=2");
  EXPECT_EQ(CommandStat(info, "multi"), "calls=2,rejected_calls=0,failed_calls=0");
  EXPECT_EQ(CommandStat(info, "client|list"), "calls=1,rejected_calls=0,failed_calls=0");
  EXPECT_EQ(CommandStat(info, "client|setname"), "calls=0,rejected_calls=1,failed_calls=0");
  EXPECT_EQ(CommandStat(info, "client"), "");
  EXPECT_EQ(CommandStat(info, "hget"), "");
  EXPECT_EQ(info.find("nosuch"), std::string::npos);

  EXPECT_EQ(InfoText(d, "errorstats"),
            "# Errorstats\r\nerrorstat_ERR:count=8\r\nerrorstat_EXECABORT:count=1\r\n");
  // The default INFO has errorstats too.
  EXPECT_NE(InfoText(d, "default").find("\r\n# Errorstats\r\nerrorstat_ERR:count=8\r\n"),
            std::string::npos);

  // CONFIG RESETSTAT starts both over; the RESETSTAT itself is counted once it ran.
  EXPECT_EQ(d.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  info = InfoText(d, "commandstats");
  EXPECT_EQ(CommandStat(info, "hset"), "");
  EXPECT_EQ(CommandStat(info, "config|resetstat"), "calls=1,rejected_calls=0,failed_calls=0");
  EXPECT_EQ(InfoText(d, "errorstats"), "# Errorstats\r\n");
}

TEST(CommandStatsTest, ContainerAloneIsRejectedUnderItsOwnName) {
  EngineDriver d;
  d.Run({"CLIENT"});
  d.Run({"HGET", "k", "f"});
  d.Run({"HGET", "k", "f"});
  std::string info = InfoText(d, "commandstats");
  EXPECT_EQ(CommandStat(info, "client"), "calls=0,rejected_calls=1,failed_calls=0");
  EXPECT_EQ(CommandStat(info, "hget"), "calls=2,rejected_calls=0,failed_calls=0");
  // Lines follow "calls=2,usec=N,usec_per_call=N.NN,...".
  const CommandStats* st = d.engine().observer().FindStats(*d.engine().commands().Find("hget"));
  ASSERT_NE(st, nullptr);
  char expected[200];
  std::snprintf(expected, sizeof(expected),
                "cmdstat_hget:calls=2,usec=%llu,usec_per_call=%.2f,rejected_calls=0,"
                "failed_calls=0\r\n",
                static_cast<unsigned long long>(st->usec), static_cast<float>(st->usec) / 2);
  EXPECT_NE(info.find(expected), std::string::npos) << info;
}

TEST(CommandStatsTest, ErrorCodesAreTheFirstWord) {
  EngineDriver d;
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"HINCRBY", "k", "f", "1"});
  d.Run({"HELLO", "9"});
  d.Run({"HELLO", "9"});
  std::string text = InfoText(d, "errorstats");
  EXPECT_EQ(text, "# Errorstats\r\nerrorstat_ERR:count=1\r\nerrorstat_NOPROTO:count=2\r\n");
  EXPECT_EQ(d.engine().stats().total_error_replies, 3u);
}

// --- LATENCY -----------------------------------------------------------------------------------

TEST(LatencyTest, NothingRecorded) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"LATENCY", "LATEST"}), "*0\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "HISTORY", "command"}), "*0\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "RESET"}), ":0\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "RESET", "a", "b"}), ":0\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "GRAPH", "command"}),
            "-ERR No samples available for event 'command'\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "HISTORY"}),
            "-ERR wrong number of arguments for 'latency|history' command\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "GRAPH"}),
            "-ERR wrong number of arguments for 'latency|graph' command\r\n");
  EXPECT_EQ(d.Run({"LATENCY", "NOSUCH"}),
            "-ERR unknown subcommand 'NOSUCH'. Try LATENCY HELP.\r\n");
  EXPECT_EQ(d.Run({"LATENCY"}), "-ERR wrong number of arguments for 'latency' command\r\n");
}

TEST(LatencyTest, DoctorSaysMonitoringIsDisabled) {
  EngineDriver d;
  const std::string text =
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
      "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable "
      "it. If we weren't in a deep space mission I'd suggest to take a look at "
      "https://redis.io/topics/latency-monitor.\n";
  EXPECT_EQ(text.size(), 288u);
  EXPECT_EQ(d.Run({"LATENCY", "DOCTOR"}), Bulk(text));
  d.Run({"HELLO", "3"});
  EXPECT_EQ(d.Run({"LATENCY", "DOCTOR"}), "=292\r\ntxt:" + text + "\r\n");
}

TEST(LatencyTest, Help) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"LATENCY", "HELP"}),
            "*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+DOCTOR\r\n+    Return a human readable latency analysis report.\r\n"
            "+GRAPH <event>\r\n+    Return an ASCII latency graph for the <event> class.\r\n"
            "+HISTORY <event>\r\n+    Return time-latency samples for the <event> class.\r\n"
            "+LATEST\r\n+    Return the latest latency samples for all events.\r\n"
            "+RESET [<event> ...]\r\n"
            "+    Reset latency data of one or more <event> classes.\r\n"
            "+    (default: reset all data for all event classes)\r\n"
            "+HISTOGRAM [COMMAND ...]\r\n"
            "+    Return a cumulative distribution of latencies in the format of a histogram "
            "for the specified command names.\r\n"
            "+    If no commands are specified then all histograms are replied.\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

TEST(LatencyTest, HistogramBucketsAsRedisReportsThem) {
  // hdr_histogram's log-2 iteration from 1024 ns reports these microsecond bounds.
  std::vector<int64_t> bounds;
  bounds.reserve(9);
  for (int k = 0; k < 9; ++k) bounds.push_back(CommandStats::BucketMicros(k));
  EXPECT_EQ(bounds, (std::vector<int64_t>{1, 2, 4, 8, 16, 33, 66, 132, 264}));
  CommandStats st;
  for (int64_t us : {0, 1, 2, 16, 17, 100, 5000000}) st.RecordLatency(us);
  EXPECT_EQ(st.latency_samples, 7u);
  EXPECT_EQ(st.latency[0], 2u);                                  // 0 and 1 us (1 ns and 1000 ns)
  EXPECT_EQ(st.latency[1], 1u);                                  // 2000 ns < 2064
  EXPECT_EQ(st.latency[4], 1u);                                  // 16000 ns < 16512
  EXPECT_EQ(st.latency[5], 1u);                                  // 17000 ns
  EXPECT_EQ(st.latency[7], 1u);                                  // 100000 ns
  EXPECT_EQ(st.latency[CommandStats::kLatencyBuckets - 1], 1u);  // clamped at 1 s
}

TEST(LatencyTest, HistogramPerCommand) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"LATENCY", "HISTOGRAM"}), "*0\r\n");
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"HSET", "k", "g", "v"});
  d.Run({"CLIENT", "ID"});
  Reply r = Parse(d.Run({"LATENCY", "HISTOGRAM", "hset", "nosuch", "CLIENT", "client|id"}));
  ASSERT_EQ(r.elems.size(), 6u);
  EXPECT_EQ(r.elems[0].str, "hset");
  EXPECT_EQ(r.elems[2].str, "client|id");  // a container reports its subcommands
  EXPECT_EQ(r.elems[4].str, "client|id");
  const Reply& hset = r.elems[1];
  ASSERT_EQ(hset.elems.size(), 4u);
  EXPECT_EQ(hset.elems[0].str, "calls");
  EXPECT_EQ(hset.elems[1].integer, 2);
  EXPECT_EQ(hset.elems[2].str, "histogram_usec");
  ASSERT_GE(hset.elems[3].elems.size(), 2u);
  EXPECT_EQ(hset.elems[3].elems.back().integer, 2);  // cumulative

  // Everything recorded, including the LATENCY HISTOGRAM just run.
  Reply all = Parse(d.Run({"LATENCY", "HISTOGRAM"}));
  std::vector<std::string> names;
  for (size_t i = 0; i < all.elems.size(); i += 2) names.push_back(all.elems[i].str);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_NE(std::find(names.begin(), names.end(), "latency|histogram"), names.end());

  // RESP3: maps.
  d.Run({"HELLO", "3"});
  std::string resp3 = d.Run({"LATENCY", "HISTOGRAM", "hset"});
  EXPECT_EQ(
      resp3.rfind("%1\r\n$4\r\nhset\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n%", 0),
      0u)
      << resp3;

  // latency-tracking no: calls still counted, histograms not.
  d.Run({"CONFIG", "SET", "latency-tracking", "no"});
  d.Run({"HSET", "k", "h", "v"});
  EXPECT_EQ(Parse(d.Run({"LATENCY", "HISTOGRAM", "hset"})).elems[1].elems[1].integer, 2);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "latency-tracking"}),
            "%1\r\n$16\r\nlatency-tracking\r\n$2\r\nno\r\n");
  // RESETSTAT drops the histograms too.
  d.Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(d.Run({"LATENCY", "HISTOGRAM", "hset"}), "%0\r\n");
}

// --- OBJECT IDLETIME ---------------------------------------------------------------------------

// Moves a key's access time back by `seconds`, to a whole second so the answer is exact.
void AgeKey(EngineDriver& d, std::string_view key, int64_t seconds) {
  int64_t now_s = d.engine().NowMs() / 1000;
  ASSERT_NE(d.engine().keyspace().db(0).Find(key, (now_s - seconds) * 1000), nullptr);
}

TEST(ObjectIdletimeTest, SecondsSinceLastAccess) {
  EngineDriver d;
  d.FreezeClock();
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "nokey"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME"}),
            "-ERR wrong number of arguments for 'object|idletime' command\r\n");
  d.Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), ":0\r\n");
  AgeKey(d, "h", 100);
  std::string idle = d.Run({"OBJECT", "IDLETIME", "h"});
  EXPECT_EQ(idle, ":100\r\n");
  // OBJECT itself does not touch.
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), idle);
  EXPECT_EQ(d.Run({"OBJECT", "ENCODING", "h"}), "$8\r\nlistpack\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), idle);
  // A read touches.
  d.Run({"HGET", "h", "f"});
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), ":0\r\n");
  // So does a write.
  AgeKey(d, "h", 100);
  d.Run({"HSET", "h", "g", "v"});
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), ":0\r\n");
  // RENAME moves the value with its access time (after the rename's own lookup touched it).
  AgeKey(d, "h", 50);
  d.Run({"RENAME", "h", "h2"});
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h2"}), ":0\r\n");
}

TEST(ObjectIdletimeTest, NoTouchSessionsLeaveItAlone) {
  EngineDriver d;
  d.FreezeClock();
  d.Run({"HSET", "h", "f", "v"});
  AgeKey(d, "h", 100);
  d.session().no_touch = true;
  d.Run({"HGET", "h", "f"});
  d.Run({"HLEN", "h"});
  std::string idle = d.Run({"OBJECT", "IDLETIME", "h"});
  EXPECT_EQ(idle, ":100\r\n");
  d.session().no_touch = false;
  d.Run({"HGET", "h", "f"});
  EXPECT_EQ(d.Run({"OBJECT", "IDLETIME", "h"}), ":0\r\n");
}

TEST(ObjectIdletimeTest, ObjectCountsKeyspaceHitsAndMisses) {
  EngineDriver d;
  d.Run({"HSET", "h", "f", "v"});
  d.Run({"OBJECT", "ENCODING", "h"});
  d.Run({"OBJECT", "IDLETIME", "nokey"});
  EXPECT_EQ(d.engine().stats().keyspace_hits, 1u);
  EXPECT_EQ(d.engine().stats().keyspace_misses, 1u);
}

TEST(ObjectIdletimeTest, HelpListsIdletime) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"OBJECT", "HELP"}),
            "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+ENCODING <key>\r\n"
            "+    Return the kind of internal representation used in order to store the value\r\n"
            "+    associated with a <key>.\r\n"
            "+FREQ <key>\r\n"
            "+    Return the access frequency index of the <key>. The returned integer is\r\n"
            "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
            "+IDLETIME <key>\r\n"
            "+    Return the idle time of the <key>, that is the approximated number of\r\n"
            "+    seconds elapsed since the last access to the key.\r\n"
            "+REFCOUNT <key>\r\n"
            "+    Return the number of references of the value associated with the specified\r\n"
            "+    <key>.\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

// --- DEBUG -------------------------------------------------------------------------------------

const char kDebugNotAllowed[] =
    "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.\r\n";

TEST(DebugTest, DisabledByDefaultAsRedis) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"DEBUG", "HELP"}), kDebugNotAllowed);
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0"}), kDebugNotAllowed);
  // The arity check comes first.
  EXPECT_EQ(d.Run({"DEBUG"}), "-ERR wrong number of arguments for 'debug' command\r\n");
  EXPECT_EQ(CommandStat(InfoText(d, "commandstats"), "debug"),
            "calls=0,rejected_calls=3,failed_calls=0");
  // A rejection: inside MULTI it dooms the transaction.
  d.Run({"MULTI"});
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0"}), kDebugNotAllowed);
  EXPECT_EQ(d.Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "enable-debug-command"}),
            "*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "enable-debug-command", "yes"}),
            "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
            "can't set immutable config\r\n");
}

TEST(DebugTest, LocalAllowsLoopbackClientsOnly) {
  EngineDriver d(DebugConfig("local"));
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
  Client v6(d.engine(), "[::1]:5000");
  EXPECT_EQ(v6.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
  Client remote(d.engine(), "10.1.2.3:5000");
  EXPECT_EQ(remote.Run({"DEBUG", "SLEEP", "0"}), kDebugNotAllowed);
  Client lookalike(d.engine(), "127.0.0.10:5000");
  EXPECT_EQ(lookalike.Run({"DEBUG", "SLEEP", "0"}), kDebugNotAllowed);
}

TEST(DebugTest, SleepBlocks) {
  EngineDriver d(DebugConfig("yes"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0.05"}), "+OK\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "x"}), "+OK\r\n");  // strtod: 0
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "-1"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"debug", "sleep", "0"}), "+OK\r\n");
}

TEST(DebugTest, SetActiveExpire) {
  EngineDriver d(DebugConfig("yes"));
  d.Run({"HSET", "k", "f", "v"});
  d.Run({"PEXPIRE", "k", "1"});
  EXPECT_EQ(d.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "+OK\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  d.engine().Cron();
  EXPECT_EQ(d.Run({"DBSIZE"}), ":1\r\n");  // still stored, though expired
  EXPECT_EQ(d.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}), "+OK\r\n");
  d.engine().Cron();
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(d.Run({"DEBUG", "set-active-expire", "x"}), "+OK\r\n");  // atoi: 0
  EXPECT_FALSE(d.engine().observer().active_expire);
}

TEST(DebugTest, Object) {
  EngineDriver d(DebugConfig("yes"));
  d.FreezeClock();
  d.Run({"HSET", "h", "f", "v"});
  std::string reply = d.Run({"DEBUG", "OBJECT", "h"});
  static const std::regex kLine(
      R"(^\+Value at:0x[0-9a-f]+ refcount:1 encoding:listpack serializedlength:14 lru:(\d+) lru_seconds_idle:0\r\n$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(reply, m, kLine)) << reply;
  EXPECT_EQ(std::stoll(m[1]), (d.engine().NowMs() / 1000) & ((1 << 24) - 1));
  // DEBUG OBJECT does not touch.
  AgeKey(d, "h", 100);
  reply = d.Run({"DEBUG", "OBJECT", "h"});
  EXPECT_NE(reply.find(" lru_seconds_idle:100\r\n"), std::string::npos) << reply;
  reply = d.Run({"DEBUG", "OBJECT", "h"});
  EXPECT_NE(reply.find(" lru_seconds_idle:100\r\n"), std::string::npos) << reply;

  d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "0"});
  d.Run({"HSET", "t", "f", "v", "n", "12"});
  reply = d.Run({"DEBUG", "OBJECT", "t"});
  EXPECT_NE(reply.find(" encoding:hashtable serializedlength:9 "), std::string::npos) << reply;

  EXPECT_EQ(d.Run({"DEBUG", "OBJECT", "nokey"}), "-ERR no such key\r\n");
}

TEST(DebugTest, SyntaxErrorsAndHelp) {
  EngineDriver d(DebugConfig("yes"));
  EXPECT_EQ(d.Run({"DEBUG", "NOSUCH"}),
            "-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP"}),
            "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(d.Run({"DEBUG", "object", "h", "extra"}),
            "-ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(d.Run({"DEBUG", "SET-ACTIVE-EXPIRE"}),
            "-ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try "
            "DEBUG HELP.\r\n");
  EXPECT_EQ(d.Run({"DEBUG", "HELP"}),
            "*11\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+OBJECT <key>\r\n"
            "+    Show low level info about `key` and associated value.\r\n"
            "+SET-ACTIVE-EXPIRE <0|1>\r\n"
            "+    Setting it to 0 disables expiring keys in background when they are not\r\n"
            "+    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the\r\n"
            "+    default.\r\n"
            "+SLEEP <seconds>\r\n"
            "+    Stop the server for <seconds>. Decimals allowed.\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

// --- CONFIG ------------------------------------------------------------------------------------

TEST(ObserveConfigTest, GetAndSetAsRedis) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "GET", "slowlog*"}),
            "*4\r\n$23\r\nslowlog-log-slower-than\r\n$5\r\n10000\r\n$15\r\nslowlog-max-len\r\n"
            "$3\r\n128\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "latency-monitor-threshold"}),
            "*2\r\n$25\r\nlatency-monitor-threshold\r\n$1\r\n0\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "slowlog-max-len", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument "
            "must be between 0 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-2"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument must be between -1 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "x"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument couldn't be parsed into an integer\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "latency-monitor-threshold", "x"}),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - "
            "argument couldn't be parsed into an integer\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "latency-monitor-threshold", "0"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "latency-tracking", "maybe"}),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking') - argument "
            "must be 'yes' or 'no'\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1", "slowlog-max-len", "7"}),
            "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "slowlog-log-slower-than"}),
            "*2\r\n$23\r\nslowlog-log-slower-than\r\n$2\r\n-1\r\n");
  EXPECT_EQ(d.engine().config().slowlog_max_len, 7);
  // The hash limits and their ziplist aliases are one setting.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "3"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hash-max-listpack-entries"}),
            "*2\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n3\r\n");
}

}  // namespace
}  // namespace hashkv
