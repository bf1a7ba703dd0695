// Runs every tests/compat/scenarios/*.txt file against Redis and hashkv, one test per file.
#include "compat/scenario.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "compat/process.h"

namespace hashkv::compat {
namespace {

std::filesystem::path ScenarioDir() {
  if (const char* env = std::getenv("HASHKV_COMPAT_SCENARIOS"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(__FILE__).parent_path() / "scenarios";
}

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ScenarioDir(), ec)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back("");  // fails loudly below instead of running nothing
  return files;
}

class ScenarioTest : public CompatTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ScenarioTest, RepliesMatchRedis) {
  ASSERT_FALSE(GetParam().empty()) << "no scenario files in " << ScenarioDir();
  const std::string name = std::filesystem::path(GetParam()).filename().string();
  const std::string text = ReadFileOrEmpty(GetParam());
  ASSERT_FALSE(text.empty()) << "cannot read " << GetParam();
  std::vector<Step> steps;
  std::string error;
  ASSERT_TRUE(ParseScenario(text, name, &steps, &error)) << error;
  ASSERT_FALSE(steps.empty()) << name << " has no commands";
  Side redis_side(redis());
  Side hashkv_side(hashkv());
  RunResult result = RunSteps(steps, redis_side, hashkv_side);
  EXPECT_FALSE(result.aborted) << "stopped after " << result.steps_run << " of " << steps.size()
                               << " steps";
  EXPECT_EQ(result.mismatches, 0) << result.mismatches << " of " << result.steps_run
                                  << " replies differ in " << name;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = std::filesystem::path(info.param).stem().string();
  if (stem.empty()) return "none";
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return stem;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()), TestName);

}  // namespace
}  // namespace hashkv::compat
