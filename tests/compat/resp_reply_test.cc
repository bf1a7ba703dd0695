// The compat suite's own reply reader and comparison rules (no server needed).
#include "compat/resp_reply.h"

#include <gtest/gtest.h>

#include <string>

#include "compat/scenario.h"

namespace hashkv::compat {
namespace {

const char* const kReplies[] = {
    "+OK\r\n",
    "-ERR unknown command 'FOO', with args beginning with: \r\n",
    ":-42\r\n",
    "$0\r\n\r\n",
    "$-1\r\n",
    "$5\r\na\r\nbc\r\n",
    "*-1\r\n",
    "*0\r\n",
    "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$-1\r\n",
    "_\r\n",
    ",1.5\r\n",
    "#t\r\n",
    "(12345678901234567890\r\n",
    "!3\r\nERR\r\n",
    "=8\r\ntxt:abcd\r\n",
    "%1\r\n$1\r\nk\r\n*1\r\n:1\r\n",
    "~2\r\n:1\r\n:2\r\n",
    ">2\r\n$7\r\nmessage\r\n$1\r\nx\r\n",
    "|1\r\n+key\r\n+val\r\n:7\r\n",
};

TEST(ReplyReaderTest, CompleteOnlyAtTheLastByte) {
  for (const char* text : kReplies) {
    const std::string reply(text);
    for (size_t cut = 0; cut < reply.size(); ++cut) {
      size_t length = 0;
      std::string error;
      EXPECT_EQ(ParseReply(reply.substr(0, cut), &length, nullptr, &error),
                ParseStatus::kIncomplete)
          << Escape(reply) << " cut at " << cut;
    }
    size_t length = 0;
    Reply tree;
    std::string error;
    ASSERT_EQ(ParseReply(reply + "+next\r\n", &length, &tree, &error), ParseStatus::kComplete)
        << Escape(reply) << ": " << error;
    EXPECT_EQ(length, reply.size());
    EXPECT_EQ(tree.raw, reply);
  }
}

TEST(ReplyReaderTest, FeedsByteByByte) {
  std::string all;
  for (const char* text : kReplies) all += text;
  ReplyReader reader;
  std::vector<std::string> got;
  for (char c : all) {
    reader.Feed(std::string_view(&c, 1));
    std::string raw;
    std::string error;
    while (reader.Next(&raw, &error) == ParseStatus::kComplete) got.push_back(raw);
  }
  ASSERT_EQ(got.size(), std::size(kReplies));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], kReplies[i]);
}

TEST(ReplyReaderTest, TreeOfNestedReplies) {
  size_t length = 0;
  Reply tree;
  std::string error;
  ASSERT_EQ(ParseReply(kReplies[8], &length, &tree, &error), ParseStatus::kComplete);
  ASSERT_EQ(tree.type, '*');
  ASSERT_EQ(tree.elements.size(), 2u);
  EXPECT_EQ(tree.elements[0].value, "0");
  ASSERT_EQ(tree.elements[1].elements.size(), 4u);
  EXPECT_TRUE(tree.elements[1].elements[3].is_null);
  EXPECT_EQ(tree.elements[1].elements[2].raw, "$1\r\ng\r\n");
  ASSERT_EQ(ParseReply("|1\r\n+key\r\n+val\r\n:7\r\n", &length, &tree, &error),
            ParseStatus::kComplete);
  EXPECT_EQ(tree.type, ':');
  EXPECT_EQ(tree.value, "7");
  EXPECT_EQ(tree.attribute.size(), 2u);
}

TEST(ReplyReaderTest, RejectsMalformed) {
  for (const char* bad :
       {"?x\r\n", "$abc\r\n", "$2\r\nabcd\r\n", "*-2\r\n", "+OK\rx", "_x\r\n", "~-1\r\n"}) {
    size_t length = 0;
    std::string error;
    EXPECT_EQ(ParseReply(bad, &length, nullptr, &error), ParseStatus::kMalformed) << bad;
  }
}

