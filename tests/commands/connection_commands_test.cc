// HELLO and OBJECT through the in-process engine, with Redis 7.0's bytes.
#include <gtest/gtest.h>

#include <string>

#include "commands/engine_support.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

std::string HelloMap(char map_type, int proto, uint64_t id) {
  std::string pairs =
      "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
      "$5\r\nproto\r\n:" +
      std::to_string(proto) + "\r\n$2\r\nid\r\n:" + std::to_string(id) +
      "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
      "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
  return map_type == '%' ? "%7\r\n" + pairs : "*14\r\n" + pairs;
}

TEST(HelloTest, SwitchesProtocolAndRepliesInTheNewOne) {
  EngineDriver d;
  uint64_t id = d.session().id();
  EXPECT_EQ(d.Run({"HELLO", "3"}), HelloMap('%', 3, id));
  EXPECT_EQ(d.Run({"HGET", "nokey", "f"}), "_\r\n");
  EXPECT_EQ(d.Run({"HELLO", "2"}), HelloMap('*', 2, id));
  EXPECT_EQ(d.Run({"HGET", "nokey", "f"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"HELLO"}), HelloMap('*', 2, id));
}

TEST(HelloTest, Errors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(d.Run({"HELLO", "1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(d.Run({"HELLO", "x"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "FOO"}), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default"}),
            "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "bob", "pw"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(d.Run({"HELLO", "3", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  // A failed HELLO leaves the protocol as it was.
  EXPECT_EQ(d.Run({"HGET", "nokey", "f"}), "$-1\r\n");
}

TEST(HelloTest, AuthAsDefaultAndSetName) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"HELLO", "3", "AUTH", "default", "any", "SETNAME", "app"}),
            HelloMap('%', 3, d.session().id()));
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$3\r\napp\r\n");
}

TEST(ObjectTest, EncodingFollowsTheListpackThresholds) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"OBJECT", "ENCODING", "h"}), "$-1\r\n");
  d.Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(d.Run({"OBJECT", "ENCODING", "h"}), "$8\r\nlistpack\r\n");
  d.Run({"HSET", "h", "f", std::string(65, 'x')});
  EXPECT_EQ(d.Run({"OBJECT", "ENCODING", "h"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "REFCOUNT", "h"}), ":1\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "REFCOUNT", "nokey"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "ENCODING"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "FOO", "h"}), "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "FREQ", "nokey"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"OBJECT", "FREQ", "h"}).substr(0, 40),
            "-ERR An LFU maxmemory policy is not sele");
}

}  // namespace
}  // namespace hashkv
