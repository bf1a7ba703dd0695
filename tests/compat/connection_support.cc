// Blocking POSIX socket client with poll() deadlines, for the compat suite.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "compat/connection.h"

namespace hashkv::compat {

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

bool Connection::Connect(int port, std::string* error) {
  Close();
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    *error = "connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    Close();
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return true;
}

void Connection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  reader_.Clear();
}

bool Connection::Write(std::string_view bytes, std::string* error) {
  if (fd_ < 0) {
    *error = "not connected";
    return false;
  }
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool Connection::Receive(int timeout_ms, std::string* error, bool* eof) {
  *eof = false;
  pollfd pfd{fd_, POLLIN, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r == 0) {
    *error = "timed out after " + std::to_string(timeout_ms) + " ms";
    return false;
  }
  if (r < 0) {
    *error = std::string("poll: ") + std::strerror(errno);
    return false;
  }
  char buf[256 * 1024];
  ssize_t n;
  do {
    n = recv(fd_, buf, sizeof(buf), 0);
  } while (n < 0 && errno == EINTR);
  if (n == 0 || (n < 0 && errno == ECONNRESET)) {
    *eof = true;
    *error = n == 0 ? "connection closed by the server" : "connection reset by the server";
    return false;
  }
  if (n < 0) {
    *error = std::string("recv: ") + std::strerror(errno);
    return false;
  }
  reader_.Feed(std::string_view(buf, static_cast<size_t>(n)));
  return true;
}

bool Connection::ReadReply(std::string* raw, std::string* error, int timeout_ms) {
  if (fd_ < 0) {
    *error = "not connected";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    ParseStatus status = reader_.Next(raw, error);
    if (status == ParseStatus::kComplete) return true;
    if (status == ParseStatus::kMalformed) {
      *error = "malformed reply (" + *error + "): " + Escape(reader_.pending());
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    bool eof = false;
    if (left.count() <= 0 || !Receive(static_cast<int>(left.count()), error, &eof)) {
      if (left.count() <= 0) *error = "timed out after " + std::to_string(timeout_ms) + " ms";
      if (!reader_.pending().empty()) *error += "; partial reply: " + Escape(reader_.pending());
      return false;
    }
  }
}

bool Connection::Command(const std::vector<std::string>& args, std::string* raw,
                         std::string* error) {
  return Write(EncodeCommand(args), error) && ReadReply(raw, error);
}

bool Connection::WaitClosed(std::string* extra, int timeout_ms) {
  if (fd_ < 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string error;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    bool eof = false;
    if (!Receive(static_cast<int>(left.count()), &error, &eof)) {
      if (eof) {
        extra->append(reader_.pending());
        Close();
        return true;
      }
      break;
    }
  }
  extra->append(reader_.pending());
  reader_.Clear();
  return false;
}

}  // namespace hashkv::compat
