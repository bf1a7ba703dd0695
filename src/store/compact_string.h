// CompactString: a 16-byte owned string for the big tables' keys and values; up to 15 bytes live
// inside it, so the fields and values a hash typically holds cost no allocation of their own.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace hashkv {

// Keys and fields often share a prefix ("user:1000", "user:1001"), so the last eight bytes are
// compared first, inline, and memcmp only runs for a likely match.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    if (x != y) return false;
    n -= 8;
  }
  return std::memcmp(a, b, n) == 0;
}

// std::string is 32 bytes and keeps a capacity; a table slot holds two strings and there can be
// millions of slots, so half the size matters more than amortized appends (nothing appends).
//
// Layout (little-endian): inline, bytes 0..14 hold the data and byte 15 its length (0..15);
// on the heap, bytes 0..7 are the pointer and bytes 8..15 a 64-bit word whose top byte (byte 15)
// is kHeapTag and whose low 56 bits are the length.
class CompactString {
 public:
  static constexpr size_t kInlineCapacity = 15;

  CompactString() { SetInlineSize(0); }
  explicit CompactString(std::string_view s) {
    SetInlineSize(0);
    assign(s);
  }
  CompactString(const CompactString& other) : CompactString(other.view()) {}
  CompactString& operator=(const CompactString& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  CompactString(CompactString&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    other.SetInlineSize(0);
  }
  CompactString& operator=(CompactString&& other) noexcept {
    if (this != &other) {
      Free();
      std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
      other.SetInlineSize(0);
    }
    return *this;
  }
  ~CompactString() { Free(); }

  size_t size() const { return on_heap() ? HeapSize() : static_cast<size_t>(bytes_[15]); }
  const char* data() const { return on_heap() ? HeapData() : bytes_; }
  std::string_view view() const { return {data(), size()}; }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)

  // `s` may point into this string.
  void assign(std::string_view s) {
    if (s.size() <= kInlineCapacity) {
      char copy[kInlineCapacity];
      std::memcpy(copy, s.data(), s.size());  // Before Free(): s may be our heap block.
      Free();
      std::memcpy(bytes_, copy, s.size());
      SetInlineSize(s.size());
      return;
    }
    if (on_heap() && HeapSize() == s.size()) {
      std::memmove(HeapData(), s.data(), s.size());
      return;
    }
    char* block = static_cast<char*>(::operator new(s.size()));
    std::memcpy(block, s.data(), s.size());
    Free();
    std::memcpy(bytes_, &block, sizeof(block));
    const uint64_t word = static_cast<uint64_t>(s.size()) | (uint64_t{kHeapTag} << 56);
    std::memcpy(bytes_ + 8, &word, sizeof(word));
  }

  friend bool operator==(const CompactString& a, std::string_view b) {
    return a.size() == b.size() && SameBytes(a.data(), b.data(), b.size());
  }

 private:
  static_assert(std::endian::native == std::endian::little, "byte 15 is the length word's top");
  static constexpr unsigned char kHeapTag = 0x80;

  bool on_heap() const { return static_cast<unsigned char>(bytes_[15]) == kHeapTag; }
  char* HeapData() const {
    char* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  size_t HeapSize() const {
    uint64_t word;
    std::memcpy(&word, bytes_ + 8, sizeof(word));
    return static_cast<size_t>(word & ((uint64_t{1} << 56) - 1));
  }
  void SetInlineSize(size_t n) { bytes_[15] = static_cast<char>(n); }
  void Free() {
    if (on_heap()) ::operator delete(HeapData());
  }

  alignas(8) char bytes_[16];
};

static_assert(sizeof(CompactString) == 16);

}  // namespace hashkv
