// Database and Keyspace: hash keys in one always-indexed ordered table, plus TTLs with lazy and
// active expiry.
#include "hashkv/keyspace.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <set>
#include <utility>

#include "store/ordered_table.h"

namespace hashkv {

namespace {

struct Entry {
  HashValue value;
  int64_t expire_ms = -1;  // Absolute unix ms; -1 when the key has no TTL.
  int64_t access_ms = 0;   // Last touching lookup or creation, unix ms (Redis's LRU field).
};

using KeyTable = OrderedTable<Entry>;

// Redis's keyIsExpired: a key lives through the millisecond of its expiry (now > when).
bool IsExpired(const Entry& entry, int64_t now_ms) {
  return entry.expire_ms >= 0 && entry.expire_ms < now_ms;
}

}  // namespace

struct Database::Impl {
  Impl() { keys.BuildIndex(); }

  // Removes the live key at `pos` with its TTL. Moves every position (compaction).
  void RemoveAt(size_t pos) {
    ClearExpireAt(pos);
    keys.EraseAt(pos);
  }

  // Lazy or active expiry of the key at `pos`, told to the listener first.
  void ReapExpiredAt(const Database& owner, size_t pos) {
    if (listener != nullptr) listener(listener_arg, owner, keys.key_at(pos));
    RemoveAt(pos);
    ++expired;
  }

  void ClearExpireAt(size_t pos) {
    Entry& entry = keys.value_at(pos);
    if (entry.expire_ms < 0) return;
    expires.erase({entry.expire_ms, keys.seq_at(pos)});
    expire_sum -= entry.expire_ms;
    entry.expire_ms = -1;
  }

  void SetExpireAt(size_t pos, int64_t when_ms) {
    ClearExpireAt(pos);
    if (when_ms < 0) return;
    keys.value_at(pos).expire_ms = when_ms;
    expires.emplace(when_ms, keys.seq_at(pos));
    expire_sum += when_ms;
  }

  // Always indexed: a database can hold millions of keys.
  KeyTable keys;
  // (expiry, sequence number) soonest first. The sequence number finds the key by binary search
  // over the slots, so keys are not stored a second time.
  std::set<std::pair<int64_t, uint64_t>> expires;
  // Sum of all expiries, for an O(1)-ish AverageTtl; 128 bits since millions of ~2^41 values
  // overflow 64.
  __int128 expire_sum = 0;
  uint64_t expired = 0;
  ExpiryListener listener = nullptr;
  void* listener_arg = nullptr;
};

Database::Database() : impl_(std::make_unique<Impl>()) {}
Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

HashValue* Database::Find(std::string_view key, int64_t now_ms, bool touch) {
  Impl& d = *impl_;
  size_t pos = d.keys.FindPos(key);
  if (pos == KeyTable::kNpos) return nullptr;
  Entry& entry = d.keys.value_at(pos);
  if (IsExpired(entry, now_ms)) {
    d.ReapExpiredAt(*this, pos);
    return nullptr;
  }
  if (touch) entry.access_ms = now_ms;
  return &entry.value;
}

HashValue& Database::FindOrCreate(std::string_view key, int64_t now_ms, bool* created) {
  Impl& d = *impl_;
  auto [pos, inserted] = d.keys.FindOrInsert(key);
  if (!inserted && IsExpired(d.keys.value_at(pos), now_ms)) {
    // The expired key is gone for good; the new one must not inherit its position or TTL.
    d.ReapExpiredAt(*this, pos);
    pos = d.keys.FindOrInsert(key).first;
    inserted = true;
  }
  if (created != nullptr) *created = inserted;
  Entry& entry = d.keys.value_at(pos);
  entry.access_ms = now_ms;
  return entry.value;
}

bool Database::PrefetchPays(std::string_view first_key) const {
  const KeyTable& keys = impl_->keys;
  if (keys.PrefetchPays()) return true;
  // A small database sits in the caches, and so do its values, unless some are big hashes: the
  // first key tells whether the batch goes to one (HSET into a 1M-field hash).
  const Entry* first = keys.Peek(first_key);
  return first != nullptr && first->value.is_big_table();
}

void Database::Prefetch(std::span<const PrefetchKey> batch) const {
  batch = batch.first(std::min(batch.size(), kMaxPrefetch));
  const KeyTable& keys = impl_->keys;
  std::array<const Entry*, kMaxPrefetch> entries{};
  std::array<std::string_view, kMaxPrefetch> batch_fields;
  if (keys.PrefetchPays()) {
    std::array<KeyTable::Candidates, kMaxPrefetch> positions{};
    for (const PrefetchKey& k : batch) keys.PrefetchIndex(k.key);
    for (size_t i = 0; i < batch.size(); ++i) positions[i] = keys.PrefetchSlot(batch[i].key);
    for (size_t i = 0; i < batch.size(); ++i) entries[i] = keys.PeekAt(positions[i], batch[i].key);
  } else {
    for (size_t i = 0; i < batch.size(); ++i) entries[i] = keys.Peek(batch[i].key);
  }
  // The entries whose big hash gets a second stage; the others are done.
  size_t tables = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (entries[i] != nullptr && entries[i]->value.PrefetchIndex(batch[i].field)) {
      entries[tables] = entries[i];
      batch_fields[tables++] = batch[i].field;
    }
  }
  for (size_t i = 0; i < tables; ++i) entries[i]->value.PrefetchSlot(batch_fields[i]);
}

const HashValue* Database::Peek(std::string_view key) const {
  const Entry* entry = impl_->keys.Find(key);
  return entry == nullptr ? nullptr : &entry->value;
}

