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

  // Direct API, callable from any thread while running (not concurrently with Stop()).
  // Commands run on the server's own loop through an internal loopback connection, in the
  // database chosen by Select() (0 at first). That connection and CommandLog()'s MONITOR
  // connection are real clients: CLIENT LIST, INFO and MONITOR see them.
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
  // The commands clients sent since Start() or ClearCommandLog(), oldest first, each as sent
  // (argument 0 keeps the client's case); the direct API's own commands are left out. Read
  // from a MONITOR connection, so AUTH's arguments are redacted and admin commands are absent.
  std::vector<std::vector<std::string>> CommandLog();
  void ClearCommandLog();
  // Polls `predicate` (on the calling thread) until it holds or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashkv
