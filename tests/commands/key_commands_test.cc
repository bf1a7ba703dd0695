// In-process tests of the key family: exact reply bytes and error texts of Redis 7.0.15.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "commands/command_table.h"
#include "engine_support.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

// Keys are created through the store so these tests depend on no other command family.
void Put(EngineDriver& d, std::string_view key, int db = 0, std::string_view field = "f",
         std::string_view value = "v") {
  Database& database = d.engine().keyspace().db(db);
  database.FindOrCreate(key, d.engine().NowMs()).Set(field, value, HashLimits{});
}

std::optional<std::string> Field(EngineDriver& d, std::string_view key, std::string_view field,
                                 int db = 0) {
  HashValue* value = d.engine().keyspace().db(db).Find(key, d.engine().NowMs());
  if (value == nullptr) return std::nullopt;
  std::optional<std::string_view> v = value->Get(field);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// An expired key the store has not reaped yet, as if its TTL ran out between commands.
void ExpireNow(EngineDriver& d, std::string_view key, int db = 0) {
  d.engine().keyspace().db(db).SetExpire(key, d.engine().NowMs() - 1);
}

// Reads an array of bulk strings ("*N\r\n$L\r\n...") starting at `pos`.
std::vector<std::string> ReadBulkArray(std::string_view reply, size_t* pos) {
  std::vector<std::string> out;
  EXPECT_EQ(reply[*pos], '*');
  size_t eol = reply.find("\r\n", *pos);
  size_t n = std::stoul(std::string(reply.substr(*pos + 1, eol - *pos - 1)));
  *pos = eol + 2;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(reply[*pos], '$');
    eol = reply.find("\r\n", *pos);
    size_t len = std::stoul(std::string(reply.substr(*pos + 1, eol - *pos - 1)));
    out.emplace_back(reply.substr(eol + 2, len));
    *pos = eol + 2 + len + 2;
  }
  return out;
}

std::vector<std::string> SortedKeys(std::string_view reply) {
  size_t pos = 0;
  std::vector<std::string> keys = ReadBulkArray(reply, &pos);
  EXPECT_EQ(pos, reply.size());
  std::sort(keys.begin(), keys.end());
  return keys;
}

struct ScanPage {
  std::string cursor;
  std::vector<std::string> keys;
};

ScanPage ParseScan(std::string_view reply) {
  ScanPage page;
  EXPECT_EQ(reply.substr(0, 4), "*2\r\n");
  size_t pos = 4;
  size_t eol = reply.find("\r\n", pos);
  size_t len = std::stoul(std::string(reply.substr(pos + 1, eol - pos - 1)));
  page.cursor = std::string(reply.substr(eol + 2, len));
  pos = eol + 2 + len + 2;
  page.keys = ReadBulkArray(reply, &pos);
  EXPECT_EQ(pos, reply.size());
  return page;
}

// --- Registration

TEST(KeyCommandsTest, RegistrationMatchesRedis70) {
  struct Expected {
    std::string_view name;
    int arity;
    std::string_view flags;
    int first, last, step;
  };
  // From `COMMAND INFO` against redis-server 7.0.15.
  constexpr Expected kExpected[] = {
      {"del", -2, "write", 1, -1, 1},
      {"unlink", -2, "write fast", 1, -1, 1},
      {"exists", -2, "readonly fast", 1, -1, 1},
      {"type", 2, "readonly fast", 1, 1, 1},
      {"keys", 2, "readonly", 0, 0, 0},
      {"scan", -2, "readonly", 0, 0, 0},
      {"rename", 3, "write", 1, 2, 1},
      {"renamenx", 3, "write fast", 1, 2, 1},
      {"expire", -3, "write fast", 1, 1, 1},
      {"pexpire", -3, "write fast", 1, 1, 1},
      {"expireat", -3, "write fast", 1, 1, 1},
      {"pexpireat", -3, "write fast", 1, 1, 1},
      {"ttl", 2, "readonly fast", 1, 1, 1},
      {"pttl", 2, "readonly fast", 1, 1, 1},
      {"expiretime", 2, "readonly fast", 1, 1, 1},
      {"pexpiretime", 2, "readonly fast", 1, 1, 1},
      {"persist", 2, "write fast", 1, 1, 1},
      {"randomkey", 1, "readonly", 0, 0, 0},
      {"dbsize", 1, "readonly fast", 0, 0, 0},
      {"flushdb", -1, "write", 0, 0, 0},
      {"flushall", -1, "write", 0, 0, 0},
      {"select", 2, "loading stale fast", 0, 0, 0},
      {"swapdb", 3, "write fast", 0, 0, 0},
      {"move", 3, "write fast", 1, 1, 1},
      {"touch", -2, "readonly fast", 1, -1, 1},
      {"copy", -3, "write deny-oom", 1, 2, 1},
  };
  EngineDriver d;
  ASSERT_EQ(KeyCommands().size(), std::size(kExpected));
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.name);
    const CommandSpec* spec = d.engine().commands().Find(e.name);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->arity, e.arity);
    EXPECT_EQ(ParseCommandFlags(spec->flags), ParseCommandFlags(e.flags));
    EXPECT_EQ(spec->first_key, e.first);
    EXPECT_EQ(spec->last_key, e.last);
    EXPECT_EQ(spec->key_step, e.step);
    EXPECT_FALSE(spec->summary.empty());
    EXPECT_FALSE(spec->since.empty());
  }
}

