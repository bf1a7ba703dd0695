// Engine::Feed prefetches the keys of a pipeline's requests before running them (past the caches'
// size). These run one pipeline against data big enough for that, once in one Feed and once a
// request per Feed (where nothing is prefetched), and compare the replies byte for byte.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "commands/engine_support.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

constexpr int kBig = 30'000;  // enough for a 32K-slot index, where prefetching starts

std::string Request(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// The same pipeline both ways; returns the replies of the one-Feed run.
std::string FeedBothWays(void (*load)(EngineDriver&), const std::vector<std::string>& requests) {
  EngineDriver batched;
  EngineDriver one_by_one;
  load(batched);
  load(one_by_one);
  // Past the 1 ms TTLs the loaders set, in both engines alike.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string pipeline;
  for (const std::string& r : requests) pipeline += r;
  FeedResult result;
  const std::string replies = batched.Feed(pipeline, &result);
  EXPECT_EQ(result.consumed, pipeline.size());
  std::string expected;
  for (const std::string& r : requests) expected += one_by_one.Feed(r);
  EXPECT_EQ(replies, expected);
  return replies;
}

void ManyKeys(EngineDriver& d) {
  for (int i = 0; i < kBig; ++i) {
    d.Run({"HSET", "h:" + std::to_string(i), "f", "v" + std::to_string(i)});
  }
  d.Run({"HSET", "gone", "f", "v"});
  d.Run({"PEXPIRE", "gone", "1"});  // expired when the pipeline runs, not yet reaped
}

void OneBigHash(EngineDriver& d) {
  std::vector<std::string> args = {"HSET", "big"};
  for (int i = 0; i < kBig; ++i) {
    args.push_back("f:" + std::to_string(i));
    args.push_back(std::to_string(i));
  }
  d.Run(args);
}

TEST(FeedPrefetchTest, ManyKeysPipelineAnswersAsOneByOne) {
  std::vector<std::string> requests;
  for (int i = 0; i < 40; ++i) {
    const std::string key = "h:" + std::to_string(i * 701 % kBig);
    switch (i % 8) {
      case 0:
        requests.push_back(Request({"HGET", key, "f"}));
        break;
      case 1:
        requests.push_back(Request({"HSET", "new:" + std::to_string(i), "f", "x"}));
        break;
      case 2:
        requests.push_back(Request({"HGET", "new:" + std::to_string(i - 1), "f"}));
        break;
      case 3:
        requests.push_back(Request({"HGETSET", key, "f", "w"}));
        break;
      case 4:
        requests.push_back(Request({"DEL", key}));
        break;
      case 5:
        requests.push_back(Request({"HGETALL", key}));
        break;
      case 6:
        requests.push_back(Request({"HGET", "gone", "f"}));
        break;
      case 7:
        requests.push_back("HGET " + key + " f\r\n");
        break;  // inline
    }
  }
  // Another database, and a transaction, in the same pipeline.
  requests.push_back(Request({"SELECT", "1"}));
  requests.push_back(Request({"HGET", "h:1", "f"}));
  requests.push_back(Request({"HSET", "h:1", "f", "db1"}));
  requests.push_back(Request({"SELECT", "0"}));
  requests.push_back(Request({"MULTI"}));
  requests.push_back(Request({"HSET", "h:2", "f", "multi"}));
  requests.push_back(Request({"HGET", "h:2", "f"}));
  requests.push_back(Request({"EXEC"}));
  requests.push_back(Request({"HGET", "h:1", "f"}));
  const std::string replies = FeedBothWays(ManyKeys, requests);
  EXPECT_NE(replies.find("$2\r\nv0\r\n"), std::string::npos);  // the first HGET found h:0
  EXPECT_NE(replies.find("$5\r\nmulti\r\n"), std::string::npos);
}

TEST(FeedPrefetchTest, BigHashPipelineAnswersAsOneByOne) {
  std::vector<std::string> requests;
  for (int i = 0; i < 40; ++i) {
    const std::string field = "f:" + std::to_string(i * 977 % (kBig + 100));
    switch (i % 4) {
      case 0:
        requests.push_back(Request({"HGET", "big", field}));
        break;
      case 1:
        requests.push_back(Request({"HSET", "big", field, "x"}));
        break;
      case 2:
        requests.push_back(Request({"HGETSET", "big", field, "y"}));
        break;
      case 3:
        requests.push_back(Request({"HDEL", "big", field}));
        break;
    }
  }
  requests.push_back(Request({"HLEN", "big"}));
  const std::string replies = FeedBothWays(OneBigHash, requests);
  EXPECT_EQ(replies.substr(0, 5), "$1\r\n0");  // HGET big f:0
}

}  // namespace
}  // namespace hashkv
