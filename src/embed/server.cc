// The in-process server: an Engine and a NetServer owned together, served on a private thread.
// The direct API and the controls post their work onto that thread's loop and wait for it, so
// the engine is only ever touched by one thread and a call lands between two client commands.
#include "hashkv/server.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "engine/auth.h"
#include "engine/session.h"
#include "engine/test_controls.h"
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

int64_t RealUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<NetServer> net;
  std::thread thread;
  std::atomic<bool> serving{false};
  int port = 0;
  // The direct API's client; used on the loop thread only.
  std::unique_ptr<Session> direct;

  // Runs `fn` on the loop thread and waits for it; false when the server is not running.
  template <class Fn>
  bool OnLoop(Fn&& fn) {
    if (!net) return false;
    std::promise<void> done;
    if (!net->Post([&] {
          fn();
          done.set_value();
        })) {
      return false;
    }
    done.get_future().wait();
    return true;
  }

  // Runs one command as the direct API's client; the RESP2 reply bytes.
  std::string RunOnLoop(const std::vector<std::string>& argv) {
    std::vector<Arg> args(argv.begin(), argv.end());
    std::string out;
    engine->Execute(*direct, args, out);
    return out;
  }
};

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
  config.enable_test_controls = impl.options.test_control_commands;
  impl.engine = std::make_unique<Engine>(std::move(config));
  impl.engine->controls().set_logging(true);  // CommandLog()
  impl.direct = impl.engine->NewInternalSession();
  impl.direct->no_touch = true;  // inspecting a key must not change its OBJECT IDLETIME
  impl.net = std::make_unique<NetServer>(*impl.engine, /*handle_signals=*/false);
  std::string listen_error;
  // Listen() leaves the socket accepting (into the backlog) before the loop runs.
  if (!impl.net->Listen(&listen_error)) {
    impl.net.reset();
    impl.direct.reset();
    impl.engine.reset();
    if (error != nullptr) *error = std::move(listen_error);
    return false;
  }
  impl.port = impl.net->port();
  impl.serving = true;
  impl.thread = std::thread([&impl] {
    impl.net->Run();
    impl.serving = false;
  });
  return true;
}

void Server::Stop() {
  Impl& impl = *impl_;
  if (!impl.thread.joinable()) return;
  impl.net->Stop();
  impl.thread.join();
  // The network layer's connections hold sessions of the engine: they go first.
  impl.net.reset();
  impl.direct.reset();
  impl.engine.reset();
  impl.port = 0;
  impl.serving = false;
}

bool Server::running() const { return impl_->serving; }

int Server::Port() const { return impl_->thread.joinable() ? impl_->port : 0; }

std::string Server::Execute(const std::vector<std::string>& argv) {
  std::string raw;
  if (argv.empty()) return raw;
  impl_->OnLoop([&] { raw = impl_->RunOnLoop(argv); });
  return raw;
}

bool Server::Select(int db) {
  bool ok = false;
  impl_->OnLoop([&] { ok = impl_->RunOnLoop({"SELECT", std::to_string(db)}) == "+OK\r\n"; });
  return ok;
}

namespace {

std::map<std::string, std::string> FieldMap(Reply& r) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    out.emplace(std::move(r.elements[i].str), std::move(r.elements[i + 1].str));
  }
  return out;
}

std::vector<std::string> SortedStrings(Reply& r) {
  std::vector<std::string> out;
  out.reserve(r.elements.size());
  for (Reply& e : r.elements) out.push_back(std::move(e.str));
  std::sort(out.begin(), out.end());
  return out;
}

Reply Parse(std::string_view raw) {
  Reply reply;
  size_t pos = 0;
  if (!ParseReply(raw, &pos, &reply)) reply = Reply{};
  return reply;
}

Reply Run(Server& server, const std::vector<std::string>& argv) {
  return Parse(server.Execute(argv));
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
  return FieldMap(r);
}

int64_t Server::HDel(std::string_view key, const std::vector<std::string>& fields) {
  std::vector<std::string> argv = {"HDEL", std::string(key)};
  argv.insert(argv.end(), fields.begin(), fields.end());
  return Run(*this, argv).integer;
}

std::vector<std::string> Server::Keys(std::string_view pattern) {
  Reply r = Run(*this, {"KEYS", std::string(pattern)});
  return SortedStrings(r);
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
  Impl& impl = *impl_;
  // One visit to the loop: the listing is a consistent snapshot.
  impl.OnLoop([&] {
    const int selected = impl.direct->db;
    for (int db = 0; db < impl.engine->keyspace().count(); ++db) {
      impl.direct->db = db;
      Reply keys = Parse(impl.RunOnLoop({"KEYS", "*"}));
      for (const std::string& key : SortedStrings(keys)) {
        out += "db" + std::to_string(db) + " " + key;
        Reply ttl = Parse(impl.RunOnLoop({"PTTL", key}));
        if (ttl.integer >= 0) out += " (ttl " + std::to_string(ttl.integer) + " ms)";
        out += "\n";
        Reply fields = Parse(impl.RunOnLoop({"HGETALL", key}));
        for (const auto& [field, value] : FieldMap(fields)) {
          out.append("  ").append(field).append(" = ").append(value).append("\n");
        }
      }
    }
    impl.direct->db = selected;
  });
  return out;
}

std::vector<std::vector<std::string>> Server::CommandLog() {
  std::vector<std::vector<std::string>> log;
  impl_->OnLoop([&] {
    const auto& entries = impl_->engine->controls().log();
    log.assign(entries.begin(), entries.end());
  });
  return log;
}

void Server::ClearCommandLog() {
  impl_->OnLoop([&] { impl_->engine->controls().ClearLog(); });
}

void Server::SetError(std::string_view message) {
  impl_->OnLoop([&] { impl_->engine->controls().SetError("", message); });
}

void Server::SetError(std::string_view command, std::string_view message) {
  std::string name(command);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  impl_->OnLoop([&] { impl_->engine->controls().SetError(name, message); });
}

void Server::ClearError() {
  impl_->OnLoop([&] { impl_->engine->controls().ClearErrors(); });
}

void Server::FreezeClock() {
  impl_->OnLoop([&] { impl_->engine->controls().Freeze(RealUs()); });
}

bool Server::FastForward(std::chrono::milliseconds by) {
  bool moved = false;
  impl_->OnLoop([&] { moved = impl_->engine->controls().Advance(by.count(), RealUs()); });
  return moved;
}

bool Server::SetClock(std::chrono::system_clock::time_point now) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (ms < 0 || ms > TestControls::kMaxUnixMs) return false;
  return impl_->OnLoop([&] { impl_->engine->controls().SetNow(ms, RealUs()); });
}

void Server::RealClock() {
  impl_->OnLoop([&] { impl_->engine->controls().Realtime(); });
}

std::chrono::system_clock::time_point Server::Now() {
  int64_t us = RealUs();
  impl_->OnLoop([&] { us = impl_->engine->NowUs(); });
  return std::chrono::system_clock::time_point(std::chrono::microseconds(us));
}

void Server::Pause() {
  impl_->OnLoop([&] { impl_->net->Pause(); });
}

void Server::Resume() {
  impl_->OnLoop([&] { impl_->net->Resume(); });
}

void Server::DropConnections() {
  impl_->OnLoop([&] { impl_->net->DropConnections(); });
}

void Server::RequireAuth(std::string_view password) {
  impl_->OnLoop([&] { SetRequirePass(*impl_->engine, password); });
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
