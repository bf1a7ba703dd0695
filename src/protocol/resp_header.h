// Reading one RESP header line fast, shared by the parser and the look-ahead (resp_peek.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace hashkv {

// The common case of a header line ("*3\r\n", "$5\r\n") read in one pass: `type` at `p`, then a
// decimal as String2ll() accepts it without a sign (at most 18 digits, so no overflow), then '\r'
// with one more byte after it. Whenever that is not what is there (a sign, a leading zero, a
// NUL, a partial line, anything odd) it returns false and the general path, which knows every
// error, reads the line instead; where it returns true that path would find the same '\r' and
// the same value.
inline bool FastHeader(const char* data, size_t size, size_t p, char type, int64_t* value,
                       size_t* cr) {
  constexpr size_t kMaxFastDigits = 18;
  if (size - p < 4 || data[p] != type) return false;
  // One or two digits, what almost every count and length is, without the loop: the same
  // answers as the loop below gives for them. (size - p >= 4, so data[p + 3] is there.)
  const unsigned d0 = static_cast<unsigned char>(data[p + 1]) - unsigned{'0'};
  if (d0 - 1 < 9) {
    if (data[p + 2] == '\r') {
      *value = d0;
      *cr = p + 2;
      return true;
    }
    const unsigned d1 = static_cast<unsigned char>(data[p + 2]) - unsigned{'0'};
    if (d1 < 10 && data[p + 3] == '\r' && p + 4 < size) {
      *value = d0 * 10 + d1;
      *cr = p + 3;
      return true;
    }
  }
  size_t i = p + 1;
  const size_t end = std::min(size, i + kMaxFastDigits);
  uint64_t v = static_cast<uint64_t>(data[i] - '0');
  if (v > 9) return false;
  ++i;
  if (v != 0) {
    while (i < end) {
      const auto digit = static_cast<uint64_t>(data[i] - '0');
      if (digit > 9) break;
      v = v * 10 + digit;
      ++i;
    }
  }
  if (i + 1 >= size || data[i] != '\r') return false;
  *value = static_cast<int64_t>(v);
  *cr = i;
  return true;
}

}  // namespace hashkv
