// Randomized model tests: HashValue and Database against plain std containers, fixed seeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hashkv/hash_value.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// An insertion-ordered map the obvious way: a map plus a vector recording order.
struct OrderedModel {
  std::unordered_map<std::string, std::string> values;
  std::vector<std::string> order;

  bool Set(const std::string& key, const std::string& value) {
    auto [it, created] = values.insert_or_assign(key, value);
    if (created) order.push_back(key);
    return created;
  }
  bool Delete(const std::string& key) {
    if (values.erase(key) == 0) return false;
    order.erase(std::find(order.begin(), order.end(), key));
    return true;
  }
  std::vector<std::pair<std::string, std::string>> Pairs() const {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& key : order) pairs.emplace_back(key, values.at(key));
    return pairs;
  }
};

std::vector<std::pair<std::string, std::string>> Pairs(const HashValue& hash) {
  std::vector<std::pair<std::string, std::string>> pairs;
  hash.ForEach([&](std::string_view field, std::string_view value) {
    pairs.emplace_back(std::string(field), std::string(value));
  });
  return pairs;
}

std::vector<std::pair<std::string, std::string>> ScanPairs(const HashValue& hash, size_t count) {
  std::vector<std::pair<std::string, std::string>> pairs;
  uint64_t cursor = 0;
  do {
    cursor = hash.Scan(cursor, count, [&](std::string_view field, std::string_view value) {
      pairs.emplace_back(std::string(field), std::string(value));
    });
  } while (cursor != 0);
  return pairs;
}

std::string RandomValue(std::mt19937_64& rng) {
  // Mostly short; sometimes past the 64-byte listpack limit.
  size_t length = rng() % 50 == 0 ? 65 + rng() % 30 : rng() % 12;
  std::string value(length, 'a');
  for (char& c : value) c = static_cast<char>('a' + rng() % 26);
  return value;
}

TEST(ModelTest, HashValueMatchesAnOrderedMap) {
  HashLimits limits;
  for (uint64_t seed : {1, 2, 3, 4}) {
    std::mt19937_64 rng(seed);
    HashValue hash;
    OrderedModel model;
    bool was_indexed = false;
    // Seeds 1-2 stay around the 512-entry conversion point; 3-4 use a wider field space.
    uint64_t fields = seed <= 2 ? 900 : 3000;
    bool long_values = seed % 2 == 0;
    for (int op = 0; op < 20000; ++op) {
      std::string field = "f" + std::to_string(rng() % fields);
      uint64_t kind = rng() % 10;
      if (kind < 5) {
        std::string value = long_values ? RandomValue(rng) : std::to_string(rng() % 1000);
        ASSERT_EQ(hash.Set(field, value, limits), model.Set(field, value)) << op;
      } else if (kind < 8) {
        ASSERT_EQ(hash.Delete(field), model.Delete(field)) << op;
      } else {
        auto it = model.values.find(field);
        auto got = hash.Get(field);
        ASSERT_EQ(got.has_value(), it != model.values.end()) << op;
        if (got) {
          ASSERT_EQ(*got, it->second) << op;
        }
      }
      ASSERT_EQ(hash.size(), model.values.size());
      if (was_indexed) {
        ASSERT_FALSE(hash.is_listpack()) << "converted back at op " << op;
      }
      was_indexed = !hash.is_listpack();
      if (op % 997 == 0) {
        ASSERT_EQ(Pairs(hash), model.Pairs()) << op;
        ASSERT_EQ(ScanPairs(hash, 1 + rng() % 40), model.Pairs()) << op;
      }
    }
    EXPECT_EQ(Pairs(hash), model.Pairs());
    if (!long_values) {
      EXPECT_FALSE(hash.is_listpack()) << "never crossed 512 entries";
    }
  }
}

// The Database model applies the same rules the header promises: Redis's expiry boundary (a key
// is expired when now > its expiry, so alive at exactly its expiry), lazy reaping in
// Find/FindOrCreate, SCAN skipping without reaping, ExpireDue soonest first, AverageTtl over
// keys not yet expired.
struct DbModel {
  struct Key {
    OrderedModel fields;
    int64_t expire = -1;
  };
  std::map<std::string, Key> keys;
  std::vector<std::string> order;
  uint64_t expired = 0;

  bool Expired(const Key& key, int64_t now) const { return key.expire >= 0 && key.expire < now; }
  void Remove(const std::string& name) {
    keys.erase(name);
    order.erase(std::find(order.begin(), order.end(), name));
  }
  Key* Find(const std::string& name, int64_t now) {
    auto it = keys.find(name);
    if (it == keys.end()) return nullptr;
    if (Expired(it->second, now)) {
      Remove(name);
      ++expired;
      return nullptr;
    }
    return &it->second;
  }
  Key& FindOrCreate(const std::string& name, int64_t now) {
    if (Key* key = Find(name, now)) return *key;
    order.push_back(name);
    return keys[name];
  }
};

