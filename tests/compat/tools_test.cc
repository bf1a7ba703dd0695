// End to end with Redis's own tools against hashkv: redis-cli --pipe bulk loading and
// redis-benchmark runs must complete with every reply accounted for and no error.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compat/process.h"
#include "compat/scenario.h"

namespace hashkv::compat {
namespace {

constexpr int kPipeCommands = 1000000;
constexpr int kPipeKeys = 1000;

std::string Tool(const char* name) {
  std::string path = FindOnPath(name);
  if (path.empty()) {
    ADD_FAILURE() << name
                  << " was not found on PATH; it comes with Redis (Debian: apt-get install "
                     "redis-tools)";
  }
  return path;
}

std::string ReplyOf(const Endpoint& e, const std::vector<std::string>& args) {
  Connection conn;
  std::string reply;
  std::string error;
  if (!conn.Connect(e.port, &error) || !conn.Command(args, &reply, &error))
    return "error: " + error;
  return reply;
}

// Lines of tool output that report a problem. Progress lines are separated by '\r'.
std::string ErrorLines(const std::string& output) {
  std::string bad;
  std::string line;
  std::istringstream in(output);
  while (std::getline(in, line)) {
    for (size_t start = 0; start <= line.size();) {
      size_t end = line.find('\r', start);
      if (end == std::string::npos) end = line.size();
      std::string part = line.substr(start, end - start);
      for (const char* word : {"ERR", "Error", "error", "WARN", "Could not", "refused"}) {
        if (part.find(word) != std::string::npos && part.find("errors: 0,") == std::string::npos) {
          bad += part + "\n";
          break;
        }
      }
      start = end + 1;
    }
  }
  return bad;
}

class ToolsTest : public CompatTest {};

TEST_F(ToolsTest, RedisCliPipeLoadsOneMillionHsets) {
  const std::string cli = Tool("redis-cli");
  ASSERT_FALSE(cli.empty());
  const std::string dir = MakeTempDir("pipe");
  ASSERT_FALSE(dir.empty());
  const std::string input = dir + "/commands.resp";
  {
    std::ofstream out(input, std::ios::binary);
    std::string buf;
    for (int i = 0; i < kPipeCommands; ++i) {
      buf += EncodeCommand({"HSET", "key:" + std::to_string(i % kPipeKeys),
                            "f" + std::to_string(i / kPipeKeys), "v" + std::to_string(i)});
      if (buf.size() > (1 << 20)) {
        out << buf;
        buf.clear();
      }
    }
    out << buf;
    ASSERT_TRUE(out.good()) << "cannot write " << input;
  }
  ToolResult run =
      RunTool({cli, "-h", "127.0.0.1", "-p", std::to_string(hashkv().port), "--pipe"}, input, 120);
  RemoveTree(dir);
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_FALSE(run.timed_out) << "redis-cli --pipe did not finish within 120 s:\n" << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("errors: 0, replies: 1000000"), std::string::npos) << run.output;
  EXPECT_EQ(ReplyOf(hashkv(), {"DBSIZE"}), ":1000\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HLEN", "key:0"}), ":1000\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HLEN", "key:999"}), ":1000\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HGET", "key:7", "f5"}), "$5\r\nv5007\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HGET", "key:999", "f999"}), "$7\r\nv999999\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HSTRLEN", "key:0", "f0"}), ":2\r\n");
}

TEST_F(ToolsTest, RedisBenchmarkHset) {
  const std::string bench = Tool("redis-benchmark");
  ASSERT_FALSE(bench.empty());
  ToolResult run = RunTool({bench, "-h", "127.0.0.1", "-p", std::to_string(hashkv().port), "-t",
                            "hset", "-n", "100000", "-q"},
                           "", 120);
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ErrorLines(run.output), "") << run.output;
  EXPECT_NE(run.output.find("requests per second"), std::string::npos) << run.output;
  // The HSET test writes one field per random element into one hash.
  std::string hlen = ReplyOf(hashkv(), {"HLEN", "myhash"});
  EXPECT_TRUE(hlen.size() > 3 && hlen[0] == ':' && hlen != ":0\r\n") << hlen;
}

TEST_F(ToolsTest, RedisBenchmarkCustomHgetset) {
  if (hashkv().is_redis) GTEST_SKIP() << "the hashkv side is a Redis, which has no HGETSET";
  const std::string bench = Tool("redis-benchmark");
  ASSERT_FALSE(bench.empty());
  ToolResult run =
      RunTool({bench, "-h", "127.0.0.1", "-p", std::to_string(hashkv().port), "-n", "100000", "-r",
               "100000", "-q", "HGETSET", "key:__rand_int__", "f", "v"},
              "", 120);
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ErrorLines(run.output), "") << run.output;
  EXPECT_NE(run.output.find("requests per second"), std::string::npos) << run.output;
  std::string key = ReplyOf(hashkv(), {"RANDOMKEY"});
  ASSERT_TRUE(key.rfind("$16\r\nkey:", 0) == 0) << key;
  key = key.substr(5, 16);
  EXPECT_EQ(ReplyOf(hashkv(), {"HGET", key, "f"}), "$1\r\nv\r\n");
  EXPECT_EQ(ReplyOf(hashkv(), {"HGETSET", key, "f", "w"}), "$1\r\nv\r\n");
}

}  // namespace
}  // namespace hashkv::compat
