// libFuzzer target: a whole Engine fed arbitrary bytes through Engine::Feed on one or two
// connections. Nothing may crash, leak (LeakSanitizer) or hang, and every byte the engine writes
// must be well-formed RESP2/RESP3 that accounts for every command it ran.
//
// Input: 2 header bytes, then the stream, cut into segments at each "\xff\xfe". Each segment is
// what one read() delivers to a connection (alternating between the two with h[0] bit 2).
//   h[0] bit 0: enable-test-controls        bit 4: requirepass "pw"
//        bit 1: small hash-max-listpack-*   bit 5: whole-buffer feeds (as the server does)
//        bit 2: two connections             bit 6: run the active-expiry cron between segments
//        bit 3: enable-debug-command yes    bit 7: freeze the clock at the start
//   h[1]: hash-max-listpack-entries = h[1] % 8, hash-max-listpack-value = h[1] / 8 % 32;
//        bit 7 also gives whole-buffer feeds an output budget of 64 * (1 + h[1] % 8) bytes.
//
// Feeding. Step mode (the default) hands Feed one request at a time, found by a second
// RespParser with the connection's current limits, and checks exactly one reply per command (none
// or one under CLIENT REPLY OFF/SKIP, none for a successful SHUTDOWN) and the protocol error's
// exact line. Whole-buffer mode hands Feed everything pending, as the network layer does, and
// checks the replies parse completely. Pushes to MONITOR clients must be one reply each.
//
// A few requests are never fed, because they legitimately take long or much memory: DEBUG SLEEP
// for a positive time (with enable-debug-command), and HRANDFIELD with a negative count of 4097 ..
// 2^24 elements, whose reply is built in memory (2^24 copies of a field and its value). See
// README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/args.h"
#include "engine/session.h"
#include "engine/test_controls.h"
#include "hashkv/config.h"
#include "hashkv/engine.h"
#include "protocol/resp_parser.h"
#include "resp_check.h"

namespace {

using hashkv::Engine;
using hashkv::RespParser;
using hashkv::Session;

[[noreturn]] void Violation(const char* what, int line, std::string_view detail = {}) {
  std::fprintf(stderr, "engine_fuzz: invariant violated (line %d): %s\n", line, what);
  if (!detail.empty()) {
    std::fprintf(stderr, "  detail: %.*s\n",
                 static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
  }
  std::abort();
}
#define FUZZ_CHECK(cond)                     \
  do {                                       \
    if (!(cond)) Violation(#cond, __LINE__); \
  } while (false)
#define FUZZ_CHECK_MSG(cond, detail)                   \
  do {                                                 \
    if (!(cond)) Violation(#cond, __LINE__, (detail)); \
  } while (false)

constexpr std::string_view kSeparator = "\xff\xfe";
// Bounds the work of one input whatever it holds.
constexpr int kMaxCommands = 2000;
constexpr int kMaxConnections = 16;

struct FakeHooks : hashkv::ConnectionHooks {
  void Push(std::string_view bytes) override { pushes.emplace_back(bytes); }
  void Kill() override { killed = true; }
  std::vector<std::string> pushes;
  bool killed = false;
};

struct Client {
  // hooks outlives session: members are destroyed in reverse order.
  FakeHooks hooks;
  std::unique_ptr<Session> session;
  std::string pending;
};

// ENGINE_FUZZ_TRACE=1 prints every request and its replies (to read what an input does).
bool Trace() {
  static const bool trace = std::getenv("ENGINE_FUZZ_TRACE") != nullptr;
  return trace;
}

std::string Printable(std::string_view bytes) {
  std::string s;
  for (const char ch : bytes) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\n') {
      s += "\\n";
    } else if (ch == '\r') {
      s += "\\r";
    } else if (u < 32 || u >= 127) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      s += buf;
    } else {
      s += ch;
    }
  }
  return s;
}

bool Is(std::string_view arg, std::string_view word) { return hashkv::EqualsIgnoreCase(arg, word); }

// Requests the harness never feeds; see the header comment.
bool Excluded(const std::vector<std::string_view>& argv, bool debug_enabled) {
  // DEBUG SLEEP sleeps for whatever strtod() reads that is positive; the rest is fed.
  if (debug_enabled && argv.size() == 3 && Is(argv[0], "debug") && Is(argv[1], "sleep") &&
      !(std::strtod(std::string(argv[2]).c_str(), nullptr) <= 0)) {
    return true;
  }
  if (argv.size() >= 3 && Is(argv[0], "hrandfield")) {
    int64_t count = 0;
    if (hashkv::ParseInt64(argv[2], &count) && count < -4096 && count >= -(int64_t{1} << 24)) {
      return true;
    }
  }
  return false;
}

class Harness {
 public:
  Harness(hashkv::Config config, bool two, bool whole, bool cron, size_t out_budget)
      : engine_(std::move(config)),
        two_(two),
        whole_(whole),
        cron_(cron),
        out_budget_(out_budget) {}

