// GlobMatch against Redis 7.0.15's stringmatchlen; expectations were checked on a real
// redis-server with HSCAN ... MATCH.
#include "commands/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

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

TEST(GlobTest, PathologicalPatternsStayFast) {
  // Exponential without Redis's skipLongerMatches.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  std::string str(5000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, str));
  EXPECT_TRUE(GlobMatch(pattern, str + "b"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
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

  std::string deep = stars(200000);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(deep, std::string(200000, 'a')));
  EXPECT_FALSE(GlobMatch(deep + "b", std::string(300000, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace hashkv
