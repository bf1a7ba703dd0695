// MULTI queueing stage of the dispatcher.
#include "engine/transaction.h"

#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {

bool Engine::QueueIfInMulti(Session&, const CommandSpec&, std::span<const Arg>, RespWriter&) {
  return false;
}

void Engine::RejectInTransaction(Session&) {}

}  // namespace hashkv
