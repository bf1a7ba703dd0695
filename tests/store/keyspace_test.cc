// Database and Keyspace: keys, lazy and active expiry, RENAME, RANDOMKEY, SCAN, SWAPDB.
#include "hashkv/keyspace.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv {
namespace {

const HashLimits kDefaults;
constexpr int64_t kNow = 1'700'000'000'000;

void Put(Database& db, std::string_view key, std::string_view field = "f",
         std::string_view value = "v") {
  db.FindOrCreate(key, kNow).Set(field, value, kDefaults);
}

std::vector<std::string> ScanAll(const Database& db, int64_t now_ms, size_t count = 10) {
  std::vector<std::string> keys;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = db.Scan(cursor, count, now_ms,
                     [&](std::string_view key, const HashValue&) { keys.emplace_back(key); });
  } while (cursor != 0 && ++calls < 100000);
  return keys;
}

TEST(DatabaseTest, FindOrCreateAndDelete) {
  Database db;
  bool created = false;
  db.FindOrCreate("k", kNow, &created).Set("f", "v", kDefaults);
  EXPECT_TRUE(created);
  db.FindOrCreate("k", kNow, &created);
  EXPECT_FALSE(created);
  ASSERT_NE(db.Find("k", kNow), nullptr);
  EXPECT_EQ(db.Find("k", kNow)->Get("f"), "v");
  EXPECT_EQ(db.Find("other", kNow), nullptr);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_TRUE(db.Delete("k"));
  EXPECT_FALSE(db.Delete("k"));
  EXPECT_EQ(db.Find("k", kNow), nullptr);
  EXPECT_EQ(db.size(), 0u);
}

TEST(DatabaseTest, GetExpireIsMinusOneWithoutTtlOrKey) {
  Database db;
  EXPECT_EQ(db.GetExpire("missing"), -1);
  Put(db, "k");
  EXPECT_EQ(db.GetExpire("k"), -1);
  db.SetExpire("k", kNow + 5000);
  EXPECT_EQ(db.GetExpire("k"), kNow + 5000);
  db.SetExpire("k", kNow + 9000);  // Replaces, not adds.
  EXPECT_EQ(db.GetExpire("k"), kNow + 9000);
  EXPECT_EQ(db.expires_size(), 1u);
}

TEST(DatabaseTest, LazyExpiryInFind) {
  Database db;
  Put(db, "k");
  db.SetExpire("k", kNow + 100);
  EXPECT_NE(db.Find("k", kNow + 99), nullptr);
  EXPECT_EQ(db.expired_count(), 0u);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_NE(db.Find("k", kNow + 100), nullptr);  // Alive at exactly its expiry (now > when)...
  EXPECT_EQ(db.expired_count(), 0u);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.GetExpire("k"), kNow + 100);
  EXPECT_EQ(db.Find("k", kNow + 101), nullptr);  // ...and gone 1 ms later.
  EXPECT_EQ(db.expired_count(), 1u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.GetExpire("k"), -1);
}

TEST(DatabaseTest, LazyExpiryInFindOrCreateGivesAFreshKey) {
  Database db;
  Put(db, "k", "old", "1");
  Put(db, "k2");
  db.SetExpire("k", kNow + 100);
  bool created = true;
  // At exactly its expiry the key is still alive: found, not recreated.
  EXPECT_EQ(db.FindOrCreate("k", kNow + 100, &created).Get("old"), "1");
  EXPECT_FALSE(created);
  EXPECT_EQ(db.GetExpire("k"), kNow + 100);
  EXPECT_EQ(db.expired_count(), 0u);
  HashValue& hash = db.FindOrCreate("k", kNow + 200, &created);
  EXPECT_TRUE(created);
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(db.GetExpire("k"), -1);
  EXPECT_EQ(db.expired_count(), 1u);
  hash.Set("new", "2", kDefaults);
  // The recreated key is a new key: after k2 in SCAN order.
  EXPECT_EQ(ScanAll(db, kNow + 200), (std::vector<std::string>{"k2", "k"}));
}

TEST(DatabaseTest, SizeCountsExpiredKeysUntilReaped) {
  Database db;
  Put(db, "a");
  Put(db, "b");
  db.SetExpire("a", kNow - 1);
  EXPECT_EQ(db.size(), 2u);  // As DBSIZE: not yet reaped.
  EXPECT_EQ(db.GetExpire("a"), kNow - 1);
  EXPECT_TRUE(db.Delete("a"));        // Delete removes an expired key too...
  EXPECT_EQ(db.expired_count(), 0u);  // ...without counting it as expired.
  EXPECT_EQ(db.expires_size(), 0u);
}

