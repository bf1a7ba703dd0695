// OrderedTable: the insertion-ordered, string-keyed container behind both a hash's fields and a
// database's keys, with tombstones, sequence-number SCAN cursors and an optional hash index.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/string_hash.h"
#include "store/compact_string.h"

namespace hashkv {

// Entries live in a vector in insertion order. A deleted entry becomes a tombstone so positions
// and order survive; tombstones are squeezed out (order kept) once they are more than half of
// the slots, which keeps every operation amortized O(1) and a random live pick O(1) expected.
//
// Every entry gets a 64-bit sequence number that is never reused. Appends only increase it and
// compaction keeps order, so the slot vector is always sorted by sequence number and a SCAN
// cursor can simply be "the sequence number of the next entry to visit": it stays meaningful
// across growth, deletion and compaction, which is what gives Redis's SCAN guarantee.
//
// Without an index, lookup is a linear search (Redis's listpack). With one, a flat_hash_set of
// slot positions whose functors read keys out of the slot vector, so keys are stored once and a
// string_view lookup allocates nothing.
//
// The last position found is remembered: a command that looks a key up twice (HGETSET's HGET
// then HSET through Call(), or a read then a write of one key) pays for one hash and probe.
template <typename V>
class OrderedTable {
 public:
  static constexpr size_t kNpos = std::numeric_limits<size_t>::max();

  OrderedTable() = default;
  ~OrderedTable() = default;

  OrderedTable(const OrderedTable& other)
      : slots_(other.slots_), next_seq_(other.next_seq_), live_(other.live_), dead_(other.dead_) {
    if (other.indexed()) BuildIndex();
  }
  OrderedTable& operator=(const OrderedTable& other) {
    if (this != &other) *this = OrderedTable(other);
    return *this;
  }
  OrderedTable(OrderedTable&& other) noexcept
      : slots_(std::move(other.slots_)),
        index_(std::move(other.index_)),
        next_seq_(other.next_seq_),
        live_(std::exchange(other.live_, 0u)),
        dead_(std::exchange(other.dead_, 0u)) {
    // The index's functors reach the slots through the index; the vector object moved.
    if (index_ != nullptr) index_->slots = &slots_;
    other.slots_.clear();
  }
  OrderedTable& operator=(OrderedTable&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      index_ = std::move(other.index_);
      next_seq_ = other.next_seq_;
      live_ = std::exchange(other.live_, 0u);
      dead_ = std::exchange(other.dead_, 0u);
      if (index_ != nullptr) index_->slots = &slots_;
      other.slots_.clear();
    }
    return *this;
  }

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  // Live entries plus tombstones; exposed for tests and memory accounting.
  size_t slot_count() const { return slots_.size(); }
  bool indexed() const { return index_ != nullptr; }

  // Switches to indexed lookup for good.
  void BuildIndex() {
    if (index_ == nullptr) index_ = std::make_unique<Index>(&slots_);
    RebuildIndex();
  }

  // Position of the live entry with `key`, or kNpos. Positions are valid until the next
  // insertion or erasure.
  size_t FindPos(std::string_view key) const {
    // Keys are unique among live slots, so a live slot holding `key` is the answer whatever
    // moved since it was remembered.
    if (last_found_ < slots_.size() && !IsDead(slots_[last_found_]) &&
        slots_[last_found_].key == key) {
      return last_found_;
    }
    size_t pos = kNpos;
    if (index_ != nullptr) {
      // Past the caches, a lookup waits on the index's control bytes, then its slot, then our
      // slot: asking for the first two together takes one of those waits away.
      if (index_->set.capacity() >= kPrefetchCapacity) index_->set.prefetch(key);
      auto it = index_->set.find(key);
      if (it != index_->set.end()) pos = *it;
    } else {
      for (size_t i = 0; i < slots_.size(); ++i) {
        if (!IsDead(slots_[i]) && slots_[i].key == key) {
          pos = i;
          break;
        }
      }
    }
    if (pos != kNpos) last_found_ = pos;
    return pos;
  }

  // Database::Prefetch runs a lookup's waits (see FindPos) as stages over a batch of keys, one
  // stage for all keys before the next, so that the waits of different keys overlap. Hints only:
  // nothing any other member returns changes.
  bool PrefetchPays() const {
    return index_ != nullptr && index_->set.capacity() >= kPrefetchCapacity;
  }
  // Stage 1: the index's control bytes and slot for `key`. Needs PrefetchPays().
  void PrefetchIndex(std::string_view key) const { index_->set.prefetch(key); }
  // Where the index may hold a key: the first two positions a probe met whose hash bits match
  // (a full index often has one false match besides the key's own); kNpos for none.
  struct Candidates {
    size_t pos[2] = {kNpos, kNpos};
  };
  // Stage 2, once stage 1 has landed: the slots the index points at, for writing; returns their
  // positions for PeekAt. Needs PrefetchPays().
  Candidates PrefetchSlot(std::string_view key) const {
    Candidates candidates;
    index_->set.find(SlotPrefetch{key, &candidates});
    return candidates;
  }
  // Stage 3: the value of `key` if it is at one of the candidates.
  const V* PeekAt(const Candidates& candidates, std::string_view key) const {
    for (size_t pos : candidates.pos) {
      if (pos < slots_.size() && !IsDead(slots_[pos]) && slots_[pos].key == key) {
        return &slots_[pos].value;
      }
    }
    return nullptr;
  }
  // A lookup that leaves the remembered position alone, for Database::Prefetch; only in an
  // indexed table (an unindexed one is small), else nullptr.
  const V* Peek(std::string_view key) const {
    if (index_ == nullptr) return nullptr;
    auto it = index_->set.find(key);
    return it == index_->set.end() ? nullptr : &slots_[*it].value;
  }

