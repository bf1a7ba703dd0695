// Asio: listener and cron coroutines, and per connection a hand-written completion-handler loop.
// ARCHITECTURE.md's model is a coroutine per connection; that cost a coroutine frame, a
// type-erased executor and a failing speculative read per request, and wrote each client's
// replies at once, waking the client per reply. Here each read is fed whole to the Engine and
// the replies of all clients read in one loop turn are written afterwards, one write each, so a
// batch of pipelined commands costs one read and one write system call, as in Redis (bench/:
// kernel time per request at -P 16 halved, CPU per request 0.57-0.70x redis-server's).
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
// The io_context's own executor type spares every completion a type-erased executor.
using Socket = asio::basic_stream_socket<Stream, asio::io_context::executor_type>;
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
// (0 means "unset" for OutputLimitReached). The coarse clock is read per request and needs only
// whole seconds.
int64_t SteadySeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) + 1;
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
  ~Impl();

  class Connection;
  template <class Acceptor>
  awaitable<void> Listener(Acceptor& from);
  void StartConnection(Socket socket);
  // The shared first read buffer: what a read leaves unparsed moves to the connection's own.
  char* Scratch() {
    if (!scratch) scratch = std::make_unique<char[]>(kReadChunk);
    return scratch.get();
  }
  bool ListenUnix(std::string* error);
  awaitable<void> Cron();
  void Shutdown(std::string_view why);
  void LogProtocolError(std::string_view error, std::string_view input, const Session& s);
  void LogAcceptBackoff(const boost::system::error_code& ec);
  // Refuses a new client when maxclients is reached or protected mode applies; true if it did.
  bool Refused(Socket& socket);
  // clientsCron: idle timeouts, and soft output limits of clients that are not being read.
  void ClientsCron();

  Engine& engine;
  // One thread runs every handler and the reactor's I/O is only touched there; Post() still goes
  // through the (locked) scheduler from other threads.
  asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  tcp::acceptor acceptor;
  UnixSocket::acceptor unix_acceptor;
  std::string unix_path;  // set once the Unix socket file exists; removed at shutdown
  asio::signal_set signals;
  asio::steady_timer cron;
  std::list<Connection*> connections;  // open connections, aborted on shutdown
  uint64_t connections_started = 0;
  std::unique_ptr<char[]> scratch;  // Scratch()
  // Connections with replies to write once this batch of ready clients has been read (see
  // Connection::ScheduleFlush); two vectors so neither allocates once warm.
  // Each entry holds a reference (Connection::Ref::Adopt takes it back).
  std::vector<Connection*> flush_queue;
  std::vector<Connection*> flushing;
  bool flush_posted = false;
  void FlushQueued();
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
    Socket socket(io);
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
bool NetServer::Impl::Refused(Socket& socket) {
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

// One client, driven by completion handlers on the loop thread. The reader reads until a short
// read, then waits for readability; it feeds the Engine and writes the replies at once, and
// whatever the socket does not take waits for writability.
// Replies, MONITOR lines pushed by other clients and CLIENT KILL all go through `out_` and one
// close path (Finish).
class NetServer::Impl::Connection final : public ConnectionHooks {
 public:
  // Keeps the connection alive while a handler that touches it is pending: a shared_ptr's
  // atomic count per operation is not needed on one thread.
  class Ref {
   public:
    explicit Ref(Connection* c) : c_(c) { ++c_->refs_; }
    // Takes over a reference counted already.
    static Ref Adopt(Connection* c) {
      Ref ref(c);
      --c->refs_;
      return ref;
    }
    Ref(Ref&& other) noexcept : c_(std::exchange(other.c_, nullptr)) {}
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref& operator=(Ref&&) = delete;
    ~Ref() {
      if (c_ != nullptr) c_->Unref();
    }
    Connection* operator->() const { return c_; }

   private:
    Connection* c_;
  };

  Connection(Impl& impl, Socket socket, uint64_t seq)
      : impl_(impl), socket_(std::move(socket)), seq_(seq) {}

  uint64_t seq() const { return seq_; }  // 1 for the first connection accepted, 2 next, ...

  void Start() {
    boost::system::error_code ec;
    Stream::endpoint local = socket_.local_endpoint(ec);
    if (local.protocol().family() != AF_UNIX) socket_.set_option(tcp::no_delay(true), ec);
    session_ = impl_.engine.NewSession(Endpoint(socket_.remote_endpoint(ec), impl_.unix_path),
                                       Endpoint(local, impl_.unix_path));
    session_->fd = socket_.native_handle();
    session_->hooks = this;
    last_io_s_ = SteadySeconds();
    socket_.non_blocking(true, ec);  // reads and writes are tried directly, never blocking
    self_ = impl_.connections.insert(impl_.connections.end(), this);
    Serve();
  }

  void Push(std::string_view bytes) override {
    if (closing_) return;
    out_.append(bytes);
    // The clients whose commands a MONITOR echoes cannot be slowed down for it: its limit is
    // what bounds the feed.
    if (OverOutputLimit()) return;
    ScheduleFlush();
  }

  void Kill() override {
    if (finished_) return;
    closing_ = true;
    ScheduleFlush();
  }

  // Server shutdown or DropConnections(): no flushing, the connection ends now. Never frees the
  // connection or leaves the list at once, so callers may iterate `connections`.
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
    const uint64_t pending = Pending();
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
    out_pos_ = 0;
    Abort();
  }

  // server.c clientsCronHandleTimeout; Redis closes the client without a word to it.
  bool IdleTooLong(int64_t now_s) const {
    return !closing_ && IdleTimedOut(impl_.engine.config(), *session_, last_io_s_, now_s);
  }

  // Impl::FlushQueued, once the clients ready together have been read (see ScheduleFlush).
  void FlushQueued();

  // Impl's destructor, for connections a stopped loop never finished: drops the list's hold.
  void Release() {
    finished_ = true;
    closing_ = true;
    session_->hooks = nullptr;
    Unref();
  }

 private:
  enum class ReadStatus { kGot, kWait, kClosed };

  ~Connection() override = default;

  void Unref() {
    if (--refs_ == 0) delete this;
  }

  size_t Pending() const { return out_.size() - out_pos_; }

  void Serve();
  ReadStatus ReadInput(std::string_view* input, bool* in_scratch);
  void KeepUnparsed(std::string_view input, size_t consumed, bool in_scratch);
  void ReserveInput(size_t capacity);
  void ArmRead();
  void Flush();
  void FlushNow();  // Flush, then the output limit and the reader's backpressure
  void ArmWrite();
  void ScheduleFlush();
  void ResumeReader();
  void Finish();

  Impl& impl_;
  Socket socket_;
  uint64_t seq_;
  std::unique_ptr<Session> session_;
  int refs_ = 1;  // the open connection's own hold, dropped by Finish()
  // Input not yet fed: allocated only when a read leaves a partial request (or input must wait
  // for Resume or for the client to read its replies), freed once it is fed.
  std::unique_ptr<char[]> in_;
  size_t in_cap_ = 0;
  size_t filled_ = 0;
  std::string out_;  // replies for the client, written from out_pos_ on
  size_t out_pos_ = 0;
  bool drained_ = false;       // the last read was short: wait for readability before the next
  bool feed_pending_ = false;  // `in_` holds requests to feed before reading more
  bool read_armed_ = false;
  bool write_armed_ = false;
  bool flush_queued_ = false;       // in impl_.flush_queue
  bool blocked_on_output_ = false;  // the reader waits for the client to read its replies
  bool closing_ = false;
  bool closing_for_output_ = false;
  bool finished_ = false;
  int64_t last_io_s_ = 0;           // SteadySeconds() of the last read or write, for `timeout`
  int64_t soft_limit_since_s_ = 0;  // when pending output reached the soft limit; 0: it has not
  std::list<Connection*>::iterator self_;
};