  ~Harness() {
    for (Client& c : clients_) c.session.reset();
  }

  Engine& engine() { return engine_; }

  void Segment(size_t index, std::string_view bytes) {
    if (engine_.shutdown_requested() || commands_ >= kMaxCommands) return;
    Client& c = clients_[two_ ? index % 2 : 0];
    if (!c.session) {
      if (connections_ >= kMaxConnections) return;
      ++connections_;
      c.hooks = FakeHooks();
      c.session = engine_.NewSession(&c == &clients_[0] ? "127.0.0.1:40000" : "127.0.0.1:40001",
                                     "127.0.0.1:6379");
      c.session->hooks = &c.hooks;
    }
    c.pending.append(bytes);
    const Pending pending = ScanPending(c);
    if (whole_ && !pending.excluded) {
      FeedWhole(c, pending.hello);
    } else {
      FeedSteps(c);
    }
    if (cron_) engine_.Cron();
  }

 private:
  bool Resp3(const Client& c) const { return c.session->resp == hashkv::RespVersion::kResp3; }

  struct Pending {
    bool excluded = false;  // an Excluded() request is among them
    bool hello = false;     // a HELLO is among them
  };
  // Scans pending requests with the most permissive limits, which see every request the
  // connection's own parser would (stricter limits only stop it earlier).
  Pending ScanPending(const Client& c) const {
    Pending pending;
    RespParser scan;
    std::string_view rest = c.pending;
    while (!rest.empty()) {
      const RespParser::Result r = scan.Parse(rest);
      if (r == RespParser::Result::kNeedMore || r == RespParser::Result::kError) break;
      if (r == RespParser::Result::kCommand) {
        pending.excluded |= Excluded(scan.args(), debug_enabled());
        pending.hello |= Is(scan.args()[0], "hello");
      }
      rest.remove_prefix(scan.consumed());
    }
    return pending;
  }

  bool debug_enabled() const { return engine_.config().enable_debug_command != "no"; }

  // Everything pending in one call, as the network layer does; with an output budget, Feed
  // stops early (output_full) and is called again once the "client" has read the replies.
  void FeedWhole(Client& c, bool hello) {
    const bool resp3_before = Resp3(c);
    while (c.session && !engine_.shutdown_requested() && commands_ < kMaxCommands) {
      std::string out;
      const hashkv::FeedResult fr = engine_.Feed(*c.session, c.pending, out, out_budget_);
      if (Trace()) {
        std::fprintf(stderr, "[%p] %s -> %s\n", &c, Printable(c.pending).c_str(),
                     Printable(out).c_str());
      }
      FUZZ_CHECK(fr.consumed <= c.pending.size());
      // HELLO 3 then HELLO 2 in one batch leaves RESP2 on both sides of RESP3 replies.
      const bool resp3 = resp3_before || Resp3(c) || hello;
      const hashkv::fuzz::ReplyScan scan = hashkv::fuzz::ScanReplies(out, resp3);
      FUZZ_CHECK_MSG(scan.error.empty(), scan.error + "\nreply: " + out);
      commands_ += static_cast<int>(scan.replies);
      c.pending.erase(0, fr.consumed);
      // Stopping for output is only for a full buffer, and only after progress.
      FUZZ_CHECK(!fr.output_full || (out.size() >= out_budget_ && fr.consumed > 0));
      AfterFeed(c, fr.close);
      if (!fr.output_full) return;
    }
  }