TEST(DatabaseTest, PersistRemovesTtl) {
  Database db;
  Put(db, "k");
  EXPECT_FALSE(db.Persist("k"));
  EXPECT_FALSE(db.Persist("missing"));
  db.SetExpire("k", kNow + 10);
  EXPECT_TRUE(db.Persist("k"));
  EXPECT_FALSE(db.Persist("k"));
  EXPECT_EQ(db.GetExpire("k"), -1);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_NE(db.Find("k", kNow + 1000), nullptr);
  EXPECT_EQ(db.ExpireDue(kNow + 1000, 10), 0u);
}

TEST(DatabaseTest, ExpireDueRemovesSoonestFirstWithinBound) {
  Database db;
  // Insertion order differs from expiry order on purpose.
  std::map<int64_t, std::string> by_time = {{50, "e"}, {10, "a"}, {40, "d"}, {20, "b"}, {30, "c"}};
  for (const auto& [offset, key] : by_time) Put(db, key);
  for (const char* key : {"d", "a", "e", "c", "b"}) {
    for (const auto& [offset, k] : by_time) {
      if (k == key) db.SetExpire(key, kNow + offset);
    }
  }
  Put(db, "forever");
  EXPECT_EQ(db.ExpireDue(kNow + 5, 10), 0u);
  EXPECT_EQ(db.ExpireDue(kNow + 10, 10), 0u);  // a is alive at exactly its expiry.
  EXPECT_EQ(db.GetExpire("a"), kNow + 10);
  EXPECT_EQ(db.ExpireDue(kNow + 45, 2), 2u);  // Bound: only a and b.
  EXPECT_EQ(db.GetExpire("a"), -1);
  EXPECT_EQ(db.GetExpire("b"), -1);
  EXPECT_EQ(db.GetExpire("c"), kNow + 30);
  EXPECT_EQ(db.size(), 4u);
  EXPECT_EQ(db.ExpireDue(kNow + 45, 10), 2u);  // c and d; e is not due.
  EXPECT_EQ(db.GetExpire("e"), kNow + 50);
  EXPECT_EQ(db.size(), 2u);
  EXPECT_EQ(db.expired_count(), 4u);
  EXPECT_EQ(db.ExpireDue(kNow + 50, 10), 0u);  // e is alive at exactly its expiry...
  EXPECT_EQ(db.GetExpire("e"), kNow + 50);
  EXPECT_EQ(db.ExpireDue(kNow + 51, 10), 1u);  // ...and due 1 ms later.
  EXPECT_EQ(db.ExpireDue(kNow + 1'000'000, 10), 0u);
  EXPECT_EQ(ScanAll(db, kNow), (std::vector<std::string>{"forever"}));
  EXPECT_EQ(db.expires_size(), 0u);
}

TEST(DatabaseTest, ExpireDueWithEqualTimesAndManyKeys) {
  Database db;
  for (int i = 0; i < 3000; ++i) {
    std::string key = "k" + std::to_string(i);
    Put(db, key);
    db.SetExpire(key, kNow + (i % 3));  // Deletions churn, compacting the key table.
  }
  EXPECT_EQ(db.ExpireDue(kNow, 100000), 0u);  // Alive at exactly their expiry.
  EXPECT_EQ(db.size(), 3000u);
  EXPECT_EQ(db.ExpireDue(kNow + 1, 100000), 1000u);
  EXPECT_EQ(db.ExpireDue(kNow + 2, 500), 500u);
  EXPECT_EQ(db.ExpireDue(kNow + 3, 100000), 1500u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expired_count(), 3000u);
}

TEST(DatabaseTest, RenameMovesValueAndTtl) {
  Database db;
  Put(db, "from", "f", "1");
  db.SetExpire("from", kNow + 500);
  db.Rename("from", "to");
  EXPECT_EQ(db.Find("from", kNow), nullptr);
  ASSERT_NE(db.Find("to", kNow), nullptr);
  EXPECT_EQ(db.Find("to", kNow)->Get("f"), "1");
  EXPECT_EQ(db.GetExpire("to"), kNow + 500);
  EXPECT_EQ(db.GetExpire("from"), -1);
  EXPECT_EQ(db.expires_size(), 1u);
  EXPECT_EQ(db.ExpireDue(kNow + 500, 10), 0u);  // Alive at exactly the moved expiry...
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.ExpireDue(kNow + 501, 10), 1u);  // ...and the moved TTL is still active.
  EXPECT_EQ(db.size(), 0u);
}

