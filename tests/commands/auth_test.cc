// Authentication as Redis 7.0.15 has it with `requirepass`: AUTH, HELLO AUTH, the NOAUTH gate,
// RESET, the pre-AUTH protocol limits and CONFIG SET requirepass's effect on sessions. Every
// reply text was checked against a real redis-server 7.0.15 started with --requirepass.
#include "engine/auth.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/engine_support.h"
#include "engine/session.h"
#include "hashkv/engine.h"
#include "protocol/resp_parser.h"

namespace hashkv {
namespace {

using ::hashkv::testing::EngineDriver;

constexpr std::string_view kNoAuth = "-NOAUTH Authentication required.\r\n";
constexpr std::string_view kWrongPass =
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
constexpr std::string_view kNoPassword =
    "-ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?\r\n";
constexpr std::string_view kHelloNoAuth =
    "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time\r\n";

std::string Enc(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}

std::string Hello(int proto, uint64_t id) {
  return std::string(proto == 3 ? "%7\r\n" : "*14\r\n") +
         "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" +
         std::to_string(proto) + "\r\n$2\r\nid\r\n:" + std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n"
         "*0\r\n";
}

Config WithPassword(std::string password = "sekret") {
  Config config;
  config.requirepass = std::move(password);
  return config;
}

// --- The password comparison ----------------------------------------------------------------

TEST(AuthTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("sekret", "sekret"));
  EXPECT_FALSE(ConstantTimeEquals("sekret", "sekreT"));
  EXPECT_FALSE(ConstantTimeEquals("sekret", "Sekret"));
  EXPECT_FALSE(ConstantTimeEquals("sekret", "sekret2"));
  EXPECT_FALSE(ConstantTimeEquals("sekret", "sekre"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_FALSE(ConstantTimeEquals("x", ""));
  // A shorter string is not padded into a match.
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0", 2), "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
}

TEST(AuthTest, CheckCredentials) {
  Engine with(WithPassword());
  EXPECT_TRUE(CheckCredentials(with, "default", "sekret"));
  EXPECT_FALSE(CheckCredentials(with, "default", "wrong"));
  EXPECT_FALSE(CheckCredentials(with, "DEFAULT", "sekret"));
  EXPECT_FALSE(CheckCredentials(with, "bob", "sekret"));
  Engine without;
  EXPECT_TRUE(CheckCredentials(without, "default", "anything"));
  EXPECT_FALSE(CheckCredentials(without, "bob", "anything"));
}

// --- The gate -------------------------------------------------------------------------------

TEST(AuthTest, CommandsNeedAuthentication) {
  EngineDriver d(WithPassword());
  EXPECT_FALSE(d.session().authenticated);
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  EXPECT_EQ(d.Run({"HSET", "k", "f", "v"}), kNoAuth);
  EXPECT_EQ(d.Run({"CLIENT", "ID"}), kNoAuth);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "requirepass"}), kNoAuth);
  // Existence and arity are checked first, as in Redis's processCommand.
  EXPECT_EQ(d.Run({"FOO"}), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  EXPECT_EQ(d.Run({"HSET", "k"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "NOPE"}), "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(d.Run({"AUTH"}), "-ERR wrong number of arguments for 'auth' command\r\n");
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  d.session().resp = RespVersion::kResp2;
  // Nothing ran.
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
  EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
  EXPECT_TRUE(d.session().authenticated);
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
}

TEST(AuthTest, NoPasswordMeansNoGate) {
  EngineDriver d;
  EXPECT_TRUE(d.session().authenticated);
  EXPECT_FALSE(d.session().parser.limits().unauthenticated);
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
}

TEST(AuthTest, QuitWorksBeforeAuth) {
  EngineDriver d(WithPassword());
  FeedResult r;
  EXPECT_EQ(d.Feed(Enc({"QUIT"}) + Enc({"PING"}), &r), "+OK\r\n");
  EXPECT_TRUE(r.close);
}

// --- AUTH -----------------------------------------------------------------------------------

TEST(AuthTest, AuthForms) {
  EngineDriver d(WithPassword());
  EXPECT_EQ(d.Run({"AUTH", "wrong"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "bob", "sekret"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "default", "wrong"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "DEFAULT", "sekret"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "sekret "}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "a", "b", "c"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  EXPECT_EQ(d.Run({"AUTH", "default", "sekret"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  // A failed attempt later does not log the client out.
  EXPECT_EQ(d.Run({"AUTH", "wrong"}), kWrongPass);
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
}

TEST(AuthTest, AuthWithoutPasswordConfigured) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"AUTH", "x"}), kNoPassword);
  EXPECT_EQ(d.Run({"AUTH", "default", "x"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"AUTH", "default", ""}), "+OK\r\n");
  EXPECT_EQ(d.Run({"AUTH", "bob", "x"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "a", "b", "c"}), "-ERR syntax error\r\n");
}

TEST(AuthTest, BinaryPassword) {
  std::string pw("p\0w\r\n", 5);
  EngineDriver d(WithPassword(pw));
  EXPECT_EQ(d.Run({"AUTH", "p"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", pw}), "+OK\r\n");
}

// --- HELLO ----------------------------------------------------------------------------------

TEST(AuthTest, HelloBeforeAuth) {
  EngineDriver d(WithPassword());
  const uint64_t id = d.session().id();
  EXPECT_EQ(d.Run({"HELLO"}), kHelloNoAuth);
  EXPECT_EQ(d.Run({"HELLO", "3"}), kHelloNoAuth);
  // The version is checked before authentication, and the options' syntax too.
  EXPECT_EQ(d.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(d.Run({"HELLO", "x"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default"}),
            "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "bad"}), kWrongPass);
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "bob", "sekret"}), kWrongPass);
  EXPECT_EQ(d.session().resp, RespVersion::kResp2);
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "sekret"}), Hello(3, id));
  EXPECT_TRUE(d.session().authenticated);
  EXPECT_FALSE(d.session().parser.limits().unauthenticated);
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"HELLO"}), Hello(3, id));
}

// Redis 7.0.15 acts on each HELLO option as it reads it: SETNAME renames at once and AUTH logs
// in at once, even when a later option fails.
TEST(AuthTest, HelloOptionsTakeEffectInOrder) {
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "sekret", "SETNAME", "a b"}),
              "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
    EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
    EXPECT_EQ(d.session().resp, RespVersion::kResp2);
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"HELLO", "3", "SETNAME", "a b", "AUTH", "default", "sekret"}),
              "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"HELLO", "3", "SETNAME", "ok", "AUTH", "default", "wrong"}), kWrongPass);
    EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
    EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$2\r\nok\r\n");
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"HELLO", "3", "SETNAME", "ok"}), kHelloNoAuth);
    EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
    EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$2\r\nok\r\n");
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "sekret", "FOO"}),
              "-ERR Syntax error in HELLO option 'FOO'\r\n");
    EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  }
  {
    EngineDriver d(WithPassword());
    const uint64_t id = d.session().id();
    EXPECT_EQ(d.Run({"HELLO", "3", "SETNAME", "ok", "SETNAME", "ok2", "AUTH", "default", "sekret"}),
              Hello(3, id));
    EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$3\r\nok2\r\n");
  }
  {
    // Authenticated already: a wrong HELLO AUTH fails but keeps the login.
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
    EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "wrong"}), kWrongPass);
    EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  }
}

