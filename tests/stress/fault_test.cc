// Faults against the real hashkv-server over loopback: clients vanishing mid-request, mid-reply
// and with a large reply unread, half-closed sockets, peers that reset (SIGPIPE) and SIGTERM with
// thousands of clients connected. After each fault the server must serve others, hold no
// connection open and not grow: a repeated fault costs no more memory the second time round.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "compat/process.h"
#include "stress/stress_support.h"

namespace hashkv::stress {
namespace {

using compat::EncodeCommand;
using Clock = std::chrono::steady_clock;

constexpr long kMiB = 1024;  // RssKb() units per MiB

class FaultTest : public StressFixture {
 protected:
  // Runs `fault` `rounds` times, twice over, and checks the second batch left the server's RSS
  // no more than `slack_mib` above the first: a leak proportional to the faults shows up as the
  // second batch's growth, while allocator caching that the first batch warmed does not.
  void ExpectNoGrowth(const char* what, int rounds, long slack_mib,
                      const std::function<void(int)>& fault) {
    long rss[2] = {0, 0};
    for (int batch = 0; batch < 2; ++batch) {
      for (int i = 0; i < rounds; ++i) {
        fault(batch * rounds + i);
        if (HasFatalFailure()) return;
      }
      ASSERT_NO_FATAL_FAILURE(ExpectHealthy(what));
      rss[batch] = RssKb(pid());
    }
    std::printf("%s: server RSS after %d faults %ld KiB, after %d more %ld KiB\n", what, rounds,
                rss[0], rounds, rss[1]);
    RecordProperty(std::string(what) + "_rss_kib", std::to_string(rss[1]));
    if (kSanitized) return;
    EXPECT_LE(rss[1], rss[0] + slack_mib * kMiB)
        << what << ": RSS grew from " << rss[0] << " KiB to " << rss[1] << " KiB";
  }

  // A connection that has written `bytes` and then goes away with FIN or, on odd rounds, RST.
  void SendAndVanish(std::string_view bytes, bool reset) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    SetNonBlocking(fd);
    // Whatever the socket takes: a peer that stops reading must not hold this test up.
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    (void)n;
    if (reset) {
      CloseWithReset(fd);
    } else {
      close(fd);
    }
  }
};

TEST_F(FaultTest, ClientClosingMidRequestRunsNothingAndLeaksNothing) {
  StartServer();
  const std::string big(512 * 1024, 'x');
  const std::vector<std::string> partial = {
      "*3\r",                                                   // inside the multibulk header
      "*3\r\n$4\r\nHSET\r\n$4\r\nhalf\r\n",                     // between arguments
      "*4\r\n$4\r\nHSET\r\n$4\r\nhalf\r\n$1\r\nf\r\n$5\r\nva",  // inside an argument
      "*4\r\n$4\r\nHSET\r\n$4\r\nhalf\r\n$1\r\nf\r\n$1048576\r\n" + big,  // half of a 1 MiB value
      // Announces 1 GB and sends 64 KiB: nothing may be sized by the announced length.
      "*4\r\n$4\r\nHSET\r\n$4\r\nhalf\r\n$1\r\nf\r\n$1000000000\r\n" + std::string(65536, 'y'),
      "HSET half f v",  // an inline command without its newline
      "*2\r\n$4\r\nPING\r\n$3\r\nabc\r\n*3\r\n$4\r\nHSET\r\n",  // one whole command, then half
  };
  ExpectNoGrowth("mid-request", 40, 8, [&](int round) {
    for (const std::string& bytes : partial) SendAndVanish(bytes, round % 2 == 1);
  });
  EXPECT_EQ(OneShot({"EXISTS", "half"}), ":0\r\n");
}

TEST_F(FaultTest, ClientClosingMidReplyOfA200kFieldHash) {
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "big", 200000, &error)) << error;
  const std::string request = EncodeCommand({"HGETALL", "big"});
  ExpectNoGrowth("mid-reply", 10, 16, [&](int round) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, request));
    bool closed = false;
    std::string head = ReadAtLeast(fd, 4096, 10000, &closed);
    ASSERT_EQ(head.substr(0, 15), "*400000\r\n$7\r\nfi") << compat::Escape(head, 80);
    if (round % 2 == 1) {
      CloseWithReset(fd);
    } else {
      close(fd);
    }
  });
  EXPECT_EQ(OneShot({"HLEN", "big"}), ":200000\r\n");
}

TEST_F(FaultTest, ClientClosingMidPipelineOf10kRepliesResetOrNot) {
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "h", 100, &error)) << error;
  std::string pipeline;
  for (int i = 0; i < 10000; ++i) pipeline += EncodeCommand({"HGETALL", "h"});
  ExpectNoGrowth("mid-pipeline", 6, 16, [&](int round) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    SetNonBlocking(fd);
    size_t sent = 0;
    std::string got;
    bool closed = false;
    // Read 64 KiB of replies while sending what the socket takes, then vanish mid-stream.
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (got.size() < 65536 && Clock::now() < deadline) {
      if (sent < pipeline.size()) {
        ssize_t n = send(fd, pipeline.data() + sent, pipeline.size() - sent, MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<size_t>(n);
      }
      got += ReadAtLeast(fd, 65536 - got.size(), 10, &closed);
      ASSERT_FALSE(closed);
    }
    ASSERT_GE(got.size(), 65536u);
    ASSERT_EQ(got.substr(0, 5), "*200\r");
    if (round % 2 == 1) {
      CloseWithReset(fd);
    } else {
      close(fd);
    }
  });
}

TEST_F(FaultTest, LargeUnreadReplyIsHeldBackWithoutStallingOthers) {
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "h", 100, &error)) << error;
  std::string pipeline;
  // 100,000 HGETALLs: 2.4 MB of requests (the kernel's socket buffers take them all) and about
  // 250 MB of replies if the server kept answering a client that never reads, instead of
  // pausing its reads once a few MB are pending.
  for (int i = 0; i < 100000; ++i) pipeline += EncodeCommand({"HGETALL", "h"});
  ASSERT_TRUE(WaitForClients(1));
  const long before = RssKb(pid());
  LatencyProbe probe(port(), 2);
  ASSERT_TRUE(probe.Start(&error)) << error;
  int fd = ConnectLoopback(port());
  ASSERT_GE(fd, 0);
  SetNonBlocking(fd);
  size_t sent = 0;
  long peak = before;
  const auto until = Clock::now() + std::chrono::milliseconds(1500);
  while (Clock::now() < until) {
    if (sent < pipeline.size()) {
      ssize_t n = send(fd, pipeline.data() + sent, pipeline.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
    }
    peak = std::max(peak, RssKb(pid()));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  probe.Stop();
  close(fd);  // unread replies: the kernel resets the connection
  std::printf(
      "unread large reply: sent %zu of %zu request bytes, RSS %ld -> peak %ld KiB; "
      "PING %s\n",
      sent, pipeline.size(), before, peak, LatencySummary(probe.samples()).c_str());
  EXPECT_EQ(probe.error(), "");
  EXPECT_GT(sent, 100000u);
  EXPECT_LT(peak - before, (kSanitized ? 160 : 64) * kMiB) << "pending replies grew without bound";
  ASSERT_GT(probe.samples().size(), 50u);
  EXPECT_LT(Percentile(probe.samples(), 99), kP99BoundMs) << LatencySummary(probe.samples());
  ExpectHealthy("a large unread reply");
}

// What the client reads after writing `request` and shutting down its sending side.
std::string HalfCloseExchange(int port, const std::string& request, bool* closed) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return "<connect failed>";
  SendAll(fd, request);
  shutdown(fd, SHUT_WR);
  std::string got = ReadUntilClosed(fd, 10000, closed);
  close(fd);
  return got;
}

