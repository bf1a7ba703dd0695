// The limits against the real hashkv-server binary: maxclients (and the open-files limit behind
// it), client-output-buffer-limit for pipeliners and MONITOR feeds, idle timeouts, protected
// mode, maxmemory with the server's allocation counter, the query buffer limit's log line, and
// the acceptor's back-off when file descriptors run out. Each test fails if its protection is
// removed. About 20 s in all, mostly waiting for timeouts and back-offs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "compat/process.h"
#include "engine/limits.h"
#include "server/loopback_fixture.h"

// AddressSanitizer builds (with UBSan) cannot run a server out of descriptors: UBSan's vptr
// check probes memory through a new pipe and reports a false error when it cannot make one.
#if defined(__SANITIZE_ADDRESS__)
#define HASHKV_LIMITS_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HASHKV_LIMITS_TEST_ASAN 1
#endif
#endif

namespace hashkv {
namespace {

using compat::Connection;
using compat::EncodeCommand;
using Clock = std::chrono::steady_clock;

// A raw TCP client: connects from a chosen source address and reads and writes with deadlines,
// never blocking on a server that stopped reading.
class RawClient {
 public:
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Connect(const std::string& ip, int port, const std::string& source_ip = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    if (!source_ip.empty()) {
      sockaddr_in src{};
      src.sin_family = AF_INET;
      ::inet_pton(AF_INET, source_ip.c_str(), &src.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) return false;
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, ip.c_str(), &dst.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) return false;
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    return true;
  }
  // Writes all of `bytes` unless the server closes the connection (false, *closed) or stops
  // taking bytes until the deadline (false).
  bool Write(std::string_view bytes, Clock::time_point deadline, bool* closed) {
    *closed = false;
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        *closed = true;
        return false;
      }
      if (!Wait(POLLOUT, deadline)) return false;
    }
    return true;
  }
  // Reads until the server closes the connection (true) or the deadline; what arrived is in
  // *data (its first `keep` bytes only).
  bool ReadUntilClosed(Clock::time_point deadline, std::string* data, size_t keep = 1 << 20) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
      if (n > 0) {
        if (data->size() < keep) data->append(buf, std::min(static_cast<size_t>(n), keep));
        continue;
      }
      if (!Wait(POLLIN, deadline)) return false;
    }
  }

 private:
  bool Wait(short events, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd_, events, 0};
    return ::poll(&pfd, 1, static_cast<int>(left.count())) > 0;
  }
  int fd_ = -1;
};

// This machine's first IPv4 address outside 127/8, or "".
std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text,
                sizeof(text));
    found = text;
  }
  ::freeifaddrs(list);
  return found;
}

// User plus system CPU time of a process, in seconds (/proc/PID/stat fields 14 and 15).
double CpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class LimitsLoopbackTest : public testing::LoopbackFixture {
 protected:
  // Waits until the server's log contains `text`.
  bool LogShows(const std::string& text, int timeout_ms = 5000) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      if (server_.log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::string InfoField(Connection& c, const std::string& section, const std::string& field) {
    std::string info = Cmd(c, {"INFO", section});
    std::smatch m;
    std::regex line("\r\n" + field + ":([^\r]*)\r\n");
    return std::regex_search(info, m, line) ? m[1].str() : "";
  }
};

// --- maxclients -------------------------------------------------------------------------------

TEST_F(LimitsLoopbackTest, MaxclientsRefusesTheExtraClient) {
  StartServer({"--maxclients", "3"});
  std::vector<std::unique_ptr<Connection>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Connect());
    EXPECT_EQ(Cmd(*clients.back(), {"PING"}), "+PONG\r\n");
  }
  // The fourth gets Redis's line and is closed; the others are served.
  auto extra = Connect();
  std::string got;
  EXPECT_TRUE(extra->WaitClosed(&got));
  EXPECT_EQ(got, "-ERR max number of clients reached\r\n");
  EXPECT_EQ(Cmd(*clients[0], {"PING"}), "+PONG\r\n");
  EXPECT_EQ(InfoField(*clients[0], "stats", "rejected_connections"), "1");
  EXPECT_EQ(InfoField(*clients[0], "clients", "connected_clients"), "3");
  // A client that leaves makes room.
  clients.pop_back();
  std::unique_ptr<Connection> next;
  for (int i = 0; i < 100; ++i) {
    next = Connect();
    std::string raw, error;
    if (next->Command({"PING"}, &raw, &error) && raw == "+PONG\r\n") break;
    next.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(next, nullptr);
  // CONFIG SET maxclients takes effect for the next connection.
  EXPECT_EQ(Cmd(*next, {"CONFIG", "SET", "maxclients", "4"}), "+OK\r\n");
  auto fourth = Connect();
  EXPECT_EQ(Cmd(*fourth, {"PING"}), "+PONG\r\n");
}