TEST(AuthTest, HelloAuthWithoutPasswordConfigured) {
  EngineDriver d;
  const uint64_t id = d.session().id();
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "anything"}), Hello(3, id));
  EXPECT_EQ(d.Run({"HELLO", "2", "AUTH", "bob", "x"}), kWrongPass);
  EXPECT_EQ(d.session().resp, RespVersion::kResp3);
}

// --- RESET ----------------------------------------------------------------------------------

TEST(AuthTest, ResetLogsOutWhenAPasswordIsSet) {
  EngineDriver d(WithPassword());
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");  // allowed before AUTH
  EXPECT_EQ(d.Run({"AUTH", "sekret"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(d.session().authenticated);
  EXPECT_TRUE(d.session().parser.limits().unauthenticated);
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  EXPECT_EQ(d.Run({"AUTH", "default", "sekret"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"RESET", "x"}), "-ERR wrong number of arguments for 'reset' command\r\n");
}

TEST(AuthTest, ResetKeepsNoPasswordClientsLoggedIn) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");
  EXPECT_TRUE(d.session().authenticated);
  EXPECT_FALSE(d.session().parser.limits().unauthenticated);
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
}

TEST(AuthTest, ResetRestoresConnectionState) {
  EngineDriver d;
  d.Run({"SELECT", "3"});
  d.Run({"CLIENT", "SETNAME", "xx"});
  d.Run({"CLIENT", "NO-EVICT", "on"});
  d.Run({"CLIENT", "NO-TOUCH", "on"});
  d.Run({"CLIENT", "SETINFO", "lib-name", "foo"});
  d.Run({"HELLO", "3"});
  d.session().monitor = true;
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(d.session().db, 0);
  EXPECT_EQ(d.session().resp, RespVersion::kResp2);
  EXPECT_EQ(d.session().name, "");
  EXPECT_FALSE(d.session().monitor);
  EXPECT_FALSE(d.session().no_touch);
  // Redis 7.0.15 keeps NO-EVICT across RESET (7.2 clears it), and the library name describes
  // the connection, so it stays.
  EXPECT_TRUE(d.session().no_evict);
  EXPECT_EQ(d.session().lib_name, "foo");
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
}

TEST(AuthTest, ResetDiscardsTheTransaction) {
  EngineDriver d;
  EXPECT_EQ(d.Feed(Enc({"MULTI"}) + Enc({"HSET", "k", "f", "v"}) + Enc({"RESET"}) + Enc({"EXEC"}) +
                   Enc({"EXISTS", "k"})),
            "+OK\r\n+QUEUED\r\n+RESET\r\n-ERR EXEC without MULTI\r\n:0\r\n");
  EXPECT_FALSE(d.session().tx.in_multi);
}

TEST(AuthTest, ResetUnwatches) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  EXPECT_EQ(d.Run({"WATCH", "k"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"RESET"}), "+RESET\r\n");
  std::string out;
  std::vector<std::string_view> hset = {"HSET", "k", "f", "v"};
  d.engine().Execute(*other, hset, out);
  EXPECT_EQ(out, ":1\r\n");
  EXPECT_EQ(d.Feed(Enc({"MULTI"}) + Enc({"HGET", "k", "f"}) + Enc({"EXEC"})),
            "+OK\r\n+QUEUED\r\n*1\r\n$1\r\nv\r\n");
}

// CLIENT REPLY OFF ends with RESET; a SKIP set by the command before still drops RESET's
// own reply, as Redis clears CLIENT_REPLY_SKIP_NEXT but not CLIENT_REPLY_SKIP.
TEST(AuthTest, ResetAndClientReply) {
  EngineDriver d;
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "OFF"}) + Enc({"RESET"}) + Enc({"PING", "2"})),
            "+RESET\r\n$1\r\n2\r\n");
  EXPECT_EQ(d.Feed(Enc({"CLIENT", "REPLY", "SKIP"}) + Enc({"RESET"}) + Enc({"PING", "2"})),
            "$1\r\n2\r\n");
}

