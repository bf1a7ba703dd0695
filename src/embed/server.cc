// The in-process server: an Engine and a NetServer owned together, served on a private thread.
// The direct API talks to the server over a loopback connection so every command runs on the
// server's loop thread, exactly as a client's would, without a hook into the network layer.
#include "hashkv/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "hashkv/engine.h"
#include "net/server.h"

namespace hashkv {
namespace {

// One parsed RESP2 reply: enough for the typed helpers of the direct API.
struct Reply {
  char type = 0;  // '+', '-', ':', '$', '*'
  bool null = false;
  std::string str;
  int64_t integer = 0;
  std::vector<Reply> elements;
};

bool ParseLine(std::string_view in, size_t* pos, std::string_view* line) {
  size_t end = in.find("\r\n", *pos);
  if (end == std::string_view::npos) return false;
  *line = in.substr(*pos, end - *pos);
  *pos = end + 2;
  return true;
}

int64_t ToInt(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Parses one reply starting at *pos; false while it is incomplete.
bool ParseReply(std::string_view in, size_t* pos, Reply* out) {
  if (*pos >= in.size()) return false;
  out->type = in[*pos];
  ++*pos;
  std::string_view line;
  if (!ParseLine(in, pos, &line)) return false;
  switch (out->type) {
    case '$': {
      int64_t len = ToInt(line);
      if (len < 0) {
        out->null = true;
        return true;
      }
      if (in.size() - *pos < static_cast<size_t>(len) + 2) return false;
      out->str.assign(in.substr(*pos, len));
      *pos += len + 2;
      return true;
    }
    case '*': {
      int64_t n = ToInt(line);
      if (n < 0) {
        out->null = true;
        return true;
      }
      out->elements.resize(n);
      for (Reply& e : out->elements) {
        if (!ParseReply(in, pos, &e)) return false;
      }
      return true;
    }
    case ':':
      out->integer = ToInt(line);
      return true;
    default:
      out->str.assign(line);
      return true;
  }
}

std::string Encode(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

void SilenceBuiltInDefaultLogger() {
  static std::once_flag once;
  std::call_once(once, [] {
    // spdlog's built-in default logger has an empty name; one the application set is left alone.
    if (spdlog::default_logger()->name().empty()) {
      spdlog::set_default_logger(std::make_shared<spdlog::logger>(
          "hashkv-embedded", std::make_shared<spdlog::sinks::null_sink_mt>()));
    }
  });
}

constexpr int kReplyTimeoutMs = 10000;

// "ip:port" of our end of a connection: what the server's MONITOR lines call that client.
std::string LocalAddr(int fd) {
  sockaddr_in local{};
  socklen_t len = sizeof(local);
  char ip[INET_ADDRSTRLEN] = {};
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  ::inet_ntop(AF_INET, &local.sin_addr, ip, sizeof(ip));
  return std::string(ip) + ":" + std::to_string(ntohs(local.sin_port));
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<NetServer> net;
  std::thread thread;
  std::atomic<bool> serving{false};
  int port = 0;

  std::mutex control_mu;  // guards the control connection below
  int control_fd = -1;
  int control_db = 0;

  // CommandLog(): a MONITOR connection read by its own thread.
  int monitor_fd = -1;
  std::thread monitor_thread;
  std::mutex log_mu;  // guards what follows
  std::condition_variable log_cv;
  std::vector<std::vector<std::string>> log;
  std::string control_addr;  // the control connection's "ip:port": its commands are not logged
  uint64_t syncs_seen = 0;
  uint64_t syncs_sent = 0;

  bool StartMonitor(std::string* error);
  void StopMonitor();
  void ReadMonitor();
  void OnMonitorLine(std::string_view line);

  bool ConnectControl();
  void CloseControl();
  // Sends one command over the control connection; false on an I/O error or a timeout.
  bool Roundtrip(const std::vector<std::string>& argv, std::string* raw, Reply* reply);
};

bool Server::Impl::ConnectControl() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  // A wildcard bind is reachable over loopback; anything else is dialled as configured.
  const std::string host =
      options.bind == "0.0.0.0" || options.bind.empty() ? "127.0.0.1" : options.bind;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  control_fd = fd;
  {
    std::lock_guard lock(log_mu);
    control_addr = LocalAddr(fd);
  }
  std::string raw;
  Reply reply;
  if (!options.requirepass.empty() &&
      (!Roundtrip({"AUTH", options.requirepass}, &raw, &reply) || reply.type != '+')) {
    CloseControl();
    return false;
  }
  if (control_db != 0 &&
      (!Roundtrip({"SELECT", std::to_string(control_db)}, &raw, &reply) || reply.type != '+')) {
    CloseControl();
    return false;
  }
  return true;
}

void Server::Impl::CloseControl() {
  if (control_fd >= 0) ::close(control_fd);
  control_fd = -1;
}

bool Server::Impl::Roundtrip(const std::vector<std::string>& argv, std::string* raw, Reply* reply) {
  raw->clear();
  if (control_fd < 0 && !ConnectControl()) return false;
  const std::string request = Encode(argv);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(control_fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      CloseControl();
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  char buf[16 * 1024];
  for (;;) {
    size_t pos = 0;
    *reply = Reply{};
    if (ParseReply(*raw, &pos, reply)) return true;
    pollfd pfd{control_fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, kReplyTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    ssize_t n = ready > 0 ? ::recv(control_fd, buf, sizeof(buf), 0) : 0;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      CloseControl();
      raw->clear();
      return false;
    }
    raw->append(buf, static_cast<size_t>(n));
  }
}

bool Server::Impl::StartMonitor(std::string* error) {
  // The control connection's first round trip opens it; MONITOR then rides a second one.
  std::string raw;
  Reply reply;
  {
    std::lock_guard lock(control_mu);
    if (!Roundtrip({"PING"}, &raw, &reply)) {
      *error = "cannot connect to the embedded server";
      return false;
    }
    const int fd = control_fd;
    control_fd = -1;  // borrow the dialling code for the monitor socket
    const bool ok = ConnectControl() && Roundtrip({"MONITOR"}, &raw, &reply) && reply.type == '+';
    monitor_fd = control_fd;
    control_fd = -1;
    if (!ok) {
      if (monitor_fd >= 0) ::close(monitor_fd);
      monitor_fd = -1;
      control_fd = fd;
      *error = "cannot start the command log (MONITOR): " + raw;
      return false;
    }
    control_fd = fd;
    // Restore the control connection's address, which ConnectControl() overwrote.
    std::lock_guard log_lock(log_mu);
    control_addr = LocalAddr(fd);
  }
  monitor_thread = std::thread([this] { ReadMonitor(); });
  return true;
}

void Server::Impl::StopMonitor() {
  if (monitor_fd >= 0) ::shutdown(monitor_fd, SHUT_RDWR);  // wakes the reader
  if (monitor_thread.joinable()) monitor_thread.join();
  if (monitor_fd >= 0) ::close(monitor_fd);
  monitor_fd = -1;
  std::lock_guard lock(log_mu);
  log.clear();
  control_addr.clear();
  syncs_seen = syncs_sent = 0;
  log_cv.notify_all();
}

void Server::Impl::ReadMonitor() {
  std::string pending;
  char buf[16 * 1024];
  for (;;) {
    ssize_t n = ::recv(monitor_fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = pending.find("\r\n", start)) != std::string::npos; start = end + 2) {
      OnMonitorLine(std::string_view(pending).substr(start, end - start));
    }
    pending.erase(0, start);
  }
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// Undoes sdscatrepr's quoting: "a\"b" "\x00".
std::vector<std::string> ParseQuoted(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '"') {
      ++i;
      continue;
    }
    std::string arg;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] != '\\' || i + 1 >= s.size()) {
        arg.push_back(s[i]);
        continue;
      }
      char e = s[++i];
      switch (e) {
        case 'n':
          arg.push_back('\n');
          break;
        case 'r':
          arg.push_back('\r');
          break;
        case 't':
          arg.push_back('\t');
          break;
        case 'a':
          arg.push_back('\a');
          break;
        case 'b':
          arg.push_back('\b');
          break;
        case 'x':
          if (i + 2 < s.size()) {
            arg.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
            i += 2;
          }
          break;
        default:
          arg.push_back(e);
      }
    }
    ++i;  // the closing quote
    out.push_back(std::move(arg));
  }
  return out;
}

