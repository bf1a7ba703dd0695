// RESP encoder that appends to a caller-owned buffer; RESP2 and RESP3 are modes of one writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hashkv {

enum class RespVersion : uint8_t { kResp2 = 2, kResp3 = 3 };

class RespWriter {
 public:
  RespWriter(std::string& out, RespVersion version) : out_(&out), version_(version) {}

  RespVersion version() const { return version_; }
  std::string& buffer() { return *out_; }

  // Once the buffer holds more than `bytes`, further replies are dropped and overflowed() says
  // so: one command asking for a reply larger than memory (HRANDFIELD key -16777216 on big
  // values) costs its connection, not the server.
  void set_limit(size_t bytes) { limit_ = bytes; }
  bool overflowed() const { return overflowed_; }

  void SimpleString(std::string_view s);
  // `line` carries its code ("ERR ...", "WRONGTYPE ..."); CR and LF become spaces, as in Redis.
  void Error(std::string_view line);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void ArrayHeader(size_t n);
  void MapHeader(size_t pairs);  // RESP2: an array of 2n elements
  void SetHeader(size_t n);      // RESP2: an array
  void Double(double value);     // RESP2: a bulk string, as Redis's addReplyDouble
  // A bulk string already formatted as a number, e.g. HINCRBYFLOAT's reply, which stays bulk.
  void Verbatim(std::string_view text);  // RESP3 "=len\r\ntxt:..."; RESP2 a bulk string
  void Raw(std::string_view bytes) {
    if (!Blocked()) out_->append(bytes);
  }

 private:
  void Header(char type, int64_t n);
  bool Blocked() {
    if (out_->size() <= limit_) return false;
    overflowed_ = true;
    return true;
  }

  std::string* out_;
  RespVersion version_;
  size_t limit_ = SIZE_MAX;
  bool overflowed_ = false;
};

}  // namespace hashkv
