// In-process tests of the hash family: exact reply bytes as redis-server 7.0.15 sends them
// (checked against a real server), plus properties of HSCAN and HRANDFIELD.
#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "commands/engine_support.h"
#include "commands/reply_parse.h"

namespace hashkv {
namespace {

using namespace std::string_literals;
using ::hashkv::testing::EngineDriver;

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
std::string Err(std::string_view line) { return "-" + std::string(line) + "\r\n"; }
std::string Arr(size_t n) { return "*" + std::to_string(n) + "\r\n"; }

const std::string kNull = "$-1\r\n";
const std::string kNull3 = "_\r\n";
const std::string kOk = "+OK\r\n";
const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

using testing::Parse;
using testing::Reply;

// Fills `key` with fields f0..f<n-1> holding v0..v<n-1>, in one HSET.
void Fill(EngineDriver& d, std::string_view key, int n) {
  std::vector<std::string> argv = {"HSET", std::string(key)};
  for (int i = 0; i < n; ++i) {
    argv.push_back("f" + std::to_string(i));
    argv.push_back("v" + std::to_string(i));
  }
  ASSERT_EQ(d.Run(argv), Int(n));
}

// True if `key` (with at least 2 fields) has the hashtable encoding: HSCAN COUNT 1 does not
// return everything at once.
bool IsHashtable(EngineDriver& d, std::string_view key) {
  Reply r = Parse(d.Run({"HSCAN", key, "0", "COUNT", "1"}));
  return r.elems[0].str != "0";
}

class HashCommandsTest : public ::testing::Test {
 protected:
  void Resp3() { d.session().resp = RespVersion::kResp3; }
  EngineDriver d;
};

// --- HSET / HMSET / HSETNX

TEST_F(HashCommandsTest, HSetCountsCreatedFields) {
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(d.Run({"HSET", "h", "a", "x", "c", "3"}), Int(1));
  EXPECT_EQ(d.Run({"HSET", "h", "a", "y"}), Int(0));
  EXPECT_EQ(d.Run({"HSET", "h", "d", "1", "d", "2"}), Int(1));  // Same field twice: one new.
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), Bulk("y"));
  EXPECT_EQ(d.Run({"HGET", "h", "d"}), Bulk("2"));
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(4));
}

