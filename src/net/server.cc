// Asio C++20 coroutines: a listener spawning a connection coroutine per client. Each read is
// fed whole to the Engine and every reply it produced is written with one write, so a batch of
// pipelined commands costs one read and one write system call.
#include "net/server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <utility>
#include <vector>

#include "commands/client_info.h"
#include "engine/limits.h"
#include "engine/session.h"

namespace hashkv {
namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
// Connections hold a protocol-neutral socket so TCP and Unix clients share one code path.
using Stream = asio::generic::stream_protocol;
using UnixSocket = asio::local::stream_protocol;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Buffers that grew for one large request or reply go back to this size once idle, so a
// thousand idle connections cost a thousand small buffers.
constexpr size_t kIdleBufferCap = 64 * 1024;
// Replies queued beyond this make the reader pause until the client catches up: what bounds a
// client that pipelines without reading while client-output-buffer-limit is unlimited (Redis's
// default for normal clients).
constexpr size_t kMaxPendingOutput = 4 * 1024 * 1024;
// Out of file descriptors (or kernel memory), accept() fails at once for as long as the
// connection waits in the backlog: the listener pauses this long instead of spinning.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
// While accepting keeps failing, at most one log line per this period.
constexpr auto kAcceptLogPeriod = std::chrono::seconds(10);
// server.c CONFIG_MIN_RESERVED_FDS: descriptors kept for listeners, logs and the like.
constexpr rlim_t kReservedFds = 32;

bool OutOfResources(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int e = ec.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

// Seconds on a clock no test control moves, for idle timeouts and the output soft limit; never 0
// (0 means "unset" for OutputLimitReached).
int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
             .count() +
         1;
}

// One log line's view of a client: CLIENT LIST's fields without the newline.
std::string ClientInfo(Engine& engine, const Session& s) {
  std::string info;
  AppendClientInfo(&info, s, engine.NowMs(), 0);
  if (!info.empty() && info.back() == '\n') info.pop_back();
  return info;
}

// Redis shows a Unix client as "<socket path>:0", for both addr and laddr.
std::string Endpoint(const Stream::endpoint& generic, const std::string& unix_path) {
  if (generic.protocol().family() == AF_UNIX) return unix_path + ":0";
  tcp::endpoint ep;
  std::memcpy(ep.data(), generic.data(), std::min(generic.size(), ep.capacity()));
  ep.resize(std::min(generic.size(), ep.capacity()));
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

// Printable, hex-escaped prefix of bad input for the log.
std::string Sample(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 64)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

struct NetServer::Impl {
  Impl(Engine& e, bool handle_signals)
      : engine(e), acceptor(io), unix_acceptor(io), signals(io), cron(io), resumed(io) {
    resumed.expires_at(asio::steady_timer::time_point::max());
    if (handle_signals) {
      signals.add(SIGINT);
      signals.add(SIGTERM);
    }
  }
  ~Impl() {
    if (!unix_path.empty()) ::unlink(unix_path.c_str());
  }

  class Connection;
  template <class Acceptor>
  awaitable<void> Listener(Acceptor& from);
  void StartConnection(Stream::socket socket);
  bool ListenUnix(std::string* error);
  awaitable<void> Cron();
  void Shutdown(std::string_view why);
  void LogProtocolError(std::string_view error, std::string_view input, const Session& s);
  void LogAcceptBackoff(const boost::system::error_code& ec);
  // Refuses a new client when maxclients is reached or protected mode applies; true if it did.
  bool Refused(Stream::socket& socket);
  // clientsCron: idle timeouts, and soft output limits of clients that are not being read.
  void ClientsCron();

  Engine& engine;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  UnixSocket::acceptor unix_acceptor;
  std::string unix_path;  // set once the Unix socket file exists; removed at shutdown
  asio::signal_set signals;
  asio::steady_timer cron;
  std::list<Connection*> connections;  // open connections, aborted on shutdown
  bool stopping = false;
  bool paused = false;
  asio::steady_timer resumed;  // paused readers wait here; Resume() cancels it to wake them all
  std::mutex post_mu;          // orders Post() against the end of Run()
  bool finished = false;       // Run() has drained its last posted functions
  std::chrono::steady_clock::time_point last_protocol_log{};
  uint64_t suppressed_protocol_logs = 0;
  std::chrono::steady_clock::time_point last_accept_log{};
  uint64_t suppressed_accept_logs = 0;
};

NetServer::NetServer(Engine& engine, bool handle_signals)
    : impl_(std::make_unique<Impl>(engine, handle_signals)) {}
NetServer::~NetServer() = default;

bool NetServer::Listen(std::string* error) {
  const Config& config = impl_->engine.config();
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config.bind, ec);
  if (ec) {
    *error = "Invalid bind address '" + config.bind + "': " + ec.message();
    return false;
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(config.port));
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(511, ec);
  if (ec) {
    *error = "Failed listening on port " + std::to_string(config.port) +
             " (tcp), aborting: " + ec.message();
    return false;
  }
  impl_->engine.config().port = port();
  if (config.protected_mode && config.requirepass.empty() && !address.is_loopback()) {
    spdlog::warn(
        "WARNING protected mode is enabled and no password is set: bound to {}, this server "
        "only serves clients on this host; clients from other hosts get -DENIED. Set a "
        "password (requirepass) or start with --protected-mode no to serve them.",
        config.bind);
  }
  return impl_->engine.config().unixsocket.empty() || impl_->ListenUnix(error);
}

bool NetServer::Impl::ListenUnix(std::string* error) {
  const Config& config = engine.config();
  const std::string& path = config.unixsocket;
  // A socket file left by a killed server would make bind fail; Redis unlinks it too.
  ::unlink(path.c_str());
  // Asio would throw for a path longer than sockaddr_un holds.
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    *error = "Failed opening Unix socket: path too long (" + path + ")";
    return false;
  }
  boost::system::error_code ec;
  unix_acceptor.open(UnixSocket(), ec);
  if (!ec) unix_acceptor.bind(UnixSocket::endpoint(path), ec);
  if (!ec) unix_path = path;
  if (!ec) unix_acceptor.listen(511, ec);
  if (!ec && config.unixsocketperm != 0 &&
      ::chmod(path.c_str(), static_cast<mode_t>(config.unixsocketperm)) != 0) {
    ec.assign(errno, boost::system::system_category());
  }
  if (ec) {
    *error = "Failed opening Unix socket: " + ec.message();
    return false;
  }
  return true;
}

int NetServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void NetServer::Run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    impl.Shutdown(signo == SIGINT ? "Received SIGINT scheduling shutdown..."
                                  : "Received SIGTERM scheduling shutdown...");
  });
  asio::co_spawn(impl.io, impl.Listener(impl.acceptor), asio::detached);
  if (impl.unix_acceptor.is_open()) {
    asio::co_spawn(impl.io, impl.Listener(impl.unix_acceptor), asio::detached);
  }
  asio::co_spawn(impl.io, impl.Cron(), asio::detached);
  impl.io.run();
  // Functions posted while the loop was stopping still run, so no caller waits forever.
  {
    std::lock_guard lock(impl.post_mu);
    impl.finished = true;
  }
  impl.io.restart();
  impl.io.poll();
}

void NetServer::Stop() {
  Post([impl = impl_.get()] { impl->Shutdown("Stop requested"); });
}

bool NetServer::Post(std::function<void()> fn) {
  std::lock_guard lock(impl_->post_mu);
  if (impl_->finished) return false;
  asio::post(impl_->io, std::move(fn));
  return true;
}

void NetServer::Pause() { impl_->paused = true; }

void NetServer::Resume() {
  impl_->paused = false;
  impl_->resumed.cancel();
}

template <class Acceptor>
awaitable<void> NetServer::Impl::Listener(Acceptor& from) {
  asio::steady_timer backoff(io);
  for (;;) {
    boost::system::error_code ec;
    Stream::socket socket(io);
    co_await from.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      if (OutOfResources(ec)) {
        // The pending connection stays in the backlog and accept() would fail again at once:
        // wait for clients to leave, serving the connected ones meanwhile.
        LogAcceptBackoff(ec);
        backoff.expires_after(kAcceptBackoff);
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) co_return;
        continue;
      }
      spdlog::warn("Accepting client connection: {}", ec.message());
      continue;
    }
    if (!Refused(socket)) StartConnection(std::move(socket));
  }
}

