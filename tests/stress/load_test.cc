// Load: 5,000 concurrent loopback connections pipelining hash commands on their own keys, so
// every reply is known in advance and checked byte for byte, while another client's PING round
// trips must stay under 50 ms at p99. One epoll thread drives every connection.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "compat/connection.h"
#include "stress/stress_support.h"

namespace hashkv::stress {
namespace {

using compat::EncodeCommand;
using Clock = std::chrono::steady_clock;

constexpr int kFields = 16;

struct LoadConn {
  int fd = -1;
  int id = 0;
  std::string key;
  int rounds_sent = 0;
  std::string out;       // request bytes the socket has not taken yet
  std::string expected;  // the exact replies of the batch in flight
  size_t matched = 0;    // how much of `expected` has arrived
  bool in_flight = false;
  bool failed = false;
  bool final_sent = false;
};

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string Int(long long n) { return ":" + std::to_string(n) + "\r\n"; }

// Appends round `r` of connection `c`: four commands whose replies follow from r alone.
void AppendRound(LoadConn& c, int r) {
  const std::string field = "f" + std::to_string(r % kFields);
  const std::string value = "v" + std::to_string(r) + ":" + std::to_string(c.id);
  c.out += EncodeCommand({"HSET", c.key, field, value});
  c.out += EncodeCommand({"HINCRBY", c.key, "n", "1"});
  c.out += EncodeCommand({"HGET", c.key, field});
  c.out += EncodeCommand({"HLEN", c.key});
  c.expected += Int(r < kFields ? 1 : 0);
  c.expected += Int(r + 1);
  c.expected += Bulk(value);
  c.expected += Int(std::min(r + 1, kFields) + 1);
}

class LoadDriver {
 public:
  LoadDriver(int epfd, int depth) : epfd_(epfd), depth_(depth) {}

  // Sends what the socket takes of c.out; asks for EPOLLOUT while some is left.
  bool Flush(LoadConn& c) {
    while (!c.out.empty()) {
      ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return Fail(c, std::string("send: ") + std::strerror(errno));
        break;
      }
      c.out.erase(0, static_cast<size_t>(n));
    }
    epoll_event ev{};
    ev.events = c.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT;
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
    return true;
  }

  void SendBatch(LoadConn& c) {
    for (int i = 0; i < depth_; ++i) AppendRound(c, c.rounds_sent++);
    c.in_flight = true;
    ++in_flight_;
    ++batches_sent_;
    Flush(c);
  }

  void SendFinal(LoadConn& c) {
    // The counter tells how many rounds the server applied: exactly the ones sent.
    c.out += EncodeCommand({"HGET", c.key, "n"});
    c.expected += c.rounds_sent == 0 ? "$-1\r\n" : Bulk(std::to_string(c.rounds_sent));
    c.final_sent = true;
    c.in_flight = true;
    ++in_flight_;
    Flush(c);
  }

  // Reads what has arrived and checks it against the expected bytes; true when the batch in
  // flight is complete.
  bool Receive(LoadConn& c) {
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return false;
      if (n <= 0) {
        return Fail(c, n == 0 ? "connection closed by the server"
                              : std::string("recv: ") + std::strerror(errno));
      }
      std::string_view got(buf, static_cast<size_t>(n));
      std::string_view want = std::string_view(c.expected).substr(c.matched);
      if (got.size() > want.size() || want.compare(0, got.size(), got) != 0) {
        size_t at = 0;
        while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
        return Fail(c, "wrong reply bytes at offset " + std::to_string(c.matched + at) + ": got " +
                           compat::Escape(got.substr(at), 60) + " expected " +
                           compat::Escape(want.substr(at), 60));
      }
      c.matched += got.size();
      if (c.matched == c.expected.size()) {
        c.expected.clear();
        c.matched = 0;
        c.in_flight = false;
        --in_flight_;
        return true;
      }
    }
  }

  bool Fail(LoadConn& c, const std::string& why) {
    if (!c.failed) {
      ++failures_;
      if (errors_.size() < 5) errors_.push_back("connection " + std::to_string(c.id) + ": " + why);
      c.failed = true;
      if (c.in_flight) --in_flight_;
      c.in_flight = false;
      epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
    }
    return false;
  }