TEST_F(HashCommandsTest, HSetOddPairsIsAnArityError) {
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(d.Run({"HSET", "h", "a"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(d.Run({"hset", "h"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(d.Run({"HMSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(d.Run({"HMSET", "h", "a"}), Err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(0));  // Nothing was created.
}

TEST_F(HashCommandsTest, HMSetRepliesOk) {
  EXPECT_EQ(d.Run({"HMSET", "h", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(d.Run({"HMSET", "h", "a", "3"}), kOk);
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(4) + Bulk("a") + Bulk("3") + Bulk("b") + Bulk("2"));
}

TEST_F(HashCommandsTest, HSetNx) {
  EXPECT_EQ(d.Run({"HSETNX", "h", "a", "1"}), Int(1));
  EXPECT_EQ(d.Run({"HSETNX", "h", "a", "2"}), Int(0));
  EXPECT_EQ(d.Run({"HGET", "h", "a"}), Bulk("1"));
  EXPECT_EQ(d.Run({"HSETNX", "h", "b", ""}), Int(1));
  EXPECT_EQ(d.Run({"HGET", "h", "b"}), Bulk(""));
  EXPECT_EQ(d.Run({"HSETNX", "h", "a"}), Err("ERR wrong number of arguments for 'hsetnx' command"));
}

// --- HGET / HMGET / HLEN / HSTRLEN / HEXISTS

TEST_F(HashCommandsTest, HGet) {
  EXPECT_EQ(d.Run({"HGET", "nokey", "f"}), kNull);
  d.Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), Bulk("v"));
  EXPECT_EQ(d.Run({"HGET", "h", "nofield"}), kNull);
  EXPECT_EQ(d.Run({"HGET", "h"}), Err("ERR wrong number of arguments for 'hget' command"));
  EXPECT_EQ(d.Run({"HGET", "h", "f", "x"}),
            Err("ERR wrong number of arguments for 'hget' command"));
}

TEST_F(HashCommandsTest, HMGet) {
  EXPECT_EQ(d.Run({"HMGET", "nokey", "a", "b"}), Arr(2) + kNull + kNull);
  d.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(d.Run({"HMGET", "h", "b", "x", "a", "b"}),
            Arr(4) + Bulk("2") + kNull + Bulk("1") + Bulk("2"));
  EXPECT_EQ(d.Run({"HMGET", "h"}), Err("ERR wrong number of arguments for 'hmget' command"));
}

TEST_F(HashCommandsTest, HLenHStrLenHExists) {
  EXPECT_EQ(d.Run({"HLEN", "nokey"}), Int(0));
  EXPECT_EQ(d.Run({"HSTRLEN", "nokey", "f"}), Int(0));
  EXPECT_EQ(d.Run({"HEXISTS", "nokey", "f"}), Int(0));
  d.Run({"HSET", "h", "f", "hello", "e", "", "n", "-123"});
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(3));
  EXPECT_EQ(d.Run({"HSTRLEN", "h", "f"}), Int(5));
  EXPECT_EQ(d.Run({"HSTRLEN", "h", "e"}), Int(0));
  EXPECT_EQ(d.Run({"HSTRLEN", "h", "n"}), Int(4));
  EXPECT_EQ(d.Run({"HSTRLEN", "h", "missing"}), Int(0));
  EXPECT_EQ(d.Run({"HEXISTS", "h", "f"}), Int(1));
  EXPECT_EQ(d.Run({"HEXISTS", "h", "e"}), Int(1));
  EXPECT_EQ(d.Run({"HEXISTS", "h", "missing"}), Int(0));
  EXPECT_EQ(d.Run({"HLEN", "h", "x"}), Err("ERR wrong number of arguments for 'hlen' command"));
  EXPECT_EQ(d.Run({"HSTRLEN", "h"}), Err("ERR wrong number of arguments for 'hstrlen' command"));
  EXPECT_EQ(d.Run({"HEXISTS", "h"}), Err("ERR wrong number of arguments for 'hexists' command"));
}

TEST_F(HashCommandsTest, BinarySafeFieldsAndValues) {
  const std::string field = "f\0\r\nx"s;
  const std::string value = "\r\n\0$-1\r\n"s;
  EXPECT_EQ(d.Run({"HSET", "h\0k"s, field, value}), Int(1));
  EXPECT_EQ(d.Run({"HGET", "h\0k"s, field}), Bulk(value));
  EXPECT_EQ(d.Run({"HGET", "h\0k"s, "f"}), kNull);
  EXPECT_EQ(d.Run({"HGET", "h"}), Err("ERR wrong number of arguments for 'hget' command"));
  EXPECT_EQ(d.Run({"HSTRLEN", "h\0k"s, field}), Int(static_cast<int64_t>(value.size())));
  EXPECT_EQ(d.Run({"HGETALL", "h\0k"s}), Arr(2) + Bulk(field) + Bulk(value));
  EXPECT_EQ(d.Run({"HGETSET", "h\0k"s, field, "\0"s}), Bulk(value));
  EXPECT_EQ(d.Run({"HGET", "h\0k"s, field}), Bulk("\0"s));
  EXPECT_EQ(d.Run({"HDEL", "h\0k"s, field}), Int(1));
  EXPECT_EQ(d.Run({"HLEN", "h\0k"s}), Int(0));
}

TEST_F(HashCommandsTest, EmptyFieldAndValue) {
  EXPECT_EQ(d.Run({"HSET", "h", "", ""}), Int(1));
  EXPECT_EQ(d.Run({"HGET", "h", ""}), Bulk(""));
  EXPECT_EQ(d.Run({"HEXISTS", "h", ""}), Int(1));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(2) + Bulk("") + Bulk(""));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "", "1"}), Err("ERR hash value is not a float"));
}

// --- HDEL

TEST_F(HashCommandsTest, HDel) {
  EXPECT_EQ(d.Run({"HDEL", "nokey", "a"}), Int(0));
  d.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(d.Run({"HDEL", "h", "a", "x", "a"}), Int(1));
  EXPECT_EQ(d.Run({"HKEYS", "h"}), Arr(2) + Bulk("b") + Bulk("c"));
  EXPECT_EQ(d.Run({"HDEL", "h"}), Err("ERR wrong number of arguments for 'hdel' command"));
}

TEST_F(HashCommandsTest, HDelRemovesTheKeyWhenEmpty) {
  d.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(d.Run({"HDEL", "h", "a", "b", "c"}), Int(2));
  EXPECT_EQ(d.engine().keyspace().db(0).size(), 0u);
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(0));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(0));
  // Re-creating starts a fresh, small hash.
  EXPECT_EQ(d.Run({"HSET", "h", "z", "1"}), Int(1));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(2) + Bulk("z") + Bulk("1"));
}

// --- HKEYS / HVALS / HGETALL

TEST_F(HashCommandsTest, SmallHashesKeepInsertionOrder) {
  d.Run({"HSET", "h", "zeta", "1", "alpha", "2", "mid", "3"});
  d.Run({"HSET", "h", "alpha", "20", "beta", "4"});  // Overwrite keeps the position.
  d.Run({"HDEL", "h", "zeta"});
  d.Run({"HSET", "h", "zeta", "5"});  // Re-added goes last.
  EXPECT_EQ(d.Run({"HKEYS", "h"}),
            Arr(4) + Bulk("alpha") + Bulk("mid") + Bulk("beta") + Bulk("zeta"));
  EXPECT_EQ(d.Run({"HVALS", "h"}), Arr(4) + Bulk("20") + Bulk("3") + Bulk("4") + Bulk("5"));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(8) + Bulk("alpha") + Bulk("20") + Bulk("mid") + Bulk("3") +
                                         Bulk("beta") + Bulk("4") + Bulk("zeta") + Bulk("5"));
}

