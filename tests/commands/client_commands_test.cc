// CLIENT KILL, CLIENT REPLY, CLIENT HELP and the CLIENT LIST flags for MULTI and MONITOR, with
// Redis 7.0.15's replies (checked against a real redis-server). The older CLIENT subcommands
// are tested in server_commands_test.cc.
#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/engine_support.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

using ::hashkv::testing::EngineDriver;

std::string Enc(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}

// What the network layer does with a kill: remembers it.
class FakeHooks : public ConnectionHooks {
 public:
  void Push(std::string_view bytes) override { pushed.append(bytes); }
  void Kill() override { ++kills; }
  std::string pushed;
  int kills = 0;
};

std::string RunAs(Engine& engine, Session& session, std::initializer_list<std::string_view> argv) {
  std::vector<std::string_view> args(argv);
  std::string out;
  engine.Execute(session, args, out);
  return out;
}

// The CLIENT LIST body (RESP2 bulk) without its header.
std::string ListBody(EngineDriver& d) {
  std::string raw = d.Run({"CLIENT", "LIST"});
  return raw.substr(raw.find("\r\n") + 2);
}

// --- CLIENT KILL ----------------------------------------------------------------------------

TEST(ClientKillTest, Errors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CLIENT", "KILL"}),
            "-ERR wrong number of arguments for 'client|kill' command\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
  // Three arguments are always the old form: "ID" is an address here.
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID"}), "-ERR No such client\r\n");
  for (std::string_view id : {"x", "0", "-1", "1.5", ""}) {
    EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", id}), "-ERR client-id should be greater than 0\r\n")
        << id;
  }
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", "999"}), ":0\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "FOO", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", "999", "SKIPME"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "SKIPME", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "MAXAGE", "10"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", "foo"}), "-ERR Unknown client type 'foo'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "USER", "bob"}), "-ERR No such user 'bob'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "USER", "DEFAULT"}), "-ERR No such user 'DEFAULT'\r\n");
  // Options are read left to right; the first bad one answers.
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", "x", "TYPE", "foo"}),
            "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", "foo", "ID", "x"}),
            "-ERR Unknown client type 'foo'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", "a\r\nb"}), "-ERR Unknown client type 'a  b'\r\n");
  // Printed as C strings, up to a NUL.
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", std::string_view("a\0b", 3)}),
            "-ERR Unknown client type 'a'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "USER", std::string_view("default\0x", 9)}),
            "-ERR No such user 'default'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "TYPE", std::string_view("x\0y", 3)}),
            "-ERR Unknown client type 'x'\r\n");
  EXPECT_FALSE(d.session().close_after_reply);
}

TEST(ClientKillTest, FiltersThatMatchNobody) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  for (std::string_view type : {"pubsub", "master", "replica", "slave", "PUBSUB"}) {
    EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", type}), ":0\r\n") << type;
  }
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "LADDR", "1.1.1.1:1"}), ":0\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ADDR", "1.1.1.1:1"}), ":0\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ADDR", "10.0.0.2:5555", "ID", "999"}), ":0\r\n");
  EXPECT_FALSE(other->close_after_reply);
}

TEST(ClientKillTest, OldFormKillsByAddress) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  FakeHooks hooks;
  other->hooks = &hooks;
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "10.0.0.2:5555"}), "+OK\r\n");
  EXPECT_EQ(hooks.kills, 1);
  EXPECT_TRUE(other->close_after_reply);
  EXPECT_FALSE(d.session().close_after_reply);
  // Gone for CLIENT KILL and CLIENT LIST, as Redis frees it at once.
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "10.0.0.2:5555"}), "-ERR No such client\r\n");
  EXPECT_EQ(hooks.kills, 1);
  EXPECT_EQ(ListBody(d).find("10.0.0.2:5555"), std::string::npos);
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "ID", std::to_string(other->id())}), "$0\r\n\r\n");
}

