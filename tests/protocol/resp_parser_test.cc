// Tests for the incremental RESP request parser: Redis 7.0's framing, errors and inline quoting.
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv {
namespace {

using Result = RespParser::Result;
using Args = std::vector<std::string>;
using namespace std::string_literals;

// What a connection would see from one Parse() outcome that is not kNeedMore.
struct Event {
  Result result;
  Args args;          // kCommand
  size_t consumed;    // kCommand and kSkip
  std::string error;  // kError

  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << "{result=" << static_cast<int>(e.result) << " consumed=" << e.consumed << " args=[";
  for (const auto& a : e.args) os << '"' << a << "\" ";
  return os << "] error=\"" << e.error << "\"}";
}

Args ToArgs(const std::vector<std::string_view>& views) { return Args(views.begin(), views.end()); }

// Drives a parser the way the engine does: bytes arrive in chunks ending at `cuts`, every Parse()
// sees all unconsumed bytes, and consumed bytes are erased (so the buffer moves under the parser).
std::vector<Event> Drive(std::string_view input, const std::vector<size_t>& cuts,
                         RespLimits limits = {}) {
  RespParser parser(limits);
  std::vector<Event> events;
  std::string pending;
  size_t delivered = 0;
  auto deliver_to = [&](size_t end) {
    pending.append(input.substr(delivered, end - delivered));
    delivered = end;
    while (!pending.empty()) {
      const Result r = parser.Parse(pending);
      if (r == Result::kNeedMore) return true;
      if (r == Result::kError) {
        events.push_back({r, {}, 0, std::string(parser.error())});
        return false;
      }
      events.push_back(
          {r, r == Result::kCommand ? ToArgs(parser.args()) : Args{}, parser.consumed(), ""});
      pending.erase(0, parser.consumed());
    }
    return true;
  };
  for (size_t cut : cuts) {
    if (!deliver_to(cut)) return events;
  }
  deliver_to(input.size());
  return events;
}

std::vector<Event> DriveWhole(std::string_view input, RespLimits limits = {}) {
  return Drive(input, {}, limits);
}

// One Parse() of a fresh parser over `input`.
struct Once {
  Result result;
  Args args;
  size_t consumed;
  std::string error;
};

Once ParseOnce(std::string_view input, RespLimits limits = {}) {
  RespParser parser(limits);
  const Result r = parser.Parse(input);
  return {r, ToArgs(parser.args()), parser.consumed(), std::string(parser.error())};
}

std::string Multibulk(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Multibulk framing.

TEST(RespParserMultibulk, ParsesACommand) {
  const std::string in = "*3\r\n$4\r\nHSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
  RespParser parser;
  ASSERT_EQ(parser.Parse(in), Result::kCommand);
  EXPECT_EQ(ToArgs(parser.args()), (Args{"HSET", "k", "value"}));
  EXPECT_EQ(parser.consumed(), in.size());
  // Multibulk arguments are views into the caller's bytes, not copies.
  EXPECT_EQ(parser.args()[0].data(), in.data() + 8);
}

TEST(RespParserMultibulk, StopsAtTheEndOfTheFirstRequest) {
  const std::string first = "*1\r\n$4\r\nPING\r\n";
  const std::string in = first + "*1\r\n$4\r\nPI";
  const Once r = ParseOnce(in);
  EXPECT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args, (Args{"PING"}));
  EXPECT_EQ(r.consumed, first.size());
}

TEST(RespParserMultibulk, BulkIsBinarySafe) {
  const std::string value = "a\0b\r\nc\r"s;
  const Once r = ParseOnce(Multibulk({"SET", "k\0"s, value}));
  EXPECT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args, (Args{"SET", "k\0"s, value}));
}

TEST(RespParserMultibulk, EmptyBulk) {
  const Once r = ParseOnce("*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
  EXPECT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args, (Args{"GET", ""}));
}

TEST(RespParserMultibulk, TwoBytesAfterABulkAreSkippedUnchecked) {
  // Redis skips len+2 bytes without looking at the last two.
  const Once r = ParseOnce("*2\r\n$3\r\nGETXY$1\r\nkZZ");
  EXPECT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args, (Args{"GET", "k"}));
  EXPECT_EQ(r.consumed, 20u);
}