  V* Find(std::string_view key) {
    size_t pos = FindPos(key);
    return pos == kNpos ? nullptr : &slots_[pos].value;
  }
  const V* Find(std::string_view key) const {
    size_t pos = FindPos(key);
    return pos == kNpos ? nullptr : &slots_[pos].value;
  }

  // Returns the position of `key`'s entry and whether it was created (appended at the end with
  // a value-initialized V).
  std::pair<size_t, bool> FindOrInsert(std::string_view key) {
    size_t pos = FindPos(key);
    if (pos != kNpos) return {pos, false};
    assert(slots_.size() < std::numeric_limits<uint32_t>::max());
    pos = slots_.size();
    slots_.push_back(Slot{CompactString(key), V(), next_seq_++});
    if (index_ != nullptr) index_->set.insert(static_cast<uint32_t>(pos));
    ++live_;
    last_found_ = pos;
    return {pos, true};
  }

  bool Erase(std::string_view key) {
    size_t pos = FindPos(key);
    if (pos == kNpos) return false;
    EraseAt(pos);
    return true;
  }

  // Removes the live entry at `pos`. May compact, which moves every position.
  void EraseAt(size_t pos) {
    assert(pos < slots_.size() && !IsDead(slots_[pos]));
    if (index_ != nullptr) {
      auto it = index_->set.find(static_cast<uint32_t>(pos));
      assert(it != index_->set.end());
      index_->set.erase(it);
    }
    Slot& slot = slots_[pos];
    // Release the memory now; a tombstone keeps only its sequence number.
    slot.key = CompactString();
    slot.value = V();
    slot.seq |= kDead;
    --live_;
    ++dead_;
    // A tombstone at the end holds no position anyone depends on.
    while (!slots_.empty() && IsDead(slots_.back())) {
      slots_.pop_back();
      --dead_;
    }
    if (size_t{dead_} * 2 > slots_.size()) Compact();
  }

  // Removes everything. Sequence numbers keep growing so stale cursors stay harmless.
  void Clear() {
    std::vector<Slot>().swap(slots_);
    live_ = 0;
    dead_ = 0;
    if (index_ != nullptr) RebuildIndex();
  }

  bool live_at(size_t pos) const { return !IsDead(slots_[pos]); }
  std::string_view key_at(size_t pos) const { return slots_[pos].key.view(); }
  V& value_at(size_t pos) { return slots_[pos].value; }
  const V& value_at(size_t pos) const { return slots_[pos].value; }
  uint64_t seq_at(size_t pos) const { return SeqOf(slots_[pos]); }

  // Position of the live entry whose sequence number is `seq`, or kNpos; O(log n).
  size_t PosOfSeq(uint64_t seq) const {
    size_t pos = LowerBound(seq);
    if (pos == slots_.size() || slots_[pos].seq != seq) return kNpos;  // Also rejects dead.
    return pos;
  }

  // A uniformly random live position; the table must not be empty. `rnd` is any 64-bit random
  // number. Tombstones are at most half the slots, so retries are rare.
  size_t RandomPos(uint64_t rnd) const {
    assert(live_ > 0);
    uint64_t x = rnd;
    for (int attempt = 0; attempt < 64; ++attempt) {
      size_t pos = Uniform(x, slots_.size());
      if (!IsDead(slots_[pos])) return pos;
      x = NextRandom(x);
    }
    // Astronomically unlikely; keeps the call bounded whatever `rnd` is.
    for (size_t pos = 0;; ++pos) {
      if (!IsDead(slots_[pos])) return pos;
    }
  }

  // Visits live entries in insertion order: fn(std::string_view key, const V& value).
  template <typename F>
  void ForEach(F&& fn) const {
    for (const Slot& slot : slots_) {
      if (!IsDead(slot)) fn(slot.key.view(), slot.value);
    }
  }