void NetServer::Impl::LogAcceptBackoff(const boost::system::error_code& ec) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_accept_log < kAcceptLogPeriod) {
    ++suppressed_accept_logs;
    return;
  }
  last_accept_log = now;
  spdlog::warn("Accepting client connection: {}. Not accepting new clients for {} ms{}",
               ec.message(), kAcceptBackoff.count(),
               suppressed_accept_logs
                   ? " (" + std::to_string(suppressed_accept_logs) + " similar errors suppressed)"
                   : "");
  suppressed_accept_logs = 0;
}

// networking.c acceptCommonHandler and clientAcceptHandler: the refused client gets one line,
// best effort, and is closed.
bool NetServer::Impl::Refused(Stream::socket& socket) {
  std::string_view reply;
  boost::system::error_code ec;
  if (static_cast<int64_t>(engine.session_count()) >= engine.config().maxclients) {
    reply = kMaxClientsReply;
  } else {
    Stream::endpoint peer = socket.remote_endpoint(ec);
    const bool unix_socket = !ec && peer.protocol().family() == AF_UNIX;
    std::string ip;
    if (!ec && !unix_socket) {
      tcp::endpoint ep;
      std::memcpy(ep.data(), peer.data(), std::min(peer.size(), ep.capacity()));
      ep.resize(std::min(peer.size(), ep.capacity()));
      ip = ep.address().to_string();
    }
    if (ec || !ProtectedModeRefuses(engine.config(), ip, unix_socket)) return false;
    // Redis created the client before this check, so it counts as received.
    ++engine.stats().total_connections_received;
    reply = kProtectedModeReply;
  }
  ++engine.stats().rejected_connections;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(reply.data(), reply.size()), ec);
  socket.close(ec);
  return true;
}

awaitable<void> NetServer::Impl::Cron() {
  const auto period = std::chrono::milliseconds(1000 / std::max(1, engine.config().hz));
  for (;;) {
    cron.expires_after(period);
    boost::system::error_code ec;
    co_await cron.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping) co_return;
    engine.Cron();
    ClientsCron();
  }
}

void NetServer::Impl::LogProtocolError(std::string_view error, std::string_view input,
                                       const Session& s) {
  // Rate-limited: a flood of bad clients must not turn into a flood of log lines.
  auto now = std::chrono::steady_clock::now();
  if (now - last_protocol_log < std::chrono::seconds(1)) {
    ++suppressed_protocol_logs;
    return;
  }
  last_protocol_log = now;
  spdlog::info(
      "Protocol error ({}) from client: id={} addr={}. Query buffer during protocol "
      "error: '{}'{}",
      error, s.id(), s.addr(), Sample(input),
      suppressed_protocol_logs
          ? " (" + std::to_string(suppressed_protocol_logs) + " similar errors suppressed)"
          : "");
  suppressed_protocol_logs = 0;
}