TEST(DatabaseTest, RenameReplacesDestinationAndItsTtl) {
  Database db;
  Put(db, "from", "f", "new");
  Put(db, "to", "g", "old");
  db.SetExpire("to", kNow + 10);
  db.Rename("from", "to");
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.GetExpire("to"), -1);  // "from" had none.
  EXPECT_EQ(db.expires_size(), 0u);
  HashValue* to = db.Find("to", kNow + 100);
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(to->Get("f"), "new");
  EXPECT_EQ(to->Get("g"), std::nullopt);
  EXPECT_EQ(db.ExpireDue(kNow + 100, 10), 0u);
}

TEST(DatabaseTest, RenameToItselfKeepsEverything) {
  Database db;
  Put(db, "k");
  db.SetExpire("k", kNow + 10);
  db.Rename("k", "k");
  EXPECT_EQ(db.GetExpire("k"), kNow + 10);
  EXPECT_NE(db.Find("k", kNow), nullptr);
}

TEST(DatabaseTest, ScanSkipsExpiredKeysWithoutReaping) {
  Database db;
  for (const char* key : {"a", "b", "c", "d"}) Put(db, key);
  db.SetExpire("b", kNow + 10);
  db.SetExpire("d", kNow + 20);
  // A key is alive at exactly its expiry and skipped from 1 ms later.
  EXPECT_EQ(ScanAll(db, kNow + 10, 1), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(ScanAll(db, kNow + 11, 1), (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(ScanAll(db, kNow + 20, 1), (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(ScanAll(db, kNow + 21, 1), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(db.size(), 4u);
  EXPECT_EQ(db.expired_count(), 0u);
}

TEST(DatabaseTest, ScanGuaranteeAcrossDeletesAndInserts) {
  Database db;
  for (int i = 0; i < 500; ++i) Put(db, "k" + std::to_string(i));
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int next = 500;
  int victim = 0;
  do {
    cursor = db.Scan(cursor, 7, kNow,
                     [&](std::string_view key, const HashValue&) { seen.emplace(key); });
    // Delete odd keys (never seen-or-not matters: they are not present throughout), add new.
    for (int j = 0; j < 5 && victim < 500; ++j, victim += 2) {
      db.Delete("k" + std::to_string(victim + 1));
    }
    Put(db, "k" + std::to_string(next++));
  } while (cursor != 0);
  for (int i = 0; i < 500; i += 2) EXPECT_EQ(seen.count("k" + std::to_string(i)), 1u) << i;
}

TEST(DatabaseTest, RandomKeyOnEmptyAndLiveKeys) {
  Database db;
  EXPECT_EQ(db.RandomKey(kNow, 42), std::nullopt);
  for (const char* key : {"a", "b", "c"}) Put(db, key);
  std::set<std::string> seen;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 300; ++i) {
    auto key = db.RandomKey(kNow, rng());
    ASSERT_TRUE(key.has_value());
    seen.insert(*key);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b", "c"}));
}

TEST(DatabaseTest, RandomKeyReapsExpiredPicks) {
  Database db;
  for (int i = 0; i < 20; ++i) {
    std::string key = "dead" + std::to_string(i);
    Put(db, key);
    db.SetExpire(key, kNow - 1);  // Expired 1 ms ago.
  }
  Put(db, "alive");
  std::mt19937_64 rng(5);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(db.RandomKey(kNow, rng()), "alive");
  EXPECT_GT(db.expired_count(), 0u);
  EXPECT_EQ(db.size() + db.expired_count(), 21u);
}

TEST(DatabaseTest, RandomKeyWhenEveryKeyIsExpired) {
  Database db;
  for (int i = 0; i < 10; ++i) {
    std::string key = "k" + std::to_string(i);
    Put(db, key);
    db.SetExpire(key, kNow + i);
  }
  EXPECT_EQ(db.RandomKey(kNow + 100, 9), std::nullopt);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.expired_count(), 10u);
}

TEST(DatabaseTest, AverageTtl) {
  Database db;
  EXPECT_EQ(db.AverageTtl(kNow), 0);
  Put(db, "none");
  Put(db, "a");
  Put(db, "b");
  Put(db, "gone");
  EXPECT_EQ(db.AverageTtl(kNow), 0);
  db.SetExpire("a", kNow + 1000);
  db.SetExpire("b", kNow + 3000);
  db.SetExpire("gone", kNow - 5);  // Expired but not reaped: nothing left to average.
  EXPECT_EQ(db.AverageTtl(kNow), 2000);
  EXPECT_EQ(db.AverageTtl(kNow + 500), 1500);
  EXPECT_EQ(db.AverageTtl(kNow + 1000), 1000);  // a is alive at its expiry, with 0 ms left.
  EXPECT_EQ(db.AverageTtl(kNow + 1001), 1999);  // a expired 1 ms ago: only b is left.
  EXPECT_EQ(db.AverageTtl(kNow + 2000), 1000);
  EXPECT_EQ(db.AverageTtl(kNow + 3000), 0);  // b: 0 ms left.
  EXPECT_EQ(db.AverageTtl(kNow + 3001), 0);  // None left.
  db.Persist("b");
  EXPECT_EQ(db.AverageTtl(kNow), 1000);
  db.Delete("a");
  EXPECT_EQ(db.AverageTtl(kNow), 0);
}

TEST(DatabaseTest, AverageTtlDoesNotOverflowWithManyKeys) {
  Database db;
  for (int i = 0; i < 10000; ++i) {
    std::string key = "k" + std::to_string(i);
    Put(db, key);
    db.SetExpire(key, int64_t{4'000'000'000'000'000'000} + i % 2 * 2);
  }
  EXPECT_EQ(db.AverageTtl(0), int64_t{4'000'000'000'000'000'001});
}

TEST(DatabaseTest, ClearEmptiesKeysAndTtlsButKeepsStats) {
  Database db;
  Put(db, "a");
  Put(db, "b");
  db.SetExpire("a", kNow - 1);
  EXPECT_EQ(db.Find("a", kNow), nullptr);  // Reaped: counted in the stats Clear keeps.
  db.SetExpire("b", kNow + 10);
  db.Clear();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.Find("b", kNow), nullptr);
  EXPECT_EQ(db.expired_count(), 1u);
  EXPECT_EQ(db.ExpireDue(kNow + 100, 10), 0u);
  Put(db, "b");
  EXPECT_EQ(db.GetExpire("b"), -1);
}

TEST(DatabaseTest, MovesKeepContents) {
  Database a;
  Put(a, "k", "f", "v");
  a.SetExpire("k", kNow + 5);
  Database b(std::move(a));
  Database c;
  c = std::move(b);
  EXPECT_EQ(c.Find("k", kNow)->Get("f"), "v");
  EXPECT_EQ(c.GetExpire("k"), kNow + 5);
}

TEST(KeyspaceTest, DatabasesAreIndependent) {
  Keyspace ks;
  EXPECT_EQ(ks.count(), 16);
  EXPECT_EQ(ks.limits().max_listpack_entries, 512u);
  Put(ks.db(0), "k", "f", "zero");
  Put(ks.db(15), "k", "f", "fifteen");
  EXPECT_EQ(ks.db(0).Find("k", kNow)->Get("f"), "zero");
  EXPECT_EQ(ks.db(15).Find("k", kNow)->Get("f"), "fifteen");
  EXPECT_EQ(ks.db(1).Find("k", kNow), nullptr);
  Keyspace small(2, HashLimits{4, 8});
  EXPECT_EQ(small.count(), 2);
  EXPECT_EQ(small.limits().max_listpack_value, 8u);
}

TEST(KeyspaceTest, FlushAllClearsEveryDatabase) {
  Keyspace ks(3);
  for (int i = 0; i < 3; ++i) Put(ks.db(i), "k");
  ks.FlushAll();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ks.db(i).size(), 0u);
}

TEST(KeyspaceTest, SwapDbSwapsContentsAndTtls) {
  Keyspace ks(4);
  Put(ks.db(1), "one");
  ks.db(1).SetExpire("one", kNow + 7);
  Put(ks.db(2), "two");
  ks.SwapDb(1, 2);
  EXPECT_EQ(ks.db(1).Find("one", kNow), nullptr);
  EXPECT_NE(ks.db(1).Find("two", kNow), nullptr);
  EXPECT_NE(ks.db(2).Find("one", kNow), nullptr);
  EXPECT_EQ(ks.db(2).GetExpire("one"), kNow + 7);
  ks.SwapDb(3, 3);
  EXPECT_EQ(ks.db(3).size(), 0u);
}

TEST(KeyspaceTest, ExpiredKeysSumsDatabases) {
  Keyspace ks(3);
  for (int i = 0; i < 3; ++i) {
    Put(ks.db(i), "k");
    ks.db(i).SetExpire("k", kNow - 1);  // Expired 1 ms ago.
  }
  ks.db(0).Find("k", kNow);
  ks.db(2).ExpireDue(kNow, 10);
  EXPECT_EQ(ks.expired_keys(), 2u);
}

}  // namespace
}  // namespace hashkv
