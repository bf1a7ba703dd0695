// RESP2/RESP3 reply parsing for the compat suite's client side.
#include <charconv>
#include <cstdint>

#include "compat/resp_reply.h"

namespace hashkv::compat {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(std::string_view input, std::string* error) : in_(input), error_(error) {}

  // Parses one reply starting at pos_; `tree` may be null when only the length matters.
  ParseStatus Parse(Reply* tree, int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    const size_t start = pos_;
    if (pos_ >= in_.size()) return ParseStatus::kIncomplete;
    const char type = in_[pos_];
    std::string_view line;
    if (ParseStatus s = ReadLine(&line); s != ParseStatus::kComplete) return s;
    if (tree != nullptr) tree->type = type;
    switch (type) {
      case '+':
      case '-':
      case ':':
      case ',':
      case '#':
      case '(':
        if (tree != nullptr) tree->value.assign(line);
        break;
      case '_':
        if (!line.empty()) return Fail("null with payload");
        if (tree != nullptr) tree->is_null = true;
        break;
      case '$':
      case '!':
      case '=': {
        int64_t n = 0;
        if (!ToInt(line, &n) || n < -1) return Fail("bad bulk length");
        if (n == -1) {
          if (type != '$') return Fail("null blob of a RESP3 type");
          if (tree != nullptr) tree->is_null = true;
          break;
        }
        const size_t len = static_cast<size_t>(n);
        if (in_.size() - pos_ < len + 2) return ParseStatus::kIncomplete;
        if (in_[pos_ + len] != '\r' || in_[pos_ + len + 1] != '\n') {
          return Fail("bulk payload not followed by CRLF");
        }
        if (tree != nullptr) tree->value.assign(in_.substr(pos_, len));
        pos_ += len + 2;
        break;
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        int64_t n = 0;
        if (!ToInt(line, &n) || n < -1) return Fail("bad aggregate length");
        if (n == -1) {
          if (type != '*') return Fail("null aggregate of a RESP3 type");
          if (tree != nullptr) tree->is_null = true;
          break;
        }
        const int64_t count = (type == '%' || type == '|') ? n * 2 : n;
        for (int64_t i = 0; i < count; ++i) {
          Reply* child = nullptr;
          if (tree != nullptr) child = &tree->elements.emplace_back();
          if (ParseStatus s = Parse(child, depth + 1); s != ParseStatus::kComplete) return s;
        }
        if (type == '|') {
          // An attribute decorates the reply that follows: parse that one into `tree` and keep
          // the attribute's entries on the side, so `raw` still covers both.
          std::vector<Reply> attribute;
          if (tree != nullptr) attribute.swap(tree->elements);
          Reply next;
          if (ParseStatus s = Parse(tree != nullptr ? &next : nullptr, depth + 1);
              s != ParseStatus::kComplete) {
            return s;
          }
          if (tree != nullptr) {
            *tree = std::move(next);
            tree->attribute = std::move(attribute);
          }
        }
        break;
      }
      default:
        return Fail(std::string("unknown type byte '") + type + "'");
    }
    if (tree != nullptr) tree->raw.assign(in_.substr(start, pos_ - start));
    return ParseStatus::kComplete;
  }

  size_t pos() const { return pos_; }

 private:
  // Reads the header line after the type byte; pos_ moves past its CRLF.
  ParseStatus ReadLine(std::string_view* line) {
    const size_t cr = in_.find('\r', pos_ + 1);
    if (cr == std::string_view::npos || cr + 1 >= in_.size()) {
      return ParseStatus::kIncomplete;
    }
    if (in_[cr + 1] != '\n') return Fail("CR not followed by LF");
    *line = in_.substr(pos_ + 1, cr - pos_ - 1);
    pos_ = cr + 2;
    return ParseStatus::kComplete;
  }

  static bool ToInt(std::string_view s, int64_t* out) {
    if (s.empty()) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
  }

  ParseStatus Fail(std::string message) {
    if (error_ != nullptr) *error_ = std::move(message);
    return ParseStatus::kMalformed;
  }

  std::string_view in_;
  std::string* error_;
  size_t pos_ = 0;
};

}  // namespace

ParseStatus ParseReply(std::string_view input, size_t* length, Reply* tree, std::string* error) {
  Parser parser(input, error);
  if (tree != nullptr) *tree = Reply();
  ParseStatus status = parser.Parse(tree, 0);
  if (status == ParseStatus::kComplete) *length = parser.pos();
  return status;
}

ParseStatus ReplyReader::Next(std::string* raw, std::string* error) {
  size_t length = 0;
  ParseStatus status = ParseReply(buffer_, &length, nullptr, error);
  if (status == ParseStatus::kComplete) {
    raw->assign(buffer_, 0, length);
    buffer_.erase(0, length);
  }
  return status;
}

std::string Escape(std::string_view bytes, size_t max, bool quotes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const size_t n = bytes.size() < max ? bytes.size() : max;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += quotes ? "\\\\" : "\\";
        break;
      case '"':
        out += quotes ? "\\\"" : "\"";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  if (n < bytes.size()) {
    out += "... (" + std::to_string(bytes.size()) + " bytes in all)";
  }
  return out;
}

}  // namespace hashkv::compat
