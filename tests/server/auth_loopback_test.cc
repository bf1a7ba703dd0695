// The real hashkv-server with --requirepass over loopback: the NOAUTH gate, AUTH and HELLO AUTH,
// the pre-AUTH protocol limits closing the connection, RESET logging out, CLIENT KILL closing
// another real connection and CLIENT REPLY silencing one.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "compat/connection.h"
#include "server/loopback_fixture.h"

namespace hashkv {
namespace {

using compat::Connection;
using compat::EncodeCommand;

constexpr char kNoAuth[] = "-NOAUTH Authentication required.\r\n";
constexpr char kWrongPass[] = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

class AuthLoopbackTest : public testing::LoopbackFixture {
 protected:
  void SetUp() override { StartServer({"--requirepass", "sekret"}); }
  std::unique_ptr<Connection> ConnectAndAuth() {
    auto c = Connect();
    EXPECT_EQ(Cmd(*c, {"AUTH", "sekret"}), "+OK\r\n");
    return c;
  }
  // "id=7 addr=127.0.0.1:5000 ..." -> the value of `field`.
  static std::string FieldOf(const std::string& info, const std::string& field) {
    size_t pos = info.find(" " + field + "=");
    if (pos == std::string::npos) pos = info.find(field + "=");
    if (pos == std::string::npos) return "";
    pos = info.find('=', pos) + 1;
    return info.substr(pos, info.find(' ', pos) - pos);
  }
  std::string ClientInfo(Connection& c) { return Cmd(c, {"CLIENT", "INFO"}); }
};

TEST_F(AuthLoopbackTest, CommandsWaitForAuth) {
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"PING"}), kNoAuth);
  EXPECT_EQ(Cmd(*c, {"HSET", "k", "f", "v"}), kNoAuth);
  EXPECT_EQ(Cmd(*c, {"FOO"}), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  EXPECT_EQ(Cmd(*c, {"AUTH", "wrong"}), kWrongPass);
  EXPECT_EQ(Cmd(*c, {"AUTH", "bob", "sekret"}), kWrongPass);
  EXPECT_EQ(Cmd(*c, {"AUTH", "sekret"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*c, {"HSET", "k", "f", "v"}), ":1\r\n");
  // Another connection starts out unauthenticated and cannot read it.
  auto other = Connect();
  EXPECT_EQ(Cmd(*other, {"HGET", "k", "f"}), kNoAuth);
  EXPECT_EQ(Cmd(*other, {"AUTH", "default", "sekret"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*other, {"HGET", "k", "f"}), "$1\r\nv\r\n");
}

TEST_F(AuthLoopbackTest, HelloAuth) {
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"HELLO", "3"}),
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
            "the RESP protocol version at the same time\r\n");
  EXPECT_EQ(Cmd(*c, {"HELLO", "3", "AUTH", "default", "wrong"}), kWrongPass);
  std::string hello = Cmd(*c, {"HELLO", "3", "AUTH", "default", "sekret", "SETNAME", "app"});
  EXPECT_EQ(hello.rfind("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 0), 0u) << hello;
  EXPECT_EQ(Cmd(*c, {"CLIENT", "GETNAME"}), "$3\r\napp\r\n");
  EXPECT_EQ(Cmd(*c, {"HGET", "nokey", "f"}), "_\r\n");
}

TEST_F(AuthLoopbackTest, QuitBeforeAuth) {
  auto c = Connect();
  EXPECT_EQ(Cmd(*c, {"QUIT"}), "+OK\r\n");
  std::string extra;
  EXPECT_TRUE(c->WaitClosed(&extra));
  EXPECT_EQ(extra, "");
}

TEST_F(AuthLoopbackTest, TooManyArgumentsBeforeAuthCloses) {
  auto c = Connect();
  std::string error, extra;
  ASSERT_TRUE(c->Write("*11\r\n", &error)) << error;
  EXPECT_EQ(Read(*c), "-ERR Protocol error: unauthenticated multibulk length\r\n");
  EXPECT_TRUE(c->WaitClosed(&extra));
  // Ten arguments are still a request, refused by the gate instead.
  auto ten = Connect();
  EXPECT_EQ(Cmd(*ten, {"PING", "1", "2", "3", "4", "5", "6", "7", "8", "9"}), kNoAuth);
  auto good = ConnectAndAuth();
  EXPECT_EQ(Cmd(*good, {"HSET", "k", "1", "1", "2", "2", "3", "3", "4", "4", "5", "5"}), ":5\r\n");
}

TEST_F(AuthLoopbackTest, BigArgumentBeforeAuthCloses) {
  auto c = Connect();
  std::string error, extra;
  ASSERT_TRUE(c->Write("*2\r\n$4\r\nAUTH\r\n$16385\r\n", &error)) << error;
  EXPECT_EQ(Read(*c), "-ERR Protocol error: unauthenticated bulk length\r\n");
  EXPECT_TRUE(c->WaitClosed(&extra));
  EXPECT_EQ(extra, "");
  // 16384 bytes are allowed, and after AUTH anything up to proto-max-bulk-len.
  auto ok = Connect();
  EXPECT_EQ(Cmd(*ok, {"AUTH", std::string(16384, 'x')}), kWrongPass);
  EXPECT_EQ(Cmd(*ok, {"AUTH", "sekret"}), "+OK\r\n");
  std::string big(100000, 'y');
  EXPECT_EQ(Cmd(*ok, {"ECHO", big}), "$100000\r\n" + big + "\r\n");
}

TEST_F(AuthLoopbackTest, AuthAndBigRequestInOnePipeline) {
  auto c = Connect();
  std::string error;
  std::string big(20000, 'z');
  ASSERT_TRUE(c->Write(EncodeCommand({"AUTH", "sekret"}) + EncodeCommand({"ECHO", big}), &error));
  EXPECT_EQ(Read(*c), "+OK\r\n");
  EXPECT_EQ(Read(*c), "$20000\r\n" + big + "\r\n");
}

TEST_F(AuthLoopbackTest, ResetLogsOut) {
  auto c = ConnectAndAuth();
  EXPECT_EQ(Cmd(*c, {"SELECT", "2"}), "+OK\r\n");
  EXPECT_EQ(Cmd(*c, {"RESET"}), "+RESET\r\n");
  EXPECT_EQ(Cmd(*c, {"PING"}), kNoAuth);
  EXPECT_EQ(Cmd(*c, {"AUTH", "sekret"}), "+OK\r\n");
  EXPECT_EQ(FieldOf(ClientInfo(*c), "db"), "0");
  // And the pre-AUTH limits are back.
  auto d = ConnectAndAuth();
  EXPECT_EQ(Cmd(*d, {"RESET"}), "+RESET\r\n");
  std::string error, extra;
  ASSERT_TRUE(d->Write("*1\r\n$20000\r\n", &error));
  EXPECT_EQ(Read(*d), "-ERR Protocol error: unauthenticated bulk length\r\n");
  EXPECT_TRUE(d->WaitClosed(&extra));
}

TEST_F(AuthLoopbackTest, ClientKillClosesAnotherConnection) {
  auto a = ConnectAndAuth();
  auto b = ConnectAndAuth();
  auto c = Connect();  // never authenticated: still killable
  std::string b_info = ClientInfo(*b);
  std::string b_id = FieldOf(b_info, "id");
  ASSERT_FALSE(b_id.empty()) << b_info;
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", "ID", b_id}), ":1\r\n");
  std::string extra;
  EXPECT_TRUE(b->WaitClosed(&extra));
  EXPECT_EQ(extra, "");
  std::string list = Cmd(*a, {"CLIENT", "LIST"});
  EXPECT_EQ(list.find("id=" + b_id + " "), std::string::npos) << list;
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", "ID", b_id}), ":0\r\n");

  // The old form, by address.
  auto e = ConnectAndAuth();
  std::string e_addr = FieldOf(ClientInfo(*e), "addr");
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", e_addr}), "+OK\r\n");
  EXPECT_TRUE(e->WaitClosed(&extra));
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", e_addr}), "-ERR No such client\r\n");

  // USER default: everyone but the caller, the unauthenticated client included.
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", "USER", "default"}), ":1\r\n");
  EXPECT_TRUE(c->WaitClosed(&extra));
  EXPECT_EQ(Cmd(*a, {"PING"}), "+PONG\r\n");
}

TEST_F(AuthLoopbackTest, ClientKillSelf) {
  auto a = ConnectAndAuth();
  std::string laddr = FieldOf(ClientInfo(*a), "laddr");
  EXPECT_EQ(Cmd(*a, {"CLIENT", "KILL", "LADDR", laddr}), ":0\r\n");
  std::string error, extra;
  ASSERT_TRUE(a->Write(
      EncodeCommand({"CLIENT", "KILL", "LADDR", laddr, "SKIPME", "no"}) + EncodeCommand({"PING"}),
      &error));
  EXPECT_EQ(Read(*a), ":1\r\n");
  EXPECT_TRUE(a->WaitClosed(&extra));
  EXPECT_EQ(extra, "");
}

TEST_F(AuthLoopbackTest, ClientReply) {
  auto a = ConnectAndAuth();
  std::string error;
  ASSERT_TRUE(a->Write(EncodeCommand({"CLIENT", "REPLY", "OFF"}) + EncodeCommand({"PING", "1"}) +
                           EncodeCommand({"CLIENT", "REPLY", "ON"}) +
                           EncodeCommand({"CLIENT", "REPLY", "SKIP"}) +
                           EncodeCommand({"PING", "2"}) + EncodeCommand({"PING", "3"}),
                       &error));
  EXPECT_EQ(Read(*a), "+OK\r\n");
  EXPECT_EQ(Read(*a), "$1\r\n3\r\n");
}

}  // namespace
}  // namespace hashkv
