// Commands with thousands of arguments and replies with thousands of elements, built in code
// because scenario lines cannot vary their argument count.
#include <string>
#include <vector>

#include "compat/scenario.h"

namespace hashkv::compat {
namespace {

constexpr int kFields = 5000;
constexpr int kKeys = 1000;

Step Make(std::string label, std::vector<std::string> args, Compare compare = Compare::kExact) {
  Step step;
  step.where = "large_test " + label;
  step.text = args[0] + " ... (" + std::to_string(args.size()) + " arguments)";
  step.args = std::move(args);
  step.compare = compare;
  return step;
}

class LargeCommandsTest : public CompatTest {};

TEST_F(LargeCommandsTest, ManyArgumentsAndElements) {
  std::vector<Step> steps;
  std::vector<std::string> hset = {"HSET", "big"};
  std::vector<std::string> hmget = {"HMGET", "big"};
  std::vector<std::string> hdel = {"HDEL", "big"};
  for (int i = 0; i < kFields; ++i) {
    hset.push_back("field:" + std::to_string(i));
    hset.push_back("value:" + std::to_string(i * 7));
    hmget.push_back("field:" + std::to_string(i * 2));  // half of them missing
    if (i % 2 == 0) hdel.push_back("field:" + std::to_string(i));
  }
  steps.push_back(Make("hset", hset));
  steps.push_back(Make("hset again", hset));
  steps.push_back(Make("hlen", {"HLEN", "big"}));
  steps.push_back(Make("hmget", hmget));
  steps.push_back(Make("hgetall", {"HGETALL", "big"}, Compare::kUnordered));
  steps.push_back(Make("hdel", hdel));
  steps.push_back(Make("hdel again", hdel));
  steps.push_back(Make("hkeys", {"HKEYS", "big"}, Compare::kUnordered));
  steps.push_back(Make("hscan", {"HSCAN", "big", "0", "COUNT", "100000"}, Compare::kUnordered));
  // A hash that stays a listpack with many fields in one command: exact order.
  std::vector<std::string> small = {"HMSET", "small"};
  for (int i = 0; i < 512; ++i) {
    small.push_back("f" + std::to_string(511 - i));
    small.push_back(std::to_string(i));
  }
  steps.push_back(Make("hmset 512", small));
  steps.push_back(Make("hgetall 512", {"HGETALL", "small"}));
  std::vector<std::string> exists = {"EXISTS"};
  std::vector<std::string> del = {"DEL"};
  for (int i = 0; i < kKeys; ++i) {
    steps.push_back(Make("hset key " + std::to_string(i),
                         {"HSET", "key:" + std::to_string(i), "f", std::to_string(i)}));
    exists.push_back("key:" + std::to_string(i % 1500));
    exists.push_back("key:" + std::to_string(i));
    if (i % 3 == 0) del.push_back("key:" + std::to_string(i));
  }
  steps.push_back(Make("dbsize", {"DBSIZE"}));
  steps.push_back(Make("exists", exists));
  steps.push_back(Make("keys", {"KEYS", "key:*"}, Compare::kUnordered));
  steps.push_back(Make("scan", {"SCAN", "0", "COUNT", "100000"}, Compare::kUnordered));
  steps.push_back(Make("del", del));
  steps.push_back(Make("unlink", {"UNLINK", "key:1", "key:2", "key:3", "key:1"}));
  steps.push_back(Make("dbsize after", {"DBSIZE"}));
  steps.push_back(Make("keys after", {"KEYS", "key:1*"}, Compare::kUnordered));
  Side redis_side(redis());
  Side hashkv_side(hashkv());
  RunResult result = RunSteps(steps, redis_side, hashkv_side, /*batch=*/50);
  EXPECT_FALSE(result.aborted);
  EXPECT_EQ(result.mismatches, 0);
}

}  // namespace
}  // namespace hashkv::compat
