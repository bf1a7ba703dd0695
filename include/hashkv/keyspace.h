// The typed keyspace: numbered databases of hash keys with expiry. No RESP, no sockets; the
// store half of Redis's db.c/t_hash.c, driven by the command layer on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hashkv/hash_value.h"

namespace hashkv {

class Database {
 public:
  Database();
  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;

  // Lookup with lazy expiry at `now_ms`: an expired key is deleted and reported missing. As
  // Redis's keyIsExpired, a key is expired when now_ms > its expiry: it is still alive at
  // exactly its expiry and gone 1 ms later.
  //
  // Values live inline in one vector, so a returned pointer or reference is valid only until
  // the next call that may add or remove a key in this database: FindOrCreate, Delete, Rename,
  // RandomKey, ExpireDue, Clear, and Find itself (lazy expiry removes). Look up a second key
  // first, then re-find the first one.
  //
  // A lookup records `now_ms` as the key's access time (OBJECT IDLETIME) unless `touch` is
  // false, as Redis's lookupKey without and with LOOKUP_NOTOUCH.
  HashValue* Find(std::string_view key, int64_t now_ms, bool touch = true);
  // Finds a live key or creates an empty hash (the caller fills it; a hash left empty must be
  // removed with Delete, as Redis never keeps empty hashes). Touches the key.
  HashValue& FindOrCreate(std::string_view key, int64_t now_ms, bool* created = nullptr);
  // A key and (empty when there is none) a field that a command is about to look up.
  struct PrefetchKey {
    std::string_view key;
    std::string_view field;
  };
  // Starts the memory loads that looking these up will wait on, all keys' loads of one kind
  // before the next kind (index, slot, value, the field's index and slot in a big hash), so the
  // cache misses of different lookups overlap instead of following one another. A hint only: it
  // changes nothing that any lookup returns, expires nothing and touches nothing. Takes the first
  // kMaxPrefetch of `batch`.
  static constexpr size_t kMaxPrefetch = 16;
  void Prefetch(std::span<const PrefetchKey> batch) const;
  // Whether Prefetch pays for a batch that starts with `first_key`: the database is too big for
  // the caches, or that key holds a hash that is.
  bool PrefetchPays(std::string_view first_key) const;

  // The key's value as stored, expired or not, without touching it (DEBUG OBJECT reads Redis's
  // dict directly); nullptr when absent.
  const HashValue* Peek(std::string_view key) const;
  // Unix ms of the key's last touching lookup or of its creation; -1 when absent. Expired keys
  // not yet reaped still answer.
  int64_t AccessTime(std::string_view key) const;
  bool Delete(std::string_view key);  // true if a key (expired or not) was removed
  // Whether the key is stored, expired or not; no lazy expiry (Redis's dictFind on db->dict).
  bool Contains(std::string_view key) const;
  void Clear();

  size_t size() const;          // keys, including expired ones not yet reaped (as DBSIZE)
  size_t expires_size() const;  // keys with a TTL

  // Absolute expiry in unix ms, or -1 when the key has none (or does not exist).
  int64_t GetExpire(std::string_view key) const;
  // The key must exist.
  void SetExpire(std::string_view key, int64_t when_ms);
  bool Persist(std::string_view key);  // true if a TTL was removed

  // Moves the value and its TTL to `to`, replacing what was there. `from` must exist.
  void Rename(std::string_view from, std::string_view to);

  // A random live key (expired keys met on the way are reaped), or nullopt when empty.
  std::optional<std::string> RandomKey(int64_t now_ms, uint64_t rnd);

  // SCAN/KEYS: visits keys from `cursor` (0 starts) and returns the next cursor (0 when done).
  // Guarantees as HashValue::Scan. Expired keys are skipped, not reaped (a scan must not
  // mutate under the caller).
  uint64_t Scan(uint64_t cursor, size_t count, int64_t now_ms,
                const std::function<void(std::string_view key, const HashValue&)>& fn) const;

  // Active expiry: removes up to `max_keys` keys whose expiry is < now_ms (expired, as in
  // Find), soonest first.
  // Returns how many were removed.
  size_t ExpireDue(int64_t now_ms, size_t max_keys);

  // Keys this database reaped by lazy or active expiry (INFO stats expired_keys sums them).
  uint64_t expired_count() const;

  // Told about each key lazy or active expiry is about to remove, as Redis's
  // deleteExpiredKeyAndPropagate signals WATCH. The listener must not change the database.
  using ExpiryListener = void (*)(void* arg, const Database& db, std::string_view key);
  void SetExpiryListener(ExpiryListener fn, void* arg);

  // Mean TTL left in ms over keys with a TTL that are not yet expired (expiry >= now_ms), for
  // INFO keyspace's avg_ttl (0 when none).
  int64_t AverageTtl(int64_t now_ms) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Keyspace {
 public:
  explicit Keyspace(int databases = 16, HashLimits limits = {});

  int count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return dbs_[static_cast<size_t>(index)]; }
  const Database& db(int index) const { return dbs_[static_cast<size_t>(index)]; }

  HashLimits& limits() { return limits_; }
  const HashLimits& limits() const { return limits_; }

  void FlushAll();
  void SwapDb(int a, int b);
  // Installs the listener on every database (SwapDb keeps it, as every database has it).
  void SetExpiryListener(Database::ExpiryListener fn, void* arg);

  uint64_t expired_keys() const;  // sum over databases

 private:
  std::vector<Database> dbs_;
  HashLimits limits_;
};

}  // namespace hashkv