constexpr std::string_view kSyncMarker = "hashkv-embedded-command-log-sync";

}  // namespace

void Server::Impl::OnMonitorLine(std::string_view line) {
  // +<sec>.<usec> [<db> <addr>] "arg" ...
  const size_t open = line.find(" [");
  const size_t close = line.find("] ", open);
  if (line.empty() || line[0] != '+' || open == std::string_view::npos ||
      close == std::string_view::npos) {
    return;
  }
  std::string_view who = line.substr(open + 2, close - open - 2);
  const std::string_view addr = who.substr(std::min(who.find(' ') + 1, who.size()));
  std::vector<std::string> argv = ParseQuoted(line.substr(close + 2));
  std::lock_guard lock(log_mu);
  if (addr == control_addr) {
    if (argv.size() == 2 && argv[1] == kSyncMarker) {
      ++syncs_seen;
      log_cv.notify_all();
    }
    return;
  }
  log.push_back(std::move(argv));
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Server::~Server() { Stop(); }

bool Server::Start(std::string* error) {
  Impl& impl = *impl_;
  if (impl.thread.joinable()) {
    if (error != nullptr) *error = "server already started";
    return false;
  }
  if (impl.options.silence_default_logger) SilenceBuiltInDefaultLogger();
  Config config;
  config.bind = impl.options.bind;
  config.port = impl.options.port;
  config.databases = impl.options.databases;
  config.requirepass = impl.options.requirepass;
  impl.engine = std::make_unique<Engine>(std::move(config));
  impl.net = std::make_unique<NetServer>(*impl.engine, /*handle_signals=*/false);
  std::string listen_error;
  // Listen() leaves the socket accepting (into the backlog) before the loop runs.
  if (!impl.net->Listen(&listen_error)) {
    impl.net.reset();
    impl.engine.reset();
    if (error != nullptr) *error = std::move(listen_error);
    return false;
  }
  impl.port = impl.net->port();
  impl.control_db = 0;
  impl.serving = true;
  impl.thread = std::thread([&impl] {
    impl.net->Run();
    impl.serving = false;
  });
  std::string monitor_error;
  if (!impl.StartMonitor(&monitor_error)) {
    Stop();
    if (error != nullptr) *error = std::move(monitor_error);
    return false;
  }
  return true;
}

void Server::Stop() {
  Impl& impl = *impl_;
  if (!impl.thread.joinable()) return;
  {
    std::lock_guard lock(impl.control_mu);
    impl.CloseControl();
  }
  impl.StopMonitor();
  impl.net->Stop();
  impl.thread.join();
  // The network layer's connections hold sessions of the engine: it goes first.
  impl.net.reset();
  impl.engine.reset();
  impl.port = 0;
  impl.serving = false;
}

bool Server::running() const { return impl_->serving; }

int Server::Port() const { return impl_->thread.joinable() ? impl_->port : 0; }

std::string Server::Execute(const std::vector<std::string>& argv) {
  if (!running()) return {};
  std::lock_guard lock(impl_->control_mu);
  std::string raw;
  Reply reply;
  impl_->Roundtrip(argv, &raw, &reply);
  return raw;
}

bool Server::Select(int db) {
  if (!running()) return false;
  std::lock_guard lock(impl_->control_mu);
  std::string raw;
  Reply reply;
  if (!impl_->Roundtrip({"SELECT", std::to_string(db)}, &raw, &reply) || reply.type != '+') {
    return false;
  }
  impl_->control_db = db;
  return true;
}

namespace {

Reply Run(Server& server, const std::vector<std::string>& argv) {
  std::string raw = server.Execute(argv);
  Reply reply;
  size_t pos = 0;
  if (!ParseReply(raw, &pos, &reply)) reply = Reply{};
  return reply;
}

}  // namespace

bool Server::HSet(std::string_view key, std::string_view field, std::string_view value) {
  return Run(*this, {"HSET", std::string(key), std::string(field), std::string(value)}).integer ==
         1;
}

std::optional<std::string> Server::HGet(std::string_view key, std::string_view field) {
  Reply r = Run(*this, {"HGET", std::string(key), std::string(field)});
  if (r.type != '$' || r.null) return std::nullopt;
  return std::move(r.str);
}

std::map<std::string, std::string> Server::HGetAll(std::string_view key) {
  Reply r = Run(*this, {"HGETALL", std::string(key)});
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    out.emplace(std::move(r.elements[i].str), std::move(r.elements[i + 1].str));
  }
  return out;
}