TEST(KeyCommandsTest, ArityErrorsUseTheLowerCaseName) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"DEL"}), "-ERR wrong number of arguments for 'del' command\r\n");
  EXPECT_EQ(d.Run({"Expire", "k"}), "-ERR wrong number of arguments for 'expire' command\r\n");
  EXPECT_EQ(d.Run({"ttl", "a", "b"}), "-ERR wrong number of arguments for 'ttl' command\r\n");
  EXPECT_EQ(d.Run({"dbsize", "x"}), "-ERR wrong number of arguments for 'dbsize' command\r\n");
  EXPECT_EQ(d.Run({"copy", "a"}), "-ERR wrong number of arguments for 'copy' command\r\n");
}

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE

TEST(KeyCommandsTest, DelCountsOnlyLiveKeysOnce) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b");
  Put(d, "c");
  ExpireNow(d, "c");
  EXPECT_EQ(d.Run({"DEL", "a", "a", "nokey", "c"}), ":1\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(d.Run({"DEL", "a"}), ":0\r\n");
  EXPECT_EQ(d.Run({"UNLINK", "b", "b"}), ":1\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(d.Run({"unlink", "x"}), ":0\r\n");
}

TEST(KeyCommandsTest, ExistsCountsRepeatsAndKeyspaceStats) {
  EngineDriver d;
  Put(d, "h");
  Put(d, "gone");
  ExpireNow(d, "gone");
  Stats& stats = d.engine().stats();
  uint64_t hits = stats.keyspace_hits;
  uint64_t misses = stats.keyspace_misses;
  EXPECT_EQ(d.Run({"EXISTS", "h", "h", "nokey", "h", "gone"}), ":3\r\n");
  EXPECT_EQ(stats.keyspace_hits - hits, 3u);
  EXPECT_EQ(stats.keyspace_misses - misses, 2u);
  EXPECT_EQ(d.Run({"EXISTS", "nokey"}), ":0\r\n");
}

TEST(KeyCommandsTest, TouchCountsExistingKeys) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b");
  uint64_t hits = d.engine().stats().keyspace_hits;
  EXPECT_EQ(d.Run({"TOUCH", "a", "b", "c", "a"}), ":3\r\n");
  EXPECT_EQ(d.engine().stats().keyspace_hits - hits, 3u);
  EXPECT_EQ(d.Run({"TOUCH", "c"}), ":0\r\n");
}

