// Tests for the pipelined-request look-ahead: what it sees, where it stops, and that it agrees
// with the parser on every request it sees.
#include "protocol/resp_peek.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace hashkv {
namespace {

std::string Request(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// The arguments' room outlives the views Peek returns.
std::vector<PeekedRequest> Peek(std::string_view input, size_t room = 16, size_t arg_room = 256) {
  static std::vector<std::string_view> args;
  args.assign(arg_room, {});
  std::vector<PeekedRequest> out(room);
  out.resize(PeekRequests(input, out, args));
  return out;
}

std::vector<std::string> Strings(std::span<const std::string_view> args) {
  return {args.begin(), args.end()};
}

TEST(RespPeekTest, SeesTheArgumentsOfEachRequestInOrder) {
  const std::string a = Request({"HSET", "h:1", "f:1", "value"});
  const std::string b = Request({"HGETALL", "h:2"});
  const std::string c = Request({"PING"});
  const std::string input = a + b + c;
  std::vector<PeekedRequest> seen = Peek(input);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(Strings(seen[0].args), (std::vector<std::string>{"HSET", "h:1", "f:1", "value"}));
  EXPECT_EQ(seen[0].key(), "h:1");
  EXPECT_EQ(seen[0].field(), "f:1");
  EXPECT_EQ(seen[0].longest, 5);
  EXPECT_EQ(seen[0].end, a.size());
  EXPECT_EQ(Strings(seen[1].args), (std::vector<std::string>{"HGETALL", "h:2"}));
  EXPECT_EQ(seen[1].key(), "h:2");
  EXPECT_EQ(seen[1].field(), "");
  EXPECT_EQ(seen[1].longest, 7);
  EXPECT_EQ(seen[1].end, a.size() + b.size());
  EXPECT_EQ(Strings(seen[2].args), (std::vector<std::string>{"PING"}));
  EXPECT_EQ(seen[2].key(), "");
  EXPECT_EQ(seen[2].field(), "");
  EXPECT_EQ(seen[2].end, input.size());
  // Views into the input, not copies.
  EXPECT_EQ(seen[0].key().data(), input.data() + a.find("h:1"));
}

TEST(RespPeekTest, StopsWhereTheOutputIsFull) {
  std::string input;
  for (int i = 0; i < 5; ++i) input += Request({"HGET", "k" + std::to_string(i), "f"});
  std::vector<PeekedRequest> seen = Peek(input, 3);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].key(), "k2");
  EXPECT_EQ(Peek(input, 0).size(), 0u);
}

