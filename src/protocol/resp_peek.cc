#include "protocol/resp_peek.h"

#include <cstdint>

#include "protocol/resp_header.h"

namespace hashkv {

size_t PeekRequests(std::string_view input, std::span<PeekedRequest> out) {
  const char* data = input.data();
  const size_t size = input.size();
  size_t pos = 0;
  size_t n = 0;
  for (; n < out.size(); ++n) {
    int64_t count = 0;
    size_t cr = 0;
    if (!FastHeader(data, size, pos, '*', &count, &cr) || count < 1 ||
        count > static_cast<int64_t>(kMaxPeekArgs)) {
      break;
    }
    size_t p = cr + 2;
    PeekedRequest request;
    bool complete = true;
    for (int64_t i = 0; i < count; ++i) {
      int64_t len = 0;
      if (!FastHeader(data, size, p, '$', &len, &cr) ||
          size - (cr + 2) < static_cast<uint64_t>(len) + 2) {
        complete = false;
        break;
      }
      p = cr + 2;
      if (i == 1) request.key = std::string_view(data + p, static_cast<size_t>(len));
      if (i == 2) request.field = std::string_view(data + p, static_cast<size_t>(len));
      p += static_cast<size_t>(len) + 2;
    }
    if (!complete) break;
    request.end = p;
    out[n] = request;
    pos = p;
  }
  return n;
}

}  // namespace hashkv
