// Client side of RESP for the compat suite: an incremental reply reader that cuts one complete
// RESP2/RESP3 reply off a byte stream, a tree for order-insensitive comparison, and an escaper.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv::compat {

// One parsed reply. `raw` always holds the reply's exact bytes, so two trees compare byte for
// byte through it; the other fields are only there to look inside aggregates.
struct Reply {
  char type = 0;  // the RESP type byte: + - : $ * _ , # ! = ( % ~ > |
  std::string raw;
  std::string value;     // the line of a simple type, or the payload of a bulk/verbatim/blob error
  bool is_null = false;  // $-1, *-1 or _
  std::vector<Reply> elements;   // aggregates; a map's keys and values alternate
  std::vector<Reply> attribute;  // a RESP3 attribute ('|') that preceded the reply, flattened
};

enum class ParseStatus { kIncomplete, kComplete, kMalformed };

// Looks for one complete reply at the front of `input`. On kComplete, *length is its size and,
// when `tree` is not null, *tree is filled. On kMalformed, *error says why.
ParseStatus ParseReply(std::string_view input, size_t* length, Reply* tree, std::string* error);

// Accumulates bytes as they arrive and hands out complete replies one at a time.
class ReplyReader {
 public:
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // kComplete: *raw holds the next reply's bytes, removed from the buffer.
  ParseStatus Next(std::string* raw, std::string* error);
  std::string_view pending() const { return buffer_; }
  void Clear() { buffer_.clear(); }

 private:
  std::string buffer_;
};

// Printable form of protocol bytes for failure messages: \r \n \t \\ \" and \xHH escaped; longer
// input is cut at `max` bytes with a note of the full size. With `quotes` false, backslashes and
// double quotes stay as they are (for showing scenario lines).
std::string Escape(std::string_view bytes, size_t max = 300, bool quotes = true);

}  // namespace hashkv::compat
