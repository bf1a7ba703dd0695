// Incremental RESP request parser mirroring Redis 7.0's processInputBuffer() and friends.
#include "protocol/resp_parser.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

#include "protocol/resp_header.h"
#include "protocol/resp_peek.h"

namespace hashkv {
namespace {

constexpr std::string_view kTooBigMbulkCount = "Protocol error: too big mbulk count string";
constexpr std::string_view kInvalidMultibulkLength = "Protocol error: invalid multibulk length";
constexpr std::string_view kTooBigBulkCount = "Protocol error: too big bulk count string";
constexpr std::string_view kInvalidBulkLength = "Protocol error: invalid bulk length";
constexpr std::string_view kTooBigInline = "Protocol error: too big inline request";
constexpr std::string_view kUnbalancedQuotes = "Protocol error: unbalanced quotes in request";
constexpr std::string_view kUnauthenticatedMultibulk =
    "Protocol error: unauthenticated multibulk length";
constexpr std::string_view kUnauthenticatedBulk = "Protocol error: unauthenticated bulk length";

// Reserved for a multibulk request whatever its count promises, as Redis 7.0 caps its first argv
// allocation: a count header alone must not cost memory; the vector grows as arguments arrive.
constexpr int64_t kInitialArgsReserve = 1024;
// Storage one unusually large request grew is released, not kept for the connection's lifetime.
constexpr size_t kMaxRetainedArgs = 4096;
constexpr size_t kMaxRetainedInlineBytes = 64 * 1024;
// Lines up to this long are scanned byte by byte before handing over to memchr().
constexpr size_t kShortLine = 16;

// Redis's string2ll() (util.c): no spaces, no '+', no leading zeros, no "-0", no overflow.
bool String2ll(const char* s, size_t len, int64_t* value) {
  constexpr size_t kLongStrSize = 21;  // Redis rejects anything this long before looking at it
  if (len == 0 || len >= kLongStrSize) return false;
  if (len == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative && ++i == len) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(s[i++] - '0');
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto digit = static_cast<uint64_t>(s[i] - '0');
    if (v > kMax / 10) return false;
    v *= 10;
    if (v > kMax - digit) return false;
    v += digit;
  }
  constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (v > kInt64Max + 1) return false;
    *value = static_cast<int64_t>(0 - v);  // modular, so -2^63 comes out right
  } else {
    if (v > kInt64Max) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

// isspace() in the C locale, which is what Redis runs in (it only sets LC_COLLATE).
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes that end or change an unquoted token in sdssplitargs().
bool IsTokenSpecial(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0' || c == '"' || c == '\'';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Redis's sdssplitargs() (sds.c), step for step. It walks a NUL-terminated copy of the line, so
// here reading past the end yields NUL and an embedded NUL ends the line just as it does there.
// Appends each argument's bytes to `buf` and reports it to `emit(offset, length)`.
template <typename Emit>
bool SplitArgs(std::string_view line, std::string& buf, Emit emit) {
  const size_t n = line.size();
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  size_t p = 0;
  while (true) {
    while (at(p) != '\0' && IsSpace(at(p))) ++p;
    if (at(p) == '\0') return true;
    const size_t start = buf.size();
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(p);
      if (in_double) {
        if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
          buf.push_back(static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          switch (at(p)) {
            case 'n':
              buf.push_back('\n');
              break;
            case 'r':
              buf.push_back('\r');
              break;
            case 't':
              buf.push_back('\t');
              break;
            case 'b':
              buf.push_back('\b');
              break;
            case 'a':
              buf.push_back('\a');
              break;
            default:
              buf.push_back(at(p));
              break;
          }
        } else if (c == '"') {
          // The closing quote must be followed by a space or nothing at all.
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          buf.push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          buf.push_back('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          buf.push_back(c);
        }
      } else {
        // Unlike the blank skipping above, only these end a token: "a\vb" is one argument.
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default: {
            // Take the whole run of plain bytes at once; the loop's ++p steps past its end.
            size_t run_end = p + 1;
            while (run_end < n && !IsTokenSpecial(line[run_end])) ++run_end;
            buf.append(line.data() + p, run_end - p);
            p = run_end - 1;
            break;
          }
        }
      }
      if (at(p) != '\0') ++p;
    }
    emit(start, buf.size() - start);
  }
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string buf;
  std::vector<std::pair<size_t, size_t>> spans;
  if (!SplitArgs(line, buf,
                 [&](size_t offset, size_t length) { spans.emplace_back(offset, length); })) {
    return false;
  }
  out.reserve(spans.size());
  for (const auto& [offset, length] : spans) out.emplace_back(buf, offset, length);
  return true;
}

RespParser::Result RespParser::Parse(std::string_view input) {
  args_.clear();
  consumed_ = 0;
  if (failed_) return Result::kError;
  if (input.size() < seen_size_) {
    // The request's bytes shrank, so offsets kept from the last call may point past the end:
    // the caller broke the contract. Start the request over rather than read out of bounds.
    assert(false && "RespParser::Parse: input must keep the current request's bytes");
    EndRequest();
  }
  seen_size_ = input.size();
  if (type_ == RequestType::kUnknown) {
    if (input.empty()) return Result::kNeedMore;
    TrimStorage();
    type_ = input[0] == '*' ? RequestType::kMultibulk : RequestType::kInline;
  }
  return type_ == RequestType::kMultibulk ? ParseMultibulk(input) : ParseInline(input);
}

bool RespParser::ParseWholeMultibulk(std::string_view input) {
  int64_t count = 0;
  size_t cr = 0;
  // Room for the arguments the count line announces, checked against the limits and against
  // what the input could hold (an argument takes at least "$0\r\n\r\n") before any is made, so
  // a huge count in a small request costs nothing.
  constexpr size_t kMinArgBytes = 6;
  if (!FastHeader(input.data(), input.size(), 0, '*', &count, &cr) || count <= 0 ||
      !WithinLimits(count, 0) ||
      static_cast<uint64_t>(count) > (input.size() - (cr + 2)) / kMinArgBytes) {
    return false;
  }
  args_.resize(static_cast<size_t>(count));
  PeekedRequest request;
  if (!PeekRequest(input, args_, &request) || !WithinLimits(count, request.longest)) {
    args_.clear();
    return false;
  }
  consumed_ = request.end;
  EndRequest();
  return true;
}

RespParser::Result RespParser::ParseMultibulk(std::string_view input) {
  const char* data = input.data();
  const size_t size = input.size();
  size_t cr = 0;
  // A request that is all there and plainly formed, the usual case, is read in one pass; any
  // other (partial, or with something to report) by the general path below, from the start.
  // Only on the first call for a request, so one arriving in pieces is not rescanned each time.
  if (pos_ == 0 && scan_pos_ == 0 && multibulk_left_ == 0 && !line_blocked_ &&
      ParseWholeMultibulk(input)) {
    return Result::kCommand;
  }
  if (multibulk_left_ == 0) {
    if (FindLineEnd(input, '\r', &cr) == LineEnd::kMissing) {
      if (size - pos_ > limits_.inline_max_size) return Fail(kTooBigMbulkCount);
      return Result::kNeedMore;
    }
    // Redis waits for the byte after '\r' too, then skips it without checking it is '\n'.
    if (cr + 1 >= size) return Result::kNeedMore;
    int64_t count = 0;
    if (!String2ll(data + pos_ + 1, cr - pos_ - 1, &count) || count > limits_.max_multibulk_len) {
      return Fail(kInvalidMultibulkLength);
    }
    // After the absolute limit, as Redis checks them.
    if (limits_.unauthenticated && count > kUnauthenticatedMaxArgs) {
      return Fail(kUnauthenticatedMultibulk);
    }
    pos_ = scan_pos_ = cr + 2;
    if (count <= 0) {
      consumed_ = pos_;
      EndRequest();
      return Result::kSkip;
    }
    multibulk_left_ = count;
    spans_.reserve(static_cast<size_t>(std::min(count, kInitialArgsReserve)));
  }
  while (multibulk_left_ > 0) {
    if (bulk_len_ < 0) {
      if (FindLineEnd(input, '\r', &cr) == LineEnd::kMissing) {
        if (size - pos_ > limits_.inline_max_size) return Fail(kTooBigBulkCount);
        return Result::kNeedMore;
      }
      if (cr + 1 >= size) return Result::kNeedMore;
      // Checked only once the whole line is in, as Redis does: "X" alone is not yet an error.
      if (data[pos_] != '$') {
        // Redis formats this with addReplyErrorFormat(), which turns CR and LF into spaces.
        const char got = data[pos_] == '\r' || data[pos_] == '\n' ? ' ' : data[pos_];
        error_storage_ = "Protocol error: expected '$', got '";
        error_storage_.push_back(got);
        error_storage_.push_back('\'');
        return Fail(error_storage_);
      }
      int64_t len = 0;
      if (!String2ll(data + pos_ + 1, cr - pos_ - 1, &len) || len < 0 ||
          len > limits_.proto_max_bulk_len) {
        return Fail(kInvalidBulkLength);
      }
      if (limits_.unauthenticated && len > kUnauthenticatedMaxBulkLen) {
        return Fail(kUnauthenticatedBulk);
      }
      pos_ = cr + 2;
      bulk_len_ = len;
    }
    // The argument plus two bytes that Redis skips without checking that they are CRLF.
    if (size - pos_ < static_cast<uint64_t>(bulk_len_) + 2) return Result::kNeedMore;
    spans_.push_back({pos_, static_cast<size_t>(bulk_len_)});
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    scan_pos_ = pos_;
    line_blocked_ = false;
    bulk_len_ = -1;
    --multibulk_left_;
  }
  args_.reserve(spans_.size());
  for (const Span& span : spans_) args_.emplace_back(data + span.offset, span.length);
  consumed_ = pos_;
  EndRequest();
  return Result::kCommand;
}

RespParser::Result RespParser::ParseInline(std::string_view input) {
  size_t newline = 0;
  if (FindLineEnd(input, '\n', &newline) == LineEnd::kMissing) {
    if (input.size() - pos_ > limits_.inline_max_size) return Fail(kTooBigInline);
    return Result::kNeedMore;
  }
  size_t line_end = newline;
  if (line_end > pos_ && input[line_end - 1] == '\r') --line_end;
  inline_buffer_.clear();
  spans_.clear();
  if (!SplitArgs(input.substr(pos_, line_end - pos_), inline_buffer_,
                 [this](size_t offset, size_t length) {
                   spans_.push_back({offset, length});
                 })) {
    return Fail(kUnbalancedQuotes);
  }
  const Result result = spans_.empty() ? Result::kSkip : Result::kCommand;
  args_.reserve(spans_.size());
  for (const Span& span : spans_) {
    args_.emplace_back(inline_buffer_.data() + span.offset, span.length);
  }
  consumed_ = newline + 1;
  EndRequest();
  return result;
}

RespParser::LineEnd RespParser::FindLineEnd(std::string_view input, char target, size_t* pos) {
  // Redis looks for line ends with strchr(), which stops at a NUL: a NUL before the end means
  // the end is never found, and the request waits until it trips the size limit.
  if (line_blocked_) return LineEnd::kMissing;
  const char* base = input.data();
  const char* from = base + scan_pos_;
  const auto n = static_cast<size_t>(input.size() - scan_pos_);
  // Header lines ("$5", "*3") are a few bytes: a plain loop beats two library calls there.
  const size_t short_n = std::min(n, kShortLine);
  for (size_t i = 0; i < short_n; ++i) {
    if (from[i] == target) {
      scan_pos_ += i;
      *pos = scan_pos_;
      return LineEnd::kFound;
    }
    if (from[i] == '\0') {
      line_blocked_ = true;
      return LineEnd::kMissing;
    }
  }
  if (short_n == n) {
    scan_pos_ = input.size();
    return LineEnd::kMissing;
  }
  from += short_n;
  scan_pos_ += short_n;
  const size_t rest = n - short_n;
  const char* hit = static_cast<const char*>(std::memchr(from, target, rest));
  const size_t before_hit = hit != nullptr ? static_cast<size_t>(hit - from) : rest;
  if (std::memchr(from, '\0', before_hit) != nullptr) {
    line_blocked_ = true;
    return LineEnd::kMissing;
  }
  if (hit == nullptr) {
    scan_pos_ = input.size();
    return LineEnd::kMissing;
  }
  scan_pos_ = static_cast<size_t>(hit - base);
  *pos = scan_pos_;
  return LineEnd::kFound;
}

RespParser::Result RespParser::Fail(std::string_view message) {
  failed_ = true;
  error_ = message;
  return Result::kError;
}

void RespParser::EndRequest() {
  type_ = RequestType::kUnknown;
  line_blocked_ = false;
  pos_ = 0;
  scan_pos_ = 0;
  multibulk_left_ = 0;
  bulk_len_ = -1;
  seen_size_ = 0;
  spans_.clear();
}

void RespParser::TrimStorage() {
  if (spans_.capacity() > kMaxRetainedArgs) std::vector<Span>().swap(spans_);
  if (args_.capacity() > kMaxRetainedArgs) std::vector<std::string_view>().swap(args_);
  if (inline_buffer_.capacity() > kMaxRetainedInlineBytes) std::string().swap(inline_buffer_);
}

void RespParser::Reset() {
  EndRequest();
  args_.clear();
  consumed_ = 0;
  failed_ = false;
  error_ = {};
}

}  // namespace hashkv
