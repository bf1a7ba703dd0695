// The real hashkv-server over loopback: readiness, pipelining, partial writes, protocol errors
// confined to one connection, limits, and clean shutdown.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "server/loopback_fixture.h"

namespace hashkv {
namespace {

using compat::Connection;
using compat::EncodeCommand;

using LoopbackTest = testing::LoopbackFixture;

TEST_F(LoopbackTest, PortZeroPicksAFreePortAndAnnouncesReadiness) {
  StartServer();
  EXPECT_GT(server_.port(), 0);
  EXPECT_NE(server_.log().find("* Ready to accept connections tcp"), std::string::npos);
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"PING"}), "+PONG\r\n");
}

TEST_F(LoopbackTest, HGetSetRoundTrip) {
  StartServer();
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"HGETSET", "k", "f", "v"}), "$-1\r\n");
  EXPECT_EQ(Cmd(*c, {"HGETSET", "k", "f", "w"}), "$1\r\nv\r\n");
  EXPECT_EQ(Cmd(*c, {"HGET", "k", "f"}), "$1\r\nw\r\n");
  EXPECT_EQ(Cmd(*c, {"HGETSET", "k", "f"}),
            "-ERR wrong number of arguments for 'hgetset' command\r\n");
}

TEST_F(LoopbackTest, TenThousandPipelinedCommandsInOneWrite) {
  StartServer();
  auto c = Connect();
  std::string batch;
  for (int i = 0; i < 10000; ++i) {
    batch += EncodeCommand({"HSET", "h", "f" + std::to_string(i), "v" + std::to_string(i)});
  }
  for (int i = 0; i < 10000; ++i) batch += EncodeCommand({"HGET", "h", "f" + std::to_string(i)});
  std::string error;
  ASSERT_TRUE(c->Write(batch, &error)) << error;
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(Read(*c), ":1\r\n") << i;
  for (int i = 0; i < 10000; ++i) {
    std::string v = "v" + std::to_string(i);
    ASSERT_EQ(Read(*c), "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n") << i;
  }
  EXPECT_EQ(Cmd(*c, {"HLEN", "h"}), ":10000\r\n");
}

TEST_F(LoopbackTest, RequestsSplitIntoSingleBytes) {
  StartServer();
  auto c = Connect();
  std::string bytes =
      EncodeCommand({"HSET", "k", "field", std::string("a\0\r\nb", 5)}) + "HGET k field\r\n";
  std::string error;
  for (char ch : bytes) {
    ASSERT_TRUE(c->Write(std::string_view(&ch, 1), &error)) << error;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_EQ(Read(*c), ":1\r\n");
  EXPECT_EQ(Read(*c), std::string("$5\r\na\0\r\nb\r\n", 11));
}

TEST_F(LoopbackTest, InlineCommandsWithQuotes) {
  StartServer();
  auto c = Connect();
  std::string error;
  ASSERT_TRUE(c->Write("HSET k f \"a b\"\r\nHGET k f\r\n", &error));
  EXPECT_EQ(Read(*c), ":1\r\n");
  EXPECT_EQ(Read(*c), "$3\r\na b\r\n");
}

TEST_F(LoopbackTest, ProtocolErrorClosesOnlyThatConnection) {
  StartServer();
  auto good = Connect();
  auto bad = Connect();
  EXPECT_EQ(Cmd(*good, {"HSET", "k", "f", "v"}), ":1\r\n");
  std::string error, extra;
  // Commands before the bad bytes still run and answer, then the error, then the close.
  ASSERT_TRUE(bad->Write("PING\r\n*1\r\n$x\r\n", &error));
  EXPECT_EQ(Read(*bad), "+PONG\r\n");
  EXPECT_EQ(Read(*bad), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(bad->WaitClosed(&extra));
  EXPECT_EQ(extra, "");
  EXPECT_EQ(Cmd(*good, {"HGET", "k", "f"}), "$1\r\nv\r\n");
  auto again = Connect();
  EXPECT_EQ(Cmd(*again, {"PING"}), "+PONG\r\n");
}

TEST_F(LoopbackTest, QuitRepliesThenCloses) {
  StartServer();
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"QUIT"}), "+OK\r\n");
  std::string extra;
  EXPECT_TRUE(c->WaitClosed(&extra));
}

TEST_F(LoopbackTest, LargeValuesAndLargeRequests) {
  StartServer();
  auto c = Connect();
  std::string big(1 << 20, 'x');
  big[12345] = '\0';
  EXPECT_EQ(Cmd(*c, {"HSET", "k", "f", big}), ":1\r\n");
  EXPECT_EQ(Cmd(*c, {"HGET", "k", "f"}), "$1048576\r\n" + big + "\r\n");
  // One HSET with 200,000 pairs: a legitimate multibulk of 400,002 arguments.
  std::vector<std::string> args = {"HSET", "wide"};
  for (int i = 0; i < 200000; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v");
  }
  EXPECT_EQ(Cmd(*c, args), ":200000\r\n");
  EXPECT_EQ(Cmd(*c, {"HLEN", "wide"}), ":200000\r\n");
}

TEST_F(LoopbackTest, QueryBufferLimitClosesTheGreedyClientOnly) {
  StartServer({"--client-query-buffer-limit", "1mb"});
  auto good = Connect();
  auto greedy = Connect();
  std::string error, extra;
  // A 4 MB bulk is under proto-max-bulk-len, but the pending request passes the 1 MB limit.
  ASSERT_TRUE(greedy->Write("*3\r\n$4\r\nHGET\r\n$1\r\nk\r\n$4194304\r\n", &error));
  std::string chunk(256 * 1024, 'y');
  for (int i = 0; i < 8 && greedy->Write(chunk, &error); ++i) {
  }
  EXPECT_TRUE(greedy->WaitClosed(&extra));
  EXPECT_EQ(Cmd(*good, {"PING"}), "+PONG\r\n");
  EXPECT_NE(server_.log().find("max query buffer length"), std::string::npos);
}

TEST_F(LoopbackTest, ManyConcurrentConnections) {
  StartServer();
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < 500; ++i) conns.push_back(Connect());
  std::string error;
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(
        conns[i]->Write(EncodeCommand({"HSET", "many", "f" + std::to_string(i), "v"}), &error));
  }
  for (int i = 0; i < 500; ++i) EXPECT_EQ(Read(*conns[i]), ":1\r\n");
  EXPECT_EQ(Cmd(*conns[0], {"HLEN", "many"}), ":500\r\n");
}

TEST_F(LoopbackTest, SigtermExitsCleanly) {
  StartServer();
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"PING"}), "+PONG\r\n");
  auto start = std::chrono::steady_clock::now();
  std::string how = server_.process().Terminate(5000);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(how, "exit code 0");
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_NE(server_.log().find("Received SIGTERM scheduling shutdown"), std::string::npos);
}

TEST_F(LoopbackTest, ShutdownCommandStopsTheServer) {
  StartServer();
  auto c = Connect();
  std::string error, extra;
  ASSERT_TRUE(c->Write(EncodeCommand({"SHUTDOWN", "NOSAVE"}), &error));
  EXPECT_TRUE(c->WaitClosed(&extra));
  std::string how;
  for (int i = 0; i < 200 && server_.process().Running(&how); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(how, "exit code 0");
}

TEST_F(LoopbackTest, BadConfigurationExitsWithAnError) {
  std::string error;
  EXPECT_FALSE(server_.Start({"--no-such-directive", "1"}, &error));
  EXPECT_NE(error.find("Bad directive"), std::string::npos) << error;
}

}  // namespace
}  // namespace hashkv
