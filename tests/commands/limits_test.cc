// In-process tests of the limits: maxmemory's OOM stage, client-output-buffer-limit's syntax and
// check, idle timeouts, protected mode's decision, maxclients' CONFIG SET, the query buffer
// limit. Reply texts were checked against redis-server 7.0.15; the socket side of each limit is
// in tests/server/limits_loopback_test.cc.
#include "engine/limits.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config_parser.h"
#include "engine/memory.h"
#include "engine/session.h"
#include "engine_support.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

using testing::EngineClient;
using testing::EngineDriver;

constexpr std::string_view kOk = "+OK\r\n";
constexpr std::string_view kQueued = "+QUEUED\r\n";
constexpr std::string_view kOom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

std::string ConfigGetReply(std::string_view name, std::string_view value) {
  return "*2\r\n$" + std::to_string(name.size()) + "\r\n" + std::string(name) + "\r\n$" +
         std::to_string(value.size()) + "\r\n" + std::string(value) + "\r\n";
}

std::string SetError(std::string_view name, std::string_view why) {
  return "-ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(why) + "\r\n";
}

// --- maxmemory --------------------------------------------------------------------------------

TEST(LimitsTest, OverMaxmemoryDenyOomCommandsAreRefused) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kOom);
  EXPECT_EQ(d.Run({"HSETNX", "h", "a", "b"}), kOom);
  EXPECT_EQ(d.Run({"HMSET", "h", "a", "b"}), kOom);
  EXPECT_EQ(d.Run({"HINCRBY", "h", "x", "1"}), kOom);
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "x", "1"}), kOom);
  EXPECT_EQ(d.Run({"COPY", "h", "h2"}), kOom);
  // Reads, deletions and commands without deny-oom still run, as in Redis.
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), "$1\r\n1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"HDEL", "h", "a"}), ":1\r\n");
  EXPECT_EQ(d.Run({"FLUSHALL"}), kOk);
  // The refusal is an error reply and a rejected call, as Redis counts it.
  std::string stats = d.Run({"INFO", "errorstats"});
  EXPECT_NE(stats.find("errorstat_OOM:count=6"), std::string::npos) << stats;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "0"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), ":1\r\n");
}

TEST(LimitsTest, AHighMaxmemoryRefusesNothing) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1000gb"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxmemory"}), ConfigGetReply("maxmemory", "1073741824000"));
}

TEST(LimitsTest, OverMaxmemoryInsideMultiEverythingIsRefusedAtQueueTime) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  // Queueing costs memory: even HGET and PING are refused, which dooms the transaction.
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), kOom);
  EXPECT_EQ(d.Run({"PING"}), kOom);
  EXPECT_EQ(d.Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"DISCARD"}), kOk);
  // A command that may not run in MULTI at all gets that error, which Redis checks first.
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"SAVE"}), "-ERR Command not allowed inside a transaction\r\n");
  EXPECT_EQ(d.Run({"DISCARD"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "0"}), kOk);
}

TEST(LimitsTest, ExecOfAQueuedDenyOomCommandIsAbortedOverMaxmemory) {
  EngineDriver d;
  EngineClient admin(d.engine());
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "a", "2"}), kQueued);
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), kQueued);
  EXPECT_EQ(admin.Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
  EXPECT_EQ(d.Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.\r\n");
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), "$-1\r\n");
  // Only reads queued: EXEC runs them.
  EXPECT_EQ(admin.Run({"CONFIG", "SET", "maxmemory", "0"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"MULTI"}), kOk);
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), kQueued);
  EXPECT_EQ(admin.Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
  EXPECT_EQ(d.Run({"EXEC"}), "*1\r\n$1\r\n1\r\n");
  // EXEC without MULTI keeps its own error.
  EXPECT_EQ(d.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST(LimitsTest, MaxmemoryConfigAndInfo) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1gb"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxmemory"}), ConfigGetReply("maxmemory", "1073741824"));
  std::string info = d.Run({"INFO", "memory"});
  EXPECT_NE(info.find("\r\nmaxmemory:1073741824\r\nmaxmemory_human:1.00G\r\n"), std::string::npos)
      << info;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "-1"}),
            SetError("maxmemory", "argument must be a memory value"));
  // Every policy Redis knows is accepted and shown; none evicts.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxmemory-policy"}),
            ConfigGetReply("maxmemory-policy", "allkeys-lru"));
  info = d.Run({"INFO", "memory"});
  EXPECT_NE(info.find("\r\nmaxmemory_policy:allkeys-lru\r\n"), std::string::npos) << info;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory-policy", "foo"}),
            SetError("maxmemory-policy",
                     "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                     "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                     "noeviction"));
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
  EXPECT_EQ(d.Run({"HSET", "h", "f", "v"}), kOom);
}

