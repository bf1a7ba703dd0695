// Redis's number rules: what is an integer, a float or a cursor, and how floats print.
#include "commands/args.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hashkv {
namespace {

TEST(ParseInt64Test, AcceptsWhatString2llAccepts) {
  int64_t v = 1;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("-1", &v));
  EXPECT_EQ(v, -1);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(ParseInt64Test, RejectsWhatString2llRejects) {
  int64_t v = 0;
  for (const char* bad :
       {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1.0", "1e3", "0x10", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "123456789012345678901", "abc"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
  EXPECT_FALSE(ParseInt64(std::string_view("1\0", 2), &v));
}

TEST(ParseCursorTest, UnsignedWholeString) {
  uint64_t c = 0;
  EXPECT_TRUE(ParseCursor("0", &c));
  EXPECT_EQ(c, 0u);
  EXPECT_TRUE(ParseCursor("18446744073709551615", &c));
  EXPECT_EQ(c, UINT64_MAX);
  EXPECT_FALSE(ParseCursor("18446744073709551616", &c));
  EXPECT_FALSE(ParseCursor("abc", &c));
  EXPECT_FALSE(ParseCursor("1x", &c));
  EXPECT_FALSE(ParseCursor(" 1", &c));
  // strtoul's leniencies that Redis inherits: "" is 0, a sign is accepted.
  EXPECT_TRUE(ParseCursor("", &c));
  EXPECT_EQ(c, 0u);
  EXPECT_TRUE(ParseCursor("-1", &c));
  EXPECT_EQ(c, UINT64_MAX);
}

TEST(ParseLongDoubleTest, Rules) {
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble("1.5", &v));
  EXPECT_EQ(v, 1.5L);
  EXPECT_TRUE(ParseLongDouble("-3", &v));
  EXPECT_TRUE(ParseLongDouble("1e3", &v));
  EXPECT_EQ(v, 1000.0L);
  EXPECT_TRUE(ParseLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_FALSE(ParseLongDouble("nan", &v));
  EXPECT_FALSE(ParseLongDouble(" 1", &v));
  EXPECT_FALSE(ParseLongDouble("1 ", &v));
  EXPECT_FALSE(ParseLongDouble("", &v));
  EXPECT_FALSE(ParseLongDouble("1.5x", &v));
  EXPECT_FALSE(ParseLongDouble("1e999999", &v));
  // Redis compares the parsed length with the argument's, so a NUL inside is not a number.
  EXPECT_FALSE(ParseLongDouble(std::string_view("1\0", 2), &v));
  EXPECT_FALSE(ParseLongDouble(std::string_view("\0"
                                                "1",
                                                2),
                               &v));
  double d = 0;
  EXPECT_FALSE(ParseDouble(std::string_view("1.5\0", 4), &d));
}

TEST(FormatLongDoubleTest, MatchesRedisHumanFormat) {
  EXPECT_EQ(FormatLongDouble(10.5L), "10.5");
  EXPECT_EQ(FormatLongDouble(3.0L), "3");
  EXPECT_EQ(FormatLongDouble(0.0L), "0");
  EXPECT_EQ(FormatLongDouble(-0.0L), "0");
  EXPECT_EQ(FormatLongDouble(-2.25L), "-2.25");
  // The classic HINCRBYFLOAT example from Redis's documentation.
  EXPECT_EQ(FormatLongDouble(10.5L + 0.1L), "10.6");
  EXPECT_EQ(FormatLongDouble(5.0e3L), "5000");
}

TEST(EqualsIgnoreCaseTest, Basic) {
  EXPECT_TRUE(EqualsIgnoreCase("HgEt", "hget"));
  EXPECT_FALSE(EqualsIgnoreCase("hget", "hgetx"));
}

}  // namespace
}  // namespace hashkv
