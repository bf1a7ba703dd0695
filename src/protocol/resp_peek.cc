#include "protocol/resp_peek.h"

#include <algorithm>
#include <cstdint>

#include "protocol/resp_header.h"

namespace hashkv {

namespace {

// PeekRequest at offset `pos` of the whole input, which keeps `end` an offset into it, inlined in
// the pipeline's loop.
inline bool PeekAt(const char* data, size_t size, size_t pos, std::span<std::string_view> arg_room,
                   PeekedRequest* out) {
  int64_t count = 0;
  size_t cr = 0;
  if (!FastHeader(data, size, pos, '*', &count, &cr) || count < 1 ||
      static_cast<uint64_t>(count) > arg_room.size()) {
    return false;
  }
  size_t p = cr + 2;
  int64_t longest = 0;
  for (size_t i = 0; i < static_cast<size_t>(count); ++i) {
    int64_t len = 0;
    if (!FastHeader(data, size, p, '$', &len, &cr) ||
        size - (cr + 2) < static_cast<uint64_t>(len) + 2) {
      return false;
    }
    p = cr + 2;
    arg_room[i] = std::string_view(data + p, static_cast<size_t>(len));
    longest = std::max(longest, len);
    p += static_cast<size_t>(len) + 2;
  }
  *out = {arg_room.first(static_cast<size_t>(count)), longest, p};
  return true;
}

}  // namespace

bool PeekRequest(std::string_view input, std::span<std::string_view> arg_room, PeekedRequest* out) {
  return PeekAt(input.data(), input.size(), 0, arg_room, out);
}

size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out,
                    std::span<std::string_view> arg_room) {
  size_t pos = 0;
  size_t n = 0;
  for (; n < out.size(); ++n) {
    if (!PeekAt(input.data(), input.size(), pos, arg_room, &out[n])) break;
    arg_room = arg_room.subspan(out[n].args.size());
    pos = out[n].end;
  }
  return n;
}

}  // namespace hashkv
