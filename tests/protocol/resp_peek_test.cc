// Tests for the pipelined-request look-ahead: what it sees, where it stops, and that it agrees
// with the parser on every request it sees.
#include "protocol/resp_peek.h"

#include <gtest/gtest.h>

#include <array>
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

std::vector<PeekedRequest> Peek(std::string_view input, size_t room = 16) {
  std::vector<PeekedRequest> out(room);
  out.resize(PeekRequests(input, out));
  return out;
}

TEST(RespPeekTest, SeesKeyAndFieldOfEachRequestInOrder) {
  const std::string a = Request({"HSET", "h:1", "f:1", "v"});
  const std::string b = Request({"HGETALL", "h:2"});
  const std::string c = Request({"PING"});
  const std::string input = a + b + c;
  std::vector<PeekedRequest> seen = Peek(input);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].key, "h:1");
  EXPECT_EQ(seen[0].field, "f:1");
  EXPECT_EQ(seen[0].end, a.size());
  EXPECT_EQ(seen[1].key, "h:2");
  EXPECT_EQ(seen[1].field, "");
  EXPECT_EQ(seen[1].end, a.size() + b.size());
  EXPECT_EQ(seen[2].key, "");
  EXPECT_EQ(seen[2].field, "");
  EXPECT_EQ(seen[2].end, input.size());
  // Views into the input, not copies.
  EXPECT_EQ(seen[0].key.data(), input.data() + a.find("h:1"));
}

TEST(RespPeekTest, StopsWhereTheOutputIsFull) {
  std::string input;
  for (int i = 0; i < 5; ++i) input += Request({"HGET", "k" + std::to_string(i), "f"});
  std::vector<PeekedRequest> seen = Peek(input, 3);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].key, "k2");
  EXPECT_EQ(Peek(input, 0).size(), 0u);
}

TEST(RespPeekTest, StopsAtAnIncompleteRequest) {
  const std::string a = Request({"HGET", "k", "f"});
  const std::string b = Request({"HGET", "key2", "field2"});
  for (size_t cut = 0; cut < b.size(); ++cut) {
    const std::string input = a + b.substr(0, cut);  // outlives the views Peek returns
    std::vector<PeekedRequest> seen = Peek(input);
    ASSERT_EQ(seen.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(seen[0].key, "k");
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

TEST(RespPeekTest, StopsAtARequestWithTooManyArguments) {
  std::vector<std::string> args = {"HSET", "h"};
  while (args.size() < kMaxPeekArgs) args.push_back("x");
  const std::string most = Request(args);
  args.push_back("y");
  const std::string over = Request(args);
  EXPECT_EQ(Peek(most + most).size(), 2u);
  EXPECT_EQ(Peek(most + over + most).size(), 1u);
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
    const std::vector<std::string_view>& args = parser.args();
    EXPECT_EQ(request.key, args.size() > 1 ? args[1] : std::string_view());
    EXPECT_EQ(request.field, args.size() > 2 ? args[2] : std::string_view());
    offset += parser.consumed();
    EXPECT_EQ(request.end, offset);
  }
}

}  // namespace
}  // namespace hashkv