TEST_F(FaultTest, HalfClosedClientGetsPendingRepliesThenEofAsRedisDoes) {
  StartServer();
  std::string request;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string f = "f" + std::to_string(i);
    request += EncodeCommand({"HSET", "half-closed", f, std::to_string(i)});
    request += EncodeCommand({"HGET", "half-closed", f});
    request += EncodeCommand({"PING"});
    expected += ":1\r\n$" + std::to_string(std::to_string(i).size()) + "\r\n" + std::to_string(i) +
                "\r\n+PONG\r\n";
  }
  request += EncodeCommand({"DEL", "half-closed"});
  expected += ":1\r\n";
  // A trailing partial command is dropped, as Redis drops it.
  const std::string partial = "PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nab";

  bool closed = false;
  EXPECT_EQ(HalfCloseExchange(port(), request, &closed), expected);
  EXPECT_TRUE(closed) << "no EOF after the pending replies";
  EXPECT_EQ(HalfCloseExchange(port(), partial, &closed), "+PONG\r\n");
  EXPECT_TRUE(closed);

  // The same exchanges against a real redis-server 7.0, when one is installed.
  const std::string redis = compat::FindOnPath("redis-server");
  if (!redis.empty()) {
    std::string dir = compat::MakeTempDir("half-close-redis");
    compat::ChildProcess child;
    int redis_port = 0;
    std::string error;
    for (int attempt = 0; attempt < 5 && redis_port == 0; ++attempt) {
      int p = compat::PickFreePort();
      if (!child.Start({redis, "--port", std::to_string(p), "--save", "", "--appendonly", "no"},
                       dir, dir + "/redis.log", &error)) {
        continue;
      }
      for (int i = 0; i < 200 && redis_port == 0; ++i) {
        if (compat::ReadFileOrEmpty(dir + "/redis.log").find("Ready to accept") !=
            std::string::npos) {
          redis_port = p;
        } else if (!child.Running()) {
          break;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    }
    if (redis_port != 0) {
      EXPECT_EQ(HalfCloseExchange(redis_port, request, &closed), expected) << "redis-server";
      EXPECT_TRUE(closed);
      EXPECT_EQ(HalfCloseExchange(redis_port, partial, &closed), "+PONG\r\n") << "redis-server";
      EXPECT_TRUE(closed);
    }
    child.Terminate(2000);
    compat::RemoveTree(dir);
  }

  // Replies far larger than the socket buffers: Redis 7.0 drops what it has not written yet
  // when it reads the EOF, cutting a reply short; hashkv may finish them. Either way the bytes
  // that arrive are the replies' prefix and the connection then ends.
  std::string big_request;
  std::string big_expected;
  const std::string value(1000000, 'v');
  for (int i = 0; i < 5; ++i) {
    big_request += EncodeCommand({"ECHO", value});
    big_expected += "$1000000\r\n" + value + "\r\n";
  }
  std::string got = HalfCloseExchange(port(), big_request, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got, big_expected.substr(0, got.size()));
  std::printf("half-closed client with 5 MB of pending replies received %zu bytes\n", got.size());
  ExpectHealthy("half-closed clients");
}

TEST_F(FaultTest, SigpipeIsIgnoredAndPeersThatResetDoNotKillTheServer) {
  StartServer();
  ASSERT_TRUE(SignalIgnored(pid(), SIGPIPE)) << "hashkv-server does not ignore SIGPIPE";
  std::string error;
  ASSERT_TRUE(FillHash(port(), "h", 30000, &error)) << error;  // a ~1 MB HGETALL reply
  const std::string request = EncodeCommand({"HGETALL", "h"}) + EncodeCommand({"HGETALL", "h"});
  ExpectNoGrowth("reset peers", 25, 16, [&](int round) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, request));
    if (round % 2 == 1) {
      bool closed = false;
      ReadAtLeast(fd, 1, 5000, &closed);  // the server is writing now
    }
    CloseWithReset(fd);  // so its next write fails with EPIPE or ECONNRESET
  });
}

// How a child ended ("exit code N", "signal N"), or "" while it runs; `wait` blocks for the end.
std::string Ended(pid_t child, bool wait) {
  int status = 0;
  if (waitpid(child, &status, wait ? 0 : WNOHANG) != child) return "";
  return WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                             : "exit code " + std::to_string(WEXITSTATUS(status));
}