TEST_F(HashCommandsTest, MissingKeyReadsAreEmpty) {
  EXPECT_EQ(d.Run({"HKEYS", "nokey"}), Arr(0));
  EXPECT_EQ(d.Run({"HVALS", "nokey"}), Arr(0));
  EXPECT_EQ(d.Run({"HGETALL", "nokey"}), Arr(0));
  EXPECT_EQ(d.Run({"HGETALL"}), Err("ERR wrong number of arguments for 'hgetall' command"));
  EXPECT_EQ(d.Run({"HKEYS", "a", "b"}), Err("ERR wrong number of arguments for 'hkeys' command"));
  EXPECT_EQ(d.Run({"HVALS"}), Err("ERR wrong number of arguments for 'hvals' command"));
}

TEST_F(HashCommandsTest, Resp3Replies) {
  Resp3();
  EXPECT_EQ(d.Run({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(d.Run({"HKEYS", "nokey"}), Arr(0));
  EXPECT_EQ(d.Run({"HVALS", "nokey"}), Arr(0));
  EXPECT_EQ(d.Run({"HGET", "nokey", "a"}), kNull3);
  EXPECT_EQ(d.Run({"HMGET", "nokey", "a", "b"}), Arr(2) + kNull3 + kNull3);
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey"}), kNull3);
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "3"}), Arr(0));
  EXPECT_EQ(d.Run({"HSCAN", "nokey", "0"}), kEmptyScan);
  EXPECT_EQ(d.Run({"HSET", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), "%2\r\n" + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2"));
  EXPECT_EQ(d.Run({"HKEYS", "h"}), Arr(2) + Bulk("a") + Bulk("b"));
  EXPECT_EQ(d.Run({"HMGET", "h", "a", "x"}), Arr(2) + Bulk("1") + kNull3);
  EXPECT_EQ(d.Run({"HGET", "h", "x"}), kNull3);
  EXPECT_EQ(d.Run({"HSCAN", "h", "0"}),
            Arr(2) + Bulk("0") + Arr(4) + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2"));
  // HINCRBYFLOAT stays a bulk string (not a RESP3 double).
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "a", "1.5"}), Bulk("2.5"));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "b", "1"}), Int(3));
  // WITHVALUES nests each pair; count >= size returns the whole hash in order.
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "5", "WITHVALUES"}),
            Arr(2) + Arr(2) + Bulk("a") + Bulk("2.5") + Arr(2) + Bulk("b") + Bulk("3"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "5"}), Arr(2) + Bulk("a") + Bulk("b"));
  Reply repeats = Parse(d.Run({"HRANDFIELD", "h", "-3", "WITHVALUES"}));
  ASSERT_EQ(repeats.elems.size(), 3u);
  for (const Reply& pair : repeats.elems) {
    ASSERT_EQ(pair.type, '*');
    ASSERT_EQ(pair.elems.size(), 2u);
    EXPECT_EQ(pair.elems[1].str, pair.elems[0].str == "a" ? "2.5" : "3");
  }
  // HGETSET forwards HGET's reply, which Call() produced in the caller's protocol.
  EXPECT_EQ(d.Run({"HGETSET", "h", "new", "v"}), kNull3);
  EXPECT_EQ(d.Run({"HGETSET", "h", "new", "w"}), Bulk("v"));
}

// --- HGETSET

TEST_F(HashCommandsTest, HGetSet) {
  EXPECT_EQ(d.Run({"HGETSET", "h", "f", "v1"}), kNull);
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), Bulk("v1"));
  EXPECT_EQ(d.Run({"HGETSET", "h", "f", "v2"}), Bulk("v1"));
  EXPECT_EQ(d.Run({"HGETSET", "h", "g", ""}), kNull);
  EXPECT_EQ(d.Run({"HGETSET", "h", "g", "x"}), Bulk(""));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(4) + Bulk("f") + Bulk("v2") + Bulk("g") + Bulk("x"));
  EXPECT_EQ(d.Run({"hGeTsEt", "h", "f", "v3"}), Bulk("v2"));
}