TEST(RespParserMultibulk, ByteAfterHeaderCarriageReturnIsSkippedUnchecked) {
  const Once r = ParseOnce("*1\rX$4\rYPING\r\n");
  EXPECT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args, (Args{"PING"}));
}

TEST(RespParserMultibulk, WaitsForTheByteAfterCarriageReturn) {
  EXPECT_EQ(ParseOnce("*1\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\n$4\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\n$4\r\nPING\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\n$4\r\nPING\r\n").result, Result::kCommand);
  // Even a wrong first byte is only reported once its line is complete.
  EXPECT_EQ(ParseOnce("*1\r\nX").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\nX\r").result, Result::kNeedMore);
}

TEST(RespParserMultibulk, ZeroOrNegativeCountIsSkipped) {
  for (const std::string in : {"*0\r\n", "*-1\r\n", "*-100\r\n"}) {
    const Once r = ParseOnce(in + "*1\r\n$4\r\nPING\r\n");
    EXPECT_EQ(r.result, Result::kSkip) << in;
    EXPECT_EQ(r.consumed, in.size()) << in;
    EXPECT_TRUE(r.args.empty());
  }
  EXPECT_EQ(DriveWhole("*0\r\n*1\r\n$4\r\nPING\r\n"),
            (std::vector<Event>{{Result::kSkip, {}, 4, ""}, {Result::kCommand, {"PING"}, 14, ""}}));
}

TEST(RespParserMultibulk, InvalidMultibulkLength) {
  for (const std::string count : {"", "abc", "+1", "01", "-0", " 1", "1 ", "-", "1x", "0x10",
                                  "2147483648", "99999999999999999999", "9223372036854775808",
                                  "-9223372036854775809", "000000000000000000001"}) {
    const Once r = ParseOnce("*" + count + "\r\n");
    EXPECT_EQ(r.result, Result::kError) << count;
    EXPECT_EQ(r.error, "Protocol error: invalid multibulk length") << count;
  }
}

TEST(RespParserMultibulk, CountUpToIntMaxIsAccepted) {
  // INT_MAX is allowed and costs nothing until arguments arrive.
  EXPECT_EQ(ParseOnce("*2147483647\r\n$4\r\nPING\r\n").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*-9223372036854775808\r\n").result, Result::kSkip);
}

TEST(RespParserMultibulk, MaxMultibulkLenIsConfigurable) {
  RespLimits limits;
  limits.max_multibulk_len = 2;
  EXPECT_EQ(ParseOnce(Multibulk({"GET", "k"}), limits).result, Result::kCommand);
  const Once r = ParseOnce(Multibulk({"DEL", "a", "b"}), limits);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: invalid multibulk length");
}

TEST(RespParserMultibulk, TooBigMbulkCountString) {
  // Redis errors only when more than 64KB are pending and no '\r' is among them.
  std::string in = "*" + std::string(64 * 1024 - 1, '1');
  EXPECT_EQ(ParseOnce(in).result, Result::kNeedMore);
  in += "1";
  const Once r = ParseOnce(in);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: too big mbulk count string");
  // With its '\r' in, the same line is merely an invalid length.
  EXPECT_EQ(ParseOnce(in + "\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce(in + "\r\n").error, "Protocol error: invalid multibulk length");
}

TEST(RespParserMultibulk, TooBigBulkCountString) {
  // The 64KB are counted from the start of the bulk header, not of the request.
  const std::string head = "*2\r\n$1\r\na\r\n";
  std::string in = head + "$" + std::string(64 * 1024 - 1, '1');
  EXPECT_EQ(ParseOnce(in).result, Result::kNeedMore);
  in += "1";
  const Once r = ParseOnce(in);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: too big bulk count string");
}

TEST(RespParserMultibulk, ExpectedDollar) {
  struct Case {
    std::string input;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'"},
           {"*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
           {"*1\r\nPING\r\n", "Protocol error: expected '$', got 'P'"},
           {"*1\r\n*1\r\n", "Protocol error: expected '$', got '*'"},
           {"*1\r\n\xff\r\n", "Protocol error: expected '$', got '\xff'"},
           // Redis's addReplyErrorFormat() turns CR and LF into spaces.
           {"*1\r\n\r\n", "Protocol error: expected '$', got ' '"},
           {"*1\r\n\n$4\r\n", "Protocol error: expected '$', got ' '"},
       }) {
    const Once r = ParseOnce(c.input);
    EXPECT_EQ(r.result, Result::kError) << c.input;
    EXPECT_EQ(r.error, c.error) << c.input;
  }
}

TEST(RespParserMultibulk, InvalidBulkLength) {
  for (const std::string len : {"", "-1", "-0", "abc", "+1", "01", " 1", "1 ", "-", "1.5",
                                "536870913", "99999999999999999999"}) {
    const Once r = ParseOnce("*1\r\n$" + len + "\r\n");
    EXPECT_EQ(r.result, Result::kError) << len;
    EXPECT_EQ(r.error, "Protocol error: invalid bulk length") << len;
  }
}

TEST(RespParserMultibulk, BulkLengthLimitIsConfigurable) {
  RespLimits limits;
  limits.proto_max_bulk_len = 10;
  EXPECT_EQ(ParseOnce(Multibulk({"SET", "k", std::string(10, 'v')}), limits).result,
            Result::kCommand);
  const Once r = ParseOnce(Multibulk({"SET", "k", std::string(11, 'v')}), limits);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: invalid bulk length");

  // set_limits() applies to the next header.
  RespParser parser;
  parser.set_limits(limits);
  EXPECT_EQ(parser.limits().proto_max_bulk_len, 10);
  EXPECT_EQ(parser.Parse("*1\r\n$11\r\n"), Result::kError);
}

TEST(RespParserMultibulk, HugeBulkHeaderThenStallNeedsMoreCheaply) {
  // A 512MB promise followed by nothing: no reply, no allocation sized by the header.
  RespParser parser;
  std::string in = "*2\r\n$536870912\r\n";
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(parser.Parse(in), Result::kNeedMore);
  in += std::string(1 << 20, 'x');
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(parser.Parse(in), Result::kNeedMore);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(parser.args().empty());
}

TEST(RespParserMultibulk, BulkOfExactlyTheLimitCompletes) {
  RespLimits limits;
  limits.proto_max_bulk_len = 1 << 20;
  const std::string value(1 << 20, 'v');
  const Once r = ParseOnce(Multibulk({"SET", "k", value}), limits);
  ASSERT_EQ(r.result, Result::kCommand);
  EXPECT_EQ(r.args[2], value);
}

// Redis finds line ends with strchr() on a NUL-terminated buffer, so a NUL before the end of a
// header or inline line hides the end: the request waits until it exceeds 64KB.
TEST(RespParserMultibulk, NulBeforeHeaderEndHidesIt) {
  std::string in = "*1\r\n$4\0\r\nPING\r\n"s;
  EXPECT_EQ(ParseOnce(in).result, Result::kNeedMore);
  in += std::string(64 * 1024, 'x');
  const Once r = ParseOnce(in);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: too big bulk count string");

  EXPECT_EQ(ParseOnce("*1\0\r\n$4\r\nPING\r\n"s).result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\0\r\n"s + std::string(64 * 1024, 'x')).error,
            "Protocol error: too big mbulk count string");
}

// ---------------------------------------------------------------------------------------------
// Inline requests.

TEST(RespParserInline, ParsesLinesWithOrWithoutCarriageReturn) {
  EXPECT_EQ(DriveWhole("PING\r\nhget k f\nECHO  a\t b \r\n"),
            (std::vector<Event>{{Result::kCommand, {"PING"}, 6, ""},
                                {Result::kCommand, {"hget", "k", "f"}, 9, ""},
                                {Result::kCommand, {"ECHO", "a", "b"}, 13, ""}}));
}

TEST(RespParserInline, OnlyOneCarriageReturnIsStripped) {
  // The remaining '\r' separates like a space, as in sdssplitargs().
  EXPECT_EQ(ParseOnce("GET k\r\r\n").args, (Args{"GET", "k"}));
  EXPECT_EQ(ParseOnce("a\rb\r\n").args, (Args{"a", "b"}));
  EXPECT_EQ(ParseOnce("GET \"k\r\"\r\n").args, (Args{"GET", "k\r"}));
}

TEST(RespParserInline, WaitsForNewline) {
  EXPECT_EQ(ParseOnce("PING").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("PING\r").result, Result::kNeedMore);
}

TEST(RespParserInline, EmptyLinesAreSkipped) {
  for (const std::string line : {"\r\n", "\n", "   \r\n", " \t \n", "\v\f\r\n"}) {
    const Once r = ParseOnce(line + "PING\r\n");
    EXPECT_EQ(r.result, Result::kSkip) << line;
    EXPECT_EQ(r.consumed, line.size()) << line;
    EXPECT_TRUE(r.args.empty());
  }
}

TEST(RespParserInline, DoubleQuotes) {
  EXPECT_EQ(ParseOnce("HSET k f \"a b\"\r\n").args, (Args{"HSET", "k", "f", "a b"}));
  EXPECT_EQ(ParseOnce("SET k \"\"\r\n").args, (Args{"SET", "k", ""}));
  EXPECT_EQ(ParseOnce("SET \"\" \"\"\n").args, (Args{"SET", "", ""}));
  EXPECT_EQ(ParseOnce("SET k \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n").args,
            (Args{"SET", "k", "\n\r\t\b\a\\\"q"}));
  EXPECT_EQ(ParseOnce("SET k \"\\x00\\x41\\xfF\"\r\n").args, (Args{"SET", "k", "\0A\xff"s}));
  // Not two hex digits: "\x" is just an escaped 'x'.
  EXPECT_EQ(ParseOnce("SET k \"\\x4g\\x\"\r\n").args, (Args{"SET", "k", "x4gx"}));
  // A quote may open in the middle of a token.
  EXPECT_EQ(ParseOnce("SET k a\"b c\"\r\n").args, (Args{"SET", "k", "ab c"}));
}

TEST(RespParserInline, SingleQuotes) {
  EXPECT_EQ(ParseOnce("SET k 'a b'\r\n").args, (Args{"SET", "k", "a b"}));
  EXPECT_EQ(ParseOnce("SET k 'it\\'s'\r\n").args, (Args{"SET", "k", "it's"}));
  // Only \' is an escape inside single quotes.
  EXPECT_EQ(ParseOnce("SET k '\\n\\x41\"'\r\n").args, (Args{"SET", "k", "\\n\\x41\""}));
  EXPECT_EQ(ParseOnce("SET k ''\r\n").args, (Args{"SET", "k", ""}));
}

TEST(RespParserInline, UnbalancedQuotes) {
  for (const std::string line :
       {"SET k \"abc\r\n", "SET k 'abc\r\n", "SET k \"a\"b\r\n", "SET k 'a'b\r\n",
        "SET k \"abc\\\"\r\n", "SET k \"abc\\\r\n", "SET \"\"\"\"\r\n", "'\n", "\"\n"}) {
    const Once r = ParseOnce(line);
    EXPECT_EQ(r.result, Result::kError) << line;
    EXPECT_EQ(r.error, "Protocol error: unbalanced quotes in request") << line;
  }
}

TEST(RespParserInline, ClosingQuoteFollowedByAnyWhitespaceIsFine) {
  EXPECT_EQ(ParseOnce("a \"b\"\tc\r\n").args, (Args{"a", "b", "c"}));
  EXPECT_EQ(ParseOnce("a \"b\"\vc\r\n").args, (Args{"a", "b", "c"}));
}

TEST(RespParserInline, OnlySpaceTabCrLfEndAnUnquotedToken) {
  // sdssplitargs() skips any isspace() between tokens but ends a token only on these.
  EXPECT_EQ(ParseOnce("a\vb \fc\r\n").args, (Args{"a\vb", "c"}));
}

TEST(RespParserInline, TooBigInlineRequest) {
  std::string in(64 * 1024, 'a');
  EXPECT_EQ(ParseOnce(in).result, Result::kNeedMore);
  in += "a";
  const Once r = ParseOnce(in);
  EXPECT_EQ(r.result, Result::kError);
  EXPECT_EQ(r.error, "Protocol error: too big inline request");
  // A long line whose newline is already in is accepted, as in Redis.
  const Once ok = ParseOnce("ECHO " + std::string(100 * 1024, 'a') + "\r\n");
  ASSERT_EQ(ok.result, Result::kCommand);
  EXPECT_EQ(ok.args[1].size(), 100u * 1024);
}

TEST(RespParserInline, NulBeforeNewlineHidesIt) {
  std::string in = "PING\0\r\n"s;
  EXPECT_EQ(ParseOnce(in).result, Result::kNeedMore);
  in += std::string(64 * 1024, 'x');
  EXPECT_EQ(ParseOnce(in).error, "Protocol error: too big inline request");
}

TEST(RespParserInline, ArgsAreOwnedByTheParser) {
  std::string in = "SET k v\r\n";
  RespParser parser;
  ASSERT_EQ(parser.Parse(in), Result::kCommand);
  in.assign(in.size(), 'z');
  EXPECT_EQ(ToArgs(parser.args()), (Args{"SET", "k", "v"}));
}

TEST(SplitInlineArgs, MirrorsSdssplitargs) {
  Args out;
  ASSERT_TRUE(SplitInlineArgs("  set  \"a\\x20b\" 'c d'  ", out));
  EXPECT_EQ(out, (Args{"set", "a b", "c d"}));
  ASSERT_TRUE(SplitInlineArgs("", out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(SplitInlineArgs("\"unterminated", out));
  EXPECT_FALSE(SplitInlineArgs("\"a\"b", out));
  // The line is a C string to Redis: a NUL ends it.
  ASSERT_TRUE(SplitInlineArgs("a b\0c d"s, out));
  EXPECT_EQ(out, (Args{"a", "b"}));
}

// ---------------------------------------------------------------------------------------------
// Pipelining, incremental input and state.

TEST(RespParser, PipelineOfMixedRequests) {
  const std::string in = Multibulk({"HSET", "k", "f", "v"}) + "*0\r\n" + "HGET k f\r\n" + "\r\n" +
                         "*-1\r\n" + Multibulk({"PING"}) + "PING\n";
  EXPECT_EQ(DriveWhole(in), (std::vector<Event>{
                                {Result::kCommand, {"HSET", "k", "f", "v"}, 35, ""},
                                {Result::kSkip, {}, 4, ""},
                                {Result::kCommand, {"HGET", "k", "f"}, 10, ""},
                                {Result::kSkip, {}, 2, ""},
                                {Result::kSkip, {}, 5, ""},
                                {Result::kCommand, {"PING"}, 14, ""},
                                {Result::kCommand, {"PING"}, 5, ""},
                            }));
}

TEST(RespParser, ErrorIsStickyUntilReset) {
  RespParser parser;
  ASSERT_EQ(parser.Parse("*x\r\n"), Result::kError);
  EXPECT_EQ(parser.Parse("PING\r\n"), Result::kError);
  EXPECT_EQ(parser.error(), "Protocol error: invalid multibulk length");
  parser.Reset();
  EXPECT_EQ(parser.Parse("PING\r\n"), Result::kCommand);
  EXPECT_EQ(ToArgs(parser.args()), (Args{"PING"}));
}

TEST(RespParser, ResetDropsProgress) {
  RespParser parser;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n"), Result::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n"), Result::kCommand);
  EXPECT_EQ(ToArgs(parser.args()), (Args{"PING"}));
}

TEST(RespParser, EmptyInputNeedsMore) {
  RespParser parser;
  EXPECT_EQ(parser.Parse(""), Result::kNeedMore);
  EXPECT_EQ(parser.Parse(std::string_view()), Result::kNeedMore);
}

TEST(RespParser, StorageIsReusedAcrossCommands) {
  // Once warmed up, a steady stream of commands does not reallocate the argument vector.
  const std::string in = Multibulk({"HSET", "key", "field", "value"});
  RespParser parser;
  ASSERT_EQ(parser.Parse(in), Result::kCommand);
  const std::string_view* first = parser.args().data();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(parser.Parse(in), Result::kCommand);
    ASSERT_EQ(parser.args().data(), first);
  }
}

// A pipeline exercising every kind of request, error-free.
std::string SamplePipeline() {
  return Multibulk({"HSET", "key", "field", "a\0b\r\nc"s}) + "*0\r\n" + "HGET key field\r\n" +
         "\r\n" + "  \n" + "SET k \"a b\\x00\\n\" 'it\\'s'\r\n" + "*-1\r\n" +
         Multibulk({"DEL", ""}) + "*1\r\n$4\r\nPINGxx" + "PING\n" + Multibulk({"X"});
}

TEST(RespParser, SplitAtEveryPositionMatchesWholeParse) {
  const std::string in = SamplePipeline();
  const std::vector<Event> whole = DriveWhole(in);
  ASSERT_EQ(whole.size(), 11u);
  for (size_t cut = 0; cut <= in.size(); ++cut) {
    ASSERT_EQ(Drive(in, {cut}), whole) << "cut at " << cut;
  }
  for (size_t a = 0; a <= in.size(); a += 3) {
    for (size_t b = a; b <= in.size(); b += 5) ASSERT_EQ(Drive(in, {a, b}), whole) << a << "," << b;
  }
}

TEST(RespParser, OneByteAtATimeMatchesWholeParse) {
  const std::string in = SamplePipeline();
  std::vector<size_t> cuts;
  for (size_t i = 1; i < in.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(Drive(in, cuts), DriveWhole(in));
}

TEST(RespParser, ErrorsAreTheSameWhateverTheSplit) {
  for (const std::string& in :
       {Multibulk({"PING"}) + "*1\r\n+OK\r\n", "PING\r\nSET k \"v\r\n"s, "*1\r\n$-5\r\n"s}) {
    const std::vector<Event> whole = DriveWhole(in);
    ASSERT_EQ(whole.back().result, Result::kError);
    for (size_t cut = 0; cut <= in.size(); ++cut) ASSERT_EQ(Drive(in, {cut}), whole) << cut;
  }
}

TEST(RespParser, RandomSplitsOfAGeneratedPipeline) {
  std::mt19937 rng(20240607);
  auto rand_below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto random_bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rand_below(256));
    return s;
  };
  std::string in;
  std::vector<Event> expected;
  for (int i = 0; i < 2000; ++i) {
    const size_t before = in.size();
    switch (rand_below(4)) {
      case 0:
      case 1: {
        Args args;
        const size_t argc = 1 + rand_below(6);
        for (size_t j = 0; j < argc; ++j) args.push_back(random_bytes(rand_below(40)));
        in += Multibulk(args);
        expected.push_back({Result::kCommand, args, in.size() - before, ""});
        break;
      }
      case 2: {
        Args args;
        const size_t argc = 1 + rand_below(4);
        for (size_t j = 0; j < argc; ++j) {
          std::string word(1 + rand_below(8), 'a');
          for (char& c : word) c = static_cast<char>('a' + rand_below(26));
          in += (j ? " " : "") + word;
          args.push_back(word);
        }
        in += rand_below(2) ? "\r\n" : "\n";
        expected.push_back({Result::kCommand, args, in.size() - before, ""});
        break;
      }
      default:
        in += rand_below(2) ? "*0\r\n" : "\r\n";
        expected.push_back({Result::kSkip, {}, in.size() - before, ""});
        break;
    }
  }
  ASSERT_EQ(DriveWhole(in), expected);
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> cuts;
    for (size_t at = rand_below(64); at < in.size(); at += 1 + rand_below(round % 2 ? 8 : 600)) {
      cuts.push_back(at);
    }
    ASSERT_EQ(Drive(in, cuts), expected) << "round " << round;
  }
}

TEST(RespParser, RandomGarbageGivesTheSameOutcomeWhateverTheSplit) {
  // Protocol-ish noise reaches every error path; below 64KB the outcome cannot depend on timing.
  std::vector<std::string> tokens = {"*",    "$",  "1",  "2",      "0",      "-",
                                     "\r\n", "\r", "\n", "a",      " ",      "\"",
                                     "'",    "\\", "x",  "*1\r\n", "$1\r\n", "*2\r\n$1\r\na\r\n"};
  tokens.push_back("\0"s);
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string in;
    const size_t count = 1 + rng() % 24;
    for (size_t j = 0; j < count; ++j) in += tokens[rng() % tokens.size()];
    const std::vector<Event> whole = DriveWhole(in);
    std::vector<size_t> every;
    for (size_t at = 1; at < in.size(); ++at) every.push_back(at);
    ASSERT_EQ(Drive(in, every), whole) << testing::PrintToString(in);
    const size_t cut = rng() % (in.size() + 1);
    ASSERT_EQ(Drive(in, {cut}), whole) << testing::PrintToString(in) << " cut at " << cut;
  }
}

