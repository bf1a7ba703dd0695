// libFuzzer target: argument parsing (src/commands/args.h) and glob matching
// (src/commands/glob.h). Numbers are checked against the C library and round trips; globs
// against a literal, memoised port of Redis 7.0's stringmatchlen for patterns small enough to
// compare, and for no crash or hang at any size.
//
// Input: byte 0 picks the check (mod 6), the rest is its data.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/args.h"
#include "commands/glob.h"

namespace {

[[noreturn]] void Violation(const char* what, int line) {
  std::fprintf(stderr, "args_fuzz: invariant violated (line %d): %s\n", line, what);
  std::abort();
}
#define FUZZ_CHECK(cond)                     \
  do {                                       \
    if (!(cond)) Violation(#cond, __LINE__); \
  } while (false)

// --- integers --------------------------------------------------------------------------------

// string2ll accepts exactly the canonical decimal form of an int64.
void CheckInt64(std::string_view s) {
  int64_t v = 0;
  const bool ok = hashkv::ParseInt64(s, &v);
  int64_t ref = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ref);
  const bool ref_ok = ec == std::errc() && end == s.data() + s.size() && std::to_string(ref) == s;
  FUZZ_CHECK(ok == ref_ok);
  if (ok) {
    FUZZ_CHECK(v == ref);
    FUZZ_CHECK(hashkv::FormatInt64(v) == s);
  }
  if (s.size() >= sizeof(int64_t)) {
    int64_t x = 0;
    std::memcpy(&x, s.data(), sizeof(x));
    const std::string text = hashkv::FormatInt64(x);
    FUZZ_CHECK(text == std::to_string(x));
    int64_t back = 0;
    FUZZ_CHECK(hashkv::ParseInt64(text, &back) && back == x);
  }
}

// Redis 7.0 parseScanCursorOrReply: strtoul on the C string, first byte not a space, nothing
// after the digits, no ERANGE.
void CheckCursor(std::string_view s) {
  uint64_t v = 0;
  const bool ok = hashkv::ParseCursor(s, &v);
  const std::string copy(s);  // the C string ends at the first NUL, as strtoul sees it
  char* end = nullptr;
  errno = 0;
  const unsigned long long ref = std::strtoull(copy.c_str(), &end, 10);
  const bool ref_ok = std::isspace(static_cast<unsigned char>(copy.c_str()[0])) == 0 &&
                      *end == '\0' && errno != ERANGE;
  FUZZ_CHECK(ok == ref_ok);
  if (ok) FUZZ_CHECK(v == ref);
}

// --- floating point --------------------------------------------------------------------------

// Whatever FormatLongDouble prints parses back, and printing that value gives the same text
// (HINCRBYFLOAT stores the text and later increments parse it).
void CheckFormatRoundTrip(long double x) {
  if (std::isnan(x)) return;  // never formatted: HINCRBYFLOAT refuses NaN results
  const std::string text = hashkv::FormatLongDouble(x);
  FUZZ_CHECK(!text.empty());
  long double back = 0;
  FUZZ_CHECK(hashkv::ParseLongDouble(text, &back));
  FUZZ_CHECK(hashkv::FormatLongDouble(back) == text);
  if (std::isinf(x)) FUZZ_CHECK(back == x);
}

void CheckFloating(std::string_view s) {
  long double ld = 0;
  const bool ld_ok = hashkv::ParseLongDouble(s, &ld);
  if (ld_ok) {
    FUZZ_CHECK(!std::isnan(ld));
    CheckFormatRoundTrip(ld);
  }
  double d = 0;
  const bool d_ok = hashkv::ParseDouble(s, &d);
  if (d_ok) {
    FUZZ_CHECK(!std::isnan(d));
    // The wider type accepts whatever the narrower one does, at the nearest value (strtold then
    // a cast may round twice: one ulp apart at most).
    FUZZ_CHECK(ld_ok);
    const auto narrowed = static_cast<double>(ld);
    FUZZ_CHECK(narrowed == d || std::nextafter(narrowed, INFINITY) == d ||
               std::nextafter(narrowed, -INFINITY) == d);
  }
  if (s.size() >= 10) {
    long double x = 0;
    std::memcpy(&x, s.data(), 10);  // x87 extended: 10 significant bytes
    CheckFormatRoundTrip(x);
    double y = 0;
    std::memcpy(&y, s.data(), sizeof(y));
    CheckFormatRoundTrip(y);
  }
}

// --- glob ------------------------------------------------------------------------------------

// Redis 7.0's stringmatchlen_impl, statement for statement on a NUL-terminated pattern, minus
// skipLongerMatches (an optimisation that must not change the answer) and the nesting cap (out
// of reach at these sizes). The answer depends only on the two positions, so it is memoised.
class ReferenceGlob {
 public:
  ReferenceGlob(std::string_view pattern, std::string_view str, bool nocase)
      : pat_(pattern),
        str_(str),
        nocase_(nocase),
        memo_((pat_.size() + 1) * (str_.size() + 1), -1) {}