int64_t Server::HDel(std::string_view key, const std::vector<std::string>& fields) {
  std::vector<std::string> argv = {"HDEL", std::string(key)};
  argv.insert(argv.end(), fields.begin(), fields.end());
  return Run(*this, argv).integer;
}

std::vector<std::string> Server::Keys(std::string_view pattern) {
  Reply r = Run(*this, {"KEYS", std::string(pattern)});
  std::vector<std::string> out;
  out.reserve(r.elements.size());
  for (Reply& e : r.elements) out.push_back(std::move(e.str));
  std::sort(out.begin(), out.end());
  return out;
}

bool Server::Exists(std::string_view key) {
  return Run(*this, {"EXISTS", std::string(key)}).integer == 1;
}

int64_t Server::Ttl(std::string_view key) {
  Reply r = Run(*this, {"TTL", std::string(key)});
  return r.type == ':' ? r.integer : -2;
}

void Server::FlushAll() { Run(*this, {"FLUSHALL"}); }

std::string Server::Dump() {
  std::string out;
  if (!running()) return out;
  std::lock_guard lock(impl_->control_mu);
  Impl& impl = *impl_;
  std::string raw;
  Reply reply;
  for (int db = 0; db < impl.options.databases; ++db) {
    if (!impl.Roundtrip({"SELECT", std::to_string(db)}, &raw, &reply) || reply.type != '+') break;
    if (!impl.Roundtrip({"KEYS", "*"}, &raw, &reply)) break;
    std::vector<std::string> keys;
    for (Reply& e : reply.elements) keys.push_back(std::move(e.str));
    std::sort(keys.begin(), keys.end());
    for (const std::string& key : keys) {
      out += "db" + std::to_string(db) + " " + key;
      if (impl.Roundtrip({"PTTL", key}, &raw, &reply) && reply.integer >= 0) {
        out += " (ttl " + std::to_string(reply.integer) + " ms)";
      }
      out += "\n";
      if (!impl.Roundtrip({"HGETALL", key}, &raw, &reply)) continue;
      std::map<std::string, std::string> fields;
      for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        fields.emplace(std::move(reply.elements[i].str), std::move(reply.elements[i + 1].str));
      }
      for (const auto& [field, value] : fields) {
        out.append("  ").append(field).append(" = ").append(value).append("\n");
      }
    }
  }
  impl.Roundtrip({"SELECT", std::to_string(impl.control_db)}, &raw, &reply);
  return out;
}

std::vector<std::vector<std::string>> Server::CommandLog() {
  if (!running()) return {};
  Impl& impl = *impl_;
  uint64_t target = 0;
  {
    // Every command received before this marker is logged before the marker is seen.
    std::lock_guard lock(impl.control_mu);
    std::string raw;
    Reply reply;
    if (!impl.Roundtrip({"ECHO", std::string(kSyncMarker)}, &raw, &reply)) return {};
    std::lock_guard log_lock(impl.log_mu);
    target = ++impl.syncs_sent;
  }
  std::unique_lock lock(impl.log_mu);
  impl.log_cv.wait_for(lock, std::chrono::milliseconds(kReplyTimeoutMs),
                       [&] { return impl.syncs_seen >= target; });
  return impl.log;
}

void Server::ClearCommandLog() {
  CommandLog();  // first drain what is in flight
  std::lock_guard lock(impl_->log_mu);
  impl_->log.clear();
}

bool Server::WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace hashkv