TEST(LimitsTest, UsedMemoryFallsBackToTheAllocatorOutsideTheServerBinary) {
  // In-process there is no allocation counter (only hashkv-server installs one).
  EXPECT_FALSE(UsedMemoryIsCounted());
  EXPECT_GT(UsedMemory(), 0u);
}

// --- client-output-buffer-limit ---------------------------------------------------------------

TEST(LimitsTest, ClientOutputBufferLimitConfig) {
  EngineDriver d;
  const std::string name = "client-output-buffer-limit";
  EXPECT_EQ(
      d.Run({"CONFIG", "GET", name}),
      ConfigGetReply(name, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1mb 2mb 3"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "replica 1 2 3 PUBSUB 1k 2kb 007"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "GET", name}),
            ConfigGetReply(name, "normal 1048576 2097152 3 slave 1 2 3 pubsub 1000 2048 7"));
  const OutputBufferLimit& normal = d.engine().config().client_output_buffer_limits[0];
  EXPECT_EQ(normal.hard_bytes, 1048576u);
  EXPECT_EQ(normal.soft_bytes, 2097152u);
  EXPECT_EQ(normal.soft_seconds, 3);
  // An empty value changes nothing; empty parts between two spaces are 0 (sdssplitlen).
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, ""}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal  1 2"}), kOk);
  EXPECT_EQ(normal.hard_bytes, 0u);
  EXPECT_EQ(normal.soft_bytes, 1u);
  // soft_seconds is kept in an int, as Redis; sizes saturate.
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 5000000000"}), kOk);
  EXPECT_EQ(normal.soft_seconds, 705032704);
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 4294967296"}), kOk);
  EXPECT_EQ(normal.soft_seconds, 0);
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 99999999999999999999 2 -0"}), kOk);
  EXPECT_EQ(normal.hard_bytes, UINT64_MAX);
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 5000000000"}), kOk);

  const std::string wrong = "Wrong number of arguments in buffer limit configuration.";
  const std::string bad_class = "Invalid client class specified in buffer limit configuration.";
  const std::string bad_value =
      "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2"}), SetError(name, wrong));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 3 "}), SetError(name, wrong));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, " normal 1 2 3"}), SetError(name, wrong));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "foo 1 2 3"}), SetError(name, bad_class));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "master 1 2 3"}), SetError(name, bad_class));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal x 2 3"}), SetError(name, bad_value));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 -1"}), SetError(name, bad_value));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 5x"}), SetError(name, bad_value));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 2147483648"}), SetError(name, bad_value));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 1 2 1k"}), SetError(name, bad_value));
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal -0 2 1"}), SetError(name, bad_value));
  // All or nothing: a bad second group leaves the first unapplied.
  EXPECT_EQ(d.Run({"CONFIG", "SET", name, "normal 7 7 7 foo 1 2 3"}), SetError(name, bad_class));
  EXPECT_EQ(normal.hard_bytes, 1u);
}

TEST(LimitsTest, OutputLimitHardAndSoft) {
  OutputBufferLimit limit{1000, 500, 2};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 499, 100, &since));
  EXPECT_TRUE(OutputLimitReached(limit, 1000, 100, &since));  // the hard limit: at once
  // The soft limit must hold for more than soft_seconds in a row.
  since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 500, 100, &since));
  EXPECT_EQ(since, 100);
  EXPECT_FALSE(OutputLimitReached(limit, 600, 102, &since));
  EXPECT_TRUE(OutputLimitReached(limit, 600, 103, &since));
  // Dropping below it starts the count again.
  since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 600, 100, &since));
  EXPECT_FALSE(OutputLimitReached(limit, 10, 101, &since));
  EXPECT_EQ(since, 0);
  EXPECT_FALSE(OutputLimitReached(limit, 600, 105, &since));
  // 0 disables a limit.
  OutputBufferLimit none{0, 0, 0};
  since = 0;
  EXPECT_FALSE(OutputLimitReached(none, UINT64_MAX, 100, &since));
  EXPECT_FALSE(OutputLimitReached(none, UINT64_MAX, 1000, &since));
}

