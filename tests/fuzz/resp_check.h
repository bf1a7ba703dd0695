// Strict RESP2/RESP3 reply validator for the fuzz targets: whole replies only, canonical headers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hashkv::fuzz {

struct ReplyScan {
  size_t replies = 0;  // top-level replies, not counting RESP3 push messages
  size_t pushes = 0;   // top-level RESP3 push messages ('>')
  std::string error;   // empty when every byte belongs to a whole, well-formed reply
};

// Reads `bytes` as a sequence of replies. RESP3-only types (_ , # ( = ! % ~ > |) are accepted
// only with `resp3`; RESP2's null bulk and null array are accepted in both versions.
ReplyScan ScanReplies(std::string_view bytes, bool resp3);

// Redis's string2ll rule: the bytes are the canonical decimal form of an int64.
bool IsCanonicalInt64(std::string_view s);

}  // namespace hashkv::fuzz
