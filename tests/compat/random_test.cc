// A long pseudo-random command sequence from a fixed seed over a small key and field space,
// mixing every deterministic hash and key command (errors included), compared reply by reply.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "compat/scenario.h"

namespace hashkv::compat {
namespace {

constexpr uint64_t kDefaultSeed = 20240521;
constexpr int kDefaultCount = 20000;
constexpr int64_t kFarFuture = 4102444800;  // 2100-01-01: absolute expiries stay deterministic

// splitmix64: the same sequence on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoll(v, nullptr, 10) : fallback;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Step Next() {
    Step step;
    std::vector<std::string>& a = step.args;
    const size_t op = rng_.Below(100);
    if (op < 12) {
      a = {"HSET", Key()};
      for (size_t n = 1 + rng_.Below(3); n > 0; --n) Pair(a);
    } else if (op < 15) {
      a = {"HSETNX", Key(), Field(), Value()};
    } else if (op < 17) {
      a = {"HMSET", Key()};
      for (size_t n = 1 + rng_.Below(2); n > 0; --n) Pair(a);
    } else if (op < 25) {
      a = {"HGET", Key(), Field()};
    } else if (op < 28) {
      a = {"HMGET", Key()};
      for (size_t n = 1 + rng_.Below(4); n > 0; --n) a.push_back(Field());
    } else if (op < 34) {
      a = {"HGETSET", Key(), Field(), Value()};
    } else if (op < 40) {
      a = {"HDEL", Key()};
      for (size_t n = 1 + rng_.Below(3); n > 0; --n) a.push_back(Field());
    } else if (op < 42) {
      a = {"HLEN", Key()};
    } else if (op < 44) {
      a = {"HSTRLEN", Key(), Field()};
    } else if (op < 46) {
      a = {"HEXISTS", Key(), Field()};
    } else if (op < 48) {
      static constexpr const char* kReads[] = {"HKEYS", "HVALS", "HGETALL"};
      a = {rng_.Pick(kReads), Key()};
    } else if (op < 53) {
      static constexpr const char* kIncrements[] = {"1",
                                                    "-1",
                                                    "5",
                                                    "100",
                                                    "-100",
                                                    "0",
                                                    "4611686018427387904",
                                                    "-4611686018427387904",
                                                    "9223372036854775807",
                                                    "-9223372036854775808",
                                                    "x",
                                                    "1.5"};
      a = {"HINCRBY", Key(), Field(), rng_.Pick(kIncrements)};
    } else if (op < 57) {
      static constexpr const char* kIncrements[] = {"0.1",     "-0.25", "1.5",   "1e3", "-2", "0",
                                                    "3.14159", "10",    "-1e-3", "abc", "inf"};
      a = {"HINCRBYFLOAT", Key(), Field(), rng_.Pick(kIncrements)};
    } else if (op < 59) {
      static constexpr const char* kCounts[] = {"0", "100", "-0"};
      a = {"HRANDFIELD", Key(), rng_.Pick(kCounts)};
      if (rng_.Below(2) == 0) a.push_back("WITHVALUES");
      step.compare = Compare::kUnordered;
    } else if (op < 61) {
      a = {"HSCAN", Key(), "0"};
      if (rng_.Below(2) == 0) a.insert(a.end(), {"MATCH", "f1*"});
      if (rng_.Below(2) == 0) a.insert(a.end(), {"COUNT", "3"});
    } else if (op < 63) {
      a = {rng_.Below(2) == 0 ? "DEL" : "UNLINK", Key()};
      if (rng_.Below(3) == 0) a.push_back(Key());
    } else if (op < 65) {
      a = {"EXISTS", Key()};
      for (size_t n = rng_.Below(3); n > 0; --n) a.push_back(Key());
    } else if (op < 66) {
      a = {"TYPE", Key()};
    } else if (op < 68) {
      a = {rng_.Below(2) == 0 ? "RENAME" : "RENAMENX", Key(), Key()};
    } else if (op < 72) {
      const bool ms = rng_.Below(3) == 0;
      int64_t when = kFarFuture + 100 * static_cast<int64_t>(rng_.Below(3));
      a = {ms ? "PEXPIREAT" : "EXPIREAT", Key(), std::to_string(ms ? when * 1000 + 7 : when)};
      static constexpr const char* kOptions[] = {"", "", "NX", "XX", "GT", "LT", "nx", "gt"};
      std::string option = rng_.Pick(kOptions);
      if (!option.empty()) a.push_back(option);
    } else if (op < 73) {
      // A time in the past deletes the key.
      static constexpr const char* kCommands[] = {"EXPIRE", "PEXPIRE", "EXPIREAT"};
      a = {rng_.Pick(kCommands), Key(), rng_.Below(2) == 0 ? "0" : "-1"};
    } else if (op < 75) {
      a = {"PERSIST", Key()};
    } else if (op < 78) {
      a = {rng_.Below(2) == 0 ? "EXPIRETIME" : "PEXPIRETIME", Key()};
    } else if (op < 79) {
      a = {rng_.Below(2) == 0 ? "TTL" : "PTTL", Key()};
      step.compare = Compare::kTypeOnly;  // counts down with the clock
    } else if (op < 81) {
      a = {"KEYS", rng_.Below(2) == 0 ? "*" : "k[0-2]"};
      step.compare = Compare::kUnordered;
    } else if (op < 82) {
      a = {"SCAN", "0", "COUNT", "1000"};
      step.compare = Compare::kUnordered;
    } else if (op < 84) {
      a = {"DBSIZE"};
    } else if (op < 85) {
      a = {"SELECT", rng_.Below(4) == 0 ? "1" : "0"};
    } else if (op < 86) {
      // Rare, so the key space fills up again in between.
      a = {rng_.Below(40) == 0 ? "FLUSHDB" : "PING"};
    } else if (op < 88) {
      static const std::vector<std::vector<std::string>> kBad = {
          {"HSET", "k0", "f0"},
          {"HGET", "k0"},
          {"HGETSET", "k0", "f0"},
          {"HDEL", "k0"},
          {"HINCRBY", "k0", "f0"},
          {"EXPIRE", "k0", "x"},
          {"EXPIREAT", "k0", "1", "XX", "NX"},
          {"HSCAN", "k0", "x"},
          {"HRANDFIELD", "k0", "x"},
          {"NOSUCH", "k0", "f0"},
          {"RENAME", "nosuch", "k0"},
          {"SELECT", "99"}};
      a = kBad[rng_.Below(kBad.size())];
    } else if (op < 94) {
      a = {"HGET", Key(), Field()};
    } else {
      a = {"HSET", Key(), Field(), Value()};
    }
    return step;
  }

