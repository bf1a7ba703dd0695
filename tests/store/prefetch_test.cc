// Batch prefetch (Database::Prefetch and the table stages under it): when it is worth running,
// and that running it changes nothing a lookup returns, expires or touches.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "hashkv/keyspace.h"
#include "store/ordered_table.h"

namespace hashkv {
namespace {

const HashLimits kDefaults;
constexpr int64_t kNow = 1'700'000'000'000;
// Past this many entries an index has 32K slots or more (absl keeps it at most 7/8 full).
constexpr int kBig = 30'000;

std::string Key(int i) { return "key:" + std::to_string(i); }

TEST(OrderedTablePrefetchTest, PaysOnlyForABigIndexAndChangesNoLookup) {
  OrderedTable<std::string> table;
  table.BuildIndex();
  for (int i = 0; i < 100; ++i) table.value_at(table.FindOrInsert(Key(i)).first) = "v";
  EXPECT_FALSE(table.PrefetchPays());
  for (int i = 100; i < kBig; ++i) {
    table.value_at(table.FindOrInsert(Key(i)).first) = std::to_string(i);
  }
  ASSERT_TRUE(table.PrefetchPays());
  for (std::string_view key : {"key:7", "key:29999", "absent", ""}) {
    table.PrefetchIndex(key);
    EXPECT_EQ(table.Peek(key), table.Find(key)) << key;
  }
  // The slot stage's candidates lead to the key's own value or to nothing, never to another's;
  // to nothing only when the probe met two other keys with matching hash bits first.
  int found = 0;
  for (int i = 0; i < kBig; ++i) {
    const std::string key = Key(i);
    const std::string* peeked = table.PeekAt(table.PrefetchSlot(key), key);
    if (peeked == nullptr) continue;
    ASSERT_EQ(peeked, table.Find(key)) << key;
    ++found;
  }
  EXPECT_GT(found, kBig * 99 / 100);
  EXPECT_EQ(table.PeekAt(table.PrefetchSlot("absent"), "absent"), nullptr);
  EXPECT_EQ(table.PeekAt(table.PrefetchSlot("key:7"), "key:8"), nullptr);
  EXPECT_EQ(table.PeekAt({}, "key:7"), nullptr);
  EXPECT_EQ(*table.Peek("key:29999"), "29999");
  EXPECT_EQ(table.size(), static_cast<size_t>(kBig));
}

TEST(OrderedTablePrefetchTest, PeekIsForIndexedTablesOnly) {
  OrderedTable<std::string> table;
  table.value_at(table.FindOrInsert("k").first) = "v";
  EXPECT_EQ(table.Peek("k"), nullptr);
  table.BuildIndex();
  ASSERT_NE(table.Peek("k"), nullptr);
  EXPECT_EQ(*table.Peek("k"), "v");
}

TEST(DatabasePrefetchTest, PaysForABigDatabaseOrABigFirstHash) {
  Database small;
  small.FindOrCreate("h", kNow).Set("f", "v", kDefaults);
  EXPECT_FALSE(small.PrefetchPays("h"));
  EXPECT_FALSE(small.PrefetchPays("absent"));

  HashValue& big_hash = small.FindOrCreate("big", kNow);
  for (int i = 0; i < kBig; ++i) big_hash.Set(Key(i), "v", kDefaults);
  EXPECT_TRUE(small.PrefetchPays("big"));
  EXPECT_FALSE(small.PrefetchPays("h"));

  Database many;
  for (int i = 0; i < kBig; ++i) many.FindOrCreate(Key(i), kNow).Set("f", "v", kDefaults);
  EXPECT_TRUE(many.PrefetchPays("absent"));
}

TEST(DatabasePrefetchTest, ChangesNothingALookupSees) {
  Database db;
  for (int i = 0; i < kBig; ++i) db.FindOrCreate(Key(i), kNow).Set("f", Key(i), kDefaults);
  HashValue& big_hash = db.FindOrCreate("big", kNow);
  for (int i = 0; i < kBig; ++i) big_hash.Set(Key(i), std::to_string(i), kDefaults);
  db.SetExpire(Key(3), kNow - 1);  // expired, not yet reaped
  const size_t size = db.size();

  // The batch holds views: the strings they see must outlive it.
  const std::string k1 = Key(1);
  const std::string k2 = Key(2);
  const std::string k3 = Key(3);
  const std::string f5 = Key(5);
  const std::vector<Database::PrefetchKey> batch = {
      {k1, "f"},   {k3, "f"}, {"absent", "f"}, {"big", f5}, {"big", "no"},
      {"big", ""}, {k2, ""},  {"", ""},        {k1, "f"},  // twice in one batch
  };
  ASSERT_TRUE(db.PrefetchPays(batch.front().key));
  db.Prefetch(batch);

  // Nothing reaped, nothing touched (access times are those of creation, kNow).
  EXPECT_EQ(db.size(), size);
  EXPECT_EQ(db.expired_count(), 0u);
  EXPECT_EQ(db.AccessTime(Key(1)), kNow);
  EXPECT_EQ(db.GetExpire(Key(3)), kNow - 1);
  // And every lookup answers as it would have.
  EXPECT_EQ(db.Find(Key(1), kNow + 5)->Get("f"), Key(1));
  EXPECT_EQ(db.Find(Key(3), kNow), nullptr);
  EXPECT_EQ(db.Find("absent", kNow), nullptr);
  const HashValue* big = db.Find("big", kNow);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->Get(Key(5)), "5");
  EXPECT_EQ(big->Get("no"), std::nullopt);
  EXPECT_EQ(big->size(), static_cast<size_t>(kBig));
}

}  // namespace
}  // namespace hashkv
