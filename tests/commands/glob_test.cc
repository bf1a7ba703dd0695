// GlobMatch against Redis 7.0.15's stringmatchlen; expectations were checked on a real
// redis-server with HSCAN ... MATCH.
#include "commands/glob.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace hashkv {
namespace {

using namespace std::string_literals;

TEST(GlobTest, Literals) {
  EXPECT_TRUE(GlobMatch("abc", "abc"));
  EXPECT_FALSE(GlobMatch("abc", "abd"));
  EXPECT_FALSE(GlobMatch("abc", "ab"));
  EXPECT_FALSE(GlobMatch("ab", "abc"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_FALSE(GlobMatch("a", ""));
  EXPECT_TRUE(GlobMatch("a\0b"s, "a\0b"s));
  EXPECT_FALSE(GlobMatch("a\0b"s, "a\0c"s));
  EXPECT_FALSE(GlobMatch("a"s, "a\0"s));
}

TEST(GlobTest, Star) {
  EXPECT_TRUE(GlobMatch("*", "anything"));
  // stringmatchlen("*", "") is false: the loop never runs on an empty string. SCAN and KEYS
  // special-case a lone "*" before calling it.
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_TRUE(GlobMatch("a**", "a"));
  EXPECT_TRUE(GlobMatch("*a", "bba"));
  EXPECT_FALSE(GlobMatch("*a", "ab"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(GlobMatch("a*b*c", "abc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "acb"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("*\0*"s, "x\0y"s));
}

TEST(GlobTest, QuestionMark) {
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("???", "abc"));
  EXPECT_FALSE(GlobMatch("???", "ab"));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_TRUE(GlobMatch("?", "\0"s));
}

TEST(GlobTest, Classes) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("[^a-c]", "d"));
  EXPECT_FALSE(GlobMatch("[^a-c]", "b"));
  EXPECT_FALSE(GlobMatch("[]", "a"));
  EXPECT_FALSE(GlobMatch("[]", "]"));
  EXPECT_TRUE(GlobMatch("[^]", "x"));  // An empty negated class matches any byte.
}

TEST(GlobTest, ReversedAndOddRanges) {
  EXPECT_TRUE(GlobMatch("[z-a]", "m"));
  EXPECT_FALSE(GlobMatch("[z-a]", "A"));
  // "a-]" is a range ending at ']' (swapped to ']'..'a'), which leaves the class unterminated.
  EXPECT_TRUE(GlobMatch("[a-]", "a"));
  EXPECT_TRUE(GlobMatch("[a-]", "^"));
  EXPECT_FALSE(GlobMatch("[a-]", "-"));
  EXPECT_FALSE(GlobMatch("[a-]", "b"));
  EXPECT_TRUE(GlobMatch("[a-]]", "_"));
  EXPECT_FALSE(GlobMatch("[a-]]", "_]"));
  EXPECT_FALSE(GlobMatch("[a-]]", "b"));
  EXPECT_TRUE(GlobMatch("[-a]", "-"));
  EXPECT_TRUE(GlobMatch("[!-#]", "\""));
}

TEST(GlobTest, HighBytesAreSignedInRanges) {
  // Redis compares range bounds as (signed) char: 0x80..0xff sort below every ASCII byte.
  EXPECT_TRUE(GlobMatch("[a-\xff]", "\x00"s));
  EXPECT_TRUE(GlobMatch("[a-\xff]", "0"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "b"));
  EXPECT_TRUE(GlobMatch("[a-\xff]", "a"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "\x80"));
  EXPECT_TRUE(GlobMatch("[\x80-\xff]", "\x90"));
  EXPECT_TRUE(GlobMatch("\xff", "\xff"));
  EXPECT_TRUE(GlobMatch("[\xff]", "\xff"));
}

TEST(GlobTest, Escapes) {
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_FALSE(GlobMatch("\\*", "a"));
  EXPECT_TRUE(GlobMatch("\\?", "?"));
  EXPECT_FALSE(GlobMatch("\\?", "a"));
  EXPECT_TRUE(GlobMatch("\\[a]", "[a]"));
  EXPECT_TRUE(GlobMatch("\\a", "a"));
  EXPECT_TRUE(GlobMatch("\\\\", "\\"));
  // A trailing backslash matches itself.
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));
  EXPECT_FALSE(GlobMatch("a\\", "a"));
  // Escapes inside a class.
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("[\\-]", "-"));
  EXPECT_FALSE(GlobMatch("[\\-]", "\\"));
  EXPECT_TRUE(GlobMatch("[a\\", "a"));  // "\\" is last: it stands for itself.
  EXPECT_TRUE(GlobMatch("[a\\", "\\"));
}

TEST(GlobTest, UnterminatedClass) {
  // Redis backs up onto the class's last byte and then ends the pattern there.
  EXPECT_TRUE(GlobMatch("[abc", "a"));
  EXPECT_TRUE(GlobMatch("[abc", "c"));
  EXPECT_FALSE(GlobMatch("[abc", "d"));
  EXPECT_FALSE(GlobMatch("[abc", "ab"));
  EXPECT_FALSE(GlobMatch("[", "a"));
  EXPECT_FALSE(GlobMatch("[", "["));
  EXPECT_FALSE(GlobMatch("[", ""));
  EXPECT_TRUE(GlobMatch("[^", "a"));  // An unterminated empty negated class: any one byte.
  EXPECT_TRUE(GlobMatch("[^", "["));
  EXPECT_FALSE(GlobMatch("[^", "ab"));
  EXPECT_FALSE(GlobMatch("x[", "x"));
  EXPECT_FALSE(GlobMatch("a*[", "ab"));
  EXPECT_TRUE(GlobMatch("[a-", "a"));
  EXPECT_TRUE(GlobMatch("[a-", "-"));
}

TEST(GlobTest, NoCase) {
  EXPECT_TRUE(GlobMatch("HeLLo", "hello", /*nocase=*/true));
  EXPECT_FALSE(GlobMatch("HeLLo", "hello"));
  EXPECT_TRUE(GlobMatch("h[A-C]llo", "hbllo", true));
  EXPECT_TRUE(GlobMatch("h[a-c]llo", "hBllo", true));
  EXPECT_FALSE(GlobMatch("h[a-c]llo", "hBllo", false));
  EXPECT_TRUE(GlobMatch("[X]", "x", true));
  EXPECT_TRUE(GlobMatch("max*", "MAXMEMORY", true));
  // Only ASCII letters fold, as C's tolower in the "C" locale.
  EXPECT_FALSE(GlobMatch("\xc9", "\xe9", true));
  // An escaped byte inside a class compares exactly, even with nocase (as Redis).
  EXPECT_FALSE(GlobMatch("[\\A]", "a", true));
}

// Redis 7.0.0's stringmatchlen before the CVE-2022-36021 fix, line for line: the plain
// backtracking matcher, exponential in the number of stars, with every quirk of the port (it
// reads its NUL-terminated pattern one byte past the end in the same places). The reference for
// the randomized comparison: skipping longer matches must never change an answer.
int ReferenceLower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

// NOLINTBEGIN(bugprone-signed-char-misuse): Redis compares plain (signed) chars.
int ReferenceMatch(const char* pattern, int patternLen, const char* string, int stringLen,
                   bool nocase) {
  while (patternLen && stringLen) {
    switch (pattern[0]) {
      case '*':
        while (patternLen && pattern[1] == '*') {
          pattern++;
          patternLen--;
        }
        if (patternLen == 1) return 1;
        while (stringLen) {
          if (ReferenceMatch(pattern + 1, patternLen - 1, string, stringLen, nocase)) return 1;
          string++;
          stringLen--;
        }
        return 0;
      case '?':
        string++;
        stringLen--;
        break;
      case '[': {
        pattern++;
        patternLen--;
        int negate = pattern[0] == '^';
        if (negate) {
          pattern++;
          patternLen--;
        }
        int match = 0;
        while (true) {
          if (pattern[0] == '\\' && patternLen >= 2) {
            pattern++;
            patternLen--;
            if (pattern[0] == string[0]) match = 1;
          } else if (pattern[0] == ']') {
            break;
          } else if (patternLen == 0) {
            pattern--;
            patternLen++;
            break;
          } else if (patternLen >= 3 && pattern[1] == '-') {
            int start = static_cast<signed char>(pattern[0]);
            int end = static_cast<signed char>(pattern[2]);
            int c = static_cast<signed char>(string[0]);
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = ReferenceLower(start);
              end = ReferenceLower(end);
              c = ReferenceLower(c);
            }
            pattern += 2;
            patternLen -= 2;
            if (c >= start && c <= end) match = 1;
          } else if (!nocase) {
            if (pattern[0] == string[0]) match = 1;
          } else if (ReferenceLower(static_cast<signed char>(pattern[0])) ==
                     ReferenceLower(static_cast<signed char>(string[0]))) {
            match = 1;
          }
          pattern++;
          patternLen--;
        }
        if (negate) match = !match;
        if (!match) return 0;
        string++;
        stringLen--;
        break;
      }
      case '\\':
        if (patternLen >= 2) {
          pattern++;
          patternLen--;
        }
        [[fallthrough]];
      default:
        if (!nocase) {
          if (pattern[0] != string[0]) return 0;
        } else if (ReferenceLower(static_cast<signed char>(pattern[0])) !=
                   ReferenceLower(static_cast<signed char>(string[0]))) {
          return 0;
        }
        string++;
        stringLen--;
        break;
    }
    pattern++;
    patternLen--;
    if (stringLen == 0) {
      while (*pattern == '*') {
        pattern++;
        patternLen--;
      }
      break;
    }
  }
  return patternLen == 0 && stringLen == 0;
}
// NOLINTEND(bugprone-signed-char-misuse)

bool Reference(const std::string& pattern, const std::string& str, bool nocase) {
  return ReferenceMatch(pattern.c_str(), static_cast<int>(pattern.size()), str.c_str(),
                        static_cast<int>(str.size()), nocase) != 0;
}

uint64_t Steps(std::string_view pattern, std::string_view str) {
  uint64_t steps = 0;
  GlobMatchCountingSteps(pattern, str, false, &steps);
  return steps;
}

TEST(GlobTest, SameAnswersAsTheBacktrackingMatcher) {
  // Small alphabets so that classes, ranges, escapes and stars interact often.
  constexpr std::string_view kPatternBytes = "ab*?*[]^-\\A\xe9";
  constexpr std::string_view kStringBytes = "ab]^-\\A*\xe9";
  std::mt19937 rng(20240531);
  int matches = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string pattern, str;
    const size_t plen = rng() % 9;
    const size_t slen = rng() % 9;
    for (size_t j = 0; j < plen; ++j)
      pattern.push_back(kPatternBytes[rng() % kPatternBytes.size()]);
    for (size_t j = 0; j < slen; ++j) str.push_back(kStringBytes[rng() % kStringBytes.size()]);
    const bool nocase = rng() % 4 == 0;
    const bool expected = Reference(pattern, str, nocase);
    ASSERT_EQ(GlobMatch(pattern, str, nocase), expected)
        << "pattern '" << pattern << "' string '" << str << "' nocase " << nocase;
    matches += expected;
  }
  // The sample is not degenerate: a fair share of pairs match.
  EXPECT_GT(matches, 5000);
}

