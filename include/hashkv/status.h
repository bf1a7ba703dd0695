// Status codes for expected failures and Redis's exact error text for each, in one table.
#pragma once

#include <cstdint>
#include <string_view>

namespace hashkv {

enum class Status : uint8_t {
  kOk,
  kWrongType,          // WRONGTYPE Operation against a key holding the wrong kind of value
  kNotInteger,         // ERR value is not an integer or out of range
  kNotFloat,           // ERR value is not a valid float
  kSyntax,             // ERR syntax error
  kOutOfRange,         // ERR value is out of range
  kHashNotInteger,     // ERR hash value is not an integer
  kHashNotFloat,       // ERR hash value is not a float
  kIncrOverflow,       // ERR increment or decrement would overflow
  kNanOrInfinity,      // ERR value is NaN or Infinity
  kIncrNanOrInfinity,  // ERR increment would produce NaN or Infinity
  kNoSuchKey,          // ERR no such key
  kInvalidCursor,      // ERR invalid cursor
  kDbIndexOutOfRange,  // ERR DB index is out of range
  kNotPositive,        // ERR value is out of range, must be positive
};

// The error line without the leading '-' and without CRLF, e.g. "ERR syntax error".
std::string_view ErrorMessage(Status status);

}  // namespace hashkv