NetServer::Impl::~Impl() {
  if (!unix_path.empty()) ::unlink(unix_path.c_str());
  // Flushes a stopped loop never ran drop their holds.
  for (Connection* c : flush_queue) Connection::Ref::Adopt(c);
  flush_queue.clear();
  // Connections a stopped loop never finished; handlers still pending in `io` drop theirs when
  // it is destroyed.
  while (!connections.empty()) {
    Connection* c = connections.front();
    connections.pop_front();
    c->Release();
  }
}

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
  // A client whose connect() has completed counts as connected, as a restart would drop it too.
  // It may still wait in the listen backlog (accepted and closed here), or the reactor may have
  // accepted it already with the completion queued: that runs before anything posted now.
  const uint64_t started = impl_->connections_started;
  asio::post(impl_->io, [impl = impl_.get(), started] {
    for (Impl::Connection* c : impl->connections) {
      if (c->seq() > started) c->Abort();
    }
  });
  auto drain = [](auto& acceptor) {
    if (!acceptor.is_open()) return;
    boost::system::error_code ec;
    acceptor.non_blocking(true, ec);
    for (;;) {
      const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ::close(fd);
    }
  };
  drain(impl_->acceptor);
  drain(impl_->unix_acceptor);
  for (Impl::Connection* c : impl_->connections) c->Abort();
}

void NetServer::Impl::StartConnection(Socket socket) {
  // Owned by its own count: the open connection holds one, each pending handler another.
  Connection::Ref ref(new Connection(*this, std::move(socket), ++connections_started));
  ref->Start();
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

void NetServer::Impl::Connection::Serve() {
  Impl& impl = impl_;
  Engine& engine = impl.engine;
  while (!closing_ && !impl.stopping) {
    std::string_view input;
    bool in_scratch = false;
    if (feed_pending_) {
      input = std::string_view(in_.get(), filled_);
    } else {
      const ReadStatus status = ReadInput(&input, &in_scratch);
      if (status == ReadStatus::kWait) return;
      if (status == ReadStatus::kClosed) break;
    }
    if (impl.paused) {
      // Resume() wakes every paused reader by cancelling the shared timer.
      KeepUnparsed(input, 0, in_scratch);
      feed_pending_ = true;
      impl.resumed.async_wait(
          [ref = Ref(this)](const boost::system::error_code&) { ref->Serve(); });
      return;
    }
    // Requests run only while fewer than kMaxPendingOutput reply bytes wait for the client.
    FeedResult r = engine.Feed(*session_, input, out_, kMaxPendingOutput + out_pos_);
    feed_pending_ = r.output_full;
    if (r.output_limit) {
      CloseForOutputLimit(Pending());
      break;
    }
    if (!r.protocol_error.empty()) {
      impl.LogProtocolError(r.protocol_error, input.substr(r.consumed), *session_);
    }
    if (r.query_buffer_limit) {
      session_->query_buffer_bytes = input.size() - r.consumed;
      session_->query_buffer_free = in_scratch ? kReadChunk - input.size() : in_cap_ - filled_;
      spdlog::warn(
          "Closing client that reached max query buffer length: {} (qbuf initial bytes: {})",
          ClientInfo(engine, *session_), QuotedRepr(input.substr(r.consumed, 64)));
    }
    KeepUnparsed(input, r.consumed, in_scratch);
    if (engine.shutdown_requested()) {
      Flush();  // what the pipeline answered before SHUTDOWN
      impl.Shutdown("User requested shutdown...");
      return;
    }
    if (Pending() > 0) {
      // A lone request is answered at once (see ScheduleFlush for why more wait).
      if (r.requests == 1 && !flush_queued_) {
        FlushNow();
      } else {
        ScheduleFlush();
      }
    }
    if (r.close) break;
    session_->query_buffer_bytes = filled_;
    session_->query_buffer_free = in_cap_ - filled_;
    // Backpressure: a client that sends faster than it reads waits here instead of growing
    // our memory (what Feed stopped at is fed once the client catches up).
    if (Pending() >= kMaxPendingOutput && !closing_) {
      blocked_on_output_ = true;
      return;
    }
    if (!drained_) {
      // The read filled the buffer, so more input is queued: other clients get their turn
      // first, as Redis reads each client once per event-loop iteration.
      asio::post(impl.io, [ref = Ref(this)] { ref->Serve(); });
      return;
    }
  }
  Kill();  // what is queued is written, then the connection closes
}

NetServer::Impl::Connection::ReadStatus NetServer::Impl::Connection::ReadInput(
    std::string_view* input, bool* in_scratch) {
  if (drained_) {
    ArmRead();
    return ReadStatus::kWait;
  }
  char* buf;
  size_t space;
  if (filled_ == 0) {
    buf = impl_.Scratch();
    space = kReadChunk;
    *in_scratch = true;
  } else {
    // Only the unparsed tail is kept; a large request still arriving is never copied again.
    if (in_cap_ - filled_ < kReadChunk / 2) ReserveInput(in_cap_ * 2);
    buf = in_.get() + filled_;
    space = in_cap_ - filled_;
  }
  boost::system::error_code ec;
  size_t n;
  do {
    n = socket_.read_some(asio::buffer(buf, space), ec);
  } while (ec == asio::error::interrupted);
  if (ec == asio::error::would_block) {
    drained_ = true;
    ArmRead();
    return ReadStatus::kWait;
  }
  if (ec) return ReadStatus::kClosed;  // end of file, reset, or a socket Abort() closed
  // A short read emptied the socket's queue: the next bytes raise a new event.
  drained_ = n < space;
  last_io_s_ = SteadySeconds();
  impl_.engine.stats().total_net_input_bytes += n;
  if (*in_scratch) {
    *input = std::string_view(buf, n);
  } else {
    filled_ += n;
    *input = std::string_view(in_.get(), filled_);
  }
  return ReadStatus::kGot;
}

void NetServer::Impl::Connection::ReserveInput(size_t capacity) {
  capacity = std::max(capacity, kReadChunk);
  if (capacity <= in_cap_) return;
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (filled_ > 0) std::memcpy(grown.get(), in_.get(), filled_);
  in_ = std::move(grown);
  in_cap_ = capacity;
}

// Drops the first `consumed` bytes of `input` and keeps the rest in `in_`: moved to its front,
// or copied there from the shared scratch buffer, which the next connection's read overwrites.
void NetServer::Impl::Connection::KeepUnparsed(std::string_view input, size_t consumed,
                                               bool in_scratch) {
  const size_t rest = input.size() - consumed;
  if (in_scratch) {
    if (rest == 0) return;
    ReserveInput(rest + kReadChunk / 2);
    std::memcpy(in_.get(), input.data() + consumed, rest);
  } else if (consumed > 0) {
    std::memmove(in_.get(), in_.get() + consumed, rest);
  }
  filled_ = rest;
  if (filled_ == 0) {
    in_.reset();
    in_cap_ = 0;
  }
}

// A wait is not speculative: Asio arms it with EPOLL_CTL_MOD, which reports input (or a FIN)
// already queued, so what arrived while no wait was armed is not missed. That costs the same one
// system call per wait as the failing speculative read of async_read_some; an event loop that
// owned its epoll set (level-triggered, as Redis's) would need neither.
void NetServer::Impl::Connection::ArmRead() {
  if (read_armed_) return;
  read_armed_ = true;
  socket_.async_wait(Socket::wait_read, [ref = Ref(this)](const boost::system::error_code& ec) {
    ref->read_armed_ = false;
    ref->drained_ = false;
    if (ec) {
      ref->Kill();
      return;
    }
    ref->Serve();
  });
}

// Writes what the socket takes now; the rest waits for writability. Closes the connection on a
// write error, or once everything is written when closing.
void NetServer::Impl::Connection::Flush() {
  if (finished_ || write_armed_) return;
  if (!socket_.is_open()) {
    Finish();
    return;
  }
  while (out_pos_ < out_.size()) {
    boost::system::error_code ec;
    const size_t n =
        socket_.write_some(asio::buffer(out_.data() + out_pos_, out_.size() - out_pos_), ec);
    if (ec == asio::error::interrupted) continue;
    if (ec == asio::error::would_block) {
      if (out_pos_ > out_.size() / 2) {
        out_.erase(0, out_pos_);
        out_pos_ = 0;
      }
      ArmWrite();
      return;
    }
    if (ec) {
      Finish();
      return;
    }
    out_pos_ += n;
    impl_.engine.stats().total_net_output_bytes += n;
    last_io_s_ = SteadySeconds();
  }
  out_.clear();
  out_pos_ = 0;
  if (out_.capacity() > kIdleBufferCap) out_.shrink_to_fit();
  if (closing_) Finish();
}

void NetServer::Impl::Connection::ArmWrite() {
  write_armed_ = true;
  socket_.async_wait(Socket::wait_write, [ref = Ref(this)](const boost::system::error_code& ec) {
    ref->write_armed_ = false;
    if (ec) {
      ref->Finish();
      return;
    }
    ref->Flush();
    ref->ResumeReader();
  });
}

// Replies are written once the clients that were ready together have all been read, as Redis
// writes in beforeSleep: a client pipelining on many connections (redis-benchmark, a pool) then
// wakes once for many replies instead of once per reply, which halves the kernel's share of a
// request. Output queued outside the reader (MONITOR, CLIENT KILL, Abort) takes the same path,
// so nothing is written from inside another client's command.
// The reply to a read that carried one request is written at once instead (Serve): such a
// client waits on each reply, so few replies share a turn, and the posted flush runs behind
// Asio's reactor task, which then polls epoll once more without blocking. At -P 1 that poll was
// half a system call per request, and writing at once cut CPU per request by 6-9%; at -P 16,
// writing every reply at once (not only lone requests') cost 3-4% more.
void NetServer::Impl::Connection::ScheduleFlush() {
  if (flush_queued_ || write_armed_ || finished_) return;
  flush_queued_ = true;
  ++refs_;  // the queue's hold
  impl_.flush_queue.push_back(this);
  if (impl_.flush_posted) return;
  impl_.flush_posted = true;
  // Posted now, it runs after the completions already queued: the rest of this epoll batch.
  asio::post(impl_.io, [&impl = impl_] { impl.FlushQueued(); });
}

void NetServer::Impl::FlushQueued() {
  flush_posted = false;
  flushing.swap(flush_queue);  // kept apart: a flush may queue the next round
  for (Connection* c : flushing) Connection::Ref::Adopt(c)->FlushQueued();
  flushing.clear();
}

void NetServer::Impl::Connection::FlushQueued() {
  flush_queued_ = false;
  FlushNow();
}

void NetServer::Impl::Connection::FlushNow() {
  Flush();
  // As before each flush was at once: the limit applies to what the socket did not take.
  if (!finished_ && Pending() > 0 && OverOutputLimit()) return;
  ResumeReader();
}

void NetServer::Impl::Connection::ResumeReader() {
  if (!blocked_on_output_ || (Pending() >= kMaxPendingOutput && !closing_)) return;
  blocked_on_output_ = false;
  Serve();
}

// The one close path: leaves the list, closes the socket (which ends any armed wait) and drops
// the open connection's hold. A caller holds a Ref, so `this` outlives the call.
void NetServer::Impl::Connection::Finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  impl_.connections.erase(self_);
  session_->hooks = nullptr;
  boost::system::error_code ec;
  socket_.shutdown(Socket::shutdown_both, ec);
  socket_.close(ec);
  Unref();
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