TEST(ReplyCompareTest, UnorderedTreatsFlatPairsAsPairs) {
  Step step;
  step.compare = Compare::kUnordered;
  step.args = {"HGETALL", "k"};
  const std::string ab = "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
  const std::string ba = "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
  const std::string swapped = "*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n1\r\n";
  std::string why;
  EXPECT_TRUE(RepliesMatch(step, ab, ba, &why));
  EXPECT_FALSE(RepliesMatch(step, ab, swapped, &why));
  step.args = {"HKEYS", "k"};
  EXPECT_TRUE(RepliesMatch(step, ab, swapped, &why));
  step.compare = Compare::kExact;
  EXPECT_FALSE(RepliesMatch(step, ab, ba, &why));
}

TEST(ReplyCompareTest, UnorderedScanKeepsTheCursorExact) {
  Step step;
  step.compare = Compare::kUnordered;
  step.args = {"HSCAN", "k", "0"};
  const std::string a = "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
  const std::string b = "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
  const std::string c = "*2\r\n$1\r\n5\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
  std::string why;
  EXPECT_TRUE(RepliesMatch(step, a, b, &why));
  EXPECT_FALSE(RepliesMatch(step, a, c, &why));
  step.compare = Compare::kTypeOnly;
  EXPECT_TRUE(RepliesMatch(step, a, c, &why));
  EXPECT_FALSE(RepliesMatch(step, a, "-ERR x\r\n", &why));
}

TEST(ScenarioParseTest, MarkersDirectivesAndExpansion) {
  std::vector<Step> steps;
  std::string error;
  ASSERT_TRUE(
      ParseScenario("# comment\n\n  !unordered HGETALL \"a\\x00b\"\r\n"
                    "@loop 3 HSET h f{i} {ab*2}\n"
                    "!resp3 !ignore TIME\n"
                    "!closes !inline HSET k \"x\n",
                    "t.txt", &steps, &error))
      << error;
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[0].where, "t.txt:3");
  EXPECT_EQ(steps[0].compare, Compare::kUnordered);
  EXPECT_EQ(steps[0].args, (std::vector<std::string>{"HGETALL", std::string("a\0b", 3)}));
  EXPECT_EQ(steps[3].args, (std::vector<std::string>{"HSET", "h", "f2", "abab"}));
  EXPECT_TRUE(steps[4].resp3);
  EXPECT_EQ(steps[4].compare, Compare::kTypeOnly);
  EXPECT_TRUE(steps[5].closes);
  EXPECT_EQ(steps[5].inline_bytes, "HSET k \"x\r\n");
  EXPECT_FALSE(ParseScenario("!bogus PING\n", "t.txt", &steps, &error));
  EXPECT_FALSE(ParseScenario("HSET k \"x\n", "t.txt", &steps, &error));
  EXPECT_FALSE(ParseScenario("@loop 0 PING\n", "t.txt", &steps, &error));
}

TEST(ScenarioParseTest, ConnectionsCapturesAndSilentSteps) {
  std::vector<Step> steps;
  std::string error;
  ASSERT_TRUE(
      ParseScenario("!conn2 !ignore !set:c2 CLIENT ID\n"
                    "CLIENT KILL ID {$c2}\n"
                    "!conn2 @closed\n"
                    "!noreply CLIENT REPLY OFF\n"
                    "!resp3 !set:a=addr CLIENT INFO\n",
                    "t.txt", &steps, &error))
      << error;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].conn, 2);
  EXPECT_EQ(steps[0].capture, "c2");
  EXPECT_EQ(steps[0].compare, Compare::kTypeOnly);
  EXPECT_FALSE(steps[0].uses_vars);
  EXPECT_EQ(steps[1].conn, 1);
  EXPECT_TRUE(steps[1].uses_vars);
  EXPECT_TRUE(steps[2].expect_closed);
  EXPECT_EQ(steps[2].conn, 2);
  EXPECT_TRUE(steps[2].args.empty());
  EXPECT_TRUE(steps[3].no_reply);
  EXPECT_EQ(steps[4].capture, "a=addr");
  EXPECT_TRUE(steps[4].resp3);
  for (const char* bad : {"!conn0 PING\n", "!conn10 PING\n", "!noreply !closes QUIT\n",
                          "!set: PING\n", "!set:=x PING\n", "!set:a= PING\n", "@closed PING\n",
                          "!ignore @closed\n", "@requirepass pw\n"}) {
    steps.clear();
    EXPECT_FALSE(ParseScenario(bad, "t.txt", &steps, &error)) << bad;
  }
}

