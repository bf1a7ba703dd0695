// MONITOR over real connections: lines pushed to the monitoring socket as other clients' commands
// run, in Redis 7.0's format and order, and what the monitoring client itself may still do.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "compat/connection.h"
#include "server/loopback_fixture.h"

namespace hashkv {
namespace {

using compat::Connection;
using compat::EncodeCommand;

class MonitorLoopbackTest : public testing::LoopbackFixture {
 protected:
  void SetUp() override { StartServer(); }
  // The next MONITOR line without its timestamp: "[db addr] "ARG" ...".
  std::string ReadLine(Connection& c) {
    std::string raw = Read(c);
    static const std::regex kLine(R"(^\+\d{10,}\.\d{6} (\[.*\])?(.*)\r\n$)");
    std::smatch m;
    EXPECT_TRUE(std::regex_match(raw, m, kLine)) << raw;
    return m[1].str() + m[2].str();
  }
  // "127.0.0.1:port" of a connection, as the server sees it.
  std::string AddrOf(Connection& c) {
    std::string info = Cmd(c, {"CLIENT", "INFO"});
    std::smatch m;
    static const std::regex kAddr(R"( addr=(\S+) )");
    EXPECT_TRUE(std::regex_search(info, m, kAddr)) << info;
    return m[1];
  }
};

TEST_F(MonitorLoopbackTest, LinesForOtherClientsCommands) {
  auto monitor = Connect();
  auto client = Connect();
  const std::string addr = AddrOf(*client);
  ASSERT_EQ(Cmd(*monitor, {"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*client, {"HSET", "k", "f", "a b\"\n"}), ":1\r\n");
  EXPECT_EQ(Cmd(*client, {"SELECT", "2"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*client, {"HGET", "k", "f"}), "$-1\r\n");
  EXPECT_EQ(Cmd(*client, {"CONFIG", "GET", "port"}).substr(0, 4), "*2\r\n");  // admin: hidden
  EXPECT_EQ(Cmd(*client, {"AUTH", "pw"}).substr(0, 5), "-ERR ");
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + R"(] "HSET" "k" "f" "a b\"\n")");
  EXPECT_EQ(ReadLine(*monitor), "[2 " + addr + R"(] "SELECT" "2")");
  EXPECT_EQ(ReadLine(*monitor), "[2 " + addr + R"(] "HGET" "k" "f")");
  EXPECT_EQ(ReadLine(*monitor), "[2 " + addr + R"x(] "AUTH" "(redacted)")x");
}

TEST_F(MonitorLoopbackTest, PipelinedBatchAndTransactionInOrder) {
  auto monitor = Connect();
  auto client = Connect();
  const std::string addr = AddrOf(*client);
  ASSERT_EQ(Cmd(*monitor, {"MONITOR"}), "+OK\r\n");
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += EncodeCommand({"HSET", "h", "f" + std::to_string(i), "v"});
  batch += EncodeCommand({"MULTI"}) + EncodeCommand({"HLEN", "h"}) + EncodeCommand({"EXEC"});
  std::string error;
  ASSERT_TRUE(client->Write(batch, &error)) << error;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(Read(*client), ":1\r\n");
  EXPECT_EQ(Read(*client), "+OK\r\n");
  EXPECT_EQ(Read(*client), "+QUEUED\r\n");
  EXPECT_EQ(Read(*client), "*1\r\n:100\r\n");
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(ReadLine(*monitor),
              "[0 " + addr + "] \"HSET\" \"h\" \"f" + std::to_string(i) + "\" \"v\"");
  }
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + "] \"MULTI\"");
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + "] \"HLEN\" \"h\"");
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + "] \"EXEC\"");
}

TEST_F(MonitorLoopbackTest, TheMonitoringClientItself) {
  auto monitor = Connect();
  const std::string addr = AddrOf(*monitor);
  ASSERT_EQ(Cmd(*monitor, {"MONITOR"}), "+OK\r\n");
  // Its own commands are fed to it after their replies; the keyspace is off limits.
  EXPECT_EQ(Cmd(*monitor, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + "] \"PING\"");
  EXPECT_EQ(Cmd(*monitor, {"HSET", "k", "f", "v"}),
            "-ERR Replica can't interact with the keyspace\r\n");
  // A second MONITOR has no reply: the next thing read is PING's.
  std::string error;
  ASSERT_TRUE(monitor->Write(EncodeCommand({"MONITOR"}) + EncodeCommand({"PING"}), &error));
  EXPECT_EQ(Read(*monitor), "+PONG\r\n");
  EXPECT_EQ(ReadLine(*monitor), "[0 " + addr + "] \"PING\"");
  EXPECT_EQ(Cmd(*monitor, {"QUIT"}), "+OK\r\n");
  std::string extra;
  EXPECT_TRUE(monitor->WaitClosed(&extra));
  EXPECT_EQ(extra, "");  // a closing client gets nothing after its reply, not even its line
  // The server goes on without it.
  auto client = Connect();
  EXPECT_EQ(Cmd(*client, {"HSET", "k", "f", "v"}), ":1\r\n");
}

TEST_F(MonitorLoopbackTest, TwoMonitorsAndADisconnect) {
  auto a = Connect();
  auto b = Connect();
  auto client = Connect();
  const std::string addr = AddrOf(*client);
  ASSERT_EQ(Cmd(*a, {"MONITOR"}), "+OK\r\n");
  ASSERT_EQ(Cmd(*b, {"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*client, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(ReadLine(*a), "[0 " + addr + "] \"PING\"");
  EXPECT_EQ(ReadLine(*b), "[0 " + addr + "] \"PING\"");
  a.reset();
  EXPECT_EQ(Cmd(*client, {"ECHO", "x"}), "$1\r\nx\r\n");
  EXPECT_EQ(ReadLine(*b), "[0 " + addr + "] \"ECHO\" \"x\"");
}

}  // namespace
}  // namespace hashkv