// --- The pre-AUTH protocol limits -----------------------------------------------------------

RespParser::Result ParseWith(bool unauthenticated, std::string_view input, std::string* error) {
  RespLimits limits;
  limits.unauthenticated = unauthenticated;
  RespParser parser(limits);
  RespParser::Result r = parser.Parse(input);
  *error = std::string(parser.error());
  return r;
}

TEST(AuthTest, ParserLimitsBeforeAuth) {
  std::string error;
  std::string ten = Enc({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  EXPECT_EQ(ParseWith(true, ten, &error), RespParser::Result::kCommand);
  EXPECT_EQ(ParseWith(true, "*11\r\n", &error), RespParser::Result::kError);
  EXPECT_EQ(error, "Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ParseWith(false, "*11\r\n", &error), RespParser::Result::kNeedMore);
  // The absolute limit is checked first.
  EXPECT_EQ(ParseWith(true, "*3000000000\r\n", &error), RespParser::Result::kError);
  EXPECT_EQ(error, "Protocol error: invalid multibulk length");
  // *0 and *-1 are still skipped.
  EXPECT_EQ(ParseWith(true, "*0\r\n", &error), RespParser::Result::kSkip);

  std::string max_bulk = "*1\r\n$16384\r\n" + std::string(16384, 'x') + "\r\n";
  EXPECT_EQ(ParseWith(true, max_bulk, &error), RespParser::Result::kCommand);
  EXPECT_EQ(ParseWith(true, "*1\r\n$16385\r\n", &error), RespParser::Result::kError);
  EXPECT_EQ(error, "Protocol error: unauthenticated bulk length");
  EXPECT_EQ(ParseWith(true, "*2\r\n$4\r\nPING\r\n$16385\r\n", &error), RespParser::Result::kError);
  EXPECT_EQ(error, "Protocol error: unauthenticated bulk length");
  EXPECT_EQ(ParseWith(false, "*1\r\n$16385\r\n", &error), RespParser::Result::kNeedMore);
  EXPECT_EQ(ParseWith(true, "*1\r\n$600000000\r\n", &error), RespParser::Result::kError);
  EXPECT_EQ(error, "Protocol error: invalid bulk length");
  // Inline requests have only their own size limit.
  EXPECT_EQ(ParseWith(true, "PING a b c d e f g h i j k l\r\n", &error),
            RespParser::Result::kCommand);
}

TEST(AuthTest, SessionsStartWithThePreAuthLimits) {
  EngineDriver d(WithPassword());
  FeedResult r;
  EXPECT_EQ(d.Feed("*11\r\n", &r), "-ERR Protocol error: unauthenticated multibulk length\r\n");
  EXPECT_TRUE(r.close);
  EXPECT_EQ(r.protocol_error, "Protocol error: unauthenticated multibulk length");

  EngineDriver d2(WithPassword());
  EXPECT_EQ(d2.Feed("*1\r\n$16385\r\n", &r),
            "-ERR Protocol error: unauthenticated bulk length\r\n");
  EXPECT_TRUE(r.close);

  EngineDriver d3(WithPassword());
  EXPECT_EQ(d3.Feed("PING a b c d e f g h i j k l\r\n", &r), kNoAuth);
  EXPECT_FALSE(r.close);
  std::string ten = Enc({"PING", "a", "b", "c", "d", "e", "f", "g", "h", "i"});
  EXPECT_EQ(d3.Feed(ten, &r), kNoAuth);
  EXPECT_FALSE(r.close);
}

// The limits follow the session's state from one pipelined command to the next.
TEST(AuthTest, LimitsLiftAndReturnWithinAPipeline) {
  const std::string big(20000, 'x');
  const std::string big_reply = "$20000\r\n" + big + "\r\n";
  FeedResult r;
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Feed(Enc({"AUTH", "sekret"}) + Enc({"ECHO", big}), &r), "+OK\r\n" + big_reply);
    EXPECT_FALSE(r.close);
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Feed(Enc({"HELLO", "3", "AUTH", "default", "sekret"}) + Enc({"ECHO", big}), &r),
              Hello(3, d.session().id()) + big_reply);
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Feed(Enc({"AUTH", "sekret"}) + Enc({"RESET"}) + Enc({"ECHO", big}), &r),
              "+OK\r\n+RESET\r\n-ERR Protocol error: unauthenticated bulk length\r\n");
    EXPECT_TRUE(r.close);
  }
  {
    EngineDriver d(WithPassword());
    EXPECT_EQ(d.Feed(Enc({"AUTH", "wrong"}) + Enc({"ECHO", big}), &r),
              std::string(kWrongPass) + "-ERR Protocol error: unauthenticated bulk length\r\n");
    EXPECT_TRUE(r.close);
  }
}

