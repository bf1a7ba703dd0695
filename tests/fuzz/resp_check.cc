// The reply validator: a recursive reader that refuses anything a strict RESP client would.
#include "resp_check.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace hashkv::fuzz {
namespace {

// Deeper than any reply hashkv builds (COMMAND DOCS nests about six levels).
constexpr int kMaxDepth = 64;

class Reader {
 public:
  Reader(std::string_view bytes, bool resp3) : in_(bytes), resp3_(resp3) {}

  ReplyScan Run() {
    ReplyScan scan;
    while (pos_ < in_.size()) {
      bool push = false;
      if (!Value(0, &push)) {
        scan.error = error_ + " at byte " + std::to_string(pos_);
        return scan;
      }
      ++(push ? scan.pushes : scan.replies);
    }
    return scan;
  }

 private:
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  // The bytes up to the next CRLF, which must hold neither CR nor LF.
  bool Line(std::string_view* line) {
    const size_t cr = in_.find('\r', pos_);
    if (cr == std::string_view::npos || cr + 1 >= in_.size()) return Fail("incomplete line");
    if (in_[cr + 1] != '\n') return Fail("CR not followed by LF");
    *line = in_.substr(pos_, cr - pos_);
    if (line->find('\n') != std::string_view::npos) return Fail("bare LF in a line");
    pos_ = cr + 2;
    return true;
  }

  bool Length(int64_t* n, bool null_ok) {
    std::string_view line;
    if (!Line(&line)) return false;
    if (!IsCanonicalInt64(line)) return Fail("bad length '" + std::string(line) + "'");
    *n = std::strtoll(std::string(line).c_str(), nullptr, 10);
    if (*n < -1 || (*n == -1 && !null_ok)) return Fail("negative length");
    return true;
  }

  bool Payload(int64_t len, std::string_view* payload) {
    if (static_cast<uint64_t>(len) + 2 > in_.size() - pos_) return Fail("incomplete bulk");
    *payload = in_.substr(pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    if (in_[pos_] != '\r' || in_[pos_ + 1] != '\n') return Fail("bulk not ended by CRLF");
    pos_ += 2;
    return true;
  }

  bool Elements(int64_t n, int depth) {
    for (int64_t i = 0; i < n; ++i) {
      bool push = false;
      if (!Value(depth + 1, &push)) return false;
      if (push) return Fail("push message nested in an aggregate");
    }
    return true;
  }

  bool Value(int depth, bool* push) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    if (pos_ >= in_.size()) return Fail("missing element");
    const char type = in_[pos_++];
    const bool resp3_type = std::string_view("_,#(=!%~>|").find(type) != std::string_view::npos;
    if (resp3_type && !resp3_) return Fail(std::string("RESP3 type '") + type + "' in RESP2");
    std::string_view line;
    int64_t n = 0;
    switch (type) {
      case '+':
        return Line(&line);
      case '-':
        if (!Line(&line)) return false;
        if (line.empty()) return Fail("empty error line");
        return true;
      case ':':
        if (!Line(&line)) return false;
        if (!IsCanonicalInt64(line)) return Fail("bad integer '" + std::string(line) + "'");
        return true;
      case '$':
        if (!Length(&n, /*null_ok=*/true)) return false;
        return n == -1 || Payload(n, &line);
      case '*':
        if (!Length(&n, /*null_ok=*/true)) return false;
        return n == -1 || Elements(n, depth);
      case '~':
        if (!Length(&n, false)) return false;
        return Elements(n, depth);
      case '%':
        if (!Length(&n, false)) return false;
        if (n > INT64_MAX / 2) return Fail("map too large");
        return Elements(2 * n, depth);
      case '>':
        if (depth != 0) return Fail("nested push");
        *push = true;
        if (!Length(&n, false)) return false;
        if (n == 0) return Fail("empty push message");
        return Elements(n, depth);
      case '|': {
        // An attribute map, then the value it describes.
        if (!Length(&n, false)) return false;
        if (n > INT64_MAX / 2 || !Elements(2 * n, depth)) return false;
        return Value(depth, push);
      }
      case '_':
        if (!Line(&line)) return false;
        if (!line.empty()) return Fail("null with a payload");
        return true;
      case '#':
        if (!Line(&line)) return false;
        if (line != "t" && line != "f") return Fail("bad boolean");
        return true;
      case ',':
        if (!Line(&line)) return false;
        return Double(line);
      case '(': {
        if (!Line(&line)) return false;
        std::string_view digits = line;
        if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
          return Fail("bad big number");
        }
        return true;
      }
      case '=':
        if (!Length(&n, false)) return false;
        if (!Payload(n, &line)) return false;
        if (line.size() < 4 || line[3] != ':') return Fail("verbatim string without a format");
        return true;
      case '!':
        if (!Length(&n, false)) return false;
        return Payload(n, &line);
      default:
        return Fail(std::string("unknown type byte 0x") + "0123456789abcdef"[(type >> 4) & 15] +
                    "0123456789abcdef"[type & 15]);
    }
  }

  bool Double(std::string_view line) {
    if (line == "inf" || line == "-inf" || line == "nan") return true;
    if (line.empty() || line.find_first_not_of("0123456789+-.eE") != std::string_view::npos) {
      return Fail("bad double '" + std::string(line) + "'");
    }
    const std::string copy(line);
    char* end = nullptr;
    std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) return Fail("bad double '" + copy + "'");
    return true;
  }

  std::string_view in_;
  bool resp3_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

ReplyScan ScanReplies(std::string_view bytes, bool resp3) { return Reader(bytes, resp3).Run(); }

bool IsCanonicalInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") return true;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size() || s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  const uint64_t limit = static_cast<uint64_t>(INT64_MAX) + (s[0] == '-' ? 1 : 0);
  return v <= limit;
}

}  // namespace hashkv::fuzz
