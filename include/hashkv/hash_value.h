// A Redis hash value: insertion-ordered field/value pairs with two encodings, like Redis's
// listpack (small) and hashtable (large); the store half of Redis's t_hash.c.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// Private: the representation, needed by the templates below.
#include "store/compact_string.h"
#include "store/listpack.h"
#include "store/ordered_table.h"

namespace hashkv {

// Redis 7.0's hash-max-listpack-entries / hash-max-listpack-value defaults.
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue {
 public:
  HashValue() = default;
  // Copies are deep (COPY); moves are cheap and keep the encoding.
  HashValue(const HashValue& other);
  HashValue& operator=(const HashValue& other);
  HashValue(HashValue&&) noexcept = default;
  HashValue& operator=(HashValue&&) noexcept = default;
  ~HashValue();

  size_t size() const { return table_ ? table_->size() : listpack_.size(); }
  bool empty() const { return size() == 0; }

  // Small hashes ("listpack" in Redis) are one buffer searched linearly; a hash converts to the
  // indexed table once it passes a limit and never converts back, as Redis.
  bool is_listpack() const { return table_ == nullptr; }

  // Database::Prefetch's stages for a lookup of `field` about to run: the first fetches the
  // listpack, or the index of a big table and returns true, when the second (the table's slot)
  // is worth running once the first has landed. `field` may be empty (HGETALL, HLEN).
  bool PrefetchIndex(std::string_view field) const {
    if (table_ == nullptr) {
      listpack_.Prefetch();
      return false;
    }
    if (field.empty() || !table_->PrefetchPays()) return false;
    table_->PrefetchIndex(field);
    return true;
  }
  // Only after PrefetchIndex(field) returned true.
  void PrefetchSlot(std::string_view field) const { table_->PrefetchSlot(field); }
  bool is_big_table() const { return table_ != nullptr && table_->PrefetchPays(); }

  std::optional<std::string_view> Get(std::string_view field) const;
  // Returns true if the field was created, false if an existing value was overwritten (in
  // place: the field keeps its position). `field` and `value` must not point into this hash.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  bool Delete(std::string_view field);

  // Visits pairs in insertion order.
  template <typename F>
  void ForEach(F&& fn) const;  // fn(std::string_view field, std::string_view value)

  // HSCAN: visits up to roughly `count` pairs starting at `cursor` (0 starts), returns the next
  // cursor (0 when done). Every pair present for the whole iteration is visited exactly once,
  // whatever is added or removed meanwhile. A listpack is visited whole, as Redis's.
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& fn) const;  // fn(field, value)

  // A uniformly random pair; the hash must not be empty. `rnd` is any 64-bit random number.
  std::pair<std::string_view, std::string_view> RandomEntry(uint64_t rnd) const;

 private:
  using Table = OrderedTable<CompactString>;

  void ConvertToTable();

  // Two words in all, since a database holds one HashValue per key: the listpack while
  // table_ is null, then the indexed table (src/store/ordered_table.h).
  Listpack listpack_;
  std::unique_ptr<Table> table_;
};

template <typename F>
void HashValue::ForEach(F&& fn) const {
  if (table_ == nullptr) return listpack_.ForEach(fn);
  table_->ForEach(
      [&fn](std::string_view field, const CompactString& value) { fn(field, value.view()); });
}

template <typename F>
uint64_t HashValue::Scan(uint64_t cursor, size_t count, F&& fn) const {
  if (table_ == nullptr) {
    listpack_.ForEach(fn);
    return 0;
  }
  return table_->Scan(cursor, count, [&fn](std::string_view field, const CompactString& value) {
    fn(field, value.view());
  });
}

}  // namespace hashkv