// A CI script often reads the port line through a pipe and stops reading (`| grep -m1
// hashkv-port`): every later log line then writes to a pipe without a reader, which raises
// SIGPIPE (signal 13) unless the server ignores it.
TEST(StdoutPipeTest, ServerOutlivesTheReaderOfItsStdout) {
  const char* env = std::getenv("HASHKV_SERVER");
  const std::string binary =
      env != nullptr && *env != '\0' ? env : compat::SelfDir() + "/../../hashkv-server";
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    execl(binary.c_str(), binary.c_str(), "--port", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  bool reaped = false;
  struct Reaper {
    pid_t pid;
    bool* reaped;
    ~Reaper() {
      if (!*reaped) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{child, &reaped};

  std::string seen;
  std::smatch m;
  const std::regex port_line(R"(hashkv-port: (\d+)\n)");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!std::regex_search(seen, m, port_line) && Clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out[0], buf, sizeof(buf));  // a pipe: recv() would fail with ENOTSOCK
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);  // the reader goes away
  ASSERT_TRUE(std::regex_search(seen, m, port_line)) << seen;
  const int port = std::stoi(m[1]);

  // A protocol error is logged (at most once a second): writes to the dead pipe.
  for (int i = 0; i < 2; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    compat::Connection bad;
    std::string raw, error;
    ASSERT_TRUE(bad.Connect(port, &error)) << error;
    ASSERT_TRUE(bad.Write("*x\r\n", &error)) << error;
    bad.ReadReply(&raw, &error);
    std::string how = Ended(child, false);
    reaped = !how.empty();
    ASSERT_EQ(how, "") << "the server died writing a log line to a closed pipe";
    EXPECT_EQ(raw, "-ERR Protocol error: invalid multibulk length\r\n") << error;
  }
  compat::Connection ping;
  std::string raw, error;
  EXPECT_TRUE(ping.Connect(port, &error) && ping.Command({"PING"}, &raw, &error)) << error;
  EXPECT_EQ(raw, "+PONG\r\n");
  ping.Close();
  // Its shutdown lines go to the dead pipe too; it still exits cleanly.
  ASSERT_EQ(kill(child, SIGTERM), 0);
  reaped = true;
  EXPECT_EQ(Ended(child, true), "exit code 0");
}

TEST_F(FaultTest, SigtermWithThousandsOfClientsExitsCleanlyAndQuickly) {
  const int clients = EnvInt("HASHKV_STRESS_SIGTERM_CLIENTS", 3000);
  StartServer();
  std::string error;
  ASSERT_TRUE(FillHash(port(), "h", 5000, &error)) << error;
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(clients));
  const std::string hgetall = EncodeCommand({"HGETALL", "h"}) + EncodeCommand({"HGETALL", "h"});
  const std::string half = "*3\r\n$4\r\nHSET\r\n$3\r\nabc\r\n";
  for (int i = 0; i < clients; ++i) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    fds.push_back(fd);
    SetNonBlocking(fd);
    std::string bytes;
    switch (i % 6) {
      case 0:  // mid-pipeline: 100 commands whose replies nobody reads
      case 1:
        for (int j = 0; j < 100; ++j) {
          bytes += EncodeCommand({"HINCRBY", "k" + std::to_string(i), "n", "1"});
        }
        break;
      case 2:  // half a command
        bytes = half;
        break;
      case 3:  // large replies pending, unread (one client in 30)
        if (i % 30 == 3) bytes = hgetall;
        break;
      default:  // idle
        break;
    }
    if (!bytes.empty()) {
      ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      (void)n;
    }
  }
  ASSERT_TRUE(WaitForClients(clients + 1, 20000)) << ConnectedClients();
  const long rss = RssKb(pid());

  const auto start = Clock::now();
  ASSERT_EQ(kill(pid(), SIGTERM), 0);
  std::string how;
  while (Running(&how) && Clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("SIGTERM with %d clients connected (server RSS %ld KiB): exit after %.1f ms (%s)\n",
              clients, rss, ms, how.c_str());
  RecordProperty("sigterm_exit_ms", std::to_string(ms));
  EXPECT_EQ(how, "exit code 0");
  EXPECT_LT(ms, 2000.0);
  const std::string log = server_.log();
  EXPECT_TRUE(std::regex_search(
      log, std::regex(R"(\d+:M \d\d \w{3} \d{4} [\d:.]+ # Received SIGTERM scheduling shutdown)")))
      << log;
  EXPECT_NE(log.find("# hashkv is now ready to exit, bye bye..."), std::string::npos) << log;
  for (const char* bad : {"terminate called", "Assertion", "Sanitizer", "Segmentation"}) {
    EXPECT_EQ(log.find(bad), std::string::npos) << log;
  }
  // Every client sees its connection end.
  int open = 0;
  for (int fd : fds) {
    bool closed = false;
    ReadUntilClosed(fd, 2000, &closed);
    if (!closed) ++open;
    close(fd);
  }
  EXPECT_EQ(open, 0) << "connections still open after the server exited";
}

}  // namespace
}  // namespace hashkv::stress
