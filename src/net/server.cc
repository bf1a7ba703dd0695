// Asio C++20 coroutines: a listener spawning a connection coroutine per client. Each read is
// fed whole to the Engine and every reply it produced is written with one write, so a batch of
// pipelined commands costs one read and one write system call.
#include "net/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <list>
#include <utility>
#include <vector>

#include "engine/session.h"

namespace hashkv {
namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Buffers that grew for one large request or reply go back to this size once idle, so a
// thousand idle connections cost a thousand small buffers.
constexpr size_t kIdleBufferCap = 64 * 1024;

std::string Endpoint(const tcp::endpoint& ep) {
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

struct Server::Impl {
  explicit Impl(Engine& e) : engine(e), acceptor(io), signals(io, SIGINT, SIGTERM), cron(io) {}

  awaitable<void> Listener();
  awaitable<void> Connection(tcp::socket socket);
  awaitable<void> Cron();
  void Shutdown(std::string_view why);
  void LogProtocolError(std::string_view error, std::string_view input, const Session& s);

  Engine& engine;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer cron;
  std::list<tcp::socket*> sockets;  // open connections, closed on shutdown
  bool stopping = false;
  std::chrono::steady_clock::time_point last_protocol_log{};
  uint64_t suppressed_protocol_logs = 0;
};

Server::Server(Engine& engine) : impl_(std::make_unique<Impl>(engine)) {}
Server::~Server() = default;

bool Server::Listen(std::string* error) {
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
  return true;
}

int Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    impl.Shutdown(signo == SIGINT ? "Received SIGINT scheduling shutdown..."
                                  : "Received SIGTERM scheduling shutdown...");
  });
  asio::co_spawn(impl.io, impl.Listener(), asio::detached);
  asio::co_spawn(impl.io, impl.Cron(), asio::detached);
  impl.io.run();
}

void Server::Stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->Shutdown("Stop requested"); });
}

void Server::Impl::Shutdown(std::string_view why) {
  if (stopping) return;
  stopping = true;
  spdlog::warn("{}", why);
  boost::system::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  cron.cancel();
  for (tcp::socket* s : sockets) s->close(ec);
  spdlog::warn("hashkv is now ready to exit, bye bye...");
  io.stop();
}

awaitable<void> Server::Impl::Listener() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      spdlog::warn("Accepting client connection: {}", ec.message());
      continue;
    }
    asio::co_spawn(io, Connection(std::move(socket)), asio::detached);
  }
}

awaitable<void> Server::Impl::Cron() {
  const auto period = std::chrono::milliseconds(1000 / std::max(1, engine.config().hz));
  for (;;) {
    cron.expires_after(period);
    boost::system::error_code ec;
    co_await cron.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping) co_return;
    engine.Cron();
  }
}

void Server::Impl::LogProtocolError(std::string_view error, std::string_view input,
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

awaitable<void> Server::Impl::Connection(tcp::socket socket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string addr = Endpoint(socket.remote_endpoint(ec));
  std::string laddr = Endpoint(socket.local_endpoint(ec));
  std::unique_ptr<Session> session = engine.NewSession(std::move(addr), std::move(laddr));
  session->fd = socket.native_handle();
  auto self = sockets.insert(sockets.end(), &socket);

  std::vector<char> in(kReadChunk);
  size_t filled = 0;
  std::string out;
  for (;;) {
    if (in.size() - filled < kReadChunk / 2) in.resize(in.size() * 2);
    size_t n = co_await socket.async_read_some(asio::buffer(in.data() + filled, in.size() - filled),
                                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping) break;
    filled += n;
    engine.stats().total_net_input_bytes += n;
    std::string_view input(in.data(), filled);
    FeedResult r = engine.Feed(*session, input, out);
    if (!r.protocol_error.empty()) {
      LogProtocolError(r.protocol_error, input.substr(r.consumed), *session);
    }
    if (r.query_buffer_limit) {
      spdlog::warn("Closing client that reached max query buffer length: id={} addr={}",
                   session->id(), session->addr());
    }
    if (r.consumed > 0) {
      // Only the unparsed tail moves; a large request still arriving is never copied.
      std::memmove(in.data(), in.data() + r.consumed, filled - r.consumed);
      filled -= r.consumed;
    }
    if (!out.empty()) {
      co_await asio::async_write(socket, asio::buffer(out),
                                 asio::redirect_error(asio::use_awaitable, ec));
      engine.stats().total_net_output_bytes += out.size();
      out.clear();
      if (out.capacity() > kIdleBufferCap) out.shrink_to_fit();
      if (ec) break;
    }
    if (engine.shutdown_requested()) {
      Shutdown("User requested shutdown...");
      break;
    }
    if (r.close) break;
    if (filled == 0 && in.size() > kIdleBufferCap) {
      in.resize(kReadChunk);
      in.shrink_to_fit();
    }
    session->query_buffer_bytes = filled;
    session->query_buffer_free = in.size() - filled;
  }
  if (!stopping) {
    sockets.erase(self);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }
}

}  // namespace hashkv
