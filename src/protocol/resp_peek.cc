#include "protocol/resp_peek.h"

#include <algorithm>
#include <cstdint>

#include "protocol/resp_header.h"

namespace hashkv {

size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out,
                    std::span<std::string_view> arg_room) {
  const char* data = input.data();
  const size_t size = input.size();
  size_t pos = 0;
  size_t used = 0;  // of arg_room
  size_t n = 0;
  for (; n < out.size(); ++n) {
    int64_t count = 0;
    size_t cr = 0;
    if (!FastHeader(data, size, pos, '*', &count, &cr) || count < 1 ||
        static_cast<uint64_t>(count) > arg_room.size() - used) {
      break;
    }
    size_t p = cr + 2;
    int64_t longest = 0;
    bool complete = true;
    for (int64_t i = 0; i < count; ++i) {
      int64_t len = 0;
      if (!FastHeader(data, size, p, '$', &len, &cr) ||
          size - (cr + 2) < static_cast<uint64_t>(len) + 2) {
        complete = false;
        break;
      }
      p = cr + 2;
      arg_room[used + static_cast<size_t>(i)] =
          std::string_view(data + p, static_cast<size_t>(len));
      longest = std::max(longest, len);
      p += static_cast<size_t>(len) + 2;
    }
    if (!complete) break;
    out[n] = {arg_room.subspan(used, static_cast<size_t>(count)), longest, p};
    used += static_cast<size_t>(count);
    pos = p;
  }
  return n;
}

}  // namespace hashkv
