// A look-ahead over pipelined requests: the engine starts the memory loads of the commands it is
// about to run before it runs them, and runs the requests seen here from these views instead of
// parsing them again (Engine::Feed). Pure: no parser state, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace hashkv {

struct PeekedRequest {
  std::span<const std::string_view> args;  // every argument, the name first: views into input
  int64_t longest = 0;                     // the length of the longest argument
  size_t end = 0;                          // the offset in `input` just past the request

  std::string_view key() const { return args.size() > 1 ? args[1] : std::string_view(); }
  std::string_view field() const { return args.size() > 2 ? args[2] : std::string_view(); }
};

// Reads the plain-form request at the start of `input` (see PeekRequests), its arguments into
// `arg_room`. False when it is incomplete, not in that form, or has more arguments than
// `arg_room` holds; `arg_room` may have been written to then.
bool PeekRequest(std::string_view input, std::span<std::string_view> arg_room, PeekedRequest* out);

// Fills `out` from the requests at the start of `input`, in order, their arguments one after
// another in `arg_room`, and returns how many. Stops at the first request that is incomplete,
// inline, not in the plain form clients send ("*N\r\n" with N >= 1, then per argument "$L\r\n",
// L bytes and two more), or whose arguments do not fit in what is left of `arg_room`. Limits are
// not applied (RespParser::TakesPlain says whether the parser's would take a request); apart
// from them, each request seen here is what RespParser reads there: the same arguments, the same
// end.
size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out,
                    std::span<std::string_view> arg_room);

}  // namespace hashkv