// One small request for a reply larger than the hard limit (HRANDFIELD's negative count
// repeats elements): the reply is dropped and the connection closed while it is being built,
// instead of the server allocating it all.
TEST(LimitsTest, OneReplyPastTheHardLimitClosesTheConnection) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"HSET", "h", "f", std::string(4000, 'v')}), ":1\r\n");
  FeedResult r;
  const std::string request =
      "*4\r\n$10\r\nHRANDFIELD\r\n$1\r\nh\r\n$9\r\n-16777216\r\n"
      "$10\r\nWITHVALUES\r\n*1\r\n$4\r\nPING\r\n";
  const size_t cut_at = d.Feed(request, &r).size();  // the caller drops it
  EXPECT_GT(cut_at, 1024u * 1024 + 16 * 1024);       // Redis's static 16 KB buffer is not counted
  EXPECT_LT(cut_at, 1024u * 1024 + 16 * 1024 + 8192);
  EXPECT_TRUE(r.output_limit);
  EXPECT_TRUE(r.close);
  EXPECT_EQ(r.consumed, request.size() - 14);  // the PING after it never runs
  // Under the limit the same command answers in full.
  EngineDriver small;
  EXPECT_EQ(small.Run({"HSET", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(small.Feed("*4\r\n$10\r\nHRANDFIELD\r\n$1\r\nh\r\n$2\r\n-2\r\n$10\r\nWITHVALUES\r\n"),
            "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST(LimitsTest, MonitorsFallBackToTheReplicaLimitsWhileNormalIsUnlimited) {
  EngineDriver d;
  Session& s = d.session();
  const Config& c = d.engine().config();
  EXPECT_EQ(&OutputLimitFor(c, s), &c.client_output_buffer_limits[0]);
  s.monitor = true;
  EXPECT_EQ(&OutputLimitFor(c, s), &c.client_output_buffer_limits[1]);
  EXPECT_EQ(OutputLimitFor(c, s).hard_bytes, 256u * 1024 * 1024);
  // A configured normal class applies to monitors, as in Redis.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), kOk);
  EXPECT_EQ(&OutputLimitFor(c, s), &c.client_output_buffer_limits[0]);
}

// --- timeout ----------------------------------------------------------------------------------

TEST(LimitsTest, IdleTimeout) {
  EngineDriver d;
  Config& c = d.engine().config();
  Session& s = d.session();
  EXPECT_FALSE(IdleTimedOut(c, s, 0, 1000000));  // timeout 0: never
  EXPECT_EQ(d.Run({"CONFIG", "SET", "timeout", "10"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "timeout"}), ConfigGetReply("timeout", "10"));
  EXPECT_FALSE(IdleTimedOut(c, s, 100, 110));
  EXPECT_TRUE(IdleTimedOut(c, s, 100, 111));
  s.monitor = true;  // monitors are never timed out, as Redis's replicas
  EXPECT_FALSE(IdleTimedOut(c, s, 100, 1000));
  EXPECT_EQ(d.Run({"CONFIG", "SET", "timeout", "-1"}),
            SetError("timeout", "argument must be between 0 and 2147483647 inclusive"));
}

// --- protected mode ---------------------------------------------------------------------------

TEST(LimitsTest, ProtectedModeDecision) {
  Config c;
  EXPECT_TRUE(c.protected_mode);
  EXPECT_FALSE(ProtectedModeRefuses(c, "127.0.0.1", false));
  EXPECT_FALSE(ProtectedModeRefuses(c, "::1", false));
  EXPECT_FALSE(ProtectedModeRefuses(c, "::ffff:127.0.0.1", false));
  EXPECT_FALSE(ProtectedModeRefuses(c, "", true));  // a Unix socket client
  EXPECT_TRUE(ProtectedModeRefuses(c, "192.0.2.7", false));
  EXPECT_TRUE(ProtectedModeRefuses(c, "fd00::2", false));
  // Redis compares with "127.0.0.1" exactly: the rest of 127/8 counts as remote.
  EXPECT_TRUE(ProtectedModeRefuses(c, "127.0.0.2", false));
  c.requirepass = "secret";
  EXPECT_FALSE(ProtectedModeRefuses(c, "192.0.2.7", false));
  c.requirepass.clear();
  c.protected_mode = false;
  EXPECT_FALSE(ProtectedModeRefuses(c, "192.0.2.7", false));
}

TEST(LimitsTest, ProtectedModeConfig) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "GET", "protected-mode"}), ConfigGetReply("protected-mode", "yes"));
  EXPECT_EQ(d.Run({"CONFIG", "SET", "protected-mode", "NO"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "protected-mode"}), ConfigGetReply("protected-mode", "no"));
  EXPECT_FALSE(d.engine().config().protected_mode);
  EXPECT_EQ(d.Run({"CONFIG", "SET", "protected-mode", "maybe"}),
            SetError("protected-mode", "argument must be 'yes' or 'no'"));
}

TEST(LimitsTest, RefusalTexts) {
  EXPECT_EQ(kMaxClientsReply, "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(kProtectedModeReply.starts_with(
      "-DENIED Redis is running in protected mode because protected mode is enabled and no "
      "password is set for the default user. In this mode connections are only accepted from "
      "the loopback interface."));
  EXPECT_TRUE(kProtectedModeReply.ends_with(
      "4) Setup a an authentication password for the default user. NOTE: You only need to do one "
      "of the above things in order for the server to start accepting connections from the "
      "outside.\r\n"));
  EXPECT_EQ(kProtectedModeReply.size(), 1067u);  // redis-server 7.0.15's reply, byte for byte
}