TEST(ScenarioParseTest, RequirepassComesFirst) {
  std::vector<Step> steps;
  std::string error;
  ScenarioOptions options;
  ASSERT_TRUE(ParseScenario("# auth\n@requirepass pw\nPING\n", "t.txt", &steps, &error, &options))
      << error;
  EXPECT_EQ(options.requirepass, "pw");
  EXPECT_EQ(steps.size(), 1u);
  steps.clear();
  EXPECT_FALSE(ParseScenario("PING\n@requirepass pw\n", "t.txt", &steps, &error, &options));
  steps.clear();
  EXPECT_FALSE(ParseScenario("@requirepass\n", "t.txt", &steps, &error, &options));
  steps.clear();
  EXPECT_FALSE(ParseScenario("!conn2 @requirepass pw\n", "t.txt", &steps, &error, &options));
}

TEST(ReplyCompareTest, HelloIdsAreIgnored) {
  const std::string map3 =
      "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$2\r\nid\r\n:17\r\n$5\r\nproto\r\n:3\r\n";
  const std::string map3_other_id =
      "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$2\r\nid\r\n:4\r\n$5\r\nproto\r\n:3\r\n";
  const std::string flat2 =
      "*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$2\r\nid\r\n:17\r\n$5\r\nproto\r\n:2\r\n";
  EXPECT_EQ(MaskHelloId(map3),
            "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$2\r\nid\r\n:0\r\n$5\r\nproto\r\n:3\r\n");
  EXPECT_EQ(MaskHelloId(flat2),
            "*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$2\r\nid\r\n:0\r\n$5\r\nproto\r\n:2\r\n");
  EXPECT_EQ(MaskHelloId("-NOAUTH x\r\n"), "-NOAUTH x\r\n");
  EXPECT_EQ(MaskHelloId("*-1\r\n"), "*-1\r\n");
  Step step;
  step.args = {"HELLO", "3"};
  std::string why;
  EXPECT_TRUE(RepliesMatch(step, map3, map3_other_id, &why));
  EXPECT_FALSE(RepliesMatch(step, map3, flat2, &why));
  step.args = {"ECHO", "x"};
  EXPECT_FALSE(RepliesMatch(step, map3, map3_other_id, &why));
}

TEST(ReplyCompareTest, TypeOnlyChecksTheVerbatimFormat) {
  Step step;
  step.compare = Compare::kTypeOnly;
  std::string why;
  EXPECT_TRUE(RepliesMatch(step, "=7\r\ntxt:abc\r\n", "=5\r\ntxt:x\r\n", &why));
  EXPECT_FALSE(RepliesMatch(step, "=7\r\ntxt:abc\r\n", "=7\r\nmkd:abc\r\n", &why));
  EXPECT_FALSE(RepliesMatch(step, "=7\r\ntxt:abc\r\n", "$3\r\nabc\r\n", &why));
}

TEST(ReplyCompareTest, UnorderedResp3PairsKeepTheirOrder) {
  Step step;
  step.compare = Compare::kUnordered;
  step.args = {"HRANDFIELD", "k", "2", "WITHVALUES"};
  const std::string ab = "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n";
  const std::string ba = "*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n";
  const std::string flipped = "*2\r\n*2\r\n$1\r\n1\r\n$1\r\na\r\n*2\r\n$1\r\n2\r\n$1\r\nb\r\n";
  std::string why;
  EXPECT_TRUE(RepliesMatch(step, ab, ba, &why));
  EXPECT_FALSE(RepliesMatch(step, ab, flipped, &why));
  step.args = {"CONFIG", "GET", "*"};
  const std::string map_ab = "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
  const std::string map_ba = "%2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
  EXPECT_TRUE(RepliesMatch(step, map_ab, map_ba, &why));
}

}  // namespace
}  // namespace hashkv::compat
