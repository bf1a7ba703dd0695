// FastHeader against a plain reading of its contract, over every short header line.
#include "protocol/resp_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace hashkv {
namespace {

// `type`, then 1 to 18 digits with no leading zero (or just "0"), then '\r' with a byte after it.
bool Reference(const std::string& s, char type, int64_t* value, size_t* cr) {
  if (s.size() < 4 || s[0] != type) return false;
  size_t i = 1;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t digits = i - 1;
  if (digits == 0 || digits > 18 || (digits > 1 && s[1] == '0')) return false;
  if (i + 1 >= s.size() || s[i] != '\r') return false;
  *value = std::stoll(s.substr(1, digits));
  *cr = i;
  return true;
}

TEST(RespHeaderTest, FastHeaderReadsShortLinesAsTheContractSays) {
  // Every line of up to 5 bytes after the type byte over bytes that matter here.
  const std::string alphabet = std::string("0159\r\n-+x") + '\0' + '\xb0';
  int checked = 0;
  for (size_t len = 0; len <= 5; ++len) {
    std::string s(1 + len, '$');
    size_t combos = 1;
    for (size_t i = 0; i < len; ++i) combos *= alphabet.size();
    for (size_t c = 0; c < combos; ++c) {
      size_t x = c;
      for (size_t i = 0; i < len; ++i) {
        s[1 + i] = alphabet[x % alphabet.size()];
        x /= alphabet.size();
      }
      int64_t want = -1;
      size_t want_cr = 0;
      int64_t got = -1;
      size_t got_cr = 0;
      const bool expected = Reference(s, '$', &want, &want_cr);
      ASSERT_EQ(FastHeader(s.data(), s.size(), 0, '$', &got, &got_cr), expected)
          << testing::PrintToString(s);
      if (expected) {
        EXPECT_EQ(got, want) << testing::PrintToString(s);
        EXPECT_EQ(got_cr, want_cr) << testing::PrintToString(s);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100000);
}

TEST(RespHeaderTest, FastHeaderReadsLongNumbersAndStopsAtEighteenDigits) {
  int64_t v = 0;
  size_t cr = 0;
  const std::string eighteen = "$123456789012345678\r\n";
  ASSERT_TRUE(FastHeader(eighteen.data(), eighteen.size(), 0, '$', &v, &cr));
  EXPECT_EQ(v, 123456789012345678);
  EXPECT_EQ(cr, 19u);
  const std::string nineteen = "$1234567890123456789\r\n";
  EXPECT_FALSE(FastHeader(nineteen.data(), nineteen.size(), 0, '$', &v, &cr));
  // At an offset, and a header of the other type.
  const std::string two = "xx*12\r\n";
  ASSERT_TRUE(FastHeader(two.data(), two.size(), 2, '*', &v, &cr));
  EXPECT_EQ(v, 12);
  EXPECT_EQ(cr, 5u);
  EXPECT_FALSE(FastHeader(two.data(), two.size(), 2, '$', &v, &cr));
}

}  // namespace
}  // namespace hashkv
