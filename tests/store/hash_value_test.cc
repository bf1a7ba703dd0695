// HashValue: field operations, the listpack -> hashtable conversion points, order, HSCAN.
#include "hashkv/hash_value.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace hashkv {
namespace {

const HashLimits kDefaults;

std::vector<std::pair<std::string, std::string>> Pairs(const HashValue& hash) {
  std::vector<std::pair<std::string, std::string>> pairs;
  hash.ForEach([&](std::string_view field, std::string_view value) {
    pairs.emplace_back(std::string(field), std::string(value));
  });
  return pairs;
}

TEST(HashValueTest, SetGetDelete) {
  HashValue hash;
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(hash.Get("f"), std::nullopt);
  EXPECT_TRUE(hash.Set("f", "v1", kDefaults));
  EXPECT_FALSE(hash.Set("f", "v2", kDefaults));
  EXPECT_EQ(hash.Get("f"), "v2");
  EXPECT_TRUE(hash.Set("", "", kDefaults));  // Empty field and value are legal in Redis.
  EXPECT_EQ(hash.Get(""), "");
  EXPECT_EQ(hash.size(), 2u);
  EXPECT_TRUE(hash.Delete("f"));
  EXPECT_FALSE(hash.Delete("f"));
  EXPECT_EQ(hash.Get("f"), std::nullopt);
  EXPECT_EQ(hash.size(), 1u);
  EXPECT_TRUE(hash.is_listpack());
}

TEST(HashValueTest, BinarySafe) {
  HashValue hash;
  std::string field("a\0b", 3);
  std::string value("\0\r\n", 3);
  hash.Set(field, value, kDefaults);
  EXPECT_EQ(hash.Get(field), value);
  EXPECT_EQ(hash.Get("a"), std::nullopt);
}

TEST(HashValueTest, ConvertsAtExactly513Entries) {
  HashValue hash;
  for (int i = 0; i < 512; ++i) hash.Set("f" + std::to_string(i), "v", kDefaults);
  EXPECT_TRUE(hash.is_listpack());
  hash.Set("f0", "overwrite", kDefaults);  // Overwriting does not add an entry.
  EXPECT_TRUE(hash.is_listpack());
  hash.Set("f512", "v", kDefaults);
  EXPECT_FALSE(hash.is_listpack());
  EXPECT_EQ(hash.size(), 513u);
  for (int i = 1; i < 513; ++i) EXPECT_EQ(hash.Get("f" + std::to_string(i)), "v");
  EXPECT_EQ(hash.Get("f0"), "overwrite");
}

TEST(HashValueTest, ConvertsOnA65ByteFieldButNot64) {
  HashValue hash;
  hash.Set(std::string(64, 'f'), std::string(64, 'v'), kDefaults);
  EXPECT_TRUE(hash.is_listpack());
  hash.Set(std::string(65, 'f'), "v", kDefaults);
  EXPECT_FALSE(hash.is_listpack());
  EXPECT_EQ(hash.Get(std::string(65, 'f')), "v");
  EXPECT_EQ(hash.Get(std::string(64, 'f')), std::string(64, 'v'));
}

TEST(HashValueTest, ConvertsOnA65ByteValue) {
  HashValue hash;
  hash.Set("a", "1", kDefaults);
  hash.Set("b", std::string(65, 'v'), kDefaults);
  EXPECT_FALSE(hash.is_listpack());
  EXPECT_EQ(hash.Get("b"), std::string(65, 'v'));
}

TEST(HashValueTest, OverwritingWithALongValueConverts) {
  HashValue hash;
  hash.Set("a", "1", kDefaults);
  EXPECT_FALSE(hash.Set("a", std::string(65, 'v'), kDefaults));
  EXPECT_FALSE(hash.is_listpack());
}

TEST(HashValueTest, NeverConvertsBack) {
  HashValue hash;
  hash.Set("big", std::string(100, 'v'), kDefaults);
  ASSERT_FALSE(hash.is_listpack());
  hash.Set("small", "v", kDefaults);
  hash.Delete("big");
  EXPECT_FALSE(hash.is_listpack());
  EXPECT_EQ(hash.size(), 1u);
  EXPECT_EQ(hash.Get("small"), "v");
}

TEST(HashValueTest, HonoursCustomLimits) {
  HashLimits limits;
  limits.max_listpack_entries = 2;
  limits.max_listpack_value = 3;
  HashValue hash;
  hash.Set("abc", "xyz", limits);
  hash.Set("b", "2", limits);
  EXPECT_TRUE(hash.is_listpack());
  hash.Set("c", "3", limits);
  EXPECT_FALSE(hash.is_listpack());

  HashValue other;
  other.Set("abcd", "1", limits);
  EXPECT_FALSE(other.is_listpack());

  limits.max_listpack_entries = 0;  // hash-max-listpack-entries 0: never a listpack.
  HashValue none;
  none.Set("a", "1", limits);
  EXPECT_FALSE(none.is_listpack());
}

TEST(HashValueTest, KeepsInsertionOrderInBothEncodings) {
  for (bool big : {false, true}) {
    HashValue hash;
    if (big) hash.Set("seed", std::string(100, 'x'), kDefaults);
    hash.Set("c", "1", kDefaults);
    hash.Set("a", "2", kDefaults);
    hash.Set("b", "3", kDefaults);
    hash.Set("a", "4", kDefaults);  // In place.
    hash.Delete("c");
    hash.Set("c", "5", kDefaults);  // Re-added: at the end.
    if (big) hash.Delete("seed");
    EXPECT_EQ(hash.is_listpack(), !big);
    EXPECT_EQ(Pairs(hash), (std::vector<std::pair<std::string, std::string>>{
                               {"a", "4"}, {"b", "3"}, {"c", "5"}}));
  }
}

TEST(HashValueTest, OrderSurvivesConversion) {
  HashValue hash;
  std::vector<std::pair<std::string, std::string>> expected;
  for (int i = 600; i > 0; --i) {
    hash.Set("f" + std::to_string(i), std::to_string(i), kDefaults);
    expected.emplace_back("f" + std::to_string(i), std::to_string(i));
  }
  ASSERT_FALSE(hash.is_listpack());
  EXPECT_EQ(Pairs(hash), expected);
}

TEST(HashValueTest, ScanVisitsAllPairsOnce) {
  HashValue hash;
  for (int i = 0; i < 1000; ++i) hash.Set("f" + std::to_string(i), std::to_string(i), kDefaults);
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = hash.Scan(cursor, 100, [&](std::string_view field, std::string_view value) {
      EXPECT_TRUE(seen.emplace(field, value).second) << field;
    });
    ++calls;
  } while (cursor != 0 && calls < 100);
  EXPECT_EQ(calls, 10);
  ASSERT_EQ(seen.size(), 1000u);
  for (const auto& [field, value] : seen) EXPECT_EQ(field, "f" + value);
}