TEST_F(HashCommandsTest, HGetSetArity) {
  EXPECT_EQ(d.Run({"HGETSET", "h", "f"}),
            Err("ERR wrong number of arguments for 'hgetset' command"));
  EXPECT_EQ(d.Run({"HGETSET", "h", "f", "v", "extra"}),
            Err("ERR wrong number of arguments for 'hgetset' command"));
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(0));
}

TEST_F(HashCommandsTest, HGetSetConvertsLikeHSet) {
  Fill(d, "h", 512);
  EXPECT_FALSE(IsHashtable(d, "h"));
  EXPECT_EQ(d.Run({"HGETSET", "h", "f0", std::string(65, 'x')}), Bulk("v0"));
  EXPECT_TRUE(IsHashtable(d, "h"));
  EXPECT_EQ(d.Run({"HGETSET", "h", "f0", "small"}), Bulk(std::string(65, 'x')));
}

// --- HINCRBY

TEST_F(HashCommandsTest, HIncrBy) {
  EXPECT_EQ(d.Run({"HINCRBY", "h", "n", "5"}), Int(5));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "n", "-7"}), Int(-2));
  EXPECT_EQ(d.Run({"HGET", "h", "n"}), Bulk("-2"));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "n", "0"}), Int(-2));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "big", "9223372036854775807"}), Int(INT64_MAX));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "big", "1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(d.Run({"HSET", "h", "min", "-9223372036854775808"}), Int(1));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "min", "-1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "min", "0"}), ":-9223372036854775808\r\n");
  EXPECT_EQ(d.Run({"HINCRBY", "h", "min", "9223372036854775807"}), Int(-1));
  EXPECT_EQ(d.Run({"HGET", "h", "big"}), Bulk("9223372036854775807"));
}

TEST_F(HashCommandsTest, HIncrByErrors) {
  for (const char* bad : {"x", "", " 1", "1 ", "+1", "01", "-0", "1.0", "9223372036854775808",
                          "-9223372036854775809"}) {
    EXPECT_EQ(d.Run({"HINCRBY", "h", "f", bad}), Err("ERR value is not an integer or out of range"))
        << bad;
  }
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(0));  // The key was not created.
  d.Run({"HSET", "h", "s", "abc", "sp", " 1", "z", "007", "fl", "1.5", "neg0", "-0"});
  for (const char* field : {"s", "sp", "z", "fl", "neg0"}) {
    EXPECT_EQ(d.Run({"HINCRBY", "h", field, "1"}), Err("ERR hash value is not an integer"))
        << field;
  }
  EXPECT_EQ(d.Run({"HGET", "h", "z"}), Bulk("007"));
  EXPECT_EQ(d.Run({"HINCRBY", "h", "f"}),
            Err("ERR wrong number of arguments for 'hincrby' command"));
}

// --- HINCRBYFLOAT

TEST_F(HashCommandsTest, HIncrByFloat) {
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "f", "10.50"}), Bulk("10.5"));
  EXPECT_EQ(d.Run({"HGET", "h", "f"}), Bulk("10.5"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "f", "-10.6"}), Bulk("0"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "q", "0.1"}), Bulk("0.1"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "q", "-0.1"}), Bulk("0"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "w", "1e5"}), Bulk("100000"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "w", "3.0e3"}), Bulk("103000"));
  EXPECT_EQ(d.Run({"HSET", "h", "i", "9223372036854775807", "z", "007"}), Int(2));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "i", "1"}), Bulk("9223372036854775808"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "z", "1"}), Bulk("8"));  // string2ld accepts "007".
}

TEST_F(HashCommandsTest, HIncrByFloatErrors) {
  for (const char* bad : {"x", "", " 1", "1x", "nan", "NaN"}) {
    EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "f", bad}), Err("ERR value is not a valid float")) << bad;
  }
  for (const char* inf : {"inf", "-inf", "+inf", "Infinity"}) {
    EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "f", inf}), Err("ERR value is NaN or Infinity")) << inf;
  }
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(0));
  d.Run({"HSET", "h", "s", "abc", "sp", " 1", "n", "1e4932"});
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "s", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "sp", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "n", "1e4932"}),
            Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(d.Run({"HGET", "h", "n"}), Bulk("1e4932"));
}

