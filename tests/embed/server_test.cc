// hashkv::Server embedded in the test process: the fixture, the direct API against a real
// socket client, several servers at once, and repeated start/stop.
#include "hashkv/server.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "hashkv/testing/server_fixture.h"

namespace hashkv {
namespace {

using compat::Connection;

std::string Cmd(Connection& c, const std::vector<std::string>& args) {
  std::string raw;
  std::string error;
  EXPECT_TRUE(c.Command(args, &raw, &error)) << error;
  return raw;
}

// The three lines a user writes.
class EmbedFixtureTest : public testing::ServerFixture {};

TEST_F(EmbedFixtureTest, SocketWritesAreVisibleThroughTheDirectApi) {
  Connection c;
  std::string error;
  ASSERT_TRUE(c.Connect(port(), &error)) << error;
  EXPECT_EQ(Cmd(c, {"HSET", "user:1", "name", "ada", "lang", "c++"}), ":2\r\n");
  EXPECT_EQ(server().HGet("user:1", "name"), "ada");
  EXPECT_EQ(server().HGet("user:1", "missing"), std::nullopt);
  EXPECT_EQ(server().HGetAll("user:1"),
            (std::map<std::string, std::string>{{"lang", "c++"}, {"name", "ada"}}));
  EXPECT_TRUE(server().Exists("user:1"));
  EXPECT_EQ(server().Keys(), std::vector<std::string>{"user:1"});
  EXPECT_EQ(Cmd(c, {"EXPIRE", "user:1", "100"}), ":1\r\n");
  EXPECT_GT(server().Ttl("user:1"), 90);
  EXPECT_EQ(server().Ttl("nope"), -2);
}

TEST_F(EmbedFixtureTest, DirectApiSeedsWhatTheSocketReads) {
  EXPECT_TRUE(server().HSet("h", "f", "v"));
  EXPECT_FALSE(server().HSet("h", "f", "w"));
  EXPECT_TRUE(server().HSet("h", "g", "x"));
  Connection c;
  std::string error;
  ASSERT_TRUE(c.Connect(port(), &error)) << error;
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "$1\r\nw\r\n");
  EXPECT_EQ(Cmd(c, {"TTL", "h"}), ":-1\r\n");
  EXPECT_EQ(server().Ttl("h"), -1);
  EXPECT_EQ(server().HDel("h", {"f", "nope"}), 1);
  EXPECT_EQ(Cmd(c, {"HGETALL", "h"}), "*2\r\n$1\r\ng\r\n$1\r\nx\r\n");
  EXPECT_EQ(server().Execute({"HLEN", "h"}), ":1\r\n");
  server().FlushAll();
  EXPECT_EQ(Cmd(c, {"DBSIZE"}), ":0\r\n");
  EXPECT_FALSE(server().Exists("h"));
}

TEST_F(EmbedFixtureTest, SelectChoosesTheDirectApisDatabase) {
  ASSERT_TRUE(server().Select(3));
  EXPECT_TRUE(server().HSet("in3", "f", "v"));
  EXPECT_FALSE(server().Select(16));  // databases = 16
  Connection c;
  std::string error;
  ASSERT_TRUE(c.Connect(port(), &error)) << error;
  EXPECT_EQ(Cmd(c, {"EXISTS", "in3"}), ":0\r\n");
  EXPECT_EQ(Cmd(c, {"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(Cmd(c, {"EXISTS", "in3"}), ":1\r\n");
  ASSERT_TRUE(server().Select(0));
  EXPECT_FALSE(server().Exists("in3"));
}

TEST_F(EmbedFixtureTest, DirectApiIsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 100; ++i) {
        server().HSet("h", std::to_string(t) + ":" + std::to_string(i), "v");
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(server().Execute({"HLEN", "h"}), ":400\r\n");
}

TEST_F(EmbedFixtureTest, DumpListsEveryDatabaseSorted) {
  EXPECT_EQ(server().Dump(), "");
  server().HSet("b", "y", "2");
  server().HSet("b", "x", "1");
  server().HSet("a", "f", "v");
  server().Execute({"PEXPIRE", "a", "100000"});
  ASSERT_TRUE(server().Select(2));
  server().HSet("c", "f", "v");
  const std::string dump = server().Dump();
  // The TTL has ticked by an unknown few ms: check it apart from the rest.
  const size_t ms = dump.find(" ms)\n");
  ASSERT_TRUE(dump.starts_with("db0 a (ttl ") && ms != std::string::npos) << dump;
  const int64_t ttl = std::stoll(dump.substr(11, ms - 11));
  EXPECT_GT(ttl, 90000);
  EXPECT_LE(ttl, 100000);
  EXPECT_EQ(dump.substr(ms), " ms)\n  f = v\ndb0 b\n  x = 1\n  y = 2\ndb2 c\n  f = v\n");
  EXPECT_TRUE(server().HSet("still-in-2", "f", "v"));  // Dump() restored the selected db
  EXPECT_EQ(server().Execute({"DBSIZE"}), ":2\r\n");
}

TEST_F(EmbedFixtureTest, CommandLogHasWhatClientsSentAndNotTheDirectApi) {
  server().HSet("seeded", "f", "v");  // direct API: not logged
  Connection c;
  std::string error;
  ASSERT_TRUE(c.Connect(port(), &error)) << error;
  EXPECT_EQ(Cmd(c, {"HGETSET", "k", "f", "a \"b\"\r\n\x01"}), "$-1\r\n");
  EXPECT_EQ(Cmd(c, {"hget", "seeded", "f"}), "$1\r\nv\r\n");
  using Log = std::vector<std::vector<std::string>>;
  EXPECT_EQ(server().CommandLog(),
            (Log{{"HGETSET", "k", "f", "a \"b\"\r\n\x01"}, {"hget", "seeded", "f"}}));
  server().ClearCommandLog();
  EXPECT_EQ(server().CommandLog(), Log{});
  EXPECT_EQ(Cmd(c, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(server().CommandLog(), (Log{{"PING"}}));
}

class AuthFixtureTest : public testing::ServerFixture {
 protected:
  ServerOptions options() const override { return {.requirepass = "s3cret"}; }
};

TEST_F(AuthFixtureTest, DirectApiAuthenticatesAndClientsMust) {
  EXPECT_TRUE(server().HSet("h", "f", "v"));
  Connection c;
  std::string error;
  ASSERT_TRUE(c.Connect(port(), &error)) << error;
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(Cmd(c, {"AUTH", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "$1\r\nv\r\n");
}

TEST(EmbedServerTest, TwoServersAtOnceKeepSeparateData) {
  testing::ScopedServer a;
  testing::ScopedServer b;
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_NE(a.port(), b.port());
  EXPECT_TRUE(a->HSet("k", "f", "a"));
  Connection ca;
  Connection cb;
  std::string error;
  ASSERT_TRUE(ca.Connect(a.port(), &error)) << error;
  ASSERT_TRUE(cb.Connect(b.port(), &error)) << error;
  EXPECT_EQ(Cmd(ca, {"HGET", "k", "f"}), "$1\r\na\r\n");
  EXPECT_EQ(Cmd(cb, {"HGET", "k", "f"}), "$-1\r\n");
  EXPECT_EQ(Cmd(cb, {"HSET", "k", "f", "b"}), ":1\r\n");
  EXPECT_EQ(a->HGet("k", "f"), "a");
  EXPECT_EQ(b->HGet("k", "f"), "b");
}

TEST(EmbedServerTest, StartStopAndRestart) {
  Server server;
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.Port(), 0);
  EXPECT_EQ(server.Execute({"PING"}), "");
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  EXPECT_TRUE(server.running());
  EXPECT_FALSE(server.Start(&error));
  EXPECT_EQ(error, "server already started");
  EXPECT_EQ(server.Execute({"PING"}), "+PONG\r\n");
  EXPECT_TRUE(server.HSet("k", "f", "v"));
  const int port = server.Port();
  server.Stop();
  EXPECT_FALSE(server.running());
  Connection c;
  EXPECT_FALSE(c.Connect(port, &error));  // the socket is closed once Stop() returns
  ASSERT_TRUE(server.Start(&error)) << error;
  EXPECT_FALSE(server.Exists("k"));  // a restart is a fresh, empty server
}

TEST(EmbedServerTest, BindFailureIsReported) {
  Server a;
  std::string error;
  ASSERT_TRUE(a.Start(&error)) << error;
  Server b({.port = a.Port()});
  EXPECT_FALSE(b.Start(&error));
  EXPECT_NE(error.find("Failed listening on port"), std::string::npos) << error;
  EXPECT_FALSE(b.running());
}

TEST(EmbedServerTest, ClientShutdownEndsRunning) {
  Server server;
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  Connection c;
  ASSERT_TRUE(c.Connect(server.Port(), &error)) << error;
  ASSERT_TRUE(c.Write(compat::EncodeCommand({"SHUTDOWN", "NOSAVE"}), &error)) << error;
  EXPECT_TRUE(Server::WaitFor([&] { return !server.running(); }, std::chrono::seconds(5)));
  server.Stop();  // still joins cleanly
}

TEST(EmbedServerTest, StartAndStopWriteNothingToStdout) {
  ::testing::internal::CaptureStdout();
  {
    Server server;
    std::string error;
    EXPECT_TRUE(server.Start(&error)) << error;
    EXPECT_EQ(server.Execute({"PING"}), "+PONG\r\n");
    server.Stop();  // the network layer logs "Stop requested" at warning level
  }
  std::fflush(stdout);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

// HASHKV_EMBED_CYCLES overrides the count (used by hand under valgrind / LeakSanitizer).
TEST(EmbedServerTest, ThousandStartStopCycles) {
  int cycles = 1000;
  if (const char* env = std::getenv("HASHKV_EMBED_CYCLES")) cycles = std::atoi(env);
  const auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator{});
  };
  const auto fds_before = open_fds();
  for (int i = 0; i < cycles; ++i) {
    Server server;
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << i << ": " << error;
    if (i % 100 == 0) {
      ASSERT_EQ(server.Execute({"PING"}), "+PONG\r\n") << i;
    }
    server.Stop();
  }
  EXPECT_EQ(open_fds(), fds_before);  // sockets, the thread's and Asio's descriptors all closed
}

// The host process keeps its signals: an embedded server must not turn Ctrl-C into its own
// shutdown.
volatile std::sig_atomic_t host_saw_sigint = 0;

TEST(EmbedServerTest, LeavesTheHostsSignalsAlone) {
  struct sigaction ours {};
  struct sigaction previous {};
  ours.sa_handler = [](int) { host_saw_sigint = 1; };
  sigemptyset(&ours.sa_mask);
  ASSERT_EQ(sigaction(SIGINT, &ours, &previous), 0);
  {
    Server server;
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    std::raise(SIGINT);
    EXPECT_EQ(host_saw_sigint, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(server.running());
    EXPECT_EQ(server.Execute({"PING"}), "+PONG\r\n");
  }
  sigaction(SIGINT, &previous, nullptr);
}

}  // namespace
}  // namespace hashkv
