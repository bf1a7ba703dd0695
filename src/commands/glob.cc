// GlobMatch: a port of Redis 7.0's util.c stringmatchlen, byte for byte in behaviour.
#include "commands/glob.h"

#include <cstddef>
#include <cstdint>

namespace hashkv {
namespace {

// The recursion cap of the CVE-2024-31228 fix ("nesting > 1000" fails the match), which the
// reference redis-server 7.0.15 (Debian 7.0.15-1~deb12u10) carries; upstream 7.0.15 lacks it and
// a pattern of many '*' can exhaust its stack. Each level consumes one '*' followed by more
// pattern, so only patterns with over 1000 such stars are affected.
constexpr int kMaxNesting = 1000;

// A cursor over the pattern. Redis reads its pattern from a NUL-terminated sds and, in a few
// places, looks one byte past the end (pattern[1] after a final '*', the byte after a final '['
// or '^'); At() returns that terminator so the port takes the same branches.
struct Cursor {
  const char* data;
  size_t len;  // bytes left from data
  char At(size_t i) const { return i < len ? data[i] : '\0'; }
  void Advance(size_t n = 1) {
    data += n;
    len -= n;
  }
};

// C's tolower() in the "C" locale (Redis never sets LC_CTYPE): ASCII letters only, every other
// value, including the negative ones a signed char gives for bytes >= 0x80, unchanged.
int Lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

// Returns whether the rest of `p` matches the rest of `s`. `skip_longer` is Redis's
// skipLongerMatches (the CVE-2022-36021 fix): once the text after some '*' matched nowhere, no
// earlier '*' can help by swallowing more. So a '*' loop that runs to its end ends the whole
// match, every '*' loop runs at most once, and a match costs at most about
// strlen * patternlen steps instead of growing exponentially with the number of stars.
bool Match(Cursor p, const char* s, size_t slen, bool nocase, bool* skip_longer, int nesting,
           uint64_t* steps) {
  if (nesting > kMaxNesting) return false;
  while (p.len > 0 && slen > 0) {
    ++*steps;
    switch (p.At(0)) {
      case '*': {
        while (p.At(1) == '*') p.Advance();
        if (p.len == 1) return true;
        while (slen > 0) {
          Cursor rest = p;
          rest.Advance();
          if (Match(rest, s, slen, nocase, skip_longer, nesting + 1, steps)) return true;
          if (*skip_longer) return false;
          ++s;
          --slen;
        }
        *skip_longer = true;
        return false;
      }
      case '?':
        ++s;
        --slen;
        break;
      case '[': {
        p.Advance();
        bool negate = p.At(0) == '^';
        if (negate) p.Advance();
        bool match = false;
        while (true) {
          ++*steps;
          if (p.At(0) == '\\' && p.len >= 2) {
            p.Advance();
            if (p.At(0) == s[0]) match = true;
          } else if (p.At(0) == ']') {
            break;
          } else if (p.len == 0) {
            // Unterminated class: step back onto its last byte so the outer advance ends the
            // pattern, as Redis does.
            --p.data;
            ++p.len;
            break;
          } else if (p.len >= 3 && p.At(1) == '-') {
            // Plain char is signed here as in Redis on x86/ARM Linux builds: bytes >= 0x80 sort
            // below ASCII, and a reversed range is swapped.
            int start = static_cast<signed char>(p.At(0));  // NOLINT(bugprone-signed-char-misuse)
            int end = static_cast<signed char>(p.At(2));    // NOLINT(bugprone-signed-char-misuse)
            int c = static_cast<signed char>(s[0]);         // NOLINT(bugprone-signed-char-misuse)
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = Lower(start);
              end = Lower(end);
              c = Lower(c);
            }
            p.Advance(2);
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (p.At(0) == s[0]) match = true;
          } else if (Lower(static_cast<signed char>(p.At(0))) ==
                     Lower(static_cast<signed char>(s[0]))) {
            match = true;
          }
          p.Advance();
        }
        if (negate) match = !match;
        if (!match) return false;
        ++s;
        --slen;
        break;
      }
      case '\\':
        if (p.len >= 2) p.Advance();
        [[fallthrough]];
      default:
        if (!nocase) {
          if (p.At(0) != s[0]) return false;
        } else if (Lower(static_cast<signed char>(p.At(0))) !=
                   Lower(static_cast<signed char>(s[0]))) {
          return false;
        }
        ++s;
        --slen;
        break;
    }
    p.Advance();
    if (slen == 0) {
      while (p.At(0) == '*') p.Advance();
      break;
    }
  }
  return p.len == 0 && slen == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  uint64_t steps = 0;
  return GlobMatchCountingSteps(pattern, str, nocase, &steps);
}

bool GlobMatchCountingSteps(std::string_view pattern, std::string_view str, bool nocase,
                            uint64_t* steps) {
  bool skip_longer = false;
  return Match(Cursor{pattern.data(), pattern.size()}, str.data(), str.size(), nocase, &skip_longer,
               0, steps);
}

}  // namespace hashkv