TEST_F(HashCommandsTest, HIncrByFloatHugeValuesPrintInFull) {
  // "%.17Lf": every integer digit of the long double, no exponent (redis-server's bytes).
  const std::string digits =
      "1000000000000000000028188068394758651458645343362905203862591069353968553400862986203936"
      "3994848324160522094053927317616200295822777259255734023828976593340661017797447434546173"
      "9178624481166749717237789438243915933380474706750262466844013592375136038303437354855052"
      "4495596497902182503828009106841494740245689865304095101751265809261582758892018347251164"
      "3316591362664138176309734806343732497430221946880";
  ASSERT_EQ(digits.size(), 401u);
  EXPECT_EQ(d.Run({"HSET", "h", "e", "1e400"}), Int(1));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "e", "1"}), Bulk(digits));
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "h", "n", "1e400"}), Bulk(digits));
  EXPECT_EQ(d.Run({"HGET", "h", "n"}), Bulk(digits));
}

// --- Encoding thresholds (512 entries, 64 bytes)

TEST_F(HashCommandsTest, EntryCountThreshold) {
  Fill(d, "h", 512);
  EXPECT_FALSE(IsHashtable(d, "h"));
  EXPECT_EQ(d.Run({"HSET", "h", "f511", "again"}), Int(0));
  EXPECT_FALSE(IsHashtable(d, "h"));
  EXPECT_EQ(d.Run({"HSET", "h", "extra", "1"}), Int(1));
  EXPECT_TRUE(IsHashtable(d, "h"));
  // It never converts back, even when it shrinks.
  d.Run({"HDEL", "h", "extra", "f0", "f1"});
  EXPECT_TRUE(IsHashtable(d, "h"));
  EXPECT_EQ(d.Run({"HLEN", "h"}), Int(510));
  EXPECT_EQ(d.Run({"HGET", "h", "f511"}), Bulk("again"));
}

TEST_F(HashCommandsTest, ValueLengthThreshold) {
  d.Run({"HSET", "a", "f", std::string(64, 'x')});
  EXPECT_FALSE(IsHashtable(d, "a"));
  d.Run({"HSET", "a", "g", std::string(65, 'x')});
  EXPECT_TRUE(IsHashtable(d, "a"));

  d.Run({"HSET", "b", std::string(65, 'k'), "v", "x", "y"});
  EXPECT_TRUE(IsHashtable(d, "b"));

  d.Run({"HSET", "c", "f", "1"});
  EXPECT_EQ(d.Run({"HINCRBYFLOAT", "c", std::string(65, 'k'), "1.5"}), Bulk("1.5"));
  EXPECT_TRUE(IsHashtable(d, "c"));

  d.Run({"HSETNX", "e", std::string(64, 'k'), std::string(64, 'v')});
  EXPECT_FALSE(IsHashtable(d, "e"));
  d.Run({"HSETNX", "e", "x", std::string(65, 'v')});
  EXPECT_TRUE(IsHashtable(d, "e"));
}

TEST_F(HashCommandsTest, ThresholdsFollowConfig) {
  Config config;
  config.hash_max_listpack_entries = 4;
  config.hash_max_listpack_value = 8;
  EngineDriver small(config);
  Fill(small, "h", 4);
  EXPECT_FALSE(IsHashtable(small, "h"));
  small.Run({"HSET", "h", "f4", "v"});
  EXPECT_TRUE(IsHashtable(small, "h"));
  small.Run({"HSET", "v", "f", "123456789", "g", "1"});
  EXPECT_TRUE(IsHashtable(small, "v"));
}

// --- HSCAN

TEST_F(HashCommandsTest, HScanSmallHashReturnsEverythingAtOnce) {
  d.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  const std::string all = Arr(2) + Bulk("0") + Arr(6) + Bulk("a") + Bulk("1") + Bulk("b") +
                          Bulk("2") + Bulk("c") + Bulk("3");
  EXPECT_EQ(d.Run({"HSCAN", "h", "0"}), all);
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT", "1"}), all);
  // A listpack ignores the cursor.
  EXPECT_EQ(d.Run({"HSCAN", "h", "12345"}), all);
  EXPECT_EQ(d.Run({"HSCAN", "h", "-1"}), all);
  EXPECT_EQ(d.Run({"HSCAN", "h", ""}), all);
  EXPECT_EQ(d.Run({"HSCAN", "h", "18446744073709551615"}), all);
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH", "[ab]"}),
            Arr(2) + Bulk("0") + Arr(4) + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "match", "z*"}), kEmptyScan);
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH", "*"}), all);
  // Later options win; option words compare up to a NUL, as strcasecmp.
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "count", "1", "match", "a*", "COUNT", "5"}),
            Arr(2) + Bulk("0") + Arr(2) + Bulk("a") + Bulk("1"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "match\0x"s, "c"}),
            Arr(2) + Bulk("0") + Arr(2) + Bulk("c") + Bulk("3"));
}