// --- maxclients -------------------------------------------------------------------------------

TEST(LimitsTest, MaxclientsRefusedWhenTheSystemCannotServeThatMany) {
  EngineDriver d;
  std::vector<int64_t> asked;
  d.engine().set_maxclients_hook([&asked](int64_t n) {
    asked.push_back(n);
    return n > 100 ? int64_t{100} : n;
  });
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxclients", "50"}), kOk);
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxclients", "200"}),
            SetError("maxclients",
                     "The operating system is not able to handle the specified number of "
                     "clients, try with 100"));
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxclients"}), ConfigGetReply("maxclients", "50"));
  // An unchanged value does not ask again.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxclients", "50"}), kOk);
  EXPECT_EQ(asked, (std::vector<int64_t>{50, 200}));
  // Without a hook (in-process and embedded engines) any number is taken.
  EngineDriver plain;
  EXPECT_EQ(plain.Run({"CONFIG", "SET", "maxclients", "4294967295"}), kOk);
}

// --- the query buffer limit --------------------------------------------------------------------

TEST(LimitsTest, QueryBufferLimitClosesTheClient) {
  Config config;
  config.client_query_buffer_limit = 1024 * 1024;
  EngineDriver d(config);
  // A 2 MB bulk is allowed by proto-max-bulk-len; the pending request passes 1 MB.
  const std::string head = "*3\r\n$4\r\nHGET\r\n$1\r\nk\r\n$2000000\r\n";
  FeedResult r;
  EXPECT_EQ(d.Feed(head + std::string(1024 * 1024 - head.size(), 'x'), &r), "");
  EXPECT_FALSE(r.query_buffer_limit);
  EXPECT_FALSE(r.close);
  EngineDriver d2(config);
  EXPECT_EQ(d2.Feed(head + std::string(1024 * 1024, 'x'), &r), "");
  EXPECT_TRUE(r.query_buffer_limit);
  EXPECT_TRUE(r.close);
  EXPECT_EQ(r.consumed, 0u);
  // Complete requests before the big one are answered first.
  EngineDriver d3(config);
  EXPECT_EQ(d3.Feed("*1\r\n$4\r\nPING\r\n" + head + std::string(1024 * 1024, 'x'), &r),
            "+PONG\r\n");
  EXPECT_TRUE(r.query_buffer_limit);
  EXPECT_EQ(r.consumed, 14u);
}

TEST(LimitsTest, QuotedReprIsRedisSdscatrepr) {
  EXPECT_EQ(QuotedRepr("*3\r\n$4\r\nHGET\t\"\\\x01\xff a"),
            "\"*3\\r\\n$4\\r\\nHGET\\t\\\"\\\\\\x01\\xff a\"");
  EXPECT_EQ(QuotedRepr(std::string_view("\a\b\0", 3)), "\"\\a\\b\\x00\"");
}

// --- the config file and flags ----------------------------------------------------------------

ConfigResult Parse(std::vector<const char*> args, Config* config) {
  args.insert(args.begin(), "hashkv-server");
  return ParseCommandLine(static_cast<int>(args.size()), args.data(), config);
}

TEST(LimitsTest, LimitFlags) {
  Config c;
  ConfigResult r =
      Parse({"--protected-mode", "no", "--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru",
             "--client-output-buffer-limit", "normal 1mb 2mb 3", "--client-output-buffer-limit",
             "pubsub", "1", "1", "1", "--timeout", "30", "--maxclients", "7"},
            &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_FALSE(c.protected_mode);
  EXPECT_EQ(c.maxmemory, 100u * 1024 * 1024);
  EXPECT_EQ(c.maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(FormatOutputBufferLimits(c.client_output_buffer_limits),
            "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 1 1 1");
  EXPECT_EQ(c.timeout, 30);
  EXPECT_EQ(c.maxclients, 7);

  Config bad;
  r = Parse({"--client-output-buffer-limit", "normal", "1mb", "2mb"}, &bad);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("Wrong number of arguments in buffer limit configuration."),
            std::string::npos)
      << r.error;
  r = Parse({"--protected-mode", "maybe"}, &bad);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("argument must be 'yes' or 'no'"), std::string::npos) << r.error;
  r = Parse({"--maxmemory-policy", "lru"}, &bad);
  EXPECT_FALSE(r.ok);
  r = Parse({"--maxmemory", "lots"}, &bad);
  EXPECT_FALSE(r.ok);
}

}  // namespace
}  // namespace hashkv
