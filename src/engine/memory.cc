// Used memory and the maxmemory stage of the dispatcher (server.c processCommand's OOM check
// with maxmemory-policy noeviction, evict.c's getMaxmemoryState).
#include "engine/memory.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"

// Defined by the AddressSanitizer and ThreadSanitizer runtimes, whose allocators replace malloc
// (so mallinfo2() sees nothing there); absent otherwise.
extern "C" size_t __sanitizer_get_current_allocated_bytes()  // NOLINT(bugprone-reserved-identifier)
    __attribute__((weak));

namespace hashkv {
namespace {

UsedMemoryFn used_memory_source = nullptr;

uint64_t MallinfoUsed() {
  if (__sanitizer_get_current_allocated_bytes != nullptr) {
    return __sanitizer_get_current_allocated_bytes();
  }
  struct mallinfo2 mi = mallinfo2();
  return static_cast<uint64_t>(mi.uordblks) + static_cast<uint64_t>(mi.hblkhd);
}

}  // namespace

uint64_t UsedMemory() {
  return used_memory_source != nullptr ? used_memory_source() : MallinfoUsed();
}

bool UsedMemoryIsCounted() { return used_memory_source != nullptr; }

void SetUsedMemorySource(UsedMemoryFn source) { used_memory_source = source; }

uint64_t Engine::UsedMemoryForLimit() {
  if (UsedMemoryIsCounted()) return UsedMemory();
  // mallinfo2() walks the allocator's free lists, so it is sampled: at most once a
  // millisecond, and never more than about 1% of the time however slow it turns out to be.
  using Clock = std::chrono::steady_clock;
  const int64_t now = Clock::now().time_since_epoch().count();
  if (now >= next_memory_sample_) {
    used_memory_sample_ = MallinfoUsed();
    const int64_t done = Clock::now().time_since_epoch().count();
    const int64_t min_gap =
        std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(1)).count();
    next_memory_sample_ = done + std::max(min_gap, 100 * (done - now));
  }
  return used_memory_sample_;
}

// processCommand: over maxmemory, commands that may grow memory are refused. With noeviction
// (hashkv's only behaviour, whatever maxmemory-policy says) nothing can be freed first.
bool Engine::MemoryAllows(const Session& session, const CommandSpec& spec,
                          const CommandSpec* parent, std::string* error) {
  if (UsedMemoryForLimit() <= config_.maxmemory) return true;
  const uint32_t flags = spec.flag_bits;
  bool reject = (flags & kFlagDenyOom) != 0;
  const bool top = parent == nullptr;
  if (top && spec.name == "exec") {
    // EXEC is refused when it would run a deny-oom command (Redis's mstate.cmd_flags).
    for (const QueuedCommand& queued : session.tx.queue) {
      if ((queued.spec->flag_bits & kFlagDenyOom) != 0) reject = true;
    }
  } else if (session.tx.in_multi && (flags & kFlagNoMulti) == 0 &&
             !(top && (spec.name == "discard" || spec.name == "quit" || spec.name == "reset"))) {
    // Queueing costs memory too. A command that may not run in MULTI at all gets that error
    // instead, which Redis checks first.
    reject = true;
  }
  if (!reject) return true;
  *error = "OOM command not allowed when used memory > 'maxmemory'.";
  return false;
}

}  // namespace hashkv