// --- CONFIG SET requirepass (through SetRequirePass) ----------------------------------------

TEST(AuthTest, ClearingThePasswordOpensTheGate) {
  EngineDriver d(WithPassword());
  SetRequirePass(d.engine(), "");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_FALSE(d.session().parser.limits().unauthenticated);
  const std::string big(20000, 'x');
  EXPECT_EQ(d.Feed(Enc({"ECHO", big})), "$20000\r\n" + big + "\r\n");
  // HELLO looks at the client's own flag, which only AUTH sets, as Redis does.
  EXPECT_EQ(d.Run({"HELLO"}), kHelloNoAuth);
  EXPECT_EQ(d.Run({"AUTH", "x"}), kNoPassword);
  EXPECT_EQ(d.Run({"AUTH", "default", "x"}), "+OK\r\n");
  EXPECT_TRUE(d.session().authenticated);
}

TEST(AuthTest, SettingAPasswordKeepsConnectedClients) {
  EngineDriver d;
  SetRequirePass(d.engine(), "sekret");
  EXPECT_EQ(d.engine().config().requirepass, "sekret");
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  auto late = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  EXPECT_FALSE(late->authenticated);
  EXPECT_TRUE(late->parser.limits().unauthenticated);
  std::string out;
  std::vector<std::string_view> ping = {"PING"};
  d.engine().Execute(*late, ping, out);
  EXPECT_EQ(out, kNoAuth);
}

TEST(AuthTest, AClientThatNeverLoggedInIsLimitedAgain) {
  EngineDriver d(WithPassword());
  SetRequirePass(d.engine(), "");
  EXPECT_FALSE(d.session().parser.limits().unauthenticated);
  SetRequirePass(d.engine(), "other");
  EXPECT_TRUE(d.session().parser.limits().unauthenticated);
  EXPECT_EQ(d.Run({"PING"}), kNoAuth);
  EXPECT_EQ(d.Run({"AUTH", "sekret"}), kWrongPass);
  EXPECT_EQ(d.Run({"AUTH", "other"}), "+OK\r\n");
}

}  // namespace
}  // namespace hashkv

namespace hashkv {
namespace {

TEST(ConfigRequirepassTest, ConfigSetAndGet) {
  testing::EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "GET", "requirepass"}), "*2\r\n$11\r\nrequirepass\r\n$0\r\n\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "requirepass", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "requirepass"}),
            "*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n");
  // A client that was connected keeps its access, a new one must authenticate.
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  auto other = d.engine().NewSession();
  std::string out;
  std::vector<std::string_view> ping = {"PING"};
  d.engine().Execute(*other, ping, out);
  EXPECT_EQ(out, "-NOAUTH Authentication required.\r\n");
}

}  // namespace
}  // namespace hashkv