// One client: a reader feeding the engine and a writer draining `out`, so replies, MONITOR
// lines pushed by other clients and CLIENT KILL all go through one queue and one close path.
class NetServer::Impl::Connection : public ConnectionHooks,
                                    public std::enable_shared_from_this<Connection> {
 public:
  Connection(Impl& impl, Stream::socket socket)
      : impl_(impl), socket_(std::move(socket)), wake_(impl.io), drained_(impl.io) {
    wake_.expires_at(asio::steady_timer::time_point::max());
    drained_.expires_at(asio::steady_timer::time_point::max());
  }

  void Start() {
    boost::system::error_code ec;
    Stream::endpoint local = socket_.local_endpoint(ec);
    if (local.protocol().family() != AF_UNIX) socket_.set_option(tcp::no_delay(true), ec);
    session_ = impl_.engine.NewSession(Endpoint(socket_.remote_endpoint(ec), impl_.unix_path),
                                       Endpoint(local, impl_.unix_path));
    session_->fd = socket_.native_handle();
    session_->hooks = this;
    last_io_s_ = SteadySeconds();
    socket_.non_blocking(true, ec);  // FlushOrWake must never block the loop
    self_ = impl_.connections.insert(impl_.connections.end(), this);
    asio::co_spawn(impl_.io, Reader(shared_from_this()), asio::detached);
    asio::co_spawn(impl_.io, Writer(shared_from_this()), asio::detached);
  }

  void Push(std::string_view bytes) override {
    if (closing_) return;
    out_.append(bytes);
    // The clients whose commands a MONITOR echoes cannot be slowed down for it: its limit is
    // what bounds the feed.
    if (OverOutputLimit()) return;
    wake_.cancel();
  }

  void Kill() override {
    closing_ = true;
    wake_.cancel();
    drained_.cancel();
  }

  // Writes the reader's replies at once when no write is in flight, sparing the common
  // one-request-one-reply exchange a hop to the writer coroutine; whatever the (non-blocking)
  // socket does not take now, or an error, is left to the writer.
  void FlushOrWake() {
    if (sending_.empty() && !writer_done_) {
      boost::system::error_code ec;
      size_t n = socket_.write_some(asio::buffer(out_), ec);
      impl_.engine.stats().total_net_output_bytes += n;
      if (n > 0) last_io_s_ = SteadySeconds();
      out_.erase(0, n);
      if (out_.empty()) {
        if (out_.capacity() > kIdleBufferCap) out_.shrink_to_fit();
        return;
      }
    }
    wake_.cancel();
  }

  // Server shutdown or DropConnections(): no flushing, the connection ends now.
  void Abort() {
    boost::system::error_code ec;
    socket_.close(ec);
    Kill();
  }

  // networking.c closeClientOnOutputBufferLimitReached: true (and the connection is closed,
  // its pending replies dropped) when the pending replies break the client's limit.
  bool OverOutputLimit() {
    if (closing_) return closing_for_output_;
    const OutputBufferLimit& limit = OutputLimitFor(impl_.engine.config(), *session_);
    if (limit.hard_bytes == 0 && limit.soft_bytes == 0) return false;
    const uint64_t pending = out_.size() + sending_.size();
    if (!OutputLimitReached(limit, pending, SteadySeconds(), &soft_limit_since_s_)) return false;
    CloseForOutputLimit(pending);
    return true;
  }

  void CloseForOutputLimit(uint64_t pending) {
    session_->output_buffer_bytes = pending;
    spdlog::warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
                 ClientInfo(impl_.engine, *session_));
    closing_for_output_ = true;
    out_.clear();
    Abort();
  }

  // server.c clientsCronHandleTimeout; Redis closes the client without a word to it.
  bool IdleTooLong(int64_t now_s) const {
    return !closing_ && IdleTimedOut(impl_.engine.config(), *session_, last_io_s_, now_s);
  }

 private:
  // The coroutines hold `self` so the connection lives until both have finished.
  awaitable<void> Reader([[maybe_unused]] std::shared_ptr<Connection> self);
  awaitable<void> Writer([[maybe_unused]] std::shared_ptr<Connection> self);

  Impl& impl_;
  Stream::socket socket_;
  asio::steady_timer wake_;     // the writer waits here for output
  asio::steady_timer drained_;  // the reader waits here while too much output is pending
  std::unique_ptr<Session> session_;
  std::string out_;      // queued for the client
  std::string sending_;  // being written
  bool closing_ = false;
  bool closing_for_output_ = false;
  bool writer_done_ = false;
  int64_t last_io_s_ = 0;           // SteadySeconds() of the last read or write, for `timeout`
  int64_t soft_limit_since_s_ = 0;  // when pending output reached the soft limit; 0: it has not
  std::list<Connection*>::iterator self_;

  friend struct Impl;
};