TEST(KeyCommandsTest, Type) {
  EngineDriver d;
  Put(d, "h");
  EXPECT_EQ(d.Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(d.Run({"TYPE", "nokey"}), "+none\r\n");
  ExpireNow(d, "h");
  EXPECT_EQ(d.Run({"TYPE", "h"}), "+none\r\n");
}

// --- KEYS

TEST(KeyCommandsTest, KeysPatterns) {
  EngineDriver d;
  for (std::string_view k : {"hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "other"}) {
    Put(d, k);
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "*"})),
            (V{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo", "other"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h?llo"})), (V{"h*llo", "hallo", "hello", "hxllo"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h*llo"})),
            (V{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h[ae]llo"})), (V{"hallo", "hello"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h[^e]llo"})), (V{"h*llo", "hallo", "hxllo"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h[a-f]llo"})), (V{"hallo", "hello"}));
  EXPECT_EQ(SortedKeys(d.Run({"KEYS", "h\\*llo"})), (V{"h*llo"}));
  EXPECT_EQ(d.Run({"KEYS", "other"}), "*1\r\n$5\r\nother\r\n");
  EXPECT_EQ(d.Run({"KEYS", "nomatch*"}), "*0\r\n");
}

TEST(KeyCommandsTest, KeysSkipsExpiredKeys) {
  EngineDriver d;
  Put(d, "live");
  Put(d, "dead");
  ExpireNow(d, "dead");
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*1\r\n$4\r\nlive\r\n");
  EXPECT_EQ(d.Run({"KEYS", "d*"}), "*0\r\n");
}

TEST(KeyCommandsTest, KeysOnEmptyDatabase) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*0\r\n");
}

// --- SCAN

TEST(KeyCommandsTest, ScanEmptyDatabase) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST(KeyCommandsTest, ScanSmallDatabaseInOneCall) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b");
  ScanPage page = ParseScan(d.Run({"SCAN", "0"}));
  EXPECT_EQ(page.cursor, "0");
  std::sort(page.keys.begin(), page.keys.end());
  EXPECT_EQ(page.keys, (std::vector<std::string>{"a", "b"}));
}

TEST(KeyCommandsTest, ScanCursorErrors) {
  EngineDriver d;
  Put(d, "a");
  const std::string invalid = "-ERR invalid cursor\r\n";
  EXPECT_EQ(d.Run({"SCAN", "abc"}), invalid);
  EXPECT_EQ(d.Run({"SCAN", " 1"}), invalid);
  EXPECT_EQ(d.Run({"SCAN", "1 "}), invalid);
  EXPECT_EQ(d.Run({"SCAN", "0x1"}), invalid);
  EXPECT_EQ(d.Run({"SCAN", "18446744073709551616"}), invalid);
  // strtoul's leniencies, kept by Redis: an empty cursor is 0, '+' and '-' are accepted.
  EXPECT_EQ(d.Run({"SCAN", ""}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
  EXPECT_EQ(d.Run({"SCAN", "+0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
  EXPECT_EQ(d.Run({"SCAN", "18446744073709551615"}).substr(0, 4), "*2\r\n");
}

TEST(KeyCommandsTest, ScanOptionErrors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SCAN", "0", "COUNT", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "COUNT", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "count", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "MATCH"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "foo", "bar"}), "-ERR syntax error\r\n");
  // Options are read left to right; the first bad one decides the error.
  EXPECT_EQ(d.Run({"SCAN", "0", "foo", "bar", "COUNT", "abc"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SCAN", "0", "COUNT", "abc", "foo"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SCAN", "x", "COUNT", "0"}), "-ERR invalid cursor\r\n");
}

TEST(KeyCommandsTest, ScanMatchAndType) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b");
  EXPECT_EQ(d.Run({"SCAN", "0", "MATCH", "a", "COUNT", "100", "TYPE", "hash"}),
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
  EXPECT_EQ(SortedKeys(d.Run({"SCAN", "0", "type", "HASH"}).substr(11)),
            (std::vector<std::string>{"a", "b"}));
  // Any other type name, real or not, filters out every key.
  for (std::string_view type : {"string", "list", "none", "foo"}) {
    EXPECT_EQ(d.Run({"SCAN", "0", "TYPE", type}), "*2\r\n$1\r\n0\r\n*0\r\n") << type;
  }
  EXPECT_EQ(d.Run({"SCAN", "0", "MATCH", "z*"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST(KeyCommandsTest, ScanTypeCountsKeyspaceHitsAsRedis70) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b");
  Stats& stats = d.engine().stats();
  uint64_t hits = stats.keyspace_hits;
  d.Run({"SCAN", "0"});
  EXPECT_EQ(stats.keyspace_hits, hits);
  d.Run({"SCAN", "0", "TYPE", "string"});
  EXPECT_EQ(stats.keyspace_hits - hits, 2u);
  d.Run({"SCAN", "0", "MATCH", "a", "TYPE", "hash"});
  EXPECT_EQ(stats.keyspace_hits - hits, 3u);
}

TEST(KeyCommandsTest, ScanFullIterationWithCount7) {
  EngineDriver d;
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key:" + std::to_string(i);
    Put(d, key);
    expected.insert(key);
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    ScanPage page = ParseScan(d.Run({"SCAN", cursor, "COUNT", "7"}));
    EXPECT_LE(page.keys.size(), 7u);
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
  } while (cursor != "0" && ++calls < 10000);
  EXPECT_EQ(seen, expected);
  EXPECT_GE(calls, 1000 / 7);
}

TEST(KeyCommandsTest, ScanIterationSurvivesDeletesAndSkipsExpired) {
  EngineDriver d;
  for (int i = 0; i < 100; ++i) Put(d, "k" + std::to_string(i));
  ExpireNow(d, "k50");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    ScanPage page = ParseScan(d.Run({"SCAN", cursor, "COUNT", "10", "MATCH", "k*"}));
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    // Deleting keys already returned must not make the iteration skip any other.
    for (const std::string& k : page.keys) d.Run({"DEL", k});
  } while (cursor != "0" && ++calls < 1000);
  EXPECT_EQ(seen.size(), 99u);
  EXPECT_EQ(seen.count("k50"), 0u);
}

// --- RANDOMKEY, DBSIZE

TEST(KeyCommandsTest, RandomKey) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"RANDOMKEY"}), "$-1\r\n");
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"RANDOMKEY"}), "_\r\n");
  d.session().resp = RespVersion::kResp2;
  Put(d, "only");
  EXPECT_EQ(d.Run({"RANDOMKEY"}), "$4\r\nonly\r\n");
  Put(d, "other");
  for (int i = 0; i < 20; ++i) {
    std::string r = d.Run({"RANDOMKEY"});
    EXPECT_TRUE(r == "$4\r\nonly\r\n" || r == "$5\r\nother\r\n") << r;
  }
  ExpireNow(d, "only");
  ExpireNow(d, "other");
  EXPECT_EQ(d.Run({"RANDOMKEY"}), "$-1\r\n");
}

