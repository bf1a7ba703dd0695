// OrderedTable: order, tombstones, compaction, index stability and SCAN cursor guarantees.
#include "store/ordered_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hashkv {
namespace {

using Table = OrderedTable<std::string>;

std::vector<std::string> Keys(const Table& table) {
  std::vector<std::string> keys;
  table.ForEach([&](std::string_view key, const std::string&) { keys.emplace_back(key); });
  return keys;
}

void Put(Table& table, std::string_view key, std::string_view value) {
  table.value_at(table.FindOrInsert(key).first) = std::string(value);
}

std::string Get(const Table& table, std::string_view key) {
  const std::string* value = table.Find(key);
  return value == nullptr ? "<missing>" : *value;
}

// Every behaviour must hold with and without the hash index.
class OrderedTableTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) table_.BuildIndex();
  }
  Table table_;
};

INSTANTIATE_TEST_SUITE_P(Encodings, OrderedTableTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Indexed" : "Linear"; });

TEST_P(OrderedTableTest, KeepsInsertionOrder) {
  for (const char* key : {"c", "a", "b", "z", "m"}) Put(table_, key, key);
  EXPECT_EQ(Keys(table_), (std::vector<std::string>{"c", "a", "b", "z", "m"}));
  EXPECT_EQ(table_.size(), 5u);
  EXPECT_EQ(Get(table_, "z"), "z");
  EXPECT_EQ(table_.Find("y"), nullptr);
}

TEST_P(OrderedTableTest, OverwriteKeepsPositionAndSequence) {
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  Put(table_, "c", "3");
  size_t pos = table_.FindPos("a");
  uint64_t seq = table_.seq_at(pos);
  auto [again, created] = table_.FindOrInsert("a");
  EXPECT_FALSE(created);
  EXPECT_EQ(again, pos);
  table_.value_at(again) = "new";
  EXPECT_EQ(table_.seq_at(table_.FindPos("a")), seq);
  EXPECT_EQ(Keys(table_), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Get(table_, "a"), "new");
  EXPECT_EQ(table_.size(), 3u);
}

TEST_P(OrderedTableTest, DeleteThenReaddAppendsWithNewSequence) {
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  Put(table_, "c", "3");
  uint64_t old_seq = table_.seq_at(table_.FindPos("a"));
  EXPECT_TRUE(table_.Erase("a"));
  EXPECT_FALSE(table_.Erase("a"));
  EXPECT_EQ(table_.Find("a"), nullptr);
  Put(table_, "a", "again");
  EXPECT_EQ(Keys(table_), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_GT(table_.seq_at(table_.FindPos("a")), old_seq);
  EXPECT_EQ(Get(table_, "a"), "again");
}

TEST_P(OrderedTableTest, TrailingTombstonesAreDropped) {
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  Put(table_, "c", "3");
  table_.Erase("c");
  EXPECT_EQ(table_.slot_count(), 2u);
  table_.Erase("a");  // A middle tombstone stays while tombstones are at most half.
  EXPECT_EQ(table_.slot_count(), 2u);
  EXPECT_EQ(Keys(table_), (std::vector<std::string>{"b"}));
  table_.Erase("b");
  EXPECT_EQ(table_.slot_count(), 0u);
  EXPECT_TRUE(table_.empty());
}

TEST_P(OrderedTableTest, CompactionKeepsOrderAndLookups) {
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) Put(table_, "k" + std::to_string(i), std::to_string(i));
  // Delete from the front so no tombstone is trailing; compaction must happen past 50.
  for (int i = 0; i < 100; ++i) {
    if (i % 4 != 3) table_.Erase("k" + std::to_string(i));
  }
  for (int i = 3; i < 100; i += 4) expected.push_back("k" + std::to_string(i));
  EXPECT_EQ(table_.size(), 25u);
  EXPECT_LT(table_.slot_count(), 50u) << "compaction never ran";
  EXPECT_LE((table_.slot_count() - table_.size()) * 2, table_.slot_count());
  EXPECT_EQ(Keys(table_), expected);
  for (int i = 0; i < 100; ++i) {
    std::string key = "k" + std::to_string(i);
    EXPECT_EQ(Get(table_, key), i % 4 == 3 ? std::to_string(i) : "<missing>") << key;
  }
  // Sequence numbers stay sorted after compaction (the cursor's binary search relies on it).
  for (size_t pos = 1; pos < table_.slot_count(); ++pos) {
    EXPECT_LT(table_.seq_at(pos - 1), table_.seq_at(pos));
  }
  Put(table_, "new", "x");
  EXPECT_EQ(Keys(table_).back(), "new");
}

TEST_P(OrderedTableTest, EmptyKeyIsNotConfusedWithTombstones) {
  Put(table_, "", "empty");
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  Put(table_, "c", "3");
  table_.Erase("a");  // A tombstone's key is cleared to "".
  EXPECT_EQ(Get(table_, ""), "empty");
  table_.Erase("");
  EXPECT_EQ(table_.Find(""), nullptr);
  EXPECT_EQ(table_.FindPos(""), Table::kNpos);
  EXPECT_TRUE(table_.FindOrInsert("").second);
}

TEST_P(OrderedTableTest, ScanVisitsEverythingThenReturnsZero) {
  EXPECT_EQ(table_.Scan(0, 10, [](std::string_view, const std::string&) { FAIL(); }), 0u);
  for (int i = 0; i < 95; ++i) Put(table_, "k" + std::to_string(i), "v");
  std::vector<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    size_t before = seen.size();
    cursor = table_.Scan(cursor, 10, [&](std::string_view key, const std::string& value) {
      seen.emplace_back(key);
      EXPECT_EQ(value, "v");
    });
    EXPECT_LE(seen.size() - before, 10u);
    ++calls;
  } while (cursor != 0 && calls < 1000);
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(seen, Keys(table_));
}

