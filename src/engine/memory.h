// The process's used-memory figure, shared by INFO memory and the maxmemory check.
#pragma once

#include <cstdint>

namespace hashkv {

// Bytes allocated and not yet freed. The standalone server counts every allocation (as Redis's
// zmalloc does) and installs that counter with SetUsedMemorySource; elsewhere (the embedded
// server, in-process tests) it falls back to glibc's mallinfo2(), whose cost grows with the
// number of free chunks in the heap (hundreds of milliseconds on a heap fragmented into a
// million free chunks).
uint64_t UsedMemory();

// Whether UsedMemory() is the cheap counter rather than mallinfo2().
bool UsedMemoryIsCounted();

using UsedMemoryFn = uint64_t (*)();
// Installed once at start-up, before any other thread runs.
void SetUsedMemorySource(UsedMemoryFn source);

}  // namespace hashkv
