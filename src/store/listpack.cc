// Listpack: encoding, linear lookup and in-place edits of the small-hash buffer.
#include "store/listpack.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>

#include "store/compact_string.h"  // SameBytes

namespace hashkv {

Listpack::Listpack(const Listpack& other) {
  if (other.block_ == nullptr) return;
  const size_t used = other.header()->used;
  block_ = static_cast<char*>(::operator new(used));
  std::memcpy(block_, other.block_, used);
  header()->capacity = static_cast<uint32_t>(used);
  header()->last = kNoEntry;
}

Listpack& Listpack::operator=(const Listpack& other) {
  if (this != &other) *this = Listpack(other);
  return *this;
}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    Clear();
    block_ = std::exchange(other.block_, nullptr);
  }
  return *this;
}

Listpack::~Listpack() { Clear(); }

void Listpack::Clear() {
  ::operator delete(block_);
  block_ = nullptr;
}

bool Listpack::SafeToAdd(size_t field_size, size_t value_size) const {
  const size_t used = block_ == nullptr ? sizeof(Header) : header()->used;
  // Two 5-byte varints at most; sizes are checked one by one so huge ones cannot wrap.
  return field_size < kMaxBytes && value_size < kMaxBytes &&
         used + field_size + value_size + 10 <= kMaxBytes;
}

size_t Listpack::VarintSize(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

char* Listpack::PutVarint(char* p, size_t n) {
  while (n >= 0x80) {
    *p++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  return p;
}

namespace {

// One byte for sizes under 128, the common case, without a loop.
inline size_t ReadVarint(const char*& p) {
  auto byte = static_cast<unsigned char>(*p++);
  if (byte < 0x80) return byte;
  size_t n = byte & 0x7f;
  for (int shift = 7;; shift += 7) {
    byte = static_cast<unsigned char>(*p++);
    n |= static_cast<size_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return n;
  }
}

}  // namespace

Listpack::Entry Listpack::Decode(const char* p) {
  Entry e;
  size_t size = ReadVarint(p);
  e.field = {p, size};
  p += size;
  e.value_start = p;
  size = ReadVarint(p);
  e.value = {p, size};
  e.end = p + size;
  return e;
}

uint32_t Listpack::Find(std::string_view field) const {
  if (block_ == nullptr) return kNoEntry;
  Header* h = header();
  if ((h->last & kMissed) != 0) {
    const size_t size = h->last & ~kMissed;
    if (size == field.size() && SameBytes(block_ + h->used, field.data(), size)) return kNoEntry;
  } else if (h->last != kNoEntry) {
    std::string_view last = Decode(block_ + h->last).field;
    if (last.size() == field.size() && SameBytes(last.data(), field.data(), field.size())) {
      return h->last;
    }
  }
  // The hot loop of a small hash: HGET, HSET and HGETSET on a miss walk every entry.
  const char* p = entries();
  const char* end = block_ + h->used;
  while (p < end) {
    const char* entry = p;
    const size_t size = ReadVarint(p);
    if (size == field.size() && SameBytes(p, field.data(), size)) {
      h->last = static_cast<uint32_t>(entry - block_);
      return h->last;
    }
    p += size;
    p += ReadVarint(p);
  }
  // Remember the miss in the unused tail of the block, so the write that usually follows a
  // failed read (HGETSET's HSET, HINCRBY, HSETNX) appends without walking everything again.
  if (field.size() <= h->capacity - h->used) {
    std::memcpy(block_ + h->used, field.data(), field.size());
    h->last = kMissed | static_cast<uint32_t>(field.size());
  } else {
    h->last = kNoEntry;
  }
  return kNoEntry;
}

void Listpack::Reserve(size_t used) {
  assert(used <= kMaxBytes + 16);
  if (block_ != nullptr && used <= header()->capacity) return;
  // At least 32 bytes more (a typical pair), so a hash growing one field at a time is copied
  // every other insert; rounded up to what malloc hands out anyway (16-byte chunks with an
  // 8-byte header).
  const size_t capacity = ((used + std::max<size_t>(used / 16, 32) + 8 + 15) & ~size_t{15}) - 8;
  char* grown = static_cast<char*>(::operator new(capacity));
  if (block_ == nullptr) {
    *reinterpret_cast<Header*>(grown) = Header{sizeof(Header), 0, 0, kNoEntry};
  } else {
    std::memcpy(grown, block_, header()->used);
    ::operator delete(block_);
  }
  block_ = grown;
  header()->capacity = static_cast<uint32_t>(capacity);
}

std::optional<std::string_view> Listpack::Get(std::string_view field) const {
  const uint32_t at = Find(field);
  if (at == kNoEntry) return std::nullopt;
  return Decode(block_ + at).value;
}

bool Listpack::Set(std::string_view field, std::string_view value) {
  const uint32_t at = Find(field);
  if (at == kNoEntry) {
    const size_t used = block_ == nullptr ? sizeof(Header) : header()->used;
    const size_t grown = used + EncodedSize(field, value);
    Reserve(grown);
    char* p = block_ + used;
    p = PutVarint(p, field.size());
    std::memcpy(p, field.data(), field.size());
    p = PutVarint(p + field.size(), value.size());
    std::memcpy(p, value.data(), value.size());
    Header* h = header();
    h->used = static_cast<uint32_t>(grown);
    h->count += 1;
    h->last = static_cast<uint32_t>(used);
    return true;
  }
  // Replace the value (its varint included) and shift what follows.
  Entry e = Decode(block_ + at);
  const size_t start = static_cast<size_t>(e.value_start - block_);
  const size_t old_size = static_cast<size_t>(e.end - e.value_start);
  const size_t new_size = VarintSize(value.size()) + value.size();
  const size_t used = header()->used;
  const size_t tail = used - (start + old_size);
  if (new_size > old_size) Reserve(used + (new_size - old_size));
  char* p = block_ + start;
  std::memmove(p + new_size, p + old_size, tail);
  p = PutVarint(p, value.size());
  std::memcpy(p, value.data(), value.size());
  header()->used = static_cast<uint32_t>(used - old_size + new_size);
  return false;
}

bool Listpack::Delete(std::string_view field) {
  const uint32_t at = Find(field);
  if (at == kNoEntry) return false;
  Header* h = header();
  if (h->count == 1) {
    Clear();
    return true;
  }
  const char* end = Decode(block_ + at).end;
  const size_t removed = static_cast<size_t>(end - (block_ + at));
  std::memmove(block_ + at, end, h->used - at - removed);
  h->used -= static_cast<uint32_t>(removed);
  h->count -= 1;
  h->last = kNoEntry;
  // Give memory back when most of the block is unused, as a listpack shrinks with each delete.
  if (h->capacity > 2 * h->used + 64) *this = Listpack(*this);
  return true;
}

std::pair<std::string_view, std::string_view> Listpack::At(size_t index) const {
  assert(index < size());
  const char* p = entries();
  for (;; --index) {
    Entry e = Decode(p);
    if (index == 0) return {e.field, e.value};
    p = e.end;
  }
}

}  // namespace hashkv
