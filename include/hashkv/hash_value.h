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

#include "store/ordered_table.h"  // Private: the representation, needed by the templates below.

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
  HashValue(const HashValue&) = default;
  HashValue& operator=(const HashValue&) = default;
  HashValue(HashValue&&) noexcept = default;
  HashValue& operator=(HashValue&&) noexcept = default;

  size_t size() const { return table_.size(); }
  bool empty() const { return table_.size() == 0; }

  // Small hashes ("listpack" in Redis) keep insertion order and are searched linearly; a hash
  // converts to the indexed encoding once it passes a limit and never converts back, as Redis.
  bool is_listpack() const;

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
  // whatever is added or removed meanwhile.
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& fn) const;  // fn(field, value)

  // A uniformly random pair; the hash must not be empty. `rnd` is any 64-bit random number.
  std::pair<std::string_view, std::string_view> RandomEntry(uint64_t rnd) const;

 private:
  // Fields in insertion order; indexed once the hash leaves the listpack encoding. See
  // src/store/ordered_table.h.
  OrderedTable<std::string> table_;
};

template <typename F>
void HashValue::ForEach(F&& fn) const {
  table_.ForEach([&fn](std::string_view field, const std::string& value) {
    fn(field, std::string_view(value));
  });
}

template <typename F>
uint64_t HashValue::Scan(uint64_t cursor, size_t count, F&& fn) const {
  return table_.Scan(cursor, count, [&fn](std::string_view field, const std::string& value) {
    fn(field, std::string_view(value));
  });
}

}  // namespace hashkv
