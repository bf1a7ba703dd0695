// The thin Asio layer: an acceptor and one coroutine per connection on a single-threaded
// io_context that owns the Engine. Everything protocol- or data-related is the Engine's.
#pragma once

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashkv
