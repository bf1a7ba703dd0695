#include "protocol/resp_peek.h"

#include <algorithm>
#include <cstdint>

#include "protocol/resp_header.h"

namespace hashkv {

bool PeekRequest(std::string_view input, std::span<std::string_view> arg_room, PeekedRequest* out) {
  const char* data = input.data();
  const size_t size = input.size();
  int64_t count = 0;
  size_t cr = 0;
  if (!FastHeader(data, size, 0, '*', &count, &cr) || count < 1 ||
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

size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out,
                    std::span<std::string_view> arg_room) {
  size_t pos = 0;
  size_t n = 0;
  for (; n < out.size(); ++n) {
    if (!PeekRequest(input.substr(pos), arg_room, &out[n])) break;
    arg_room = arg_room.subspan(out[n].args.size());
    out[n].end += pos;
    pos = out[n].end;
  }
  return n;
}

}  // namespace hashkv