 private:
  std::string Key() {
    static constexpr const char* kKeys[] = {"k0", "k1", "k2", "k3", "k4", "k5"};
    return rng_.Pick(kKeys);
  }
  std::string Field() {
    static constexpr const char* kFields[] = {"f0", "f1", "f2", "f3", "f10", "f11", "", "f\r\n"};
    return rng_.Pick(kFields);
  }
  std::string Value() {
    static constexpr const char* kValues[] = {"",
                                              "v",
                                              "0",
                                              "1",
                                              "-1",
                                              "10",
                                              "1.5",
                                              "abc",
                                              "9223372036854775807",
                                              "-9223372036854775808",
                                              "3.0e2",
                                              " 1",
                                              "x y",
                                              "007",
                                              "-0"};
    return rng_.Pick(kValues);
  }
  void Pair(std::vector<std::string>& a) {
    a.push_back(Field());
    a.push_back(Value());
  }

  Rng rng_;
};

class RandomSequenceTest : public CompatTest {
 protected:
  void Run(int count, bool resp3) {
    const uint64_t seed = static_cast<uint64_t>(EnvInt("HASHKV_COMPAT_SEED", kDefaultSeed));
    Generator gen(seed);
    std::vector<Step> steps;
    steps.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      Step step = gen.Next();
      step.resp3 = resp3;
      step.where = std::string(resp3 ? "RESP3 " : "") + "random seed " + std::to_string(seed) +
                   " #" + std::to_string(i);
      for (const std::string& arg : step.args) {
        if (!step.text.empty()) step.text += ' ';
        step.text += arg.empty() || arg.find_first_of(" \r\n") != std::string::npos
                         ? "\"" + arg + "\""
                         : arg;
      }
      steps.push_back(std::move(step));
    }
    Side redis_side(redis());
    Side hashkv_side(hashkv());
    RunResult result = RunSteps(steps, redis_side, hashkv_side, /*batch=*/100,
                                /*max_reported=*/10);
    EXPECT_FALSE(result.aborted) << "stopped after " << result.steps_run << " of " << count;
    EXPECT_EQ(result.mismatches, 0) << result.mismatches << " of " << result.steps_run
                                    << " replies differ (the first one is the cause; later "
                                       "ones may follow from it)";
  }
};

TEST_F(RandomSequenceTest, RepliesMatchRedisCommandByCommand) {
  Run(static_cast<int>(EnvInt("HASHKV_COMPAT_RANDOM_COUNT", kDefaultCount)), false);
}

// The same sequence over a connection that switched to RESP3 with HELLO 3.
TEST_F(RandomSequenceTest, Resp3RepliesMatchRedis) {
  Run(static_cast<int>(EnvInt("HASHKV_COMPAT_RANDOM_COUNT", kDefaultCount) / 4), true);
}

}  // namespace
}  // namespace hashkv::compat
