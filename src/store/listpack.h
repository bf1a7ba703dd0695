// Listpack: a small hash as one contiguous buffer of length-prefixed field/value pairs in
// insertion order, the role Redis's listpack plays for hashes under hash-max-listpack-*.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace hashkv {

// One heap block: a Header, then each pair as varint(field size) field varint(value size) value
// (LEB128 varints: one byte under 128). The block grows by a sixteenth beyond what it needs, at
// least 32 bytes, up to malloc's chunk size: a hash filled one field at a time is copied every
// few inserts while a full one wastes ~6%. An empty listpack holds no block at all. Lookups are
// linear, as Redis's, and remember the last field looked up, found or missing, so a read then a
// write of one field (HGETSET) searches once.
class Listpack {
 public:
  // Redis converts a listpack that would pass 1 GB (LISTPACK_MAX_SAFETY_SIZE); the header's
  // 32-bit sizes rely on the same bound.
  static constexpr size_t kMaxBytes = size_t{1} << 30;

  Listpack() = default;
  Listpack(const Listpack& other);
  Listpack& operator=(const Listpack& other);
  Listpack(Listpack&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Listpack& operator=(Listpack&& other) noexcept;
  ~Listpack();

  size_t size() const { return block_ == nullptr ? 0 : header()->count; }
  // Bytes of the block, header and slack included (0 when empty).
  size_t allocated_bytes() const { return block_ == nullptr ? 0 : header()->capacity; }
  // Whether adding a pair of these sizes keeps the listpack under kMaxBytes.
  bool SafeToAdd(size_t field_size, size_t value_size) const;

  // Asks for the first cache lines of the block ahead of a search (Database::Prefetch); the
  // hardware follows a scan on from there.
  void Prefetch() const {
    if (block_ == nullptr) return;
    __builtin_prefetch(block_, 1);
    __builtin_prefetch(block_ + 64, 1);
  }

  std::optional<std::string_view> Get(std::string_view field) const;
  // True if created (appended); an existing field keeps its position. `field` and `value` must
  // not point into this listpack.
  bool Set(std::string_view field, std::string_view value);
  bool Delete(std::string_view field);
  void Clear();

  // The pair at `index` (< size()), O(n).
  std::pair<std::string_view, std::string_view> At(size_t index) const;

  template <typename F>
  void ForEach(F&& fn) const {  // fn(std::string_view field, std::string_view value)
    if (block_ == nullptr) return;
    const char* p = entries();
    const char* end = block_ + header()->used;
    while (p < end) {
      Entry e = Decode(p);
      fn(e.field, e.value);
      p = e.end;
    }
  }

 private:
  struct Header {
    uint32_t used;      // bytes in use, header included
    uint32_t capacity;  // bytes allocated
    uint32_t count;     // pairs
    // The offset of the entry last found; or kMissed | size when the field last looked up was
    // missing, a copy of it kept just past `used`; or kNoEntry.
    uint32_t last;
  };
  static constexpr uint32_t kNoEntry = 0;  // Entries start after the header, never at 0.
  static constexpr uint32_t kMissed = uint32_t{1} << 31;  // Sizes stay under kMaxBytes.

  struct Entry {
    std::string_view field;
    std::string_view value;
    const char* value_start;  // the value's varint
    const char* end;          // the next entry
  };

  static Entry Decode(const char* p);
  static size_t VarintSize(size_t n);
  static char* PutVarint(char* p, size_t n);
  static size_t EncodedSize(std::string_view field, std::string_view value) {
    return VarintSize(field.size()) + field.size() + VarintSize(value.size()) + value.size();
  }

  Header* header() const { return reinterpret_cast<Header*>(block_); }
  const char* entries() const { return block_ + sizeof(Header); }
  // Offset of `field`'s entry, or kNoEntry.
  uint32_t Find(std::string_view field) const;
  // Makes room for `used` bytes in all, keeping the content.
  void Reserve(size_t used);

  char* block_ = nullptr;
};

}  // namespace hashkv
