// hashkv::Server: a real hashkv server (Engine + network layer) running inside the calling
// process on its own thread, with a thread-safe direct API for seeding and inspecting data.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv {

struct ServerOptions {
  std::string bind = "127.0.0.1";  // one IPv4 address (the direct API dials it)
  int port = 0;                    // 0 picks a free port; Port() tells which
  int databases = 16;
  std::string requirepass = {};  // empty: no authentication
  // The network layer logs through spdlog's default logger. When true, Start() replaces
  // spdlog's built-in default logger (never one the application installed itself) with a silent
  // one, so embedded servers do not write to the test's stdout.
  bool silence_default_logger = true;
  // Also offer the test-double controls over the wire (HASHKV.CLOCK, HASHKV.ERROR, HASHKV.LOG,
  // HASHKV.RESET), as hashkv-server --enable-test-controls does.
  bool test_control_commands = false;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts serving on a new thread; returns once the socket accepts
  // connections. False with *error set when binding fails or the server already runs.
  bool Start(std::string* error = nullptr);
  // Stops serving, closes every connection and joins the thread; the data is discarded.
  void Stop();
  bool running() const;  // false after Stop() and after a client's SHUTDOWN
  int Port() const;      // the bound port while running, else 0

  // Direct API, callable from any thread while running (not concurrently with Stop()). Each
  // call runs on the server's loop, between client commands, as a client of its own that no
  // one sees (not in CLIENT LIST, MONITOR or CommandLog(); reads leave OBJECT IDLETIME alone)
  // and that injected errors and RequireAuth() do not affect. It uses the database chosen by
  // Select() (0 at first).
  // Runs one command and returns its raw RESP2 reply; empty when not running.
  std::string Execute(const std::vector<std::string>& argv);
  bool Select(int db);  // false for an invalid index
  bool HSet(std::string_view key, std::string_view field, std::string_view value);  // new field?
  std::optional<std::string> HGet(std::string_view key, std::string_view field);
  std::map<std::string, std::string> HGetAll(std::string_view key);
  int64_t HDel(std::string_view key, const std::vector<std::string>& fields);  // fields removed
  std::vector<std::string> Keys(std::string_view pattern = "*");               // sorted
  bool Exists(std::string_view key);
  int64_t Ttl(std::string_view key);  // seconds; -1 without expiry, -2 missing (as TTL)
  void FlushAll();
  // A readable listing of every database, keys and fields sorted: "db0 key (ttl 1500 ms)\n"
  // then "  field = value\n" per field.
  std::string Dump();
  // The commands clients sent since Start() or ClearCommandLog(), oldest first, each exactly as
  // sent (the newest 100,000 are kept), including commands that were refused.
  std::vector<std::vector<std::string>> CommandLog();
  void ClearCommandLog();

  // Test-double controls, callable from any thread while running.
  // Every command (or only `command`, any case; a container such as CONFIG answers for its
  // subcommands) answers the error `message` until ClearError(). "Every command" leaves out
  // AUTH, HELLO, QUIT and RESET, so clients can still connect and close. "ERR " is prepended unless
  // the message starts with an upper-case error code ("LOADING ..." stays as it is). Inside MULTI
  // it is a queueing-time rejection: EXEC then answers EXECABORT, as Redis does for LOADING or OOM.
  void SetError(std::string_view message);
  void SetError(std::string_view command, std::string_view message);
  void ClearError();
  // The server's clock: keys expire, TTLs count down and TIME answers by it. It runs in real
  // time until FreezeClock(), which stops it; FastForward() moves it on (a running clock keeps
  // running, ahead), SetClock() sets it, RealClock() goes back to real time. Keys whose TTL has
  // passed are gone at once for every client. The clock stays within 1970..9999: FastForward()
  // and SetClock() answer false, and leave it, for a negative step or a time outside that.
  void FreezeClock();
  bool FastForward(std::chrono::milliseconds by);
  bool SetClock(std::chrono::system_clock::time_point now);
  void RealClock();
  std::chrono::system_clock::time_point Now();
  // A stalled server: requests are read but not answered until Resume(). The direct API still
  // works while paused.
  void Pause();
  void Resume();
  // Closes every client connection at once, as a server restart would (the data stays; call
  // FlushAll() too for a restart that loses it).
  void DropConnections();
  // Clients must AUTH with `password` from now on ("" turns authentication off). As Redis's
  // CONFIG SET requirepass: connections already authenticated stay so (DropConnections()
  // makes every client log in again).
  void RequireAuth(std::string_view password);

  // Polls `predicate` (on the calling thread) until it holds or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashkv
