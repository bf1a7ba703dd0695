// A raw loopback client for the compat suite: writes request bytes, reads exactly one reply at a
// time with a deadline, and can tell whether the server closed the connection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compat/resp_reply.h"

namespace hashkv::compat {

// RESP multibulk request for one command.
std::string EncodeCommand(const std::vector<std::string>& args);

class Connection {
 public:
  Connection() = default;
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool Connect(int port, std::string* error);
  bool connected() const { return fd_ >= 0; }
  void Close();

  bool Write(std::string_view bytes, std::string* error);
  // Reads one complete reply; false on a timeout, a closed connection or malformed bytes.
  bool ReadReply(std::string* raw, std::string* error, int timeout_ms = 10000);
  // Convenience: writes `args` as multibulk and reads the reply.
  bool Command(const std::vector<std::string>& args, std::string* raw, std::string* error);
  // True when the server closes (EOF or reset) within `timeout_ms`; bytes that arrive first are
  // appended to *extra.
  bool WaitClosed(std::string* extra, int timeout_ms = 3000);

 private:
  // Receives what is available within the deadline into the reader; false with *error set.
  bool Receive(int timeout_ms, std::string* error, bool* eof);

  int fd_ = -1;
  ReplyReader reader_;
};

}  // namespace hashkv::compat
