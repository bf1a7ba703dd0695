// Slow loris: many clients each dribble one long request a byte at a time (one byte per 100 ms
// here; HASHKV_SLOWLORIS_INTERVAL_MS=1000 for Redis's classic one per second), and one client
// reads a large reply as slowly, while other clients must be answered with normal latency; and
// its opposite, a client that never lets its socket run dry.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "stress/stress_support.h"

namespace hashkv::stress {
namespace {

using compat::EncodeCommand;
using Clock = std::chrono::steady_clock;

class SlowLorisTest : public StressFixture {};

TEST_F(SlowLorisTest, ClientsSendingOneBytePerTickDoNotDelayOthers) {
  const int interval_ms = std::max(1, EnvInt("HASHKV_SLOWLORIS_INTERVAL_MS", 100));
  const int seconds = std::max(1, EnvInt("HASHKV_SLOWLORIS_SECONDS", 4));
  const int clients = std::max(1, EnvInt("HASHKV_SLOWLORIS_CLIENTS", 50));
  const int ticks = std::max(1, seconds * 1000 / interval_ms);
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "wide", 20000, &error)) << error;
  ASSERT_EQ(OneShot({"HSET", "normal", "f", "v"}), ":1\r\n");

  // One HSET per slow client, its value sized so the request takes `ticks` bytes in all.
  std::vector<std::string> requests;
  std::vector<std::string> values;
  for (int i = 0; i < clients; ++i) {
    const std::string key = "loris:" + std::to_string(i);
    std::string value = "x";
    std::string request = EncodeCommand({"HSET", key, "f", value});
    if (static_cast<int>(request.size()) < ticks) {
      size_t len = static_cast<size_t>(ticks) - request.size() + 1;
      // The length prefix grows with the value; shrink until the whole request fits exactly.
      do {
        value.assign(len, static_cast<char>('a' + i % 26));
        request = EncodeCommand({"HSET", key, "f", value});
      } while (request.size() > static_cast<size_t>(ticks) && --len > 0);
    }
    values.push_back(value);
    requests.push_back(request);
  }
  std::vector<int> fds;
  for (int i = 0; i < clients; ++i) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  // A slow reader too: a ~700 KB reply taken 64 bytes per tick.
  int reader = ConnectLoopback(port());
  ASSERT_GE(reader, 0);
  ASSERT_TRUE(SendAll(reader, EncodeCommand({"HGETALL", "wide"})));

  LatencyProbe ping(port(), 2);
  LatencyProbe hget(port(), 3, EncodeCommand({"HGET", "normal", "f"}), "$1\r\nv\r\n");
  ASSERT_TRUE(ping.Start(&error)) << error;
  ASSERT_TRUE(hget.Start(&error)) << error;
  const auto start = Clock::now();
  size_t longest = 0;
  for (const std::string& r : requests) longest = std::max(longest, r.size());
  int early = 0;
  std::string slow_read;
  for (size_t at = 0; at < longest; ++at) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(interval_ms) * (at + 1));
    for (int i = 0; i < clients; ++i) {
      const std::string& r = requests[static_cast<size_t>(i)];
      if (at < r.size()) {
        ASSERT_TRUE(SendAll(fds[static_cast<size_t>(i)], std::string_view(r).substr(at, 1)));
      }
      // Nothing may be answered before the request is complete.
      if (at + 1 < r.size()) {
        pollfd p{fds[static_cast<size_t>(i)], POLLIN, 0};
        if (poll(&p, 1, 0) > 0) ++early;
      }
    }
    bool closed = false;
    slow_read += ReadAtLeast(reader, 64, 0, &closed);
    ASSERT_FALSE(closed);
  }
  const double slow_s = std::chrono::duration<double>(Clock::now() - start).count();
  ping.Stop();
  hget.Stop();
  EXPECT_EQ(early, 0) << "replies before the requests were complete";
  EXPECT_EQ(slow_read.substr(0, 9), "*40000\r\n$");
  close(reader);

  for (int i = 0; i < clients; ++i) {
    bool closed = false;
    EXPECT_EQ(ReadAtLeast(fds[static_cast<size_t>(i)], 4, 2000, &closed), ":1\r\n")
        << "slow client " << i;
    close(fds[static_cast<size_t>(i)]);
  }
  compat::Connection check;
  ASSERT_TRUE(check.Connect(port(), &error)) << error;
  for (int i = 0; i < clients; ++i) {
    std::string raw;
    ASSERT_TRUE(check.Command({"HGET", "loris:" + std::to_string(i), "f"}, &raw, &error));
    const std::string& v = values[static_cast<size_t>(i)];
    EXPECT_EQ(raw, "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n");
  }
  check.Close();

  std::printf(
      "slow loris: %d clients, %zu-byte requests, one byte per %d ms (%.1f s); PING %s; "
      "HGET %s\n",
      clients, longest, interval_ms, slow_s, LatencySummary(ping.samples()).c_str(),
      LatencySummary(hget.samples()).c_str());
  RecordProperty("ping_p99_ms", std::to_string(Percentile(ping.samples(), 99)));
  EXPECT_EQ(ping.error(), "");
  EXPECT_EQ(hget.error(), "");
  ASSERT_GT(ping.samples().size(), 100u);
  ASSERT_GT(hget.samples().size(), 100u);
  EXPECT_LT(Percentile(ping.samples(), 99), kP99BoundMs) << LatencySummary(ping.samples());
  EXPECT_LT(Percentile(hget.samples(), 99), kP99BoundMs) << LatencySummary(hget.samples());
  ExpectHealthy("slow clients");
}

// A client that keeps its socket full (a long pipeline of HGETALLs, which the server is slower to
// answer than the client to send, with replies switched off so nothing slows the client down)
// must not hold the loop: others are answered between its reads, as Redis serves one read per
// client per event-loop turn.
TEST_F(SlowLorisTest, AClientStreamingAPipelineDoesNotHoldTheLoop) {
  const int seconds = std::max(1, EnvInt("HASHKV_FIREHOSE_SECONDS", 2));
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "h", 100, &error)) << error;
  const int hose = ConnectLoopback(port());
  ASSERT_GE(hose, 0);
  ASSERT_TRUE(SendAll(hose, EncodeCommand({"CLIENT", "REPLY", "OFF"})));
  std::string chunk;
  while (chunk.size() < 256 * 1024) chunk += EncodeCommand({"HGETALL", "h"});
  LatencyProbe ping(port(), 5);
  ASSERT_TRUE(ping.Start(&error)) << error;
  size_t sent = 0;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    ASSERT_TRUE(SendAll(hose, chunk));
    sent += chunk.size();
  }
  ping.Stop();
  close(hose);
  std::printf("fire hose: %.1f MB of HGETALLs in %d s; PING %s\n", static_cast<double>(sent) / 1e6,
              seconds, LatencySummary(ping.samples()).c_str());
  EXPECT_EQ(ping.error(), "");
  ASSERT_GT(ping.samples().size(), 20u);
  EXPECT_LT(Percentile(ping.samples(), 99), kP99BoundMs) << ping.Worst(5);
  ExpectHealthy("a streaming client");
}

}  // namespace
}  // namespace hashkv::stress
