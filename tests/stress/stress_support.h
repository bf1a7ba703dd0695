// Plumbing shared by the fault, load, soak and slow-loris tests: raw loopback sockets that can
// half-close or reset, the server's RSS and descriptors from /proc, a PING latency probe on its
// own thread, environment knobs and a fixture owning a real hashkv-server process.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "compat/connection.h"
#include "server/hashkv_process.h"

namespace hashkv::stress {

// A sanitizer build (tests/sanitize/) runs these tests against a sanitized server: ASan's
// quarantine holds freed memory back, so RSS bounds do not apply there, and the latency bound only
// checks that nobody is stalled.
#ifdef HASHKV_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
// The bound on another client's p99 latency under load.
inline constexpr double kP99BoundMs = kSanitized ? 200.0 : 50.0;

// The integer in environment variable `name`, or `fallback` when unset or not a number; the
// longer documented runs (tests/stress/README.md) are chosen this way.
int EnvInt(const char* name, int fallback);

// A blocking loopback TCP connection with TCP_NODELAY; -1 on failure (errno set). Retries a
// connect refused or timed out for a full accept queue for up to `timeout_ms`.
int ConnectLoopback(int port, int timeout_ms = 5000);
void SetNonBlocking(int fd);
// Writes everything on a blocking socket; false on an error (no SIGPIPE either way).
bool SendAll(int fd, std::string_view bytes);
// Closes so the peer sees a reset (RST) instead of an orderly FIN, as when a client is killed.
void CloseWithReset(int fd);
// Reads from a blocking or non-blocking socket until it has at least `want` bytes, the peer
// closes (*closed true) or `timeout_ms` passes.
std::string ReadAtLeast(int fd, size_t want, int timeout_ms, bool* closed);
// Reads until the peer closes or `timeout_ms` passes.
std::string ReadUntilClosed(int fd, int timeout_ms, bool* closed);

// VmRSS of a process in KiB, or -1 when it is gone.
long RssKb(pid_t pid);
// The number of open file descriptors of a process, or -1.
int OpenFds(pid_t pid);
// Whether `signo` is in the process's ignored-signal mask (SigIgn in /proc/PID/status).
bool SignalIgnored(pid_t pid, int signo);

// The p-th percentile (0..100) of `v` by nearest rank; 0 for an empty vector.
double Percentile(std::vector<double> v, double p);
// "n=.. p50=..ms p99=..ms max=..ms" for messages and the test log.
std::string LatencySummary(const std::vector<double>& ms);

// One client sending PING (or `request`, expecting exactly `reply`) on its own connection every
// `interval_ms` and timing the round trip from the write to the complete reply, while the other
// connections of a test apply the load.
class LatencyProbe {
 public:
  LatencyProbe(int port, int interval_ms, std::string request = "*1\r\n$4\r\nPING\r\n",
               std::string reply = "+PONG\r\n");
  ~LatencyProbe();
  LatencyProbe(const LatencyProbe&) = delete;
  LatencyProbe& operator=(const LatencyProbe&) = delete;

  bool Start(std::string* error);
  void Stop();  // also closes the connection
  // Round trips in milliseconds; call after Stop().
  const std::vector<double>& samples() const { return samples_; }
  // The slowest `n` round trips as "ms@s" (when each began, in seconds since Start()), to tell
  // a stall of the server from noise when a bound fails.
  std::string Worst(size_t n) const;
  // The first failure (a wrong reply, a timeout, a closed connection), or "".
  const std::string& error() const { return error_; }

 private:
  void Run();

  int port_;
  int interval_ms_;
  std::string request_;
  std::string reply_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<double> samples_;
  std::vector<double> started_s_;  // when each sample began
  std::chrono::steady_clock::time_point start_;
  std::string error_;
};

// A test owning one real hashkv-server process, with the checks every fault test repeats.
class StressFixture : public ::testing::Test {
 protected:
  void StartServer(const std::vector<std::string>& flags = {});
  int port() const { return server_.port(); }
  pid_t pid() { return server_.process().pid(); }
  bool Running(std::string* how = nullptr) { return server_.process().Running(how); }

  // One command on a fresh connection; the raw reply or "<error: ...>".
  std::string OneShot(const std::vector<std::string>& args);
  // INFO clients' connected_clients (counting the asking connection), or -1.
  int ConnectedClients();
  // Waits until connected_clients is `want` (the asking connection included); false on timeout.
  bool WaitForClients(int want, int timeout_ms = 5000);
  // The server is up, answers PING on a new connection and has only that connection open.
  void ExpectHealthy(std::string_view after);

  testing::HashkvProcess server_;
};

// Pipelines `fields` HSETs of `key` (field:<i> -> value:<i>) in batches; false with *error.
bool FillHash(int port, const std::string& key, int fields, std::string* error);

}  // namespace hashkv::stress