TEST_F(HashCommandsTest, HScanMatchAgainstEmptyFieldAndStar) {
  d.Run({"HSET", "h", "", "empty", "x", "1"});
  // "*" disables matching, so the empty field is returned; "**" goes through stringmatchlen,
  // which never matches an empty string.
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH", "*"}),
            Arr(2) + Bulk("0") + Arr(4) + Bulk("") + Bulk("empty") + Bulk("x") + Bulk("1"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH", "**"}),
            Arr(2) + Bulk("0") + Arr(2) + Bulk("x") + Bulk("1"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH", ""}),
            Arr(2) + Bulk("0") + Arr(2) + Bulk("") + Bulk("empty"));
}

TEST_F(HashCommandsTest, HScanMissingKey) {
  EXPECT_EQ(d.Run({"HSCAN", "nokey", "0"}), kEmptyScan);
  // Options are parsed only for an existing key.
  EXPECT_EQ(d.Run({"HSCAN", "nokey", "0", "COUNT", "0"}), kEmptyScan);
  EXPECT_EQ(d.Run({"HSCAN", "nokey", "0", "BADOPT"}), kEmptyScan);
  // The cursor is checked first.
  EXPECT_EQ(d.Run({"HSCAN", "nokey", "x"}), Err("ERR invalid cursor"));
}

TEST_F(HashCommandsTest, HScanErrors) {
  d.Run({"HSET", "h", "a", "1"});
  for (const char* bad : {"x", " 1", "\t1", "1 ", "0x10", "-", "+", "18446744073709551616",
                          "-18446744073709551616"}) {
    EXPECT_EQ(d.Run({"HSCAN", "h", bad}), Err("ERR invalid cursor")) << bad;
  }
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT", "-1"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT", "9223372036854775808"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "COUNT"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "MATCH"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "TYPE", "hash"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "BAD"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HSCAN", "h"}), Err("ERR wrong number of arguments for 'hscan' command"));
  // Valid odd cursors: a leading '+' and a NUL ending the C string.
  EXPECT_EQ(d.Run({"HSCAN", "h", "+1"}), Arr(2) + Bulk("0") + Arr(2) + Bulk("a") + Bulk("1"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "1\0x"s}), Arr(2) + Bulk("0") + Arr(2) + Bulk("a") + Bulk("1"));
}

TEST_F(HashCommandsTest, HScanFullIterationOfALargeHash) {
  Fill(d, "h", 1000);
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = Parse(d.Run({"HSCAN", "h", cursor, "COUNT", "10"}));
    ASSERT_EQ(r.elems.size(), 2u);
    cursor = r.elems[0].str;
    const std::vector<Reply>& flat = r.elems[1].elems;
    ASSERT_EQ(flat.size() % 2, 0u);
    EXPECT_LE(flat.size(), 2u * 20);  // Roughly COUNT pairs per call.
    for (size_t i = 0; i < flat.size(); i += 2) {
      EXPECT_TRUE(seen.emplace(flat[i].str, flat[i + 1].str).second) << "twice: " << flat[i].str;
    }
    ++calls;
  } while (cursor != "0" && calls < 10000);
  EXPECT_GE(calls, 50);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(seen["f" + std::to_string(i)], "v" + std::to_string(i));
  }
}

TEST_F(HashCommandsTest, HScanLargeHashWithMatchAndChanges) {
  Fill(d, "h", 1000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = Parse(d.Run({"HSCAN", "h", cursor, "MATCH", "f1*", "COUNT", "10"}));
    cursor = r.elems[0].str;
    for (size_t i = 0; i < r.elems[1].elems.size(); i += 2) seen.insert(r.elems[1].elems[i].str);
    // Fields added or removed mid-scan must not disturb the ones present throughout.
    if (calls == 3) {
      d.Run({"HSET", "h", "new1", "x", "f1new", "y"});
      d.Run({"HDEL", "h", "f0", "f2", "f3"});
    }
    ++calls;
  } while (cursor != "0" && calls < 10000);
  for (int i = 0; i < 1000; ++i) {
    std::string f = "f" + std::to_string(i);
    if (f[1] == '1') {
      EXPECT_EQ(seen.count(f), 1u) << f;
    }
  }
  EXPECT_EQ(seen.count("new1"), 0u);
  for (const std::string& f : seen) EXPECT_EQ(f.substr(0, 2), "f1");
}

// --- HRANDFIELD