TEST(ClientKillTest, OldFormCanKillTheCaller) {
  EngineDriver d;
  FeedResult r;
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "KILL", "127.0.0.1:40000"}) + Enc({"PING"}), &r), "+OK\r\n");
  EXPECT_TRUE(r.close);
}

TEST(ClientKillTest, NewFormFilters) {
  EngineDriver d;
  auto a = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  auto b = d.engine().NewSession("10.0.0.3:6666", "10.0.0.1:6380");
  auto c = d.engine().NewSession("10.0.0.4:7777", "10.0.0.1:6380");
  // Without hooks (in-process sessions) a kill only marks the session.
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", std::to_string(a->id())}), ":1\r\n");
  EXPECT_TRUE(a->close_after_reply);
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "ID", std::to_string(a->id())}), ":0\r\n");
  EXPECT_EQ(d.Run({"client", "kill", "addr", "10.0.0.3:6666", "laddr", "10.0.0.1:6380"}), ":1\r\n");
  EXPECT_TRUE(b->close_after_reply);
  EXPECT_FALSE(c->close_after_reply);
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "LADDR", "10.0.0.1:6380"}), ":1\r\n");
  EXPECT_TRUE(c->close_after_reply);
  EXPECT_FALSE(d.session().close_after_reply);
}

TEST(ClientKillTest, UserAndTypeMatchEveryoneButTheCaller) {
  EngineDriver d;
  auto a = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  auto b = d.engine().NewSession("10.0.0.3:6666", "10.0.0.1:6379");
  b->authenticated = false;  // a client that never logged in is the default user too
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "USER", "default"}), ":2\r\n");
  EXPECT_TRUE(a->close_after_reply);
  EXPECT_TRUE(b->close_after_reply);
  EXPECT_FALSE(d.session().close_after_reply);
  auto e = d.engine().NewSession("10.0.0.5:5555", "10.0.0.1:6379");
  e->monitor = true;  // MONITOR clients are of type normal
  EXPECT_EQ(d.Run({"CLIENT", "KILL", "TYPE", "Normal", "SKIPME", "yes"}), ":1\r\n");
  EXPECT_TRUE(e->close_after_reply);
  EXPECT_FALSE(d.session().close_after_reply);
}

TEST(ClientKillTest, SkipMeNoKillsTheCallerAfterTheReply) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  FeedResult r;
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "KILL", "ID", std::to_string(d.session().id())}), &r), ":0\r\n");
  EXPECT_FALSE(r.close);
  EXPECT_EQ(
      d.Feed(Enc({"CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "SKIPME", "NO"}) + Enc({"PING"}),
             &r),
      ":1\r\n");
  EXPECT_TRUE(r.close);
  EXPECT_FALSE(other->close_after_reply);
}

TEST(ClientKillTest, KillFromAnotherSessionReachesTheConnection) {
  EngineDriver d;
  FakeHooks hooks;
  d.session().hooks = &hooks;
  auto killer = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  EXPECT_EQ(RunAs(d.engine(), *killer, {"CLIENT", "KILL", "ID", std::to_string(d.session().id())}),
            ":1\r\n");
  EXPECT_EQ(hooks.kills, 1);
  EXPECT_TRUE(d.session().close_after_reply);
  d.session().hooks = nullptr;
}

// --- CLIENT REPLY ---------------------------------------------------------------------------

TEST(ClientReplyTest, OffSkipOn) {
  EngineDriver d;
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "OFF"}) + Enc({"PING"}) +
                   Enc({"CLIENT", "REPLY", "bad"}) + Enc({"CLIENT", "REPLY", "SKIP"}) +
                   Enc({"PING"}) + Enc({"CLIENT", "REPLY", "ON"}) + Enc({"PING"})),
            "+OK\r\n+PONG\r\n");
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "SKIP"}) + Enc({"PING", "1"}) + Enc({"PING", "2"})),
            "$1\r\n2\r\n");
  // A second SKIP is itself skipped and skips the command after it.
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "SKIP"}) + Enc({"CLIENT", "REPLY", "SKIP"}) +
                   Enc({"PING", "1"}) + Enc({"PING", "2"})),
            "$1\r\n2\r\n");
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "SKIP"}) + Enc({"CLIENT", "REPLY", "ON"}) +
                   Enc({"PING", "2"})),
            "+OK\r\n$1\r\n2\r\n");
  // Errors are silenced too.
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "OFF"}) + Enc({"FOO"}) + Enc({"CLIENT", "REPLY", "ON"})),
            "+OK\r\n");
  EXPECT_EQ(d.session().reply_mode, Session::ReplyMode::kOn);
}