  bool Match() { return Impl(0, 0); }

 private:
  char P(size_t i) const { return pat_.c_str()[i]; }  // the terminator past the end, as sds
  static int Lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

  bool Impl(size_t p0, size_t s0) {
    int8_t& slot = memo_[p0 * (str_.size() + 1) + s0];
    if (slot < 0) slot = Compute(p0, s0) ? 1 : 0;
    return slot == 1;
  }

  bool Compute(size_t p, size_t s) {
    auto plen = static_cast<long>(pat_.size() - p);
    auto slen = static_cast<long>(str_.size() - s);
    while (plen != 0 && slen != 0) {
      switch (P(p)) {
        case '*':
          while (plen != 0 && P(p + 1) == '*') {
            ++p;
            --plen;
          }
          if (plen == 1) return true;
          while (slen != 0) {
            if (Impl(p + 1, s)) return true;
            ++s;
            --slen;
          }
          return false;
        case '?':
          ++s;
          --slen;
          break;
        case '[': {
          ++p;
          --plen;
          const bool negate = P(p) == '^';
          if (negate) {
            ++p;
            --plen;
          }
          bool match = false;
          while (true) {
            if (P(p) == '\\' && plen >= 2) {
              ++p;
              --plen;
              if (P(p) == str_[s]) match = true;
            } else if (P(p) == ']') {
              break;
            } else if (plen == 0) {
              --p;
              ++plen;
              break;
            } else if (plen >= 3 && P(p + 1) == '-') {
              int start = static_cast<signed char>(P(p));    // NOLINT
              int end = static_cast<signed char>(P(p + 2));  // NOLINT
              int c = static_cast<signed char>(str_[s]);     // NOLINT
              if (start > end) std::swap(start, end);
              if (nocase_) {
                start = Lower(start);
                end = Lower(end);
                c = Lower(c);
              }
              p += 2;
              plen -= 2;
              if (c >= start && c <= end) match = true;
            } else if (!nocase_) {
              if (P(p) == str_[s]) match = true;
            } else if (Lower(static_cast<signed char>(P(p))) ==
                       Lower(static_cast<signed char>(str_[s]))) {
              match = true;
            }
            ++p;
            --plen;
          }
          if (negate) match = !match;
          if (!match) return false;
          ++s;
          --slen;
          break;
        }
        case '\\':
          if (plen >= 2) {
            ++p;
            --plen;
          }
          [[fallthrough]];
        default:
          if (!nocase_) {
            if (P(p) != str_[s]) return false;
          } else if (Lower(static_cast<signed char>(P(p))) !=
                     Lower(static_cast<signed char>(str_[s]))) {
            return false;
          }
          ++s;
          --slen;
          break;
      }
      ++p;
      --plen;
      if (slen == 0) {
        while (P(p) == '*') {
          ++p;
          --plen;
        }
        break;
      }
    }
    return plen == 0 && slen == 0;
  }

  std::string pat_;
  std::string_view str_;
  bool nocase_;
  std::vector<int8_t> memo_;
};

// data: [flags][pattern length][pattern][string]. Compared with the reference when small.
void CheckGlob(std::string_view data) {
  if (data.size() < 2) return;
  const bool nocase = (data[0] & 1) != 0;
  const size_t plen = std::min<size_t>(static_cast<uint8_t>(data[1]), data.size() - 2);
  const std::string_view pattern = data.substr(2, plen);
  const std::string_view str = data.substr(2 + plen);
  const bool got = hashkv::GlobMatch(pattern, str, nocase);
  if (pattern.size() <= 96 && str.size() <= 256) {
    FUZZ_CHECK(got == ReferenceGlob(pattern, str, nocase).Match());
  }
}

// Large inputs, no reference: the first half is the pattern, matched against the second half
// and against a run of one repeated byte (what makes backtracking matchers explode).
void CheckGlobLarge(std::string_view data) {
  const std::string_view pattern = data.substr(0, data.size() / 2);
  const std::string_view str = data.substr(data.size() / 2);
  (void)hashkv::GlobMatch(pattern, str, false);
  (void)hashkv::GlobMatch(pattern, str, true);
  const std::string run(data.size() * 2, data.empty() ? 'a' : data.back());
  (void)hashkv::GlobMatch(pattern, run, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  switch (bytes[0] % 6) {
    case 0:
      CheckInt64(data);
      break;
    case 1:
      CheckCursor(data);
      break;
    case 2:
      CheckFloating(data);
      break;
    case 3:
    case 4:
      CheckGlob(data);
      break;
    default:
      CheckGlobLarge(data);
      break;
  }
  return 0;
}