int64_t Database::AccessTime(std::string_view key) const {
  const Entry* entry = impl_->keys.Find(key);
  return entry == nullptr ? -1 : entry->access_ms;
}

bool Database::Delete(std::string_view key) {
  Impl& d = *impl_;
  size_t pos = d.keys.FindPos(key);
  if (pos == KeyTable::kNpos) return false;
  d.RemoveAt(pos);
  return true;
}

bool Database::Contains(std::string_view key) const {
  return impl_->keys.FindPos(key) != KeyTable::kNpos;
}

void Database::Clear() {
  Impl& d = *impl_;
  d.keys.Clear();
  d.expires.clear();
  d.expire_sum = 0;
}

size_t Database::size() const { return impl_->keys.size(); }
size_t Database::expires_size() const { return impl_->expires.size(); }

int64_t Database::GetExpire(std::string_view key) const {
  const Entry* entry = impl_->keys.Find(key);
  return entry == nullptr ? -1 : entry->expire_ms;
}

void Database::SetExpire(std::string_view key, int64_t when_ms) {
  size_t pos = impl_->keys.FindPos(key);
  assert(pos != KeyTable::kNpos);
  if (pos == KeyTable::kNpos) return;
  impl_->SetExpireAt(pos, when_ms);
}

bool Database::Persist(std::string_view key) {
  Impl& d = *impl_;
  size_t pos = d.keys.FindPos(key);
  if (pos == KeyTable::kNpos || d.keys.value_at(pos).expire_ms < 0) return false;
  d.ClearExpireAt(pos);
  return true;
}

void Database::Rename(std::string_view from, std::string_view to) {
  if (from == to) return;
  Impl& d = *impl_;
  size_t pos = d.keys.FindPos(from);
  assert(pos != KeyTable::kNpos);
  if (pos == KeyTable::kNpos) return;
  HashValue value = std::move(d.keys.value_at(pos).value);
  int64_t expire_ms = d.keys.value_at(pos).expire_ms;
  int64_t access_ms = d.keys.value_at(pos).access_ms;  // the value moves with its LRU
  d.RemoveAt(pos);
  Delete(to);
  pos = d.keys.FindOrInsert(to).first;
  d.keys.value_at(pos).value = std::move(value);
  d.keys.value_at(pos).access_ms = access_ms;
  d.SetExpireAt(pos, expire_ms);
}

std::optional<std::string> Database::RandomKey(int64_t now_ms, uint64_t rnd) {
  Impl& d = *impl_;
  // As Redis's dbRandomKey on a master: every expired pick is reaped (work the server owes
  // anyway), so the loop ends with a live key or an empty database.
  for (uint64_t x = rnd; !d.keys.empty(); x = KeyTable::NextRandom(x)) {
    size_t pos = d.keys.RandomPos(x);
    if (!IsExpired(d.keys.value_at(pos), now_ms)) return std::string(d.keys.key_at(pos));
    d.ReapExpiredAt(*this, pos);
  }
  return std::nullopt;
}

uint64_t Database::Scan(
    uint64_t cursor, size_t count, int64_t now_ms,
    const std::function<void(std::string_view key, const HashValue&)>& fn) const {
  return impl_->keys.Scan(cursor, count, [&](std::string_view key, const Entry& entry) {
    if (!IsExpired(entry, now_ms)) fn(key, entry.value);
  });
}

size_t Database::ExpireDue(int64_t now_ms, size_t max_keys) {
  Impl& d = *impl_;
  size_t removed = 0;
  while (removed < max_keys && !d.expires.empty() && d.expires.begin()->first < now_ms) {
    size_t pos = d.keys.PosOfSeq(d.expires.begin()->second);
    assert(pos != KeyTable::kNpos);
    if (pos == KeyTable::kNpos) {
      d.expires.erase(d.expires.begin());  // Unreachable; never loop forever on it.
      continue;
    }
    d.ReapExpiredAt(*this, pos);
    ++removed;
  }
  return removed;
}

uint64_t Database::expired_count() const { return impl_->expired; }

void Database::SetExpiryListener(ExpiryListener fn, void* arg) {
  impl_->listener = fn;
  impl_->listener_arg = arg;
}

int64_t Database::AverageTtl(int64_t now_ms) const {
  const Impl& d = *impl_;
  // Keys already expired (expiry < now_ms; normally few: active expiry reaps them) have no TTL
  // left to average. A key at exactly its expiry is still alive, with 0 ms left.
  __int128 sum = d.expire_sum;
  size_t n = d.expires.size();
  for (auto it = d.expires.begin(); it != d.expires.end() && it->first < now_ms; ++it) {
    sum -= it->first;
    --n;
  }
  if (n == 0) return 0;
  return static_cast<int64_t>((sum - static_cast<__int128>(n) * now_ms) / static_cast<__int128>(n));
}

Keyspace::Keyspace(int databases, HashLimits limits)
    : dbs_(static_cast<size_t>(databases)), limits_(limits) {}

void Keyspace::FlushAll() {
  for (Database& db : dbs_) db.Clear();
}

void Keyspace::SwapDb(int a, int b) {
  if (a == b) return;
  std::swap(dbs_[static_cast<size_t>(a)], dbs_[static_cast<size_t>(b)]);
}

void Keyspace::SetExpiryListener(Database::ExpiryListener fn, void* arg) {
  for (Database& db : dbs_) db.SetExpiryListener(fn, arg);
}

uint64_t Keyspace::expired_keys() const {
  uint64_t total = 0;
  for (const Database& db : dbs_) total += db.expired_count();
  return total;
}

}  // namespace hashkv