TEST_F(HashCommandsTest, HRandFieldWithoutCount) {
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey"}), kNull);
  d.Run({"HSET", "h", "only", "v"});
  EXPECT_EQ(d.Run({"HRANDFIELD", "h"}), Bulk("only"));
  d.Run({"HSET", "h", "a", "1", "b", "2"});
  std::set<std::string> got;
  for (int i = 0; i < 200; ++i) got.insert(Parse(d.Run({"HRANDFIELD", "h"})).str);
  EXPECT_EQ(got, (std::set<std::string>{"only", "a", "b"}));
}

TEST_F(HashCommandsTest, HRandFieldCountEdges) {
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "3"}), Arr(0));
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "-3", "WITHVALUES"}), Arr(0));
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "0"}), Arr(0));
  d.Run({"HSET", "h", "a", "1", "b", "2", "c", "x"});
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "0"}), Arr(0));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "0", "WITHVALUES"}), Arr(0));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "5"}), Arr(3) + Bulk("a") + Bulk("b") + Bulk("c"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "3", "withvalues"}),
            Arr(6) + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2") + Bulk("c") + Bulk("x"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "3", "withvalues\0junk"s}),
            Arr(6) + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2") + Bulk("c") + Bulk("x"));
  EXPECT_EQ(Parse(d.Run({"HRANDFIELD", "h", "1"})).elems.size(), 1u);
  EXPECT_EQ(Parse(d.Run({"HRANDFIELD", "h", "-1"})).elems.size(), 1u);
  EXPECT_EQ(Parse(d.Run({"HRANDFIELD", "h", "-7"})).elems.size(), 7u);
  EXPECT_EQ(Parse(d.Run({"HRANDFIELD", "h", "-7", "WITHVALUES"})).elems.size(), 14u);
}

TEST_F(HashCommandsTest, HRandFieldErrors) {
  d.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", " 1"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "9223372036854775808"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "1", "withvalue"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "1", "WITHVALUES", "extra"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "1", "bad"}), Err("ERR syntax error"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", "x"}),
            Err("ERR value is not an integer or out of range"));
  for (const char* big : {"4611686018427387904", "-4611686018427387904"}) {
    EXPECT_EQ(d.Run({"HRANDFIELD", "h", big, "WITHVALUES"}), Err("ERR value is out of range"));
    EXPECT_EQ(d.Run({"HRANDFIELD", "nokey", big, "WITHVALUES"}), Err("ERR value is out of range"));
  }
  // Within LONG_MAX/2 a positive count is capped by the hash size.
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}),
            Arr(2) + Bulk("a") + Bulk("1"));
  EXPECT_EQ(d.Run({"HRANDFIELD"}), Err("ERR wrong number of arguments for 'hrandfield' command"));
}

TEST_F(HashCommandsTest, HRandFieldHugeNegativeCountIsRefused) {
  // Redis would try to build the reply until it ran out of memory; hashkv refuses instead.
  d.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(d.Run({"HRANDFIELD", "h", "-9223372036854775807"}), Err("ERR value is out of range"));
}

// Distinctness and pairing for every strategy: small (listpack) and large (hashtable) hashes,
// count close to the size (one-pass sampling) and far below it (random draws).
TEST_F(HashCommandsTest, HRandFieldPositiveCountIsDistinct) {
  Fill(d, "small", 20);
  Fill(d, "large", 1000);
  struct Case {
    const char* key;
    int size;
    int count;
  };
  for (const Case& c : {Case{"small", 20, 5}, Case{"small", 20, 19}, Case{"large", 1000, 10},
                        Case{"large", 1000, 400}, Case{"large", 1000, 999}}) {
    for (bool withvalues : {false, true}) {
      for (bool resp3 : {false, true}) {
        d.session().resp = resp3 ? RespVersion::kResp3 : RespVersion::kResp2;
        std::vector<std::string> argv = {"HRANDFIELD", c.key, std::to_string(c.count)};
        if (withvalues) argv.push_back("WITHVALUES");
        Reply r = Parse(d.Run(argv));
        std::vector<std::pair<std::string, std::string>> pairs;
        if (withvalues && resp3) {
          for (const Reply& e : r.elems) {
            ASSERT_EQ(e.elems.size(), 2u);
            pairs.emplace_back(e.elems[0].str, e.elems[1].str);
          }
        } else if (withvalues) {
          ASSERT_EQ(r.elems.size() % 2, 0u);
          for (size_t i = 0; i < r.elems.size(); i += 2) {
            pairs.emplace_back(r.elems[i].str, r.elems[i + 1].str);
          }
        } else {
          for (const Reply& e : r.elems) pairs.emplace_back(e.str, "");
        }
        ASSERT_EQ(pairs.size(), static_cast<size_t>(c.count)) << c.key << " " << c.count;
        std::set<std::string> fields;
        for (const auto& [field, value] : pairs) {
          EXPECT_TRUE(fields.insert(field).second) << "repeated " << field;
          ASSERT_EQ(field[0], 'f');
          int index = std::stoi(field.substr(1));
          EXPECT_LT(index, c.size);
          if (withvalues) {
            EXPECT_EQ(value, "v" + field.substr(1));
          }
        }
      }
    }
  }
}