TEST(HashValueTest, RandomEntryCoversEveryPair) {
  HashValue hash;
  for (int i = 0; i < 10; ++i) hash.Set("f" + std::to_string(i), std::to_string(i), kDefaults);
  hash.Delete("f3");
  std::set<std::string> seen;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) {
    auto [field, value] = hash.RandomEntry(rng());
    EXPECT_EQ(field, "f" + std::string(value));
    seen.emplace(field);
  }
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_EQ(seen.count("f3"), 0u);
}

// A HashValue is stored inline in containers that move it; an indexed one must keep working.
TEST(HashValueTest, IndexedValueSurvivesMovesInsideContainers) {
  absl::flat_hash_map<std::string, HashValue> map;
  std::vector<HashValue> vec;
  for (int k = 0; k < 200; ++k) {
    HashValue hash;
    for (int i = 0; i < 600; i += 50) {
      hash.Set("f" + std::to_string(i), std::to_string(k), kDefaults);
    }
    hash.Set("long", std::string(70, 'x'), kDefaults);
    ASSERT_FALSE(hash.is_listpack());
    vec.push_back(hash);
    map.emplace("k" + std::to_string(k), std::move(hash));  // Rehashes move every value.
  }
  for (int k = 0; k < 200; ++k) {
    for (const HashValue* hash : {&vec[static_cast<size_t>(k)], &map.at("k" + std::to_string(k))}) {
      for (int i = 0; i < 600; i += 50) {
        EXPECT_EQ(hash->Get("f" + std::to_string(i)), std::to_string(k));
      }
      EXPECT_EQ(hash->Get("f1"), std::nullopt);
      EXPECT_EQ(hash->size(), 13u);
    }
  }
}

TEST(HashValueTest, CopyIsDeep) {
  HashValue a;
  a.Set("x", std::string(70, '1'), kDefaults);
  HashValue b = a;
  b.Set("x", "2", kDefaults);
  b.Set("y", "3", kDefaults);
  EXPECT_EQ(a.Get("x"), std::string(70, '1'));
  EXPECT_EQ(a.Get("y"), std::nullopt);
  EXPECT_EQ(b.Get("x"), "2");
  EXPECT_FALSE(b.is_listpack());
}

}  // namespace
}  // namespace hashkv
