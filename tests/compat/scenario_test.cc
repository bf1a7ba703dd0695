// Runs every tests/compat/scenarios/*.txt file against Redis and hashkv, one test per file, once
// over RESP2 connections and once over connections that sent HELLO 3 first (the RESP3 pass).
#include "compat/scenario.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "compat/process.h"

namespace hashkv::compat {
namespace {

struct ScenarioParam {
  std::string path;  // "" when there are no files: the test then fails instead of vanishing
  bool resp3 = false;
};

void PrintTo(const ScenarioParam& p, std::ostream* os) {
  *os << p.path << (p.resp3 ? " (RESP3)" : "");
}

std::filesystem::path ScenarioDir() {
  if (const char* env = std::getenv("HASHKV_COMPAT_SCENARIOS"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(__FILE__).parent_path() / "scenarios";
}

std::vector<ScenarioParam> ScenarioFiles(bool resp3) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ScenarioDir(), ec)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back("");
  std::vector<ScenarioParam> params;
  for (std::string& file : files) params.push_back({std::move(file), resp3});
  return params;
}

class ScenarioTest : public CompatTest, public ::testing::WithParamInterface<ScenarioParam> {};

TEST_P(ScenarioTest, RepliesMatchRedis) {
  const ScenarioParam& param = GetParam();
  ASSERT_FALSE(param.path.empty()) << "no scenario files in " << ScenarioDir();
  const std::string name = std::filesystem::path(param.path).filename().string();
  const std::string text = ReadFileOrEmpty(param.path);
  ASSERT_FALSE(text.empty()) << "cannot read " << param.path;
  std::vector<Step> steps;
  ScenarioOptions options;
  std::string error;
  ASSERT_TRUE(ParseScenario(text, name, &steps, &error, &options)) << error;
  ASSERT_FALSE(steps.empty()) << name << " has no commands";
  if (!options.requirepass.empty()) {
    ASSERT_TRUE(UsePasswordPair(options.requirepass));
  }
  Side redis_side(redis(), param.resp3);
  Side hashkv_side(hashkv(), param.resp3);
  RunResult result = RunSteps(steps, redis_side, hashkv_side);
  EXPECT_FALSE(result.aborted) << "stopped after " << result.steps_run << " of " << steps.size()
                               << " steps";
  EXPECT_EQ(result.mismatches, 0) << result.mismatches << " of " << result.steps_run
                                  << " replies differ in " << name
                                  << (param.resp3 ? " (RESP3 pass)" : "");
}

std::string TestName(const ::testing::TestParamInfo<ScenarioParam>& info) {
  std::string stem = std::filesystem::path(info.param.path).stem().string();
  if (stem.empty()) return "none";
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return stem;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles(false)),
                         TestName);
// The same files over RESP3: every connection sends HELLO 3 first (on a password server, again
// once AUTH succeeds).
INSTANTIATE_TEST_SUITE_P(Resp3, ScenarioTest, ::testing::ValuesIn(ScenarioFiles(true)), TestName);

}  // namespace
}  // namespace hashkv::compat