TEST_P(OrderedTableTest, ScanCountZeroStillProgresses) {
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  int visited = 0;
  uint64_t cursor = table_.Scan(0, 0, [&](std::string_view, const std::string&) { ++visited; });
  EXPECT_EQ(visited, 1);
  EXPECT_NE(cursor, 0u);
  cursor = table_.Scan(cursor, 0, [&](std::string_view, const std::string&) { ++visited; });
  EXPECT_EQ(visited, 2);
  EXPECT_EQ(cursor, 0u);
}

TEST_P(OrderedTableTest, ScanEndsAtOnceWhenOnlyTombstonesFollow) {
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) Put(table_, key, key);
  table_.Erase("b");
  table_.Erase("c");  // 2 of 6 dead: no compaction; "d".."f" remain after them.
  uint64_t cursor = table_.Scan(0, 1, [](std::string_view, const std::string&) {});
  EXPECT_EQ(cursor, table_.seq_at(table_.FindPos("d")));  // Skips the tombstones.
  table_.Erase("f");
  table_.Erase("e");
  table_.Erase("d");
  EXPECT_EQ(table_.Scan(cursor, 10, [](std::string_view, const std::string&) { FAIL(); }), 0u);
}

TEST_P(OrderedTableTest, StaleCursorPastTheEndReturnsZero) {
  Put(table_, "a", "1");
  EXPECT_EQ(
      table_.Scan(uint64_t{1} << 40, 10, [](std::string_view, const std::string&) { FAIL(); }), 0u);
}

// The SCAN guarantee: an element present for the whole scan is returned, across growth,
// deletion and compaction between calls. Ours is stronger than Redis's: never twice either.
TEST_P(OrderedTableTest, ScanGuaranteeUnderChurn) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 20; ++round) {
    Table table;
    if (GetParam()) table.BuildIndex();
    std::set<std::string> stable;
    std::vector<std::string> churn;
    int next = 0;
    for (int i = 0; i < 300; ++i) {
      std::string key = "k" + std::to_string(next++);
      Put(table, key, "v");
      if (rng() % 3 == 0) {
        stable.insert(key);
      } else {
        churn.push_back(key);
      }
    }
    ASSERT_FALSE(stable.empty());
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    bool compacted = false;
    int calls = 0;
    do {
      cursor = table.Scan(cursor, 1 + rng() % 7,
                          [&](std::string_view key, const std::string&) { seen.emplace(key); });
      // Churn between calls: delete many non-stable keys (forcing compaction), add new ones.
      // Only compaction moves a live entry to a lower position.
      size_t probe_before = table.FindPos(*stable.rbegin());
      for (int j = 0; j < 12 && !churn.empty(); ++j) {
        size_t victim = rng() % churn.size();
        table.Erase(churn[victim]);
        churn[victim] = churn.back();
        churn.pop_back();
      }
      if (table.FindPos(*stable.rbegin()) < probe_before) compacted = true;
      for (int j = 0; j < 4; ++j) {
        std::string key = "k" + std::to_string(next++);
        Put(table, key, "v");
        churn.push_back(key);
      }
      ++calls;
    } while (cursor != 0 && calls < 10000);
    ASSERT_EQ(cursor, 0u) << "scan never finished";
    EXPECT_TRUE(compacted);
    for (const std::string& key : stable) EXPECT_EQ(seen.count(key), 1u) << key;
    for (const std::string& key : seen) EXPECT_EQ(seen.count(key), 1u) << key;
  }
}