TEST_F(HashCommandsTest, HRandFieldNegativeCountRepeatsAndCoversTheHash) {
  Fill(d, "small", 5);
  Fill(d, "large", 600);
  for (const char* key : {"small", "large"}) {
    const int size = std::string(key) == "small" ? 5 : 600;
    Reply r = Parse(d.Run({"HRANDFIELD", key, "-3000", "WITHVALUES"}));
    ASSERT_EQ(r.elems.size(), 6000u);
    std::map<std::string, int> counts;
    for (size_t i = 0; i < r.elems.size(); i += 2) {
      EXPECT_EQ(r.elems[i + 1].str, "v" + r.elems[i].str.substr(1));
      ++counts[r.elems[i].str];
    }
    if (size == 5) {
      // 3000 draws over 5 fields: every field shows up, and repeats are the norm.
      EXPECT_EQ(counts.size(), 5u);
      for (const auto& [field, n] : counts) EXPECT_GT(n, 400) << field;
    } else {
      EXPECT_GT(counts.size(), 400u);  // ~589 expected distinct out of 600.
      EXPECT_LT(counts.size(), 600u + 1);
    }
  }
}

TEST_F(HashCommandsTest, HRandFieldIsRoughlyUniform) {
  Fill(d, "h", 10);
  std::map<std::string, int> counts;
  for (int i = 0; i < 2000; ++i) {
    Reply r = Parse(d.Run({"HRANDFIELD", "h", "3"}));
    for (const Reply& e : r.elems) ++counts[e.str];
  }
  ASSERT_EQ(counts.size(), 10u);
  for (const auto& [field, n] : counts) {
    EXPECT_GT(n, 450) << field;  // 600 expected each.
    EXPECT_LT(n, 750) << field;
  }
}

// --- Keyspace statistics

TEST_F(HashCommandsTest, ReadsCountKeyspaceHitsAndMisses) {
  Stats& stats = d.engine().stats();
  d.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(stats.keyspace_hits, 0u);
  EXPECT_EQ(stats.keyspace_misses, 0u);
  d.Run({"HGET", "h", "a"});
  d.Run({"HGET", "h", "missing-field"});  // A hit: the key exists.
  d.Run({"HMGET", "h", "a", "b"});
  d.Run({"HLEN", "h"});
  d.Run({"HGETALL", "h"});
  d.Run({"HSCAN", "h", "0"});
  d.Run({"HRANDFIELD", "h", "2"});
  EXPECT_EQ(stats.keyspace_hits, 7u);
  EXPECT_EQ(stats.keyspace_misses, 0u);
  d.Run({"HGET", "nokey", "a"});
  d.Run({"HEXISTS", "nokey", "a"});
  d.Run({"HSTRLEN", "nokey", "a"});
  d.Run({"HKEYS", "nokey"});
  d.Run({"HSCAN", "nokey", "0"});
  d.Run({"HRANDFIELD", "nokey"});
  EXPECT_EQ(stats.keyspace_misses, 6u);
  // Errors found before the lookup do not count.
  d.Run({"HSCAN", "nokey", "bad"});
  d.Run({"HRANDFIELD", "nokey", "x"});
  EXPECT_EQ(stats.keyspace_misses, 6u);
  // Writes do not count.
  d.Run({"HSET", "h", "b", "2"});
  d.Run({"HDEL", "h", "b"});
  d.Run({"HINCRBY", "h", "n", "1"});
  EXPECT_EQ(stats.keyspace_hits, 7u);
  EXPECT_EQ(stats.keyspace_misses, 6u);
}

TEST_F(HashCommandsTest, CommandNamesAreCaseInsensitive) {
  EXPECT_EQ(d.Run({"hSeT", "h", "a", "1"}), Int(1));
  EXPECT_EQ(d.Run({"hget", "h", "a"}), Bulk("1"));
  EXPECT_EQ(d.Run({"HGETALL", "h"}), Arr(2) + Bulk("a") + Bulk("1"));
  EXPECT_EQ(d.Run({"HSCAN", "h", "0", "CoUnT", "3", "mAtCh", "a"}),
            Arr(2) + Bulk("0") + Arr(2) + Bulk("a") + Bulk("1"));
}

}  // namespace
}  // namespace hashkv
