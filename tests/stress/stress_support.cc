// Sockets, /proc readers, the latency probe and the fixture shared by the stress tests.
#include "stress/stress_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "compat/process.h"

namespace hashkv::stress {

using Clock = std::chrono::steady_clock;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 0 || n > 1000000000) return fallback;
  return static_cast<int>(n);
}

int ConnectLoopback(int port, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return fd;
    }
    int saved = errno;
    close(fd);
    if ((saved != ECONNREFUSED && saved != ETIMEDOUT && saved != EAGAIN) ||
        Clock::now() > deadline) {
      errno = saved;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void CloseWithReset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  close(fd);
}

std::string ReadAtLeast(int fd, size_t want, int timeout_ms, bool* closed) {
  *closed = false;
  std::string in;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[64 * 1024];
  while (in.size() < want) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    // Polls at least once, so a zero timeout still takes what has already arrived.
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<long>(left, 0))) <= 0) {
      if (left <= 0) break;
      continue;
    }
    ssize_t n = recv(fd, buf, std::min(sizeof(buf), want - in.size()), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      *closed = true;
      break;
    }
    if (n > 0) in.append(buf, static_cast<size_t>(n));
  }
  return in;
}

std::string ReadUntilClosed(int fd, int timeout_ms, bool* closed) {
  return ReadAtLeast(fd, static_cast<size_t>(-1) / 2, timeout_ms, closed);
}

namespace {

// The value of a "Name:   value" line of /proc/PID/status, or "".
std::string StatusField(pid_t pid, std::string_view name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ':') {
      size_t start = line.find_first_not_of(" \t", name.size() + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  }
  return "";
}

}  // namespace

long RssKb(pid_t pid) {
  std::string v = StatusField(pid, "VmRSS");
  return v.empty() ? -1 : std::atol(v.c_str());
}

int OpenFds(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return ec ? -1 : n;
}

bool SignalIgnored(pid_t pid, int signo) {
  std::string mask = StatusField(pid, "SigIgn");
  if (mask.empty()) return false;
  unsigned long long bits = std::strtoull(mask.c_str(), nullptr, 16);
  return (bits >> (signo - 1)) & 1ULL;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string LatencySummary(const std::vector<double>& ms) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "n=%zu p50=%.3fms p99=%.3fms max=%.3fms", ms.size(),
                Percentile(ms, 50), Percentile(ms, 99), Percentile(ms, 100));
  return buf;
}

LatencyProbe::LatencyProbe(int port, int interval_ms, std::string request, std::string reply)
    : port_(port),
      interval_ms_(interval_ms),
      request_(std::move(request)),
      reply_(std::move(reply)) {}

LatencyProbe::~LatencyProbe() { Stop(); }

bool LatencyProbe::Start(std::string* error) {
  fd_ = ConnectLoopback(port_);
  if (fd_ < 0) {
    *error = std::string("probe connect: ") + std::strerror(errno);
    return false;
  }
  start_ = Clock::now();
  thread_ = std::thread([this] { Run(); });
  return true;
}

void LatencyProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void LatencyProbe::Run() {
  while (!stop_) {
    const auto start = Clock::now();
    if (!SendAll(fd_, request_)) {
      error_ = "probe send failed";
      return;
    }
    bool closed = false;
    std::string reply = ReadAtLeast(fd_, reply_.size(), 5000, &closed);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (reply != reply_) {
      error_ = "probe got '" + compat::Escape(reply) + "'" + (closed ? " then EOF" : "");
      return;
    }
    samples_.push_back(ms);
    started_s_.push_back(std::chrono::duration<double>(start - start_).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_));
  }
}

std::string LatencyProbe::Worst(size_t n) const {
  std::vector<size_t> order(samples_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  n = std::min(n, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                    [&](size_t a, size_t b) { return samples_[a] > samples_[b]; });
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%.1fms@%.2fs", i ? " " : "", samples_[order[i]],
                  started_s_[order[i]]);
    out += buf;
  }
  return out;
}

void StressFixture::StartServer(const std::vector<std::string>& flags) {
  // ctest names the binary; run by hand, the test takes the one this build made (HashkvProcess's
  // own default is one level up, where server_test lives).
  const char* env = std::getenv("HASHKV_SERVER");
  if (env == nullptr || *env == '\0') {
    setenv("HASHKV_SERVER", (compat::SelfDir() + "/../../hashkv-server").c_str(), 1);
  }
  std::string error;
  ASSERT_TRUE(server_.Start(flags, &error)) << error;
}

std::string StressFixture::OneShot(const std::vector<std::string>& args) {
  compat::Connection c;
  std::string raw, error;
  if (!c.Connect(port(), &error) || !c.Command(args, &raw, &error)) return "<error: " + error + ">";
  return raw;
}

int StressFixture::ConnectedClients() {
  std::string info = OneShot({"INFO", "clients"});
  size_t at = info.find("connected_clients:");
  return at == std::string::npos ? -1 : std::atoi(info.c_str() + at + 18);
}

bool StressFixture::WaitForClients(int want, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ConnectedClients() != want) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void StressFixture::ExpectHealthy(std::string_view after) {
  std::string how;
  ASSERT_TRUE(Running(&how)) << "hashkv-server died after " << after << ": " << how << "\n"
                             << server_.log();
  EXPECT_EQ(OneShot({"PING"}), "+PONG\r\n") << "after " << after;
  EXPECT_TRUE(WaitForClients(1)) << "connections left open after " << after << ": "
                                 << ConnectedClients();
}

bool FillHash(int port, const std::string& key, int fields, std::string* error) {
  compat::Connection c;
  if (!c.Connect(port, error)) return false;
  constexpr int kPerCommand = 1000;
  int sent = 0;
  int commands = 0;
  std::string batch;
  while (sent < fields) {
    std::vector<std::string> args = {"HSET", key};
    for (int i = 0; i < kPerCommand && sent < fields; ++i, ++sent) {
      args.push_back("field:" + std::to_string(sent));
      args.push_back("value:" + std::to_string(sent));
    }
    batch += compat::EncodeCommand(args);
    ++commands;
  }
  if (!c.Write(batch, error)) return false;
  for (int i = 0; i < commands; ++i) {
    std::string raw;
    if (!c.ReadReply(&raw, error)) return false;
    if (raw.empty() || raw[0] != ':') {
      *error = "HSET answered " + raw;
      return false;
    }
  }
  return true;
}

}  // namespace hashkv::stress
