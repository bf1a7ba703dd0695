// Argument parsing with Redis's strict rules (string2ll, string2ld) and number formatting
// that matches Redis byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashkv {

// Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, no "-0", no overflow.
bool ParseInt64(std::string_view s, int64_t* out);
// SCAN/HSCAN cursors as Redis 7.0 parseScanCursorOrReply (strtoul; "" is 0, " 1" invalid).
bool ParseCursor(std::string_view s, uint64_t* out);
// Redis's string2ld: strtold over the whole string, no leading space, no NaN; "inf" allowed.
bool ParseLongDouble(std::string_view s, long double* out);
// Redis's string2d-like parsing for doubles (strtod over the whole string, no NaN).
bool ParseDouble(std::string_view s, double* out);

// Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf" with trailing zeros (and '.') trimmed.
std::string FormatLongDouble(long double value);
// Redis's ll2string.
std::string FormatInt64(int64_t value);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The unit of a redis.conf memory value ("", "b", "k", "kb", "m", "mb", "g", "gb", any case),
// as memtoll reads it: k/m/g are powers of 1000, kb/mb/gb of 1024. False for anything else.
bool MemoryUnitBytes(std::string_view unit, uint64_t* bytes);

}  // namespace hashkv
