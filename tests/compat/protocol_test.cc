// Raw protocol bytes, malformed and odd, sent to both servers on fresh connections: the replies
// must match byte for byte, and a protocol error must close the connection on both.
#include <chrono>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "compat/scenario.h"

namespace hashkv::compat {
namespace {

struct ProtocolCase {
  const char* name;
  std::string bytes;
  int replies;                // replies to read and compare
  bool closes;                // both must close the connection after them
  bool byte_by_byte = false;  // write one byte at a time
  bool silent_after = false;  // nothing more may arrive within a short wait (incomplete input)
};

void PrintTo(const ProtocolCase& c, std::ostream* os) { *os << c.name; }

std::vector<ProtocolCase> Cases() {
  return {
      {"InvalidMultibulkLength", "*abc\r\n", 1, true},
      {"MultibulkLengthOverIntMax", "*2147483648\r\n", 1, true},
      {"MultibulkLengthWithPlus", "*+1\r\n$4\r\nPING\r\n", 1, true},
      {"MultibulkLengthEmpty", "*\r\n", 1, true},
      {"InvalidBulkLength", "*1\r\n$x\r\n", 1, true},
      {"NegativeBulkLength", "*1\r\n$-1\r\n", 1, true},
      {"BulkLengthOverProtoMaxBulkLen", "*1\r\n$536870913\r\n", 1, true},
      {"BulkLengthAtProtoMaxBulkLenIsAccepted", "*1\r\n$536870912\r\n", 0, false, false, true},
      {"ExpectedDollarGotF", "*1\r\nfoo\r\n", 1, true},
      {"ExpectedDollarGotColon", "*2\r\n$4\r\nECHO\r\n:1\r\n", 1, true},
      {"ExpectedDollarGotStar", "*1\r\n*1\r\n", 1, true},
      {"UnbalancedDoubleQuote", "HSET k f \"abc\r\n", 1, true},
      {"UnbalancedSingleQuote", "HSET k f 'abc\r\n", 1, true},
      {"ClosingQuoteNotFollowedBySpace", "HSET k f \"a\"b\r\n", 1, true},
      {"TooBigInlineRequest", std::string(70000, 'a'), 1, true},
      {"TooBigMultibulkCountString", "*" + std::string(70000, '1'), 1, true},
      {"TooBigBulkCountString", "*1\r\n$" + std::string(70000, '1'), 1, true},
      {"ErrorAfterPipelinedCommands", "PING\r\n*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n", 3, true},
      {"EmptyLinesAreSkipped", "\r\n\r\n\n*1\r\n$4\r\nPING\r\n", 1, false},
      {"EmptyMultibulkIsSkipped", "*0\r\n*-1\r\n*-5\r\nPING\r\n", 1, false},
      {"InlineWithBareLf", "HSET k f v\nHGET k f\n", 2, false},
      {"InlineQuoting", "HSET k \"a b\" 'c d'\r\nHGETALL k\r\n", 2, false},
      {"InlineUnknownCommand", "FOO \"a b\" c\r\n", 1, false},
      {"EmptyCommandName", "*1\r\n$0\r\n\r\n", 1, false},
      {"BulkTerminatorIsNotChecked", "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", 2, false},
      {"SplitByteByByte",
       "*3\r\n$4\r\nHSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n", 2, false, true},
      {"InlineSplitByteByByte", "ECHO \"x y\"\r\n", 1, false, true},
      {"IncompleteRequestGetsNoReply", "*2\r\n$4\r\nECHO\r\n$5\r\nab", 0, false, false, true},
      {"MultibulkLengthLeadingZero", "*01\r\n$4\r\nPING\r\n", 1, true},
      {"MultibulkLengthMinusZero", "*-0\r\n", 1, true},
      {"MultibulkLengthTrailingJunk", "*1x\r\n$4\r\nPING\r\n", 1, true},
      {"MultibulkLengthBareLf", "*1\n$4\r\nPING\r\n", 1, true},
      {"BulkLengthLeadingZero", "*1\r\n$04\r\nPING\r\n", 1, true},
      {"BulkLengthWithPlus", "*1\r\n$+4\r\nPING\r\n", 1, true},
      {"BulkLengthTrailingJunk", "*1\r\n$4x\r\nPING\r\n", 1, true},
      {"BulkLengthEmpty", "*1\r\n$\r\nPING\r\n", 1, true},
      {"InlineOnlySpaces", "   \t \r\nPING\r\n", 1, false},
      {"InlineCrInsideLine", "PI\rNG\r\n", 1, false},
      // Redis looks for the inline newline with strchr(): a NUL hides it, so no reply comes.
      {"InlineNulHidesTheNewline", std::string("HSET k f a\0b\r\nHGETALL k\r\n", 25), 0, false,
       false, true},
      {"InlineTabsSeparate", "HSET\tk\tf\tv\r\nHGET k f\r\n", 2, false},
      {"InlineAndMultibulkMixed", "PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\nECHO y\r\n", 3, false},
      {"NulInMultibulkCountLineWaits", std::string("*1\0\r\n$4\r\nPING\r\n", 15), 0, false, false,
       true},
  };
}

class ProtocolTest : public CompatTest, public ::testing::WithParamInterface<ProtocolCase> {};

struct Outcome {
  std::vector<std::string> replies;
  std::string failure;  // a reply that did not come
  bool closed = false;
  std::string after;  // bytes that came after the expected replies
};

Outcome Exchange(const Endpoint& endpoint, const ProtocolCase& c) {
  Outcome out;
  Connection conn;
  std::string error;
  if (!conn.Connect(endpoint.port, &error)) {
    out.failure = error;
    return out;
  }
  // A server may close while a long request is still being written; its reply is then read
  // anyway, so a failed write is not an error in itself.
  if (c.byte_by_byte) {
    for (char ch : c.bytes) {
      if (!conn.Write(std::string_view(&ch, 1), &error)) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  } else {
    conn.Write(c.bytes, &error);
  }
  for (int i = 0; i < c.replies; ++i) {
    std::string reply;
    if (!conn.ReadReply(&reply, &error, 5000)) {
      out.failure = "reply " + std::to_string(i + 1) + ": " + error;
      return out;
    }
    out.replies.push_back(reply);
  }
  out.closed = conn.WaitClosed(&out.after, c.closes ? 3000 : 200);
  return out;
}

TEST_P(ProtocolTest, SameRepliesAndClose) {
  const ProtocolCase& c = GetParam();
  Outcome redis_out = Exchange(redis(), c);
  Outcome hashkv_out = Exchange(hashkv(), c);
  ASSERT_EQ(redis_out.failure, "") << "redis did not behave as the case expects";
  ASSERT_EQ(hashkv_out.failure, "") << "hashkv";
  ASSERT_EQ(redis_out.replies.size(), hashkv_out.replies.size());
  for (size_t i = 0; i < redis_out.replies.size(); ++i) {
    EXPECT_EQ(Escape(redis_out.replies[i]), Escape(hashkv_out.replies[i]))
        << "reply " << i + 1 << " differs";
  }
  ASSERT_EQ(redis_out.closed, c.closes) << "redis: the case's expectation is wrong";
  EXPECT_EQ(hashkv_out.closed, c.closes)
      << (c.closes ? "hashkv kept the connection open after a protocol error"
                   : "hashkv closed the connection");
  EXPECT_EQ(Escape(redis_out.after), Escape(hashkv_out.after)) << "bytes after the replies";
  if (c.silent_after) {
    EXPECT_EQ(Escape(redis_out.after), "") << "redis";
  }
}

INSTANTIATE_TEST_SUITE_P(Raw, ProtocolTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ProtocolCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace hashkv::compat