void NetServer::Impl::Shutdown(std::string_view why) {
  if (stopping) return;
  stopping = true;
  spdlog::warn("{}", why);
  boost::system::error_code ec;
  acceptor.close(ec);
  unix_acceptor.close(ec);
  if (!unix_path.empty()) {
    spdlog::info("Removing the unix socket file.");
    ::unlink(unix_path.c_str());
    unix_path.clear();
  }
  signals.cancel(ec);
  cron.cancel();
  resumed.cancel();
  for (Connection* c : connections) c->Abort();
  spdlog::warn("hashkv is now ready to exit, bye bye...");
  io.stop();
}

void NetServer::DropConnections() {
  for (Impl::Connection* c : impl_->connections) c->Abort();
}

void NetServer::Impl::StartConnection(Stream::socket socket) {
  std::make_shared<Connection>(*this, std::move(socket))->Start();
}

void NetServer::Impl::ClientsCron() {
  const Config& config = engine.config();
  const auto& limits = config.client_output_buffer_limits;
  const bool any_soft_limit = std::any_of(limits.begin(), limits.end(),
                                          [](const OutputBufferLimit& l) { return l.soft_bytes; });
  if (config.timeout == 0 && !any_soft_limit) return;
  const int64_t now_s = SteadySeconds();
  // Closing only marks a connection: its writer leaves the list later, so iterating is safe.
  for (Connection* c : connections) {
    if (config.timeout != 0 && c->IdleTooLong(now_s)) {
      spdlog::debug("Closing idle client");
      c->Abort();
      continue;
    }
    // A client over its soft limit is no longer read from (back-pressure), so no new reply
    // would check the limit again: the cron does.
    if (any_soft_limit) c->OverOutputLimit();
  }
}

