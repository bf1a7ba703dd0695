// The writer's bytes in both protocol versions.
#include "protocol/resp_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

namespace hashkv {
namespace {

std::string Write(RespVersion v, const std::function<void(RespWriter&)>& fn) {
  std::string out;
  RespWriter w(out, v);
  fn(w);
  return out;
}

constexpr RespVersion k2 = RespVersion::kResp2;
constexpr RespVersion k3 = RespVersion::kResp3;

TEST(RespWriterTest, Scalars) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.SimpleString("OK"); }), "+OK\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(0); }), ":0\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(INT64_MIN); }), ":-9223372036854775808\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(INT64_MAX); }), ":9223372036854775807\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Bulk(""); }), "$0\r\n\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Bulk(std::string_view("a\0\r\nb", 5)); }),
            std::string("$5\r\na\0\r\nb\r\n", 11));
}

// One-digit headers take a shortcut; the numbers around it must read the same.
TEST(RespWriterTest, HeadersAroundOneDigit) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(-1); }), ":-1\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(1); }), ":1\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(9); }), ":9\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Integer(10); }), ":10\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Bulk("123456789"); }), "$9\r\n123456789\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Bulk("0123456789"); }), "$10\r\n0123456789\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.MapHeader(3); }), "%3\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.ArrayHeader(0); }), "*0\r\n");
}

TEST(RespWriterTest, ErrorLinesNeverBreakTheProtocol) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Error("ERR bad\r\nthing\n"); }),
            "-ERR bad  thing \r\n");
}

TEST(RespWriterTest, NullsDependOnVersion) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Null(); }), "$-1\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Null(); }), "_\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.NullArray(); }), "_\r\n");
}

TEST(RespWriterTest, AggregatesDependOnVersion) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.ArrayHeader(3); }), "*3\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.MapHeader(2); }), "*4\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.MapHeader(2); }), "%2\r\n");
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.SetHeader(2); }), "*2\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.SetHeader(2); }), "~2\r\n");
}

TEST(RespWriterTest, DoublesAsRedisFormatsThem) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Double(1.5); }), ",1.5\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Double(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Double(std::numeric_limits<double>::infinity()); }),
            ",inf\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Double(-std::numeric_limits<double>::infinity()); }),
            ",-inf\r\n");
}

TEST(RespWriterTest, VerbatimIsBulkInResp2) {
  EXPECT_EQ(Write(k2, [](RespWriter& w) { w.Verbatim("a:1\r\n"); }), "$5\r\na:1\r\n\r\n");
  EXPECT_EQ(Write(k3, [](RespWriter& w) { w.Verbatim("a:1\r\n"); }), "=9\r\ntxt:a:1\r\n\r\n");
}

TEST(RespWriterTest, AppendsToExistingBuffer) {
  std::string out = "+PONG\r\n";
  RespWriter w(out, k2);
  w.Integer(7);
  EXPECT_EQ(out, "+PONG\r\n:7\r\n");
}

}  // namespace
}  // namespace hashkv
