// RESP2/RESP3 encoding. Numbers are formatted without allocation.
#include "protocol/resp_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace hashkv {

void RespWriter::Header(char type, int64_t n) {
  if (n >= 0 && n < 10) {  // most integer replies and short bulks: no digit loop
    const char small[4] = {type, static_cast<char>('0' + n), '\r', '\n'};
    out_->append(small, sizeof(small));
    return;
  }
  char buf[24];
  buf[0] = type;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  (void)ec;
  end[0] = '\r';
  end[1] = '\n';
  out_->append(buf, end + 2 - buf);
}

void RespWriter::SimpleString(std::string_view s) {
  if (Blocked()) return;
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void RespWriter::Error(std::string_view line) {
  if (Blocked()) return;
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(line);
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append("\r\n");
}

void RespWriter::Integer(int64_t value) {
  if (Blocked()) return;
  Header(':', value);
}

void RespWriter::Bulk(std::string_view s) {
  if (Blocked()) return;
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void RespWriter::Null() {
  if (Blocked()) return;
  if (version_ == RespVersion::kResp3) {
    out_->append("_\r\n");
  } else {
    out_->append("$-1\r\n");
  }
}

void RespWriter::NullArray() {
  if (Blocked()) return;
  if (version_ == RespVersion::kResp3) {
    out_->append("_\r\n");
  } else {
    out_->append("*-1\r\n");
  }
}

void RespWriter::ArrayHeader(size_t n) {
  if (Blocked()) return;
  Header('*', static_cast<int64_t>(n));
}

void RespWriter::MapHeader(size_t pairs) {
  if (Blocked()) return;
  if (version_ == RespVersion::kResp3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void RespWriter::SetHeader(size_t n) {
  if (Blocked()) return;
  Header(version_ == RespVersion::kResp3 ? '~' : '*', static_cast<int64_t>(n));
}

void RespWriter::Double(double value) {
  if (Blocked()) return;
  // Redis's addReplyDouble: "%.17g", with inf/-inf spelled out.
  char buf[64];
  int len;
  if (std::isinf(value)) {
    len = std::snprintf(buf, sizeof(buf), "%s", value > 0 ? "inf" : "-inf");
  } else {
    len = std::snprintf(buf, sizeof(buf), "%.17g", value);
  }
  std::string_view text(buf, static_cast<size_t>(len));
  if (version_ == RespVersion::kResp3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

void RespWriter::Verbatim(std::string_view text) {
  if (Blocked()) return;
  if (version_ == RespVersion::kResp3) {
    Header('=', static_cast<int64_t>(text.size() + 4));
    out_->append("txt:");
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

}  // namespace hashkv
