// The thin Asio layer: an acceptor and one coroutine per connection on a single-threaded
// io_context that owns the Engine. Everything protocol- or data-related is the Engine's.
#pragma once

#include <memory>
#include <string>

#include "hashkv/engine.h"

namespace hashkv {

class Server {
 public:
  explicit Server(Engine& engine);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on config().bind:config().port; port 0 picks a free port.
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