awaitable<void> NetServer::Impl::Connection::Reader(
    [[maybe_unused]] std::shared_ptr<Connection> self) {
  Impl& impl = impl_;
  Engine& engine = impl.engine;
  boost::system::error_code ec;
  std::vector<char> in(kReadChunk);
  size_t filled = 0;
  bool more_to_feed = false;  // complete requests wait in `in` for the client to read replies
  while (!closing_) {
    if (!more_to_feed) {
      if (in.size() - filled < kReadChunk / 2) in.resize(in.size() * 2);
      size_t n =
          co_await socket_.async_read_some(asio::buffer(in.data() + filled, in.size() - filled),
                                           asio::redirect_error(asio::use_awaitable, ec));
      if (ec || closing_ || impl.stopping) break;
      last_io_s_ = SteadySeconds();
      filled += n;
      engine.stats().total_net_input_bytes += n;
    }
    while (impl.paused && !closing_ && !impl.stopping) {
      // Resume() wakes every paused reader by cancelling the shared timer.
      boost::system::error_code woken;
      co_await impl.resumed.async_wait(asio::redirect_error(asio::use_awaitable, woken));
    }
    if (closing_ || impl.stopping) break;
    std::string_view input(in.data(), filled);
    // Requests run only while fewer than kMaxPendingOutput reply bytes wait for the client.
    FeedResult r = engine.Feed(*session_, input, out_,
                               kMaxPendingOutput - std::min(sending_.size(), kMaxPendingOutput));
    more_to_feed = r.output_full;
    if (r.output_limit) {
      CloseForOutputLimit(out_.size() + sending_.size());
      break;
    }
    if (!r.protocol_error.empty()) {
      impl.LogProtocolError(r.protocol_error, input.substr(r.consumed), *session_);
    }
    if (r.query_buffer_limit) {
      session_->query_buffer_bytes = filled - r.consumed;
      session_->query_buffer_free = in.size() - filled;
      spdlog::warn(
          "Closing client that reached max query buffer length: {} (qbuf initial bytes: {})",
          ClientInfo(engine, *session_), QuotedRepr(input.substr(r.consumed, 64)));
    }
    if (r.consumed > 0) {
      // Only the unparsed tail moves; a large request still arriving is never copied.
      std::memmove(in.data(), in.data() + r.consumed, filled - r.consumed);
      filled -= r.consumed;
    }
    if (!out_.empty()) {
      FlushOrWake();
      if (OverOutputLimit()) break;
    }
    if (engine.shutdown_requested()) {
      impl.Shutdown("User requested shutdown...");
      co_return;
    }
    if (r.close) break;
    if (filled == 0 && in.size() > kIdleBufferCap) {
      in.resize(kReadChunk);
      in.shrink_to_fit();
    }
    session_->query_buffer_bytes = filled;
    session_->query_buffer_free = in.size() - filled;
    // Backpressure: a client that sends faster than it reads waits here instead of growing
    // our memory (what Feed stopped at is fed once the client catches up).
    while (out_.size() + sending_.size() >= kMaxPendingOutput && !closing_ && !writer_done_) {
      co_await drained_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  Kill();  // the writer flushes what is queued, then closes
}

awaitable<void> NetServer::Impl::Connection::Writer(
    [[maybe_unused]] std::shared_ptr<Connection> self) {
  Impl& impl = impl_;
  boost::system::error_code ec;
  for (;;) {
    if (out_.empty()) {
      if (closing_ || impl.stopping) break;
      co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    sending_.swap(out_);
    co_await asio::async_write(socket_, asio::buffer(sending_),
                               asio::redirect_error(asio::use_awaitable, ec));
    impl.engine.stats().total_net_output_bytes += sending_.size();
    if (!ec) last_io_s_ = SteadySeconds();
    sending_.clear();
    if (sending_.capacity() > kIdleBufferCap) sending_.shrink_to_fit();
    drained_.cancel();
    if (ec || impl.stopping) break;
  }
  writer_done_ = true;
  closing_ = true;
  drained_.cancel();
  if (!impl.stopping) {
    impl.connections.erase(self_);
    session_->hooks = nullptr;
    socket_.shutdown(Stream::socket::shutdown_both, ec);
    socket_.close(ec);  // ends the reader's pending read
  }
}

int64_t AdjustOpenFilesLimit(int64_t maxclients) {
  const rlim_t maxfiles = static_cast<rlim_t>(maxclients) + kReservedFds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    spdlog::warn(
        "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting the max "
        "clients configuration accordingly.",
        std::strerror(errno));
    return 1024 - static_cast<int64_t>(kReservedFds);
  }
  const rlim_t oldlimit = limit.rlim_cur;
  if (oldlimit >= maxfiles) return maxclients;
  // Try maxfiles, or at least the highest value below it that the system allows.
  rlim_t bestlimit = maxfiles;
  int setrlimit_error = 0;
  while (bestlimit > oldlimit) {
    constexpr rlim_t kStep = 16;
    limit.rlim_cur = bestlimit;
    limit.rlim_max = bestlimit;
    if (setrlimit(RLIMIT_NOFILE, &limit) != -1) break;
    setrlimit_error = errno;
    if (bestlimit < kStep) break;
    bestlimit -= kStep;
  }
  // The limit we started with still holds if even the last try was lower.
  if (bestlimit < oldlimit) bestlimit = oldlimit;
  if (bestlimit >= maxfiles) {
    spdlog::info("Increased maximum number of open files to {} (it was originally set to {}).",
                 static_cast<uint64_t>(maxfiles), static_cast<uint64_t>(oldlimit));
    return maxclients;
  }
  if (bestlimit <= kReservedFds) {
    spdlog::warn(
        "Your current 'ulimit -n' of {} is not enough for the server to start. Please increase "
        "your open file limit to at least {}. Exiting.",
        static_cast<uint64_t>(oldlimit), static_cast<uint64_t>(maxfiles));
    return 0;
  }
  const int64_t reduced = static_cast<int64_t>(bestlimit - kReservedFds);
  spdlog::warn("You requested maxclients of {} requiring at least {} max file descriptors.",
               maxclients, static_cast<uint64_t>(maxfiles));
  spdlog::warn("Server can't set maximum open files to {} because of OS error: {}.",
               static_cast<uint64_t>(maxfiles), std::strerror(setrlimit_error));
  spdlog::warn(
      "Current maximum open files is {}. maxclients has been reduced to {} to compensate for "
      "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
      static_cast<uint64_t>(bestlimit), reduced);
  return reduced;
}

}  // namespace hashkv
