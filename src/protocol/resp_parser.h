// Incremental RESP request parser (multibulk and inline), pure: no I/O, no Asio.
//
// The caller keeps the bytes of the request being parsed at the front of the view it passes
// to Parse(): each call hands the whole unconsumed input, which starts at the first byte of the
// current (possibly partial) request and may have grown since the last call. The parser keeps
// its progress as offsets relative to that start, so a request arriving one byte at a time costs
// O(bytes), not O(bytes^2), and the caller may move the buffer between calls. Nothing is
// reserved from a length header: memory grows only as the caller's buffer does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv {

struct RespLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // Redis's proto-max-bulk-len
  size_t inline_max_size = 64 * 1024;                // PROTO_INLINE_MAX_SIZE
  int64_t max_multibulk_len = 2147483647;            // INT_MAX, as Redis 7.0
  // Before AUTH when a password is required (Redis's authRequired()), requests are held to
  // kUnauthenticatedMaxArgs arguments of kUnauthenticatedMaxBulkLen bytes each, so a client
  // that cannot log in cannot make the server buffer much either.
  bool unauthenticated = false;
};

inline constexpr int64_t kUnauthenticatedMaxArgs = 10;
inline constexpr int64_t kUnauthenticatedMaxBulkLen = 16384;

class RespParser {
 public:
  enum class Result : uint8_t {
    kNeedMore,  // the request is incomplete; call again with the same bytes plus more
    kCommand,   // args() holds a complete request; consumed() bytes belong to it
    kSkip,      // an empty inline line or "*0"/"*-1": consumed() bytes to drop, nothing to run
    kError,     // protocol error: error() is Redis's text; reply and close the connection
  };

  explicit RespParser(RespLimits limits = {}) : limits_(limits) {}

  Result Parse(std::string_view input);

  // Valid after kCommand until the next Parse()/Reset(): views into `input` (multibulk) or
  // into the parser's own storage (inline requests, whose quoting rules rewrite bytes).
  const std::vector<std::string_view>& args() const { return args_; }
  // Bytes of `input` taken by the last kCommand or kSkip.
  size_t consumed() const { return consumed_; }
  // After kError: e.g. "Protocol error: invalid bulk length" (without "ERR ").
  std::string_view error() const { return error_; }

  // Forget progress on the current request (the caller dropped its bytes) and any error.
  void Reset();

  // True when Parse() would return a complete plain-form request (see PeekRequests) of `argc`
  // arguments, none longer than `longest`, as kCommand with those arguments: the parser is
  // between requests and the request is within its limits. The caller may then run the request
  // from its own views of it and drop its bytes without calling Parse().
  bool TakesPlain(size_t argc, int64_t longest) const {
    return type_ == RequestType::kUnknown && !failed_ &&
           WithinLimits(static_cast<int64_t>(argc), longest);
  }

  void set_limits(const RespLimits& limits) { limits_ = limits; }
  const RespLimits& limits() const { return limits_; }

 private:
  enum class RequestType : uint8_t { kUnknown, kMultibulk, kInline };
  // Where a line-end search stands; see FindLineEnd().
  enum class LineEnd : uint8_t { kFound, kMissing };
  // One argument as offsets, not pointers: the caller's buffer may move between calls.
  struct Span {
    size_t offset;
    size_t length;
  };

  // A request of `count` arguments, none longer than `longest`, breaks none of the limits.
  bool WithinLimits(int64_t count, int64_t longest) const {
    return count <= limits_.max_multibulk_len && longest <= limits_.proto_max_bulk_len &&
           (!limits_.unauthenticated ||
            (count <= kUnauthenticatedMaxArgs && longest <= kUnauthenticatedMaxBulkLen));
  }
  Result ParseMultibulk(std::string_view input);
  // ParseMultibulk's fast path for a complete request at the start of `input` whose header lines
  // are all canonical: true with args_ and consumed_ set as the general path would set them;
  // false, having changed nothing the general path reads, for anything else.
  bool ParseWholeMultibulk(std::string_view input);
  Result ParseInline(std::string_view input);
  // Finds `target` in the line starting at the current line start as Redis's strchr() on its
  // NUL-terminated query buffer does, resuming where the previous call stopped.
  LineEnd FindLineEnd(std::string_view input, char target, size_t* pos);
  Result Fail(std::string_view message);
  // Drops per-request progress; args_ and consumed_ stay valid for the caller.
  void EndRequest();
  // Gives back memory that one unusually large request left behind.
  void TrimStorage();

  RespLimits limits_;
  std::vector<std::string_view> args_;
  size_t consumed_ = 0;
  std::string_view error_;

  // Progress within the current request, all offsets relative to its first byte.
  RequestType type_ = RequestType::kUnknown;
  bool failed_ = false;
  // A NUL precedes any line end in the current line: Redis's strchr() never finds the end.
  bool line_blocked_ = false;
  size_t pos_ = 0;              // next unparsed byte
  size_t scan_pos_ = 0;         // the current line holds no terminator before this offset
  int64_t multibulk_left_ = 0;  // arguments still expected; 0 before the count line
  int64_t bulk_len_ = -1;       // length of the argument being read, -1 before its header
  size_t seen_size_ = 0;        // input size at the last call, to catch a caller's misuse
  // Arguments read so far: into the input (multibulk) or into inline_buffer_ (inline).
  std::vector<Span> spans_;
  // Inline arguments back to back, since quoting rewrites bytes; one buffer, reused.
  std::string inline_buffer_;
  std::string error_storage_;  // error() text when it is formatted
};

// Redis's sdssplitargs(): splits an inline request line with its quoting rules.
// Returns false on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out);

}  // namespace hashkv