TEST_P(OrderedTableTest, PosOfSeqFindsOnlyLiveEntries) {
  Put(table_, "a", "1");
  Put(table_, "b", "2");
  Put(table_, "c", "3");
  uint64_t seq_a = table_.seq_at(table_.FindPos("a"));
  uint64_t seq_b = table_.seq_at(table_.FindPos("b"));
  EXPECT_EQ(table_.key_at(table_.PosOfSeq(seq_b)), "b");
  table_.Erase("a");
  EXPECT_EQ(table_.PosOfSeq(seq_a), Table::kNpos);
  EXPECT_EQ(table_.PosOfSeq(0), Table::kNpos);
  EXPECT_EQ(table_.PosOfSeq(999), Table::kNpos);
}

TEST_P(OrderedTableTest, RandomPosPicksOnlyLiveEntriesAndAllOfThem) {
  for (int i = 0; i < 40; ++i) Put(table_, "k" + std::to_string(i), "v");
  for (int i = 0; i < 40; i += 3) table_.Erase("k" + std::to_string(i));  // 14 tombstones
  ASSERT_GT(table_.slot_count(), table_.size());
  std::map<std::string, int> hits;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    size_t pos = table_.RandomPos(rng());
    ASSERT_TRUE(table_.live_at(pos));
    ++hits[std::string(table_.key_at(pos))];
  }
  EXPECT_EQ(hits.size(), table_.size());
  for (const auto& [key, count] : hits) {
    // 20000 / 26 ~ 770 each; a wild skew means a biased pick.
    EXPECT_GT(count, 500) << key;
    EXPECT_LT(count, 1100) << key;
  }
}

TEST_P(OrderedTableTest, ClearKeepsSequenceNumbersGrowing) {
  Put(table_, "a", "1");
  uint64_t seq = table_.seq_at(0);
  table_.Clear();
  EXPECT_TRUE(table_.empty());
  EXPECT_EQ(table_.Find("a"), nullptr);
  Put(table_, "a", "2");
  EXPECT_GT(table_.seq_at(0), seq);
  EXPECT_EQ(Get(table_, "a"), "2");
}

// The index's functors must not point into a table that has moved away: refill the moved-from
// table with other keys so a stale pointer would answer wrongly.
TEST(OrderedTableIndexTest, IndexSurvivesMoves) {
  Table source;
  source.BuildIndex();
  for (int i = 0; i < 100; ++i) Put(source, "k" + std::to_string(i), std::to_string(i));
  Table moved(std::move(source));
  for (int i = 0; i < 100; ++i) Put(source, "other" + std::to_string(i), "x");
  Table assigned;
  assigned = std::move(moved);
  for (int i = 0; i < 100; ++i) Put(moved, "third" + std::to_string(i), "y");
  std::vector<Table> tables;
  for (int copy = 0; copy < 20; ++copy) tables.push_back(Table(assigned));  // Reallocations.
  tables.push_back(std::move(assigned));
  for (const Table& table : tables) {
    ASSERT_TRUE(table.indexed());
    for (int i = 0; i < 100; ++i) EXPECT_EQ(Get(table, "k" + std::to_string(i)), std::to_string(i));
    EXPECT_EQ(table.Find("other0"), nullptr);
    EXPECT_EQ(table.Find("third0"), nullptr);
  }
  EXPECT_EQ(Get(source, "other5"), "x");
  EXPECT_EQ(source.Find("k5"), nullptr);
}

TEST(OrderedTableIndexTest, CopiesAreIndependent) {
  Table a;
  a.BuildIndex();
  Put(a, "x", "1");
  Table b = a;
  Put(b, "y", "2");
  b.Erase("x");
  EXPECT_EQ(Get(a, "x"), "1");
  EXPECT_EQ(a.Find("y"), nullptr);
  EXPECT_EQ(Get(b, "y"), "2");
  EXPECT_TRUE(b.indexed());
}

TEST(OrderedTableIndexTest, BuildIndexOnAPopulatedTableWithTombstones) {
  Table table;
  for (int i = 0; i < 10; ++i) Put(table, "k" + std::to_string(i), std::to_string(i));
  table.Erase("k2");
  table.BuildIndex();
  EXPECT_EQ(table.Find("k2"), nullptr);
  for (int i = 0; i < 10; ++i) {
    if (i != 2) {
      EXPECT_EQ(Get(table, "k" + std::to_string(i)), std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace hashkv
