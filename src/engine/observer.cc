// What the engine records after each command.
#include "engine/observer.h"

#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {

void Engine::AfterCommand(Session&, const CommandSpec&, const CommandSpec*, std::span<const Arg>,
                          std::chrono::steady_clock::duration) {}

}  // namespace hashkv