TEST(RespPeekTest, StopsAtAnIncompleteRequest) {
  const std::string a = Request({"HGET", "k", "f"});
  const std::string b = Request({"HGET", "key2", "field2"});
  for (size_t cut = 0; cut < b.size(); ++cut) {
    const std::string input = a + b.substr(0, cut);  // outlives the views Peek returns
    std::vector<PeekedRequest> seen = Peek(input);
    ASSERT_EQ(seen.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(seen[0].key(), "k");
  }
  EXPECT_EQ(Peek(a + b).size(), 2u);
}

TEST(RespPeekTest, StopsAtWhatIsNotAPlainMultibulkRequest) {
  const std::string good = Request({"HGET", "k", "f"});
  for (std::string odd : {
           std::string("PING\r\n"),                      // inline
           std::string("*0\r\n"),                        // empty (the parser skips it)
           std::string("*-1\r\n"),                       // null
           std::string("*+1\r\n$4\r\nPING\r\n"),         // sign
           std::string("*01\r\n$4\r\nPING\r\n"),         // leading zero
           std::string("*1\r\n$04\r\nPING\r\n"),         // leading zero in a bulk length
           std::string("*1\r\n+PING\r\n"),               // not a bulk string
           std::string("*1\r\n$4 \r\nPING\r\n"),         // junk after the length
           std::string("*1\r\n$-1\r\n"),                 // null bulk
           std::string("*1\r\n$1\r\n") + '\0' + "\r\n",  // a NUL argument is still plain
       }) {
    const std::string input = good + odd + good;
    const size_t expected = odd.find('\0') != std::string::npos ? 3 : 1;
    EXPECT_EQ(Peek(input).size(), expected) << testing::PrintToString(odd);
  }
}

TEST(RespPeekTest, StopsAtARequestWhoseArgumentsDoNotFit) {
  const std::string four = Request({"HSET", "h", "f", "v"});
  const std::string three = Request({"HGET", "h", "f"});
  EXPECT_EQ(Peek(four + four, 16, 8).size(), 2u);
  EXPECT_EQ(Peek(four + four + three, 16, 10).size(), 2u);
  EXPECT_EQ(Peek(four + three + four, 16, 10).size(), 2u);
  EXPECT_EQ(Peek(four + three + four, 16, 11).size(), 3u);
  EXPECT_EQ(Peek(four, 16, 3).size(), 0u);
}

TEST(RespPeekTest, AgreesWithTheParserOnEveryRequestItSees) {
  std::string input;
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> args = {"HSET", "key:" + std::to_string(i)};
    for (int j = 0; j < i % 4; ++j) args.push_back(std::string(static_cast<size_t>(i * 7), 'v'));
    input += Request(args);
  }
  std::vector<PeekedRequest> seen = Peek(input, 32);
  ASSERT_EQ(seen.size(), 20u);
  RespParser parser;
  size_t offset = 0;
  for (const PeekedRequest& request : seen) {
    ASSERT_EQ(parser.Parse(std::string_view(input).substr(offset)), RespParser::Result::kCommand);
    EXPECT_EQ(Strings(request.args), Strings(parser.args()));
    int64_t longest = 0;
    for (std::string_view a : parser.args()) longest = std::max(longest, int64_t(a.size()));
    EXPECT_EQ(request.longest, longest);
    offset += parser.consumed();
    EXPECT_EQ(request.end, offset);
    // Between requests, the parser takes each as it is.
    EXPECT_TRUE(parser.TakesPlain(request.args.size(), request.longest));
  }
}

TEST(RespPeekTest, TheParserTakesAPeekedRequestOnlyWithinItsLimitsAndBetweenRequests) {
  const std::string input = Request({"HSET", "h", "f", std::string(100, 'v')});
  std::vector<PeekedRequest> seen = Peek(input);
  ASSERT_EQ(seen.size(), 1u);
  const PeekedRequest& r = seen[0];
  // Where TakesPlain says no, Parse() refuses the request too: the caller falls back to it.
  auto parses = [&](const RespLimits& limits) {
    RespParser parser(limits);
    const bool takes = parser.TakesPlain(r.args.size(), r.longest);
    EXPECT_EQ(takes, parser.Parse(input) == RespParser::Result::kCommand);
    return takes;
  };
  EXPECT_TRUE(parses(RespLimits{}));
  RespLimits limits;
  limits.proto_max_bulk_len = 100;
  EXPECT_TRUE(parses(limits));
  limits.proto_max_bulk_len = 99;
  EXPECT_FALSE(parses(limits));
  limits = {};
  limits.max_multibulk_len = 3;
  EXPECT_FALSE(parses(limits));
  limits = {};
  limits.unauthenticated = true;
  EXPECT_TRUE(parses(limits));
  const std::string eleven = Request({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e"});
  RespParser guarded(limits);
  EXPECT_FALSE(guarded.TakesPlain(11, 4));
  EXPECT_TRUE(guarded.TakesPlain(10, kUnauthenticatedMaxBulkLen));
  EXPECT_FALSE(guarded.TakesPlain(10, kUnauthenticatedMaxBulkLen + 1));
  EXPECT_EQ(guarded.Parse(eleven), RespParser::Result::kError);
  // Mid-request the parser has progress of its own: Parse() must go on with it.
  RespParser parser;
  ASSERT_EQ(parser.Parse(std::string_view(input).substr(0, 10)), RespParser::Result::kNeedMore);
  EXPECT_FALSE(parser.TakesPlain(r.args.size(), r.longest));
  ASSERT_EQ(parser.Parse(input), RespParser::Result::kCommand);
  EXPECT_TRUE(parser.TakesPlain(r.args.size(), r.longest));
}

}  // namespace
}  // namespace hashkv