TEST(GlobTest, WorkIsBoundedByStringTimesPattern) {
  // Each '*' loop runs at most once (skipLongerMatches), so a match compares at most about
  // (strlen + 1) * (patternlen + 1) pattern positions, whatever the pattern.
  std::mt19937 rng(7);
  constexpr std::string_view kPatternBytes = "a*?[a-b]b\\";
  for (int i = 0; i < 2000; ++i) {
    std::string pattern, str;
    const size_t plen = rng() % 40;
    const size_t slen = rng() % 200;
    for (size_t j = 0; j < plen; ++j)
      pattern.push_back(kPatternBytes[rng() % kPatternBytes.size()]);
    for (size_t j = 0; j < slen; ++j) str.push_back(rng() % 8 == 0 ? 'b' : 'a');
    EXPECT_LE(Steps(pattern, str), (slen + 1) * (plen + 1)) << pattern << " / " << str;
  }
}

TEST(GlobTest, PathologicalPatternsStayPolynomial) {
  // "*a*a*a*a*a*a*a*a*a*a*b" against 'a' x 1000: the backtracking matcher tries every way of
  // splitting the string among ten stars, about C(1000, 10) > 10^23 steps. No timing here: the
  // step count shows the work, and a regression would not finish.
  std::string pattern;
  for (int i = 0; i < 10; ++i) pattern += "*a";
  pattern += "*b";
  const std::string str(1000, 'a');
  uint64_t steps = 0;
  EXPECT_FALSE(GlobMatchCountingSteps(pattern, str, false, &steps));
  EXPECT_LE(steps, (str.size() + 1) * (pattern.size() + 1));
  steps = 0;
  EXPECT_TRUE(GlobMatchCountingSteps(pattern, str + "b", false, &steps));
  EXPECT_LE(steps, (str.size() + 2) * (pattern.size() + 1));

  // The same with 30 stars over 5000 bytes, and with '?' and classes between the stars.
  std::string wide;
  for (int i = 0; i < 30; ++i) wide += "a*";
  wide += "b";
  EXPECT_LE(Steps(wide, std::string(5000, 'a')), 5001u * (wide.size() + 1));
  std::string mixed;
  for (int i = 0; i < 20; ++i) mixed += "*?[a-c]";
  mixed += "*d";
  EXPECT_LE(Steps(mixed, std::string(3000, 'b')), 3001u * (mixed.size() + 1));
}

TEST(GlobTest, DeepPatternsCannotExhaustTheStack) {
  // Each '*' that is followed by more pattern costs one level of recursion; past 1000 levels the
  // match fails instead of recursing further. The boundary is redis-server's (checked with
  // HSCAN MATCH): 1001 "a*" still match 1001 'a's (the last star recurses no further), 1002 fail.
  auto stars = [](int n) {
    std::string p;
    for (int i = 0; i < n; ++i) p += "a*";
    return p;
  };
  EXPECT_TRUE(GlobMatch(stars(900), std::string(900, 'a')));
  EXPECT_TRUE(GlobMatch(stars(1001), std::string(1001, 'a')));
  EXPECT_FALSE(GlobMatch(stars(1002), std::string(1002, 'a')));

  // 200,000 stars: the recursion stops at 1000 levels and the work stays linear in the string.
  std::string deep = stars(200000);
  uint64_t steps = 0;
  EXPECT_FALSE(GlobMatchCountingSteps(deep, std::string(200000, 'a'), false, &steps));
  EXPECT_FALSE(GlobMatchCountingSteps(deep + "b", std::string(300000, 'a'), false, &steps));
  EXPECT_LE(steps, 10u * (200000 + 300000));
}

}  // namespace
}  // namespace hashkv