  int in_flight() const { return in_flight_; }
  long batches_sent() const { return batches_sent_; }
  int failures() const { return failures_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  int epfd_;
  int depth_;
  int in_flight_ = 0;
  long batches_sent_ = 0;
  int failures_ = 0;
  std::vector<std::string> errors_;
};

class LoadTest : public StressFixture {};

TEST_F(LoadTest, FiveThousandPipeliningConnectionsGetExactRepliesAndPingStaysFast) {
  const int connections = EnvInt("HASHKV_STRESS_CONNECTIONS", 5000);
  const int seconds = EnvInt("HASHKV_STRESS_LOAD_SECONDS", 8);
  // Rounds (4 commands each) per pipelined batch, and batches in flight at once across all
  // connections: enough to keep the server busy without queueing seconds of work ahead of the
  // PING probe on 2 shared cores.
  const int depth = std::max(1, EnvInt("HASHKV_STRESS_PIPELINE_ROUNDS", 4));
  const int window = std::max(1, EnvInt("HASHKV_STRESS_IN_FLIGHT", 100));
  // A paced load (0: as fast as the server answers) leaves both cores some idle time, so the
  // probe measures how the server shares its loop, not how the kernel shares the CPU.
  const int rate = EnvInt("HASHKV_STRESS_COMMANDS_PER_SEC", 150000);
  StartServer();

  std::vector<LoadConn> conns(static_cast<size_t>(connections));
  const auto connect_start = Clock::now();
  for (int i = 0; i < connections; ++i) {
    LoadConn& c = conns[static_cast<size_t>(i)];
    c.id = i;
    c.key = "load:" + std::to_string(i);
    c.fd = ConnectLoopback(port());
    ASSERT_GE(c.fd, 0) << "connection " << i << ": " << std::strerror(errno);
    SetNonBlocking(c.fd);
    // Connect in steps the 511-deep accept queue always holds, so no SYN is dropped and retried.
    if ((i + 1) % 256 == 0) {
      ASSERT_TRUE(WaitForClients(i + 2, 20000)) << ConnectedClients();
    }
  }
  ASSERT_TRUE(WaitForClients(connections + 1, 20000)) << ConnectedClients();
  const double connect_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - connect_start).count();

  int epfd = epoll_create1(EPOLL_CLOEXEC);
  ASSERT_GE(epfd, 0);
  for (LoadConn& c : conns) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ASSERT_EQ(epoll_ctl(epfd, EPOLL_CTL_ADD, c.fd, &ev), 0);
  }
  LoadDriver driver(epfd, depth);
  std::deque<LoadConn*> idle;
  for (LoadConn& c : conns) idle.push_back(&c);

  std::string error;
  LatencyProbe probe(port(), 2);
  ASSERT_TRUE(probe.Start(&error)) << error;
  const long rss_before = RssKb(pid());
  long rss_peak = rss_before;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  auto next_sample = start;
  std::vector<epoll_event> events(1024);
  bool stopping = false;
  const auto hard_stop = deadline + std::chrono::seconds(60);
  while (Clock::now() < hard_stop) {
    const auto now = Clock::now();
    if (!stopping && now >= deadline) stopping = true;
    if (!stopping) {
      const double allowed =
          rate == 0 ? 1e18
                    : std::chrono::duration<double>(now - start).count() * rate / (4.0 * depth);
      while (driver.in_flight() < window && !idle.empty() &&
             static_cast<double>(driver.batches_sent()) < allowed) {
        LoadConn* c = idle.front();
        idle.pop_front();
        if (!c->failed) driver.SendBatch(*c);
      }
    } else {
      // The load is over: every connection asks for its counter once, in the same window.
      while (driver.in_flight() < window && !idle.empty()) {
        LoadConn* c = idle.front();
        idle.pop_front();
        if (!c->failed && !c->final_sent) driver.SendFinal(*c);
      }
      if (driver.in_flight() == 0 && idle.empty()) break;
    }
    if (now >= next_sample) {
      rss_peak = std::max(rss_peak, RssKb(pid()));
      next_sample = now + std::chrono::milliseconds(250);
    }
    int n = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), 10);
    for (int i = 0; i < n; ++i) {
      LoadConn& c = *static_cast<LoadConn*>(events[static_cast<size_t>(i)].data.ptr);
      if (c.failed) continue;
      if (events[static_cast<size_t>(i)].events & EPOLLOUT) driver.Flush(c);
      if (events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (driver.Receive(c) && !c.final_sent) idle.push_back(&c);
      }
    }
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - start).count();
  probe.Stop();
  close(epfd);

  long rounds = 0;
  int never_served = 0;
  int unfinished = 0;
  for (LoadConn& c : conns) {
    rounds += c.rounds_sent;
    if (c.rounds_sent == 0) ++never_served;
    if (!c.failed && (!c.final_sent || c.in_flight)) ++unfinished;
    close(c.fd);
  }
  const std::vector<double>& ms = probe.samples();
  std::printf(
      "load: %d connections (connected in %.0f ms), %.1f s, %ld rounds = %ld commands (%.0f/s), "
      "pipeline %d rounds, %d batches in flight, pace %d/s; server RSS %ld -> peak %ld KiB; PING "
      "%s (slowest %s)\n",
      connections, connect_ms, load_s, rounds, rounds * 4, static_cast<double>(rounds) * 4 / load_s,
      depth, window, rate, rss_before, rss_peak, LatencySummary(ms).c_str(),
      probe.Worst(5).c_str());
  RecordProperty("ping_p50_ms", std::to_string(Percentile(ms, 50)));
  RecordProperty("ping_p99_ms", std::to_string(Percentile(ms, 99)));
  RecordProperty("commands", std::to_string(rounds * 4));

  EXPECT_EQ(driver.failures(), 0) << ::testing::PrintToString(driver.errors());
  EXPECT_EQ(unfinished, 0) << "connections whose replies did not all arrive";
  EXPECT_EQ(never_served, 0) << "connections that never got a turn";
  EXPECT_EQ(probe.error(), "");
  ASSERT_GT(ms.size(), 100u);
  EXPECT_LT(Percentile(ms, 99), kP99BoundMs) << LatencySummary(ms);
  std::string how;
  EXPECT_TRUE(Running(&how)) << how;
}

}  // namespace
}  // namespace hashkv::stress
