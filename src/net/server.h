// The thin Asio layer: an acceptor and one coroutine per connection on a single-threaded
// io_context that owns the Engine. Everything protocol- or data-related is the Engine's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hashkv/engine.h"

namespace hashkv {

class NetServer {
 public:
  // An embedded server leaves SIGINT/SIGTERM to its host process: handle_signals = false.
  explicit NetServer(Engine& engine, bool handle_signals = true);
  ~NetServer();
  NetServer(const NetServer&) = delete;
  NetServer& operator=(const NetServer&) = delete;

  // Binds and listens on config().bind:config().port; port 0 picks a free port. With
  // config().unixsocket set, also on that Unix socket (a stale file there is replaced; the file
  // is removed at shutdown).
  bool Listen(std::string* error);
  int port() const;  // the bound port, valid after Listen()

  // Serves until SIGINT/SIGTERM, SHUTDOWN or Stop().
  void Run();
  void Stop();  // safe from any thread

  // Runs `fn` on the loop thread, from any thread. Every accepted function runs, also once the
  // loop has stopped (Run() drains them before it returns); false when Run() has returned.
  bool Post(std::function<void()> fn);

  // Loop thread only (through Post from elsewhere). A paused server reads requests but does not
  // answer them until Resume(): a stalled server, for tests of clients' timeouts.
  void Pause();
  void Resume();
  // Closes every client connection at once, replies not yet written and connections not yet
  // accepted included: what clients see when a server restarts.
  void DropConnections();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// server.c adjustOpenFilesLimit: raises the process's open-files limit to maxclients + 32 if it
// is lower (soft and hard limit, as Redis), stepping down 16 at a time when the system refuses.
// Returns the number of clients the limit it got allows (maxclients itself when it sufficed), or
// 0 when the limit is too low for the server to start; logs Redis's lines.
int64_t AdjustOpenFilesLimit(int64_t maxclients);

}  // namespace hashkv