// ---------------------------------------------------------------------------------------------
// Large requests stay linear.

// Feeds `in` as a growing prefix in `chunk`-byte steps without erasing, as a connection's buffer
// grows under one big request; returns the result of the last Parse().
Result FeedInChunks(RespParser& parser, std::string_view in, size_t chunk) {
  Result r = Result::kNeedMore;
  for (size_t end = std::min(chunk, in.size());; end = std::min(end + chunk, in.size())) {
    r = parser.Parse(in.substr(0, end));
    if (r != Result::kNeedMore || end == in.size()) return r;
  }
}

TEST(RespParserLarge, MillionArgumentsIn16KChunks) {
  constexpr size_t kArgs = 1000000;
  std::string in = "*" + std::to_string(kArgs) + "\r\n";
  for (size_t i = 0; i < kArgs; ++i) {
    const std::string arg = std::to_string(i);
    in += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  RespParser parser;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(FeedInChunks(parser, in, 16 * 1024), Result::kCommand);
  // Linear work is milliseconds; re-parsing from the start on each of the ~800 calls would not be.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(parser.consumed(), in.size());
  ASSERT_EQ(parser.args().size(), kArgs);
  for (size_t i = 0; i < kArgs; i += 9973) ASSERT_EQ(parser.args()[i], std::to_string(i));
  EXPECT_EQ(parser.args().back(), std::to_string(kArgs - 1));

  // The next request parses normally, and the big request's storage is not kept around.
  EXPECT_EQ(parser.Parse("PING\r\n"), Result::kCommand);
  EXPECT_EQ(ToArgs(parser.args()), (Args{"PING"}));
}

TEST(RespParserLarge, TwentyMegabyteBulkIn16KChunks) {
  const std::string value(20 << 20, 'v');
  const std::string in = Multibulk({"SET", "k", value});
  RespParser parser;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(FeedInChunks(parser, in, 16 * 1024), Result::kCommand);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[2].size(), value.size());
}

TEST(RespParserLarge, ManyArgumentsOneByteAtATime) {
  // ~1MB one byte per call: linear is a million cheap calls, quadratic would be ~10^12 steps.
  std::string in = "*100000\r\n";
  for (int i = 0; i < 100000; ++i) in += "$3\r\nabc\r\n";
  RespParser parser;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(FeedInChunks(parser, in, 1), Result::kCommand);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(parser.args().size(), 100000u);
}

TEST(RespParserLarge, LongHeaderLinesOneByteAtATime) {
  // A header line short of the 64KB limit, fed a byte at a time, is scanned once, not per call.
  RespParser parser;
  const std::string in = "*1\r\n$" + std::string(60 * 1024, '1');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(FeedInChunks(parser, in, 1), Result::kNeedMore);
  RespParser inline_parser;
  EXPECT_EQ(FeedInChunks(inline_parser, std::string(60 * 1024, 'a'), 1), Result::kNeedMore);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace hashkv