TEST(KeyCommandsTest, DbSizeCountsTheSelectedDatabase) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
  Put(d, "a");
  Put(d, "b");
  Put(d, "c", 1);
  EXPECT_EQ(d.Run({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(d.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":1\r\n");
}

// --- RENAME, RENAMENX

TEST(KeyCommandsTest, RenameErrorsAndSameKey) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"RENAME", "nokey", "x"}), "-ERR no such key\r\n");
  EXPECT_EQ(d.Run({"RENAME", "nokey", "nokey"}), "-ERR no such key\r\n");
  EXPECT_EQ(d.Run({"RENAMENX", "nokey", "x"}), "-ERR no such key\r\n");
  Put(d, "k");
  EXPECT_EQ(d.Run({"RENAME", "k", "k"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"RENAMENX", "k", "k"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "k"}), ":1\r\n");
  ExpireNow(d, "k");
  EXPECT_EQ(d.Run({"RENAME", "k", "x"}), "-ERR no such key\r\n");
}

TEST(KeyCommandsTest, RenameMovesValueAndTtl) {
  EngineDriver d;
  Put(d, "src", 0, "f", "value");
  EXPECT_EQ(d.Run({"PEXPIREAT", "src", "99999999999999"}), ":1\r\n");
  Put(d, "dst", 0, "g", "old");
  EXPECT_EQ(d.Run({"RENAME", "src", "dst"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "src"}), ":0\r\n");
  EXPECT_EQ(Field(d, "dst", "f"), "value");
  EXPECT_EQ(Field(d, "dst", "g"), std::nullopt);
  EXPECT_EQ(d.Run({"PEXPIRETIME", "dst"}), ":99999999999999\r\n");
  // A key without a TTL drops the destination's TTL.
  Put(d, "plain");
  EXPECT_EQ(d.Run({"RENAME", "plain", "dst"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"TTL", "dst"}), ":-1\r\n");
}

