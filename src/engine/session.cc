// A session unregisters itself so the engine's client list never holds a dangling pointer.
#include "engine/session.h"

#include "hashkv/engine.h"

namespace hashkv {

Session::Session(Engine& engine, uint64_t id, std::string addr, std::string laddr, int64_t now_ms)
    : last_interaction_ms(now_ms),
      engine_(engine),
      id_(id),
      addr_(std::move(addr)),
      laddr_(std::move(laddr)),
      created_ms_(now_ms) {}

Session::~Session() { engine_.Unregister(this); }

}  // namespace hashkv
