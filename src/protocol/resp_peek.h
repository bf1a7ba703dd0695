// A look-ahead over pipelined requests, so the engine can start the memory loads of the commands
// it is about to run before it runs them (Engine::Feed). Pure: no parser state, no I/O.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace hashkv {

struct PeekedRequest {
  std::string_view key;    // the first argument after the name; empty when there is none
  std::string_view field;  // the second; empty when there is none
  size_t end = 0;          // the offset in `input` just past the request
};

// A request with more arguments than this ends the look-ahead: skipping them is work for a hint.
inline constexpr size_t kMaxPeekArgs = 64;

// Fills `out` from the requests at the start of `input`, in order, and returns how many. Stops at
// the first request that is incomplete, inline, or not in the plain form clients send: "*N\r\n"
// (1 <= N <= kMaxPeekArgs), then per argument "$L\r\n", L bytes and two more. Limits are not
// applied: RespParser still decides what every request is, and where it reads a request this
// saw, it reads the same arguments.
size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out);

}  // namespace hashkv
