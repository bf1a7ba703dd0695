// The two servers the compat suite compares: a real redis-server (the reference) and
// hashkv-server, started once per test binary run on free loopback ports and stopped at exit;
// pairs started with --requirepass come up on first use.
#pragma once

#include <string>
#include <utility>

#include "compat/process.h"

namespace hashkv::compat {

struct Endpoint {
  std::string name;  // "redis" or "hashkv", for messages
  int port = 0;
  // A real Redis has no HGETSET; the suite emulates it there with MULTI/HGET/HSET/EXEC.
  bool is_redis = false;
};

class CompatServers {
 public:
  // The process-wide pair; a global test environment stops it after the last test.
  static CompatServers& Get();
  // A pair started with `--requirepass password` (only started by Ensure, at first use).
  static CompatServers& WithPassword(const std::string& password);
  // Stops every pair.
  static void StopAll();

  const std::string& requirepass() const { return requirepass_; }

  // Starts both servers on first use and restarts one that has died since (a crash is then
  // reported by the test that saw it). False with *error when a server cannot be started.
  bool Ensure(std::string* error);
  void Stop();

  const Endpoint& redis() const { return redis_.endpoint; }
  const Endpoint& hashkv() const { return hashkv_.endpoint; }
  // Whether the hashkv side is still up, and the end of its log, for failure messages.
  bool HashkvRunning(std::string* how);
  std::string HashkvLogTail();

 private:
  struct Server {
    Endpoint endpoint;
    std::string binary;
    bool redis_flags = false;  // pass redis-server's persistence flags
    std::string log_path;
    ChildProcess process;
  };

  explicit CompatServers(std::string requirepass) : requirepass_(std::move(requirepass)) {}
  bool Locate(std::string* error);
  bool StartOne(Server& server, std::string* error);

  std::string requirepass_;
  bool located_ = false;
  std::string dir_;
  Server redis_;
  Server hashkv_;
};

}  // namespace hashkv::compat
