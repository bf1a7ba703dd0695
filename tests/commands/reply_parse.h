// A small RESP reply reader for in-process tests that need to look inside a reply (HSCAN
// cursors, HRANDFIELD results, SLOWLOG entries) rather than compare its bytes.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hashkv::testing {

struct Reply {
  char type = 0;
  std::string str;  // simple strings, errors, bulk and verbatim payloads
  int64_t integer = 0;
  std::vector<Reply> elems;  // arrays; a map's keys and values alternate
};

inline Reply Parse(std::string_view raw, size_t* pos) {
  Reply r;
  r.type = raw[*pos];
  size_t eol = raw.find("\r\n", *pos);
  std::string line(raw.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  switch (r.type) {
    case '+':
    case '-':
      r.str = line;
      break;
    case ':':
      r.integer = std::stoll(line);
      break;
    case '$':
    case '=': {
      int64_t n = std::stoll(line);
      if (n < 0) break;
      r.str = std::string(raw.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
      break;
    }
    case '*':
    case '%': {
      int64_t n = std::stoll(line) * (r.type == '%' ? 2 : 1);
      for (int64_t i = 0; i < n; ++i) r.elems.push_back(Parse(raw, pos));
      break;
    }
    default:
      break;
  }
  return r;
}

// The whole of `raw` must be exactly one reply.
inline Reply Parse(std::string_view raw) {
  size_t pos = 0;
  Reply r = Parse(raw, &pos);
  EXPECT_EQ(pos, raw.size()) << raw;
  return r;
}

}  // namespace hashkv::testing
