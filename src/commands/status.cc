// Redis 7.0's error texts, indexed by Status.
#include "hashkv/status.h"

namespace hashkv {

std::string_view ErrorMessage(Status status) {
  switch (status) {
    case Status::kOk:
      return "";
    case Status::kWrongType:
      return "WRONGTYPE Operation against a key holding the wrong kind of value";
    case Status::kNotInteger:
      return "ERR value is not an integer or out of range";
    case Status::kNotFloat:
      return "ERR value is not a valid float";
    case Status::kSyntax:
      return "ERR syntax error";
    case Status::kOutOfRange:
      return "ERR value is out of range";
    case Status::kHashNotInteger:
      return "ERR hash value is not an integer";
    case Status::kHashNotFloat:
      return "ERR hash value is not a float";
    case Status::kIncrOverflow:
      return "ERR increment or decrement would overflow";
    case Status::kNanOrInfinity:
      return "ERR value is NaN or Infinity";
    case Status::kIncrNanOrInfinity:
      return "ERR increment would produce NaN or Infinity";
    case Status::kNoSuchKey:
      return "ERR no such key";
    case Status::kInvalidCursor:
      return "ERR invalid cursor";
    case Status::kDbIndexOutOfRange:
      return "ERR DB index is out of range";
    case Status::kNotPositive:
      return "ERR value is out of range, must be positive";
  }
  return "ERR unknown error";
}

}  // namespace hashkv