  void FeedSteps(Client& c) {
    while (c.session && !engine_.shutdown_requested() && commands_ < kMaxCommands) {
      RespParser shadow(c.session->parser.limits());
      const RespParser::Result r = shadow.Parse(c.pending);
      std::string out;
      if (r == RespParser::Result::kNeedMore) {
        const hashkv::FeedResult fr = engine_.Feed(*c.session, c.pending, out);
        FUZZ_CHECK(fr.consumed == 0);
        FUZZ_CHECK(out.empty());
        FUZZ_CHECK(!fr.close || fr.query_buffer_limit);
        AfterFeed(c, fr.close);
        return;
      }
      const size_t n = r == RespParser::Result::kError ? c.pending.size() : shadow.consumed();
      FUZZ_CHECK(n > 0 && n <= c.pending.size());
      if (r == RespParser::Result::kCommand && Excluded(shadow.args(), debug_enabled())) {
        c.session->parser.Reset();  // it may hold progress on the request being dropped
        c.pending.erase(0, n);
        continue;
      }
      // Redis answers nothing to MONITOR from a client that already monitors.
      const bool silenced_before = c.session->reply_mode != Session::ReplyMode::kOn ||
                                   (r == RespParser::Result::kCommand && c.session->monitor &&
                                    Is(shadow.args()[0], "monitor"));
      const std::string_view request(c.pending.data(), n);
      const hashkv::FeedResult fr = engine_.Feed(*c.session, request, out);
      if (Trace())
        std::fprintf(stderr, "[%p] %s -> %s\n", &c, Printable(request).c_str(),
                     Printable(out).c_str());
      const hashkv::fuzz::ReplyScan scan = hashkv::fuzz::ScanReplies(out, Resp3(c));
      FUZZ_CHECK_MSG(scan.error.empty(),
                     scan.error + "\nrequest: " + std::string(request) + "\nreply: " + out);
      switch (r) {
        case RespParser::Result::kSkip:
          FUZZ_CHECK(fr.consumed == n && out.empty() && !fr.close);
          break;
        case RespParser::Result::kError:
          FUZZ_CHECK(fr.close && fr.protocol_error == shadow.error());
          FUZZ_CHECK_MSG(out == "-ERR " + std::string(shadow.error()) + "\r\n", out);
          break;
        case RespParser::Result::kCommand: {
          ++commands_;
          FUZZ_CHECK(fr.consumed == n);
          const bool silenced = silenced_before || c.session->reply_mode != Session::ReplyMode::kOn;
          if (silenced || engine_.shutdown_requested()) {
            FUZZ_CHECK_MSG(scan.replies <= 1,
                           "request: " + std::string(request) + "\nreply: " + out);
          } else {
            FUZZ_CHECK_MSG(scan.replies == 1,
                           "request: " + std::string(request) + "\nreply: " + out);
          }
          break;
        }
        case RespParser::Result::kNeedMore:
          break;
      }
      c.pending.erase(0, n);
      AfterFeed(c, fr.close);
    }
  }

  // MONITOR pushes must be whole replies; killed or closing connections go away.
  void AfterFeed(Client& current, bool close) {
    for (Client& c : clients_) {
      if (!c.session) continue;
      for (const std::string& push : c.hooks.pushes) {
        const hashkv::fuzz::ReplyScan scan = hashkv::fuzz::ScanReplies(push, Resp3(c));
        FUZZ_CHECK_MSG(scan.error.empty() && scan.replies + scan.pushes == 1, push);
      }
      c.hooks.pushes.clear();
      if (c.hooks.killed || (&c == &current && close)) Close(c);
    }
  }

  void Close(Client& c) {
    c.session.reset();
    c.pending.clear();
  }

  Engine engine_;
  bool two_;
  bool whole_;
  bool cron_;
  size_t out_budget_;
  Client clients_[2];
  int commands_ = 0;
  int connections_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 2) return 0;
  const uint8_t flags = bytes[0];
  const bool whole = (flags & 32) != 0;
  hashkv::Config config;
  config.databases = 4;
  config.enable_test_controls = (flags & 1) != 0;
  if ((flags & 2) != 0) {
    config.hash_max_listpack_entries = bytes[1] % 8;
    config.hash_max_listpack_value = bytes[1] / 8 % 32;
  }
  config.enable_debug_command = (flags & 8) != 0 ? "yes" : "no";
  if ((flags & 16) != 0) config.requirepass = "pw";

  // Whole-buffer feeds may get a small output budget (the network layer's back-pressure).
  const size_t out_budget = (bytes[1] & 0x80) != 0 ? 64 * (1 + bytes[1] % 8) : SIZE_MAX;
  Harness harness(std::move(config), (flags & 4) != 0, whole, (flags & 64) != 0, out_budget);
  if ((flags & 128) != 0) {
    harness.engine().controls().Freeze(harness.engine().NowUs());
  }
  std::string_view data(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  for (size_t index = 0;; ++index) {
    const size_t cut = data.find(kSeparator);
    harness.Segment(index, data.substr(0, cut));
    if (cut == std::string_view::npos) break;
    data.remove_prefix(cut + kSeparator.size());
  }
  return 0;
}