  // Visits up to `count` live entries (at least one) from `cursor`; returns the next cursor, or
  // 0 when no entry is left. fn(std::string_view key, const V& value).
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& fn) const {
    count = std::max<size_t>(count, 1);
    size_t pos = LowerBound(cursor);
    for (size_t visited = 0; pos < slots_.size() && visited < count; ++pos) {
      const Slot& slot = slots_[pos];
      if (IsDead(slot)) continue;
      fn(slot.key.view(), slot.value);
      ++visited;
    }
    // Skipping tombstones here lets a scan that has seen everything say so at once.
    while (pos < slots_.size() && IsDead(slots_[pos])) ++pos;
    return pos == slots_.size() ? 0 : slots_[pos].seq;
  }

  // A cheap deterministic successor (splitmix64) for callers needing several random picks out of
  // one random number.
  static uint64_t NextRandom(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

 private:
  static constexpr uint64_t kDead = uint64_t{1} << 63;

  struct Slot {
    CompactString key;
    V value;
    uint64_t seq;  // kDead set on tombstones.
  };

  // A probe of the index that fetches each slot it would compare, compares none, and keeps the
  // first two positions it met.
  struct SlotPrefetch {
    std::string_view key;
    Candidates* candidates;
  };

  // Heap-allocated and never moved, so the functors' pointer to it stays valid while the table
  // (and whatever holds it: a HashValue inside a moving vector or flat_hash_map) moves.
  struct Index {
    struct Hash {
      using is_transparent = void;
      size_t operator()(uint32_t pos) const { return (*this)((*index->slots)[pos].key.view()); }
      // absl's own string hash: absl::Hash<std::string_view> would fall back to std::hash.
      size_t operator()(std::string_view key) const { return StringHash{}(key); }
      size_t operator()(const SlotPrefetch& probe) const { return (*this)(probe.key); }
      const Index* index;
    };
    struct Eq {
      using is_transparent = void;
      // Positions are unique, so equal positions <=> equal keys.
      bool operator()(uint32_t a, uint32_t b) const { return a == b; }
      bool operator()(uint32_t pos, std::string_view key) const {
        return (*index->slots)[pos].key == key;
      }
      bool operator()(std::string_view key, uint32_t pos) const { return (*this)(pos, key); }
      bool operator()(const SlotPrefetch& probe, uint32_t pos) const {
        // A slot may straddle two cache lines; the command that follows writes it.
        const char* slot = reinterpret_cast<const char*>(&(*index->slots)[pos]);
        __builtin_prefetch(slot, 1);
        __builtin_prefetch(slot + sizeof(Slot) - 1, 1);
        size_t* pos_out = probe.candidates->pos;
        if (pos_out[0] == kNpos) {
          pos_out[0] = pos;
        } else if (pos_out[1] == kNpos) {
          pos_out[1] = pos;
        }
        return false;
      }
      bool operator()(uint32_t pos, const SlotPrefetch& probe) const { return (*this)(probe, pos); }
      const Index* index;
    };

    explicit Index(const std::vector<Slot>* s) : slots(s), set(0, Hash{this}, Eq{this}) {}
    Index(const Index&) = delete;
    Index& operator=(const Index&) = delete;

    const std::vector<Slot>* slots;
    absl::flat_hash_set<uint32_t, Hash, Eq> set;
  };

  // An index of 32K slots is about 160 KB, an L2 cache: smaller ones mostly hit the caches and a
  // prefetch is only work (measured: HGET over 100,000 keys gains, small hashes would not).
  static constexpr size_t kPrefetchCapacity = size_t{1} << 15;

  static bool IsDead(const Slot& slot) { return (slot.seq & kDead) != 0; }
  static uint64_t SeqOf(const Slot& slot) { return slot.seq & ~kDead; }

  // Lemire's multiply-shift: unbiased enough for n < 2^32 and cheaper than %.
  static size_t Uniform(uint64_t x, size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>(x) * n) >> 64);
  }

  size_t LowerBound(uint64_t seq) const {
    auto it = std::partition_point(slots_.begin(), slots_.end(),
                                   [seq](const Slot& slot) { return SeqOf(slot) < seq; });
    return static_cast<size_t>(it - slots_.begin());
  }

  void Compact() {
    std::erase_if(slots_, [](const Slot& slot) { return IsDead(slot); });
    dead_ = 0;
    // A hash that shrank a lot should give its memory back; 4x leaves room to regrow.
    if (slots_.capacity() > 4 * slots_.size() + 8) slots_.shrink_to_fit();
    if (index_ != nullptr) RebuildIndex();
  }

  void RebuildIndex() {
    index_->set.clear();
    index_->set.reserve(live_);
    for (size_t pos = 0; pos < slots_.size(); ++pos) {
      if (!IsDead(slots_[pos])) index_->set.insert(static_cast<uint32_t>(pos));
    }
  }

  std::vector<Slot> slots_;
  std::unique_ptr<Index> index_;
  uint64_t next_seq_ = 1;  // 0 is the "start" cursor, so no entry may have it.
  // Positions are uint32_t in the index anyway; 32-bit counts keep a small hash small.
  uint32_t live_ = 0;
  uint32_t dead_ = 0;
  mutable size_t last_found_ = kNpos;
};

}  // namespace hashkv