TEST(ClientReplyTest, Errors) {
  EngineDriver d;
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "bad"}) + Enc({"CLIENT", "REPLY"}) +
                   Enc({"CLIENT", "REPLY", "on", "x"})),
            "-ERR syntax error\r\n"
            "-ERR wrong number of arguments for 'client|reply' command\r\n"
            "-ERR wrong number of arguments for 'client|reply' command\r\n");
}

TEST(ClientReplyTest, ModesAsSessionState) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(d.session().reply_mode, Session::ReplyMode::kOff);
  EXPECT_EQ(d.Run({"CLIENT", "REPLY", "SKIP"}), "");  // ignored while OFF
  EXPECT_EQ(d.session().reply_mode, Session::ReplyMode::kOff);
  EXPECT_EQ(d.Run({"CLIENT", "REPLY", "on"}), "+OK\r\n");
  EXPECT_EQ(d.session().reply_mode, Session::ReplyMode::kOn);
  EXPECT_EQ(d.Run({"CLIENT", "REPLY", "Skip"}), "");
  EXPECT_EQ(d.session().reply_mode, Session::ReplyMode::kSkipNext);
}

// --- CLIENT HELP and CLIENT LIST flags ------------------------------------------------------

TEST(ClientCommandsTest, HelpListsKillAndReply) {
  EngineDriver d;
  std::string help = d.Run({"CLIENT", "HELP"});
  EXPECT_NE(help.find("+KILL <ip:port>\r\n+    Kill connection made from <ip:port>.\r\n"
                      "+KILL <option> <value> [<option> <value> [...]]\r\n"
                      "+    Kill connections. Options are:\r\n"
                      "+    * ADDR (<ip:port>|<unixsocket>:0)\r\n"
                      "+      Kill connections made from the specified address\r\n"
                      "+    * LADDR (<ip:port>|<unixsocket>:0)\r\n"
                      "+      Kill connections made to specified local address\r\n"
                      "+    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)\r\n"
                      "+      Kill connections by type.\r\n"
                      "+    * USER <username>\r\n"
                      "+      Kill connections authenticated by <username>.\r\n"
                      "+    * SKIPME (YES|NO)\r\n"
                      "+      Skip killing current connection (default: yes).\r\n"
                      "+LIST [options ...]\r\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("+REPLY (ON|OFF|SKIP)\r\n"
                      "+    Control the replies sent to the current connection.\r\n"
                      "+SETNAME <name>\r\n"),
            std::string::npos);
}

TEST(ClientCommandsTest, ListFlagsForMultiAndMonitor) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  other->tx.in_multi = true;
  other->tx.dirty_cas = true;
  auto watcher = d.engine().NewSession("10.0.0.3:5555", "10.0.0.1:6379");
  watcher->monitor = true;
  std::string list = ListBody(d);
  EXPECT_NE(list.find("addr=10.0.0.2:5555 laddr=10.0.0.1:6379 fd=-1 name= age=0 idle=0 flags=xd "
                      "db=0 sub=0 psub=0 ssub=0 multi=0 "),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("addr=10.0.0.3:5555 laddr=10.0.0.1:6379 fd=-1 name= age=0 idle=0 flags=O "
                      "db=0 sub=0 psub=0 ssub=0 multi=-1 "),
            std::string::npos)
      << list;
}

}  // namespace
}  // namespace hashkv
