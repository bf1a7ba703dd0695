// In-process driver for command tests: runs commands through a real Engine and returns the
// exact reply bytes a client would read.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/session.h"
#include "engine/test_controls.h"
#include "hashkv/engine.h"

namespace hashkv::testing {

class EngineDriver {
 public:
  explicit EngineDriver(Config config = {})
      : engine_(std::make_unique<Engine>(std::move(config))),
        session_(engine_->NewSession("127.0.0.1:40000", "127.0.0.1:6379")) {}

  // Runs one command; returns its raw RESP reply.
  std::string Run(std::initializer_list<std::string_view> argv) {
    std::vector<std::string_view> args(argv);
    std::string out;
    engine_->Execute(*session_, args, out);
    return out;
  }
  std::string Run(const std::vector<std::string>& argv) {
    std::vector<std::string_view> args(argv.begin(), argv.end());
    std::string out;
    engine_->Execute(*session_, args, out);
    return out;
  }
  // Feeds raw protocol bytes (all must be consumed or left pending); returns the replies.
  std::string Feed(std::string_view bytes, FeedResult* result = nullptr) {
    std::string out;
    FeedResult r = engine_->Feed(*session_, bytes, out);
    if (result != nullptr) *result = r;
    return out;
  }

  Engine& engine() { return *engine_; }
  Session& session() { return *session_; }

  // TTLs and idle times are whole seconds of the engine's clock: frozen, none passes between a
  // command and the look at what it recorded, however slow the machine.
  void FreezeClock() { engine_->controls().Freeze(engine_->NowUs()); }

 private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

// Another client of an existing engine (MULTI/WATCH races, MONITOR, shared state).
class EngineClient {
 public:
  explicit EngineClient(Engine& engine, std::string addr = "127.0.0.1:40001")
      : engine_(engine), session_(engine.NewSession(std::move(addr), "127.0.0.1:6379")) {}

  std::string Run(std::initializer_list<std::string_view> argv) {
    std::vector<std::string_view> args(argv);
    std::string out;
    engine_.Execute(*session_, args, out);
    return out;
  }
  Session& session() { return *session_; }
  void Disconnect() { session_.reset(); }

 private:
  Engine& engine_;
  std::unique_ptr<Session> session_;
};

}  // namespace hashkv::testing
