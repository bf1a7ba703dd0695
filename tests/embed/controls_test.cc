// The test-double controls of hashkv::Server, each checked by what a real socket client sees.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "hashkv/server.h"
#include "hashkv/testing/server_fixture.h"

namespace hashkv {
namespace {

using compat::Connection;
using std::chrono::milliseconds;
using std::chrono::seconds;

class ControlsTest : public testing::ServerFixture {
 protected:
  // A connected client; the test fails at once if the server does not accept it.
  void Open(Connection& c) {
    std::string error;
    ASSERT_TRUE(c.Connect(port(), &error)) << error;
  }
  std::string Cmd(Connection& c, const std::vector<std::string>& args) {
    std::string raw;
    std::string error;
    EXPECT_TRUE(c.Command(args, &raw, &error)) << error;
    return raw;
  }
};

TEST_F(ControlsTest, SetErrorFailsEveryCommandUntilCleared) {
  Connection c;
  Open(c);
  server().HSet("h", "f", "v");
  server().SetError("boom");
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "-ERR boom\r\n");
  EXPECT_EQ(Cmd(c, {"PING"}), "-ERR boom\r\n");
  EXPECT_EQ(server().HGet("h", "f"), "v");  // the direct API is not the application
  server().ClearError();
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "$1\r\nv\r\n");
}

TEST_F(ControlsTest, SetErrorForOneCommandKeepsItsErrorCode) {
  Connection c;
  Open(c);
  server().SetError("hget", "LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(Cmd(c, {"HSET", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(Cmd(c, {"hGeT", "h", "f"}), "-LOADING Redis is loading the dataset in memory\r\n");
  server().SetError("HSET", "READONLY You can't write against a read only replica.");
  EXPECT_EQ(Cmd(c, {"HSET", "h", "f", "w"}),
            "-READONLY You can't write against a read only replica.\r\n");
  server().ClearError();
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "$1\r\nv\r\n");
}

TEST_F(ControlsTest, FastForwardExpiresAKeyWithoutSleeping) {
  Connection c;
  Open(c);
  // Frozen, so that the TTL read back is exactly 1 s: running, it would be rounded down to 0 if
  // half a second passed between the EXPIRE and the TTL (a slow TSan run, a loaded machine).
  server().FreezeClock();
  EXPECT_EQ(Cmd(c, {"HSET", "session:1", "user", "ada"}), ":1\r\n");
  EXPECT_EQ(Cmd(c, {"EXPIRE", "session:1", "3600"}), ":1\r\n");
  server().FastForward(seconds(3599));
  EXPECT_EQ(Cmd(c, {"HGET", "session:1", "user"}), "$3\r\nada\r\n");
  EXPECT_EQ(Cmd(c, {"TTL", "session:1"}), ":1\r\n");
  server().FastForward(milliseconds(1001));
  EXPECT_EQ(Cmd(c, {"HGET", "session:1", "user"}), "$-1\r\n");
  EXPECT_EQ(Cmd(c, {"EXISTS", "session:1"}), ":0\r\n");
  EXPECT_FALSE(server().Exists("session:1"));
}

TEST_F(ControlsTest, FrozenClockStopsTtlsAndTime) {
  Connection c;
  Open(c);
  server().FreezeClock();
  EXPECT_EQ(Cmd(c, {"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(Cmd(c, {"PEXPIRE", "k", "5000"}), ":1\r\n");
  const std::string time_before = Cmd(c, {"TIME"});
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(Cmd(c, {"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Cmd(c, {"TIME"}), time_before);
  server().RealClock();
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_NE(Cmd(c, {"PTTL", "k"}), ":5000\r\n");
}

TEST_F(ControlsTest, SetClockMovesTimeAndExpireAt) {
  Connection c;
  Open(c);
  const auto start = std::chrono::system_clock::time_point(seconds(2000000000));  // 2033
  server().FreezeClock();
  server().SetClock(start);
  EXPECT_EQ(server().Now(), start);
  EXPECT_EQ(Cmd(c, {"TIME"}), "*2\r\n$10\r\n2000000000\r\n$1\r\n0\r\n");
  EXPECT_EQ(Cmd(c, {"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(Cmd(c, {"EXPIREAT", "k", "2000000100"}), ":1\r\n");
  EXPECT_EQ(Cmd(c, {"TTL", "k"}), ":100\r\n");
  server().SetClock(start + seconds(101));
  EXPECT_EQ(Cmd(c, {"EXISTS", "k"}), ":0\r\n");
  server().RealClock();
  const auto drift = server().Now() - std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(drift), seconds(5));
}

TEST_F(ControlsTest, PauseHoldsRepliesUntilResume) {
  Connection c;
  Open(c);
  server().Pause();
  std::string error;
  ASSERT_TRUE(c.Write(compat::EncodeCommand({"PING"}), &error)) << error;
  std::string raw;
  EXPECT_FALSE(c.ReadReply(&raw, &error, 200));  // stalled: no reply
  EXPECT_TRUE(server().HSet("h", "f", "v"));     // while the direct API still works
  server().Resume();
  ASSERT_TRUE(c.ReadReply(&raw, &error)) << error;
  EXPECT_EQ(raw, "+PONG\r\n");
  EXPECT_EQ(Cmd(c, {"HGET", "h", "f"}), "$1\r\nv\r\n");
}

TEST_F(ControlsTest, DropConnectionsClosesClientsAndKeepsData) {
  Connection a;
  Connection b;
  Open(a);
  Open(b);
  EXPECT_EQ(Cmd(a, {"HSET", "h", "f", "v"}), ":1\r\n");
  server().DropConnections();
  std::string extra;
  EXPECT_TRUE(a.WaitClosed(&extra));
  EXPECT_TRUE(b.WaitClosed(&extra));
  EXPECT_EQ(extra, "");
  Connection again;
  Open(again);  // the server still accepts: clients reconnect as after a restart
  EXPECT_EQ(Cmd(again, {"HGET", "h", "f"}), "$1\r\nv\r\n");
}

TEST_F(ControlsTest, RequireAuthAppliesToNewConnections) {
  Connection before;
  Open(before);
  EXPECT_EQ(Cmd(before, {"PING"}), "+PONG\r\n");
  server().RequireAuth("s3cret");
  Connection after;
  Open(after);
  EXPECT_EQ(Cmd(after, {"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(Cmd(after, {"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(Cmd(after, {"AUTH", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(Cmd(after, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(Cmd(before, {"PING"}), "+PONG\r\n");  // as CONFIG SET requirepass in Redis
  EXPECT_TRUE(server().HSet("h", "f", "v"));      // the direct API needs no password
  server().RequireAuth("");
  Connection open_again;
  Open(open_again);
  EXPECT_EQ(Cmd(open_again, {"PING"}), "+PONG\r\n");
}

TEST_F(ControlsTest, CommandLogKeepsRefusedCommandsAndNotTheDirectApi) {
  Connection c;
  Open(c);
  server().HSet("seeded", "f", "v");
  EXPECT_EQ(Cmd(c, {"NOSUCH", "x"}),
            "-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n");
  EXPECT_EQ(Cmd(c, {"AUTH", "pw"}),
            "-ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?\r\n");
  using Log = std::vector<std::vector<std::string>>;
  EXPECT_EQ(server().CommandLog(), (Log{{"NOSUCH", "x"}, {"AUTH", "pw"}}));
}

TEST_F(ControlsTest, WireCommandsAreOffByDefault) {
  Connection c;
  Open(c);
  EXPECT_EQ(Cmd(c, {"HASHKV.CLOCK", "GET"}),
            "-ERR unknown command 'HASHKV.CLOCK', with args beginning with: 'GET' \r\n");
}

class WireControlsTest : public ControlsTest {
 protected:
  ServerOptions options() const override { return {.test_control_commands = true}; }
};

TEST_F(WireControlsTest, WireAndDirectControlsShareOneClock) {
  Connection c;
  Open(c);
  server().FreezeClock();
  server().SetClock(std::chrono::system_clock::time_point(milliseconds(1700000000123)));
  EXPECT_EQ(Cmd(c, {"HASHKV.CLOCK", "GET"}), ":1700000000123\r\n");
  EXPECT_EQ(Cmd(c, {"HASHKV.CLOCK", "ADVANCE", "877"}), ":1700000001000\r\n");
  EXPECT_EQ(server().Now(), std::chrono::system_clock::time_point(milliseconds(1700000001000)));
  EXPECT_EQ(Cmd(c, {"HASHKV.ERROR", "SET", "ping", "boom"}), "+OK\r\n");
  EXPECT_EQ(Cmd(c, {"PING"}), "-ERR boom\r\n");
  server().ClearError();
  EXPECT_EQ(Cmd(c, {"PING"}), "+PONG\r\n");
}

}  // namespace
}  // namespace hashkv