TEST(ModelTest, DatabaseMatchesAMapModel) {
  HashLimits limits;
  std::mt19937_64 rng(20240601);
  Database db;
  DbModel model;
  int64_t now = 1'000'000;
  for (int op = 0; op < 30000; ++op) {
    std::string key = "key" + std::to_string(rng() % 400);
    std::string field = "f" + std::to_string(rng() % 8);
    uint64_t kind = rng() % 100;
    if (kind < 30) {  // HSET
      std::string value = std::to_string(rng());
      bool created = false;
      HashValue& hash = db.FindOrCreate(key, now, &created);
      bool model_created = model.Find(key, now) == nullptr;
      DbModel::Key& mkey = model.FindOrCreate(key, now);
      ASSERT_EQ(created, model_created) << op;
      ASSERT_EQ(hash.Set(field, value, limits), mkey.fields.Set(field, value)) << op;
    } else if (kind < 45) {  // HDEL, removing an emptied key
      HashValue* hash = db.Find(key, now);
      DbModel::Key* mkey = model.Find(key, now);
      ASSERT_EQ(hash != nullptr, mkey != nullptr) << op;
      if (hash != nullptr) {
        ASSERT_EQ(hash->Delete(field), mkey->fields.Delete(field)) << op;
        if (hash->empty()) {
          ASSERT_TRUE(db.Delete(key));
          model.Remove(key);
        }
      }
    } else if (kind < 60) {  // HGET
      HashValue* hash = db.Find(key, now);
      DbModel::Key* mkey = model.Find(key, now);
      ASSERT_EQ(hash != nullptr, mkey != nullptr) << op;
      if (hash != nullptr) {
        auto got = hash->Get(field);
        auto it = mkey->fields.values.find(field);
        ASSERT_EQ(got.has_value(), it != mkey->fields.values.end()) << op;
        if (got) {
          ASSERT_EQ(*got, it->second) << op;
        }
      }
    } else if (kind < 65) {  // DEL
      bool existed = model.keys.count(key) != 0;
      ASSERT_EQ(db.Delete(key), existed) << op;
      if (existed) model.Remove(key);
    } else if (kind < 75) {  // PEXPIRE on a live key
      if (model.Find(key, now) != nullptr) {
        ASSERT_NE(db.Find(key, now), nullptr) << op;
        int64_t when = now + static_cast<int64_t>(rng() % 2000);
        db.SetExpire(key, when);
        model.keys[key].expire = when;
      } else {
        ASSERT_EQ(db.Find(key, now), nullptr) << op;
      }
    } else if (kind < 78) {  // PERSIST
      auto it = model.keys.find(key);
      bool had = it != model.keys.end() && it->second.expire >= 0;
      ASSERT_EQ(db.Persist(key), had) << op;
      if (had) it->second.expire = -1;
    } else if (kind < 81) {  // RENAME
      std::string to = "key" + std::to_string(rng() % 400);
      bool exists = model.Find(key, now) != nullptr;
      ASSERT_EQ(db.Find(key, now) != nullptr, exists) << op;
      if (exists) {
        db.Rename(key, to);
        if (key != to) {
          DbModel::Key moved = model.keys[key];
          model.Remove(key);
          if (model.keys.count(to) != 0) model.Remove(to);
          model.keys[to] = moved;
          model.order.push_back(to);
        }
      }
    } else if (kind < 85) {  // Active expiry
      size_t bound = rng() % 5;
      std::vector<std::pair<std::pair<int64_t, size_t>, std::string>> due;
      for (size_t i = 0; i < model.order.size(); ++i) {
        const DbModel::Key& mkey = model.keys[model.order[i]];
        if (model.Expired(mkey, now)) due.push_back({{mkey.expire, i}, model.order[i]});
      }
      // Ties go by sequence number, i.e. by insertion order: the model's order index.
      std::sort(due.begin(), due.end());
      size_t removed = db.ExpireDue(now, bound);
      ASSERT_EQ(removed, std::min(bound, due.size())) << op;
      for (size_t i = 0; i < removed; ++i) {
        ASSERT_EQ(db.GetExpire(due[i].second), -1) << op;
        model.Remove(due[i].second);
        ++model.expired;
      }
    } else if (kind < 90) {  // RANDOMKEY
      auto got = db.RandomKey(now, rng());
      // Mirror its reaping: whatever it removed was expired.
      std::vector<std::string> names = model.order;
      for (const std::string& name : names) {
        if (model.Expired(model.keys[name], now) && db.GetExpire(name) == -1) {
          model.Remove(name);
          ++model.expired;
        }
      }
      if (got) {
        ASSERT_EQ(model.keys.count(*got), 1u) << op;
        ASSERT_FALSE(model.Expired(model.keys[*got], now)) << op;
      } else {
        for (const auto& [name, mkey] : model.keys) ASSERT_TRUE(model.Expired(mkey, now)) << op;
      }
    } else {
      now += static_cast<int64_t>(rng() % 200);
    }

    ASSERT_EQ(db.size(), model.keys.size()) << op << " kind " << kind;
    ASSERT_EQ(db.expired_count(), model.expired) << op;
    ASSERT_EQ(db.GetExpire(key), model.keys.count(key) ? model.keys[key].expire : -1) << op;
    if (op % 499 == 0) {
      // Full comparison: SCAN order is insertion order of live keys, with their fields.
      std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> got;
      std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> want;
      uint64_t cursor = 0;
      do {
        cursor =
            db.Scan(cursor, 1 + rng() % 50, now, [&](std::string_view name, const HashValue& hash) {
              got.emplace_back(std::string(name), Pairs(hash));
            });
      } while (cursor != 0);
      size_t with_ttl = 0;
      size_t ttl_live = 0;
      int64_t ttl_left = 0;
      for (const std::string& name : model.order) {
        const DbModel::Key& mkey = model.keys[name];
        if (mkey.expire >= 0) ++with_ttl;
        if (mkey.expire >= 0 && !model.Expired(mkey, now)) {
          ++ttl_live;
          ttl_left += mkey.expire - now;
        }
        if (!model.Expired(mkey, now)) want.emplace_back(name, mkey.fields.Pairs());
      }
      ASSERT_EQ(got, want) << op;
      ASSERT_EQ(db.expires_size(), with_ttl) << op;
      ASSERT_EQ(db.AverageTtl(now), ttl_live == 0 ? 0 : ttl_left / static_cast<int64_t>(ttl_live))
          << op;
    }
  }
  EXPECT_GT(model.expired, 100u);  // The run really exercised expiry.
}

}  // namespace
}  // namespace hashkv