// hashkv-server started through /bin/sh with a `ulimit` first, as a service manager would.
class UlimitServer : public testing::HashkvProcess {
 public:
  bool Start(const std::string& ulimit, const std::vector<std::string>& flags, std::string* error) {
    return HashkvProcess::Start(flags, error, ulimit);
  }
};

std::string Command(int port, const std::vector<std::string>& args) {
  Connection c;
  std::string raw, error;
  if (!c.Connect(port, &error) || !c.Command(args, &raw, &error)) return "error: " + error;
  return raw;
}

TEST(LimitsUlimitTest, MaxclientsShrinksToTheOpenFilesLimit) {
  UlimitServer server;
  std::string error;
  ASSERT_TRUE(server.Start("ulimit -n 100", {}, &error)) << error;
  // Redis's three lines, and CONFIG GET tells the truth: 100 - 32 reserved descriptors.
  const std::string log = server.log();
  EXPECT_NE(log.find("# You requested maxclients of 10000 requiring at least 10032 max file "
                     "descriptors."),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("# Server can't set maximum open files to 10032 because of OS error: "
                     "Operation not permitted."),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("# Current maximum open files is 100. maxclients has been reduced to 68 to "
                     "compensate for low ulimit. If you need higher maxclients increase "
                     "'ulimit -n'."),
            std::string::npos)
      << log;
  EXPECT_EQ(Command(server.port(), {"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$2\r\n68\r\n");
  EXPECT_EQ(Command(server.port(), {"CONFIG", "SET", "maxclients", "1000"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating "
            "system is not able to handle the specified number of clients, try with 68\r\n");
  EXPECT_EQ(Command(server.port(), {"CONFIG", "SET", "maxclients", "50"}), "+OK\r\n");
}

TEST(LimitsUlimitTest, OpenFilesLimitIsRaisedWhenTheHardLimitAllows) {
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_max < 10032) GTEST_SKIP() << "hard open-files limit below 10032 here";
  UlimitServer server;
  std::string error;
  ASSERT_TRUE(server.Start("ulimit -Sn 100", {}, &error)) << error;
  EXPECT_NE(
      server.log().find(
          "* Increased maximum number of open files to 10032 (it was originally set to 100)."),
      std::string::npos)
      << server.log();
  EXPECT_EQ(Command(server.port(), {"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
  std::ifstream limits("/proc/" + std::to_string(server.process().pid()) + "/limits");
  std::string text((std::istreambuf_iterator<char>(limits)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(Max open files\s+10032\s+10032)"))) << text;
}

TEST(LimitsUlimitTest, TooFewDescriptorsToStart) {
  UlimitServer server;
  std::string error;
  EXPECT_FALSE(server.Start("ulimit -n 30", {}, &error));
  EXPECT_NE(error.find("Your current 'ulimit -n' of 30 is not enough for the server to start. "
                       "Please increase your open file limit to at least 10032. Exiting."),
            std::string::npos)
      << error;
}

// --- client-output-buffer-limit ---------------------------------------------------------------

TEST_F(LimitsLoopbackTest, OutputHardLimitDisconnectsAPipelinerThatDoesNotRead) {
  StartServer({"--client-output-buffer-limit", "normal 1mb 0 0"});
  auto good = Connect();
  EXPECT_EQ(Cmd(*good, {"HSET", "big", "f", std::string(100 * 1024, 'v')}), ":1\r\n");
  RawClient greedy;
  ASSERT_TRUE(greedy.Connect("127.0.0.1", server_.port()));
  // 200 MB of replies asked for and none read. Without the limit the server would stop reading
  // at 4 MB of pending replies and this would time out instead of failing.
  std::string batch;
  for (int i = 0; i < 2000; ++i) batch += EncodeCommand({"HGET", "big", "f"});
  bool closed = false;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  for (int i = 0; i < 1000 && !closed; ++i) {
    if (!greedy.Write(batch, deadline, &closed)) break;
  }
  std::string data;
  EXPECT_TRUE(closed || greedy.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
  EXPECT_TRUE(LogShows("scheduled to be closed ASAP for overcoming of output buffer limits."));
  EXPECT_TRUE(std::regex_search(
      server_.log(), std::regex(R"(# Client id=\d+ addr=127\.0\.0\.1:\d+ laddr=\S+ fd=\d+ name= .*)"
                                R"(omem=\d{7,} .*cmd=hget .*scheduled to be closed ASAP for )"
                                R"(overcoming of output buffer limits\.)")))
      << server_.log();
  EXPECT_EQ(Cmd(*good, {"PING"}), "+PONG\r\n");
}

TEST_F(LimitsLoopbackTest, OneHugeReplyClosesOnlyItsConnection) {
  StartServer({"--client-output-buffer-limit", "normal 8mb 0 0"});
  auto good = Connect();
  EXPECT_EQ(Cmd(*good, {"HSET", "h", "f", std::string(4000, 'v')}), ":1\r\n");
  auto greedy = Connect();
  // 64 GB of reply asked for in 60 bytes.
  std::string error;
  ASSERT_TRUE(greedy->Write(EncodeCommand({"HRANDFIELD", "h", "-16777216", "WITHVALUES"}), &error));
  std::string extra;
  EXPECT_TRUE(greedy->WaitClosed(&extra, 10000));
  EXPECT_EQ(extra, "");
  EXPECT_TRUE(LogShows("scheduled to be closed ASAP for overcoming of output buffer limits."));
  EXPECT_EQ(Cmd(*good, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(InfoField(*good, "clients", "connected_clients"), "1");
}

TEST_F(LimitsLoopbackTest, OutputSoftLimitDisconnectsAfterItsSeconds) {
  StartServer({"--client-output-buffer-limit", "normal 0 512kb 1"});
  auto good = Connect();
  EXPECT_EQ(Cmd(*good, {"HSET", "big", "f", std::string(100 * 1024, 'v')}), ":1\r\n");
  RawClient greedy;
  ASSERT_TRUE(greedy.Connect("127.0.0.1", server_.port()));
  // Enough to stay over 512 KB while the server waits for the client to read: the server
  // stops reading it, so the cron has to notice that the soft limit held for over a second.
  std::string batch;
  for (int i = 0; i < 500; ++i) batch += EncodeCommand({"HGET", "big", "f"});
  bool closed = false;
  // Timed from before the write: the server may reach the soft limit (its second starts then)
  // before this thread, descheduled on a loaded machine, is back from the write.
  const auto start = Clock::now();
  greedy.Write(batch, start + std::chrono::seconds(2), &closed);
  std::string data;
  bool ended = closed;
  if (!ended) {
    // Not reading: only wait for the close, which arrives as an error on a write.
    while (Clock::now() - start < std::chrono::seconds(6) && !ended) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      ended = server_.log().find("overcoming of output buffer limits") != std::string::npos;
    }
  }
  EXPECT_TRUE(ended) << server_.log();
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_TRUE(greedy.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
  EXPECT_EQ(Cmd(*good, {"PING"}), "+PONG\r\n");
}

TEST_F(LimitsLoopbackTest, OutputLimitBoundsAMonitorThatDoesNotRead) {
  StartServer({"--client-output-buffer-limit", "normal 1mb 0 0"});
  RawClient monitor;
  ASSERT_TRUE(monitor.Connect("127.0.0.1", server_.port()));
  bool closed = false;
  ASSERT_TRUE(
      monitor.Write(EncodeCommand({"MONITOR"}), Clock::now() + std::chrono::seconds(5), &closed));
  auto writer = Connect();
  EXPECT_EQ(Cmd(*writer, {"PING"}), "+PONG\r\n");
  // Every command is echoed to the monitor, which reads nothing: 40 MB of feed.
  const std::string value(100 * 1024, 'v');
  for (int i = 0; i < 400; ++i) {
    ASSERT_EQ(Cmd(*writer, {"HSET", "k", "f", value}), i == 0 ? ":1\r\n" : ":0\r\n");
  }
  EXPECT_TRUE(LogShows("flags=O "));
  EXPECT_TRUE(LogShows("scheduled to be closed ASAP for overcoming of output buffer limits."));
  std::string data;
  EXPECT_TRUE(monitor.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
  EXPECT_EQ(data.substr(0, 5), "+OK\r\n");
  EXPECT_EQ(Cmd(*writer, {"PING"}), "+PONG\r\n");
}

TEST_F(LimitsLoopbackTest, PendingOutputIsBoundedWithTheDefaultUnlimitedSetting) {
  // Redis's default (normal 0 0 0) never disconnects. hashkv stops running a client's requests
  // while 4 MB of its replies wait, even within one read (16 KB of "HGET big f" asks for
  // 470 MB of replies here), so its memory stays bounded; it resumes once the client reads.
  StartServer();
  auto good = Connect();
  const std::string value(1024 * 1024, 'v');
  EXPECT_EQ(Cmd(*good, {"HSET", "big", "f", value}), ":1\r\n");
  RawClient greedy;
  ASSERT_TRUE(greedy.Connect("127.0.0.1", server_.port()));
  const std::string request = EncodeCommand({"HGET", "big", "f"});
  std::string batch;
  for (int i = 0; i < 1000; ++i) batch += request;
  bool closed = false;
  int written = 0;
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (written < 1000 && greedy.Write(batch, deadline, &closed)) ++written;
  EXPECT_FALSE(closed);
  EXPECT_LT(written, 1000) << "the server kept reading a client that reads nothing";
  EXPECT_LT(std::stoull(InfoField(*good, "memory", "used_memory")), 32ULL * 1024 * 1024);
  EXPECT_EQ(Cmd(*good, {"PING"}), "+PONG\r\n");
  // Reading the replies lets the rest run: the first ones arrive complete and in order.
  std::string data;
  greedy.ReadUntilClosed(Clock::now() + std::chrono::seconds(2), &data, 3 * (value.size() + 16));
  const std::string reply = "$1048576\r\n" + value + "\r\n";
  EXPECT_EQ(data.substr(0, 2 * reply.size()), reply + reply);
}

// --- timeout ----------------------------------------------------------------------------------

TEST_F(LimitsLoopbackTest, IdleClientsAreClosedButNotMonitorsOrActiveClients) {
  StartServer({"--timeout", "1", "--loglevel", "verbose"});
  auto idle = Connect();
  auto active = Connect();
  auto monitor = Connect();
  // Timed from before the idle client's last command, which starts its idle time.
  const auto start = Clock::now();
  EXPECT_EQ(Cmd(*idle, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(Cmd(*monitor, {"MONITOR"}), "+OK\r\n");
  std::string extra;
  bool idle_closed = false;
  while (Clock::now() - start < std::chrono::seconds(4) && !idle_closed) {
    EXPECT_EQ(Cmd(*active, {"PING"}), "+PONG\r\n");
    idle_closed = idle->WaitClosed(&extra, 300);
  }
  EXPECT_TRUE(idle_closed);
  EXPECT_EQ(extra, "");  // closed without a word, as Redis
  // Redis closes after more than `timeout` whole seconds: between 1 and 3 s here.
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_TRUE(LogShows("- Closing idle client"));
  // The monitor stays (it gets the active client's PINGs).
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Cmd(*active, {"PING"}), "+PONG\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::string line;
  std::string error;
  EXPECT_TRUE(monitor->ReadReply(&line, &error)) << error;
  EXPECT_NE(line.find("\"PING\""), std::string::npos) << line;
  // CONFIG SET timeout 0 turns it off.
  EXPECT_EQ(Cmd(*active, {"CONFIG", "SET", "timeout", "0"}), "+OK\r\n");
  auto later = Connect();
  EXPECT_FALSE(later->WaitClosed(&extra, 2500));
  EXPECT_EQ(Cmd(*later, {"PING"}), "+PONG\r\n");
}

// --- protected mode ---------------------------------------------------------------------------

TEST_F(LimitsLoopbackTest, ProtectedModeRefusesRemoteClientsWithoutAPassword) {
  StartServer({"--bind", "0.0.0.0"});
  EXPECT_TRUE(
      LogShows("WARNING protected mode is enabled and no password is set: bound to "
               "0.0.0.0"));
  // Redis counts only 127.0.0.1 and ::1 as local: a client from 127.0.0.2 is a remote one to
  // it, which lets this test run on a machine without a network interface.
  RawClient remote;
  ASSERT_TRUE(remote.Connect("127.0.0.1", server_.port(), "127.0.0.2"));
  std::string data;
  EXPECT_TRUE(remote.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
  EXPECT_EQ(data, kProtectedModeReply);
  // And through this machine's own network address, when it has one.
  const std::string address = NonLoopbackAddress();
  if (!address.empty()) {
    RawClient outside;
    ASSERT_TRUE(outside.Connect(address, server_.port()));
    data.clear();
    EXPECT_TRUE(outside.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
    EXPECT_EQ(data, kProtectedModeReply) << "via " << address;
  } else {
    std::cout << "[ NOTE     ] no non-loopback IPv4 address here; 127.0.0.2 stood in for it\n";
  }
  auto local = Connect();
  EXPECT_EQ(Cmd(*local, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(InfoField(*local, "stats", "rejected_connections"), address.empty() ? "1" : "2");
  // CONFIG SET protected-mode no lets them in.
  EXPECT_EQ(Cmd(*local, {"CONFIG", "SET", "protected-mode", "no"}), "+OK\r\n");
  RawClient now_allowed;
  ASSERT_TRUE(now_allowed.Connect("127.0.0.1", server_.port(), "127.0.0.2"));
  bool closed = false;
  ASSERT_TRUE(now_allowed.Write("PING\r\n", Clock::now() + std::chrono::seconds(5), &closed));
  data.clear();
  EXPECT_FALSE(now_allowed.ReadUntilClosed(Clock::now() + std::chrono::milliseconds(500), &data));
  EXPECT_EQ(data, "+PONG\r\n");
  // A password also lets them in (they must AUTH like everyone else).
  EXPECT_EQ(Cmd(*local, {"CONFIG", "SET", "protected-mode", "yes", "requirepass", "pw"}),
            "+OK\r\n");
  RawClient with_password;
  ASSERT_TRUE(with_password.Connect("127.0.0.1", server_.port(), "127.0.0.2"));
  ASSERT_TRUE(with_password.Write("PING\r\n", Clock::now() + std::chrono::seconds(5), &closed));
  data.clear();
  EXPECT_FALSE(with_password.ReadUntilClosed(Clock::now() + std::chrono::milliseconds(500), &data));
  EXPECT_EQ(data, "-NOAUTH Authentication required.\r\n");
}

TEST_F(LimitsLoopbackTest, ProtectedModeNoAtStartUp) {
  StartServer({"--bind", "0.0.0.0", "--protected-mode", "no"});
  EXPECT_EQ(server_.log().find("protected mode is enabled"), std::string::npos);
  RawClient remote;
  ASSERT_TRUE(remote.Connect("127.0.0.1", server_.port(), "127.0.0.2"));
  bool closed = false;
  ASSERT_TRUE(remote.Write("PING\r\n", Clock::now() + std::chrono::seconds(5), &closed));
  std::string data;
  EXPECT_FALSE(remote.ReadUntilClosed(Clock::now() + std::chrono::milliseconds(500), &data));
  EXPECT_EQ(data, "+PONG\r\n");
}

// --- maxmemory --------------------------------------------------------------------------------

TEST_F(LimitsLoopbackTest, MaxmemoryRefusesWritesUntilMemoryIsFreed) {
  StartServer();
  auto c = Connect();
  const uint64_t used = std::stoull(InfoField(*c, "memory", "used_memory"));
  // The server counts its allocations: 1 MB more than now is reached after about ten 100 KB
  // values, and freed again by deleting them.
  const std::string limit = std::to_string(used + 1024 * 1024);
  EXPECT_EQ(Cmd(*c, {"CONFIG", "SET", "maxmemory", limit}), "+OK\r\n");
  const std::string value(100 * 1024, 'v');
  int stored = 0;
  std::string reply;
  for (; stored < 100; ++stored) {
    reply = Cmd(*c, {"HSET", "h", "f" + std::to_string(stored), value});
    if (reply != ":1\r\n") break;
  }
  EXPECT_EQ(reply, "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_GE(stored, 5);
  EXPECT_LE(stored, 12);
  EXPECT_EQ(Cmd(*c, {"HGET", "h", "f0"}).size(), value.size() + 11);
  EXPECT_EQ(Cmd(*c, {"DEL", "h"}), ":1\r\n");
  EXPECT_EQ(Cmd(*c, {"HSET", "h", "f", value}), ":1\r\n");
  EXPECT_EQ(InfoField(*c, "memory", "maxmemory"), limit);
}

// --- the query buffer limit's log line --------------------------------------------------------

TEST_F(LimitsLoopbackTest, QueryBufferLimitLogsLikeRedis) {
  StartServer({"--client-query-buffer-limit", "1mb"});
  RawClient greedy;
  ASSERT_TRUE(greedy.Connect("127.0.0.1", server_.port()));
  bool closed = false;
  greedy.Write("*3\r\n$4\r\nHGET\r\n$1\r\nk\r\n$4194304\r\n" + std::string(2 << 20, 'y'),
               Clock::now() + std::chrono::seconds(5), &closed);
  std::string data;
  EXPECT_TRUE(greedy.ReadUntilClosed(Clock::now() + std::chrono::seconds(5), &data));
  EXPECT_TRUE(LogShows("(qbuf initial bytes: "));
  EXPECT_TRUE(std::regex_search(
      server_.log(),
      std::regex(R"(# Closing client that reached max query buffer length: id=\d+ )"
                 R"(addr=127\.0\.0\.1:\d+ .* qbuf=\d{7,} .*cmd=NULL .*\(qbuf initial bytes: )"
                 R"("\*3\\r\\n\$4\\r\\nHGET\\r\\n\$1\\r\\nk\\r\\n\$4194304\\r\\nyyyy)")))
      << server_.log();
}

// --- file descriptor exhaustion ---------------------------------------------------------------

TEST_F(LimitsLoopbackTest, AcceptBacksOffWhenDescriptorsRunOut) {
#ifdef HASHKV_LIMITS_TEST_ASAN
  GTEST_SKIP() << "UBSan needs free descriptors for its own checks";
#endif
  StartServer();
  const pid_t pid = server_.process().pid();
  // Lower the running server's limit (as `prlimit --pid` does): maxclients stays 10000, so it is
  // accept() that fails, with EMFILE.
  rlimit low{48, 48};
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &low, nullptr), 0) << std::strerror(errno);
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < 70; ++i) conns.push_back(Connect());
  ASSERT_TRUE(LogShows("Too many open files")) << server_.log();
  // The first client is still served.
  EXPECT_EQ(Cmd(*conns[0], {"PING"}), "+PONG\r\n");
  // Not spinning: a busy accept loop would burn a whole second of CPU per second.
  const double cpu_before = CpuSeconds(pid);
  const auto wall_before = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const double cpu = CpuSeconds(pid) - cpu_before;
  const double wall = std::chrono::duration<double>(Clock::now() - wall_before).count();
  EXPECT_LT(cpu, 0.5 * wall) << "CPU seconds used while accept() kept failing";
  // One log line per back-off period, not one per failure.
  EXPECT_EQ(CountOf(server_.log(), "Too many open files"), 1u) << server_.log();
  EXPECT_EQ(Cmd(*conns[0], {"PING"}), "+PONG\r\n");
  // Clients leaving make room: every waiting client gets in (the backlog is served in order).
  for (int i = 1; i <= 40; ++i) conns[i].reset();
  for (int i = 41; i < 70; ++i) {
    std::string raw, error;
    ASSERT_TRUE(conns[i]->Write(EncodeCommand({"PING"}), &error)) << error;
    EXPECT_TRUE(conns[i]->ReadReply(&raw, &error, 5000)) << "client " << i << ": " << error;
    EXPECT_EQ(raw, "+PONG\r\n");
  }
}

}  // namespace
}  // namespace hashkv