TEST(KeyCommandsTest, RenameNx) {
  EngineDriver d;
  Put(d, "a", 0, "f", "1");
  Put(d, "b", 0, "f", "2");
  EXPECT_EQ(d.Run({"RENAMENX", "a", "b"}), ":0\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "2");
  EXPECT_EQ(d.Run({"RENAMENX", "a", "c"}), ":1\r\n");
  EXPECT_EQ(Field(d, "c", "f"), "1");
  EXPECT_EQ(d.Run({"EXISTS", "a"}), ":0\r\n");
  // An expired destination counts as missing.
  ExpireNow(d, "b");
  EXPECT_EQ(d.Run({"RENAMENX", "c", "b"}), ":1\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "1");
}

// --- EXPIRE family

TEST(KeyCommandsTest, ExpireOptionErrors) {
  EngineDriver d;
  Put(d, "h");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "10", "foo"}), "-ERR Unsupported option foo\r\n");
  // Options are checked before the time argument.
  EXPECT_EQ(d.Run({"EXPIRE", "h", "abc", "foo"}), "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "abc", "nx", "xx"}),
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  EXPECT_EQ(d.Run({"PEXPIRE", "h", "10", "NX", "GT"}),
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  EXPECT_EQ(d.Run({"EXPIREAT", "h", "10", "lt", "gt", "nx"}),
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  EXPECT_EQ(d.Run({"PEXPIREAT", "h", "10", "GT", "LT"}),
            "-ERR GT and LT options at the same time are not compatible\r\n");
  // The first unknown option wins over incompatibilities seen before it.
  EXPECT_EQ(d.Run({"EXPIRE", "h", "10", "nx", "xx", "bad"}), "-ERR Unsupported option bad\r\n");
  // The name is printed with "%s" (cut at NUL) and CR/LF become spaces.
  EXPECT_EQ(d.Run({"EXPIRE", "h", "10", std::string_view("a\0b", 3)}),
            "-ERR Unsupported option a\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "10", "a\r\nb"}), "-ERR Unsupported option a  b\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
}

TEST(KeyCommandsTest, ExpireOverflowNamesTheCommand) {
  EngineDriver d;
  Put(d, "h");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "9223372036854775"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "-9223372036854775808"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(d.Run({"PEXPIRE", "h", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(d.Run({"EXPIREAT", "h", "9223372036854776"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  // The check comes before the key lookup.
  EXPECT_EQ(d.Run({"expire", "nokey", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
  // Absolute times up to the limit are accepted.
  EXPECT_EQ(d.Run({"EXPIREAT", "h", "9223372036854775"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "h"}), ":9223372036854775000\r\n");
  EXPECT_EQ(d.Run({"PEXPIREAT", "h", "9223372036854775807"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "h"}), ":9223372036854775807\r\n");
}

TEST(KeyCommandsTest, ExpireMissingKeyReturnsZero) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"EXPIRE", "nokey", "10"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "nokey", "-10"}), ":0\r\n");
  EXPECT_EQ(d.Run({"PEXPIREAT", "nokey", "1"}), ":0\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
}

TEST(KeyCommandsTest, ExpireSetsTtl) {
  EngineDriver d;
  d.FreezeClock();
  Put(d, "h");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":100\r\n");
  EXPECT_EQ(d.Run({"PTTL", "h"}), ":100000\r\n");
  EXPECT_EQ(d.Run({"PEXPIRE", "h", "5000"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":5\r\n");
}

TEST(KeyCommandsTest, PastOrNegativeTimesDeleteTheKey) {
  EngineDriver d;
  Put(d, "a");
  EXPECT_EQ(d.Run({"EXPIRE", "a", "0"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "a"}), ":0\r\n");
  Put(d, "b");
  EXPECT_EQ(d.Run({"PEXPIRE", "b", "-1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "b"}), ":0\r\n");
  Put(d, "c");
  EXPECT_EQ(d.Run({"PEXPIREAT", "c", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "c"}), ":-2\r\n");
  Put(d, "e");
  EXPECT_EQ(d.Run({"EXPIREAT", "e", "-5"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PTTL", "e"}), ":-2\r\n");
  Put(d, "f");
  EXPECT_EQ(d.Run({"PEXPIRE", "f", "-9223372036854775808"}), ":1\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
}

TEST(KeyCommandsTest, ExpireNxXx) {
  EngineDriver d;
  d.FreezeClock();
  Put(d, "h");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "300", "xx"}), ":0\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100", "NX"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "300", "nx"}), ":0\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":100\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "300", "XX"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":300\r\n");
  // A failed condition leaves the key alone even for a past time.
  EXPECT_EQ(d.Run({"PEXPIRE", "h", "0", "nx"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "h"}), ":1\r\n");
  // Repeated options are fine.
  EXPECT_EQ(d.Run({"PERSIST", "h"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "10", "nx", "nx"}), ":1\r\n");
}

TEST(KeyCommandsTest, ExpireGtLtTreatNoTtlAsInfinite) {
  EngineDriver d;
  d.FreezeClock();
  Put(d, "h");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100", "gt"}), ":0\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100", "lt"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":100\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "50", "gt"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "200", "lt"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "200", "gt"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":200\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "150", "LT"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":150\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100", "xx", "gt"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "160", "xx", "gt"}), ":1\r\n");
  // GT with a negative time never passes; LT does and deletes the key.
  EXPECT_EQ(d.Run({"EXPIRE", "h", "-1", "gt"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "h"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "-1", "lt"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "h"}), ":0\r\n");
  Put(d, "p");
  EXPECT_EQ(d.Run({"PEXPIRE", "p", "-1", "lt"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "p"}), ":0\r\n");
}

TEST(KeyCommandsTest, ExpiredKeyVanishesLazily) {
  EngineDriver d;
  Put(d, "h");
  EXPECT_EQ(d.Run({"PEXPIRE", "h", "5"}), ":1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(d.Run({"PTTL", "h"}), ":-2\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "h"}), ":0\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
}

// --- TTL family, PERSIST

TEST(KeyCommandsTest, TtlFamily) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"TTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(d.Run({"PTTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(d.Run({"EXPIRETIME", "nokey"}), ":-2\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "nokey"}), ":-2\r\n");
  Put(d, "h");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"PTTL", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"EXPIRETIME", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"PEXPIREAT", "h", "4102444800499"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "h"}), ":4102444800499\r\n");
  // Seconds are rounded to the nearest, as Redis's (ttl+500)/1000.
  EXPECT_EQ(d.Run({"EXPIRETIME", "h"}), ":4102444800\r\n");
  EXPECT_EQ(d.Run({"PEXPIREAT", "h", "4102444800500"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXPIRETIME", "h"}), ":4102444801\r\n");
  EXPECT_EQ(d.Run({"EXPIREAT", "h", "4102444800"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "h"}), ":4102444800000\r\n");
}

TEST(KeyCommandsTest, TtlCountsKeyspaceStats) {
  EngineDriver d;
  Put(d, "h");
  Stats& stats = d.engine().stats();
  uint64_t hits = stats.keyspace_hits;
  uint64_t misses = stats.keyspace_misses;
  d.Run({"TTL", "h"});
  d.Run({"PEXPIRETIME", "nokey"});
  EXPECT_EQ(stats.keyspace_hits - hits, 1u);
  EXPECT_EQ(stats.keyspace_misses - misses, 1u);
  // Write commands look keys up without counting.
  d.Run({"EXPIRE", "h", "100"});
  d.Run({"PERSIST", "nokey"});
  d.Run({"DEL", "nokey"});
  EXPECT_EQ(stats.keyspace_hits - hits, 1u);
  EXPECT_EQ(stats.keyspace_misses - misses, 1u);
}

TEST(KeyCommandsTest, Persist) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"PERSIST", "nokey"}), ":0\r\n");
  Put(d, "h");
  EXPECT_EQ(d.Run({"PERSIST", "h"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXPIRE", "h", "100"}), ":1\r\n");
  EXPECT_EQ(d.Run({"PERSIST", "h"}), ":1\r\n");
  EXPECT_EQ(d.Run({"TTL", "h"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"PERSIST", "h"}), ":0\r\n");
  ExpireNow(d, "h");
  EXPECT_EQ(d.Run({"PERSIST", "h"}), ":0\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "h"}), ":0\r\n");
}

// --- FLUSHDB, FLUSHALL

TEST(KeyCommandsTest, FlushDbOnlyTheSelectedDatabase) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b", 1);
  EXPECT_EQ(d.Run({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(d.engine().keyspace().db(1).size(), 1u);
  Put(d, "a");
  EXPECT_EQ(d.Run({"flushdb", "ASYNC"}), "+OK\r\n");
  Put(d, "a");
  EXPECT_EQ(d.Run({"flushdb", "sync"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
}

TEST(KeyCommandsTest, FlushAll) {
  EngineDriver d;
  Put(d, "a");
  Put(d, "b", 1);
  Put(d, "c", 15);
  EXPECT_EQ(d.Run({"FLUSHALL", "SYNC"}), "+OK\r\n");
  for (int i = 0; i < 16; ++i) EXPECT_EQ(d.engine().keyspace().db(i).size(), 0u);
  Put(d, "a");
  EXPECT_EQ(d.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"FLUSHALL", "async"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":0\r\n");
}

TEST(KeyCommandsTest, FlushSyntaxErrors) {
  EngineDriver d;
  Put(d, "a");
  EXPECT_EQ(d.Run({"FLUSHDB", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"FLUSHDB", "async", "sync"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"FLUSHALL", "sync", "sync"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"FLUSHALL", "now"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":1\r\n");
}

// --- SELECT, SWAPDB

TEST(KeyCommandsTest, SelectIsolatesDatabases) {
  EngineDriver d;
  Put(d, "k", 0, "f", "zero");
  EXPECT_EQ(d.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(d.session().db, 3);
  EXPECT_EQ(d.Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*0\r\n");
  Put(d, "k", 3, "f", "three");
  EXPECT_EQ(d.Run({"DEL", "k"}), ":1\r\n");
  EXPECT_EQ(d.Run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "k"}), ":1\r\n");
  EXPECT_EQ(Field(d, "k", "f"), "zero");
  EXPECT_EQ(d.Run({"SELECT", "15"}), "+OK\r\n");
  EXPECT_EQ(d.session().db, 15);
}

TEST(KeyCommandsTest, SelectErrors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", "01"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", " 1"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"SELECT", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(d.session().db, 0);
}

TEST(KeyCommandsTest, SwapDb) {
  EngineDriver d;
  Put(d, "zero");
  Put(d, "one", 1);
  EXPECT_EQ(d.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  // The session keeps its index and now sees the other data.
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*1\r\n$3\r\none\r\n");
  EXPECT_EQ(d.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*1\r\n$4\r\nzero\r\n");
  EXPECT_EQ(d.Run({"SWAPDB", "1", "1"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"KEYS", "*"}), "*1\r\n$4\r\nzero\r\n");
}

TEST(KeyCommandsTest, SwapDbErrors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SWAPDB", "a", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(d.Run({"SWAPDB", "1", "a"}), "-ERR invalid second DB index\r\n");
  EXPECT_EQ(d.Run({"SWAPDB", "99999999999", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(d.Run({"SWAPDB", "0", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"SWAPDB", "-1", "0"}), "-ERR DB index is out of range\r\n");
}

// --- MOVE

TEST(KeyCommandsTest, MoveKeepsValueAndTtl) {
  EngineDriver d;
  Put(d, "k", 0, "f", "v");
  EXPECT_EQ(d.Run({"PEXPIREAT", "k", "99999999999999"}), ":1\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "1"}), ":0\r\n");
  EXPECT_EQ(d.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "k"}), ":99999999999999\r\n");
  EXPECT_EQ(Field(d, "k", "f", 1), "v");
}

TEST(KeyCommandsTest, MoveDoesNotOverwrite) {
  EngineDriver d;
  Put(d, "k", 0, "f", "src");
  Put(d, "k", 2, "f", "dst");
  EXPECT_EQ(d.Run({"MOVE", "k", "2"}), ":0\r\n");
  EXPECT_EQ(Field(d, "k", "f", 0), "src");
  EXPECT_EQ(Field(d, "k", "f", 2), "dst");
  // An expired destination key does not block the move.
  ExpireNow(d, "k", 2);
  EXPECT_EQ(d.Run({"MOVE", "k", "2"}), ":1\r\n");
  EXPECT_EQ(Field(d, "k", "f", 2), "src");
  EXPECT_EQ(d.Run({"TTL", "k"}), ":-2\r\n");
}

TEST(KeyCommandsTest, MoveErrors) {
  EngineDriver d;
  Put(d, "k");
  EXPECT_EQ(d.Run({"MOVE", "k", "0"}), "-ERR source and destination objects are the same\r\n");
  // The database check comes before the key lookup.
  EXPECT_EQ(d.Run({"MOVE", "nokey", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"MOVE", "k", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(d.Run({"MOVE", "nokey", "1"}), ":0\r\n");
}

// --- COPY

TEST(KeyCommandsTest, CopyWithinDatabase) {
  EngineDriver d;
  Put(d, "a", 0, "f", "v");
  EXPECT_EQ(d.Run({"PEXPIREAT", "a", "99999999999999"}), ":1\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b"}), ":1\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "v");
  EXPECT_EQ(d.Run({"PEXPIRETIME", "b"}), ":99999999999999\r\n");
  // The copy is deep.
  Put(d, "a", 0, "f", "changed");
  EXPECT_EQ(Field(d, "b", "f"), "v");
  EXPECT_EQ(d.Run({"COPY", "a", "b"}), ":0\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "v");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "REPLACE"}), ":1\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "changed");
  EXPECT_EQ(d.Run({"COPY", "nokey", "b"}), ":0\r\n");
}

TEST(KeyCommandsTest, CopyReplaceDropsOldFieldsAndTtl) {
  EngineDriver d;
  Put(d, "a", 0, "f", "1");
  Put(d, "b", 0, "g", "2");
  EXPECT_EQ(d.Run({"EXPIRE", "b", "100"}), ":1\r\n");
  EXPECT_EQ(d.Run({"copy", "a", "b", "replace"}), ":1\r\n");
  EXPECT_EQ(Field(d, "b", "f"), "1");
  EXPECT_EQ(Field(d, "b", "g"), std::nullopt);
  EXPECT_EQ(d.Run({"TTL", "b"}), ":-1\r\n");
}

TEST(KeyCommandsTest, CopyToAnotherDatabase) {
  EngineDriver d;
  Put(d, "a", 0, "f", "v");
  EXPECT_EQ(d.Run({"COPY", "a", "a", "DB", "1"}), ":1\r\n");
  EXPECT_EQ(Field(d, "a", "f", 1), "v");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "DB", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "db", "1"}), ":0\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "REPLACE", "DB", "1"}), ":1\r\n");
  EXPECT_EQ(d.Run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(d.engine().keyspace().db(1).size(), 2u);
}

TEST(KeyCommandsTest, CopyErrors) {
  EngineDriver d;
  Put(d, "a");
  const std::string same = "-ERR source and destination objects are the same\r\n";
  EXPECT_EQ(d.Run({"COPY", "a", "a"}), same);
  EXPECT_EQ(d.Run({"COPY", "a", "a", "DB", "0"}), same);
  EXPECT_EQ(d.Run({"COPY", "nokey", "nokey"}), same);
  EXPECT_EQ(d.Run({"COPY", "a", "b", "DB", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "DB", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "DB", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "DB"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"COPY", "a", "b", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"EXISTS", "b"}), ":0\r\n");
}

TEST(KeyCommandsTest, CopyCountsSourceLookup) {
  EngineDriver d;
  Put(d, "a");
  Stats& stats = d.engine().stats();
  uint64_t hits = stats.keyspace_hits;
  uint64_t misses = stats.keyspace_misses;
  d.Run({"COPY", "a", "b"});
  d.Run({"COPY", "nokey", "c"});
  EXPECT_EQ(stats.keyspace_hits - hits, 1u);
  EXPECT_EQ(stats.keyspace_misses - misses, 1u);
}

}  // namespace
}  // namespace hashkv
