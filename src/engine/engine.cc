// parse -> dispatch -> write until more input is needed: pipelining falls out of the loop.
#include "hashkv/engine.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <random>

#include "commands/command_table.h"
#include "engine/limits.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "engine/test_controls.h"
#include "engine/transaction.h"
#include "protocol/resp_peek.h"
#include "protocol/resp_writer.h"

namespace hashkv {
namespace {

std::string RandomRunId() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[gen() & 15];
  return id;
}

HashLimits LimitsFrom(const Config& config) {
  return HashLimits{static_cast<size_t>(config.hash_max_listpack_entries),
                    static_cast<size_t>(config.hash_max_listpack_value)};
}

RespLimits ParserLimitsFrom(const Config& config) {
  RespLimits limits;
  limits.proto_max_bulk_len = config.proto_max_bulk_len;
  return limits;
}

}  // namespace

struct Engine::Sessions {
  std::map<uint64_t, Session*> by_id;  // ordered by id: connection order, as CLIENT LIST
};

// Up to this many requests are peeked at together: a -P 16 pipeline's worth, all prefetched.
constexpr size_t kPeekBatch = Database::kMaxPrefetch;

struct Engine::Peeked {
  std::array<PeekedRequest, kPeekBatch> requests;
  // Room for 16 HSETs of 7 field-value pairs; a batch stops at a request that does not fit.
  std::array<std::string_view, 256> args;
};

Engine::Engine(Config config)
    : config_(std::move(config)),
      controls_(std::make_unique<TestControls>()),
      keyspace_(config_.databases, LimitsFrom(config_)),
      commands_(std::make_unique<CommandTable>(config_.enable_test_controls)),
      start_time_ms_(NowMs()),
      run_id_(RandomRunId()),
      sessions_(std::make_unique<Sessions>()),
      observer_(std::make_unique<Observer>()),
      watches_(std::make_unique<WatchRegistry>()),
      peeked_(std::make_unique<Peeked>()) {
  controls_->set_logging(config_.enable_test_controls);
}

Engine::~Engine() = default;

int64_t Engine::WallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t Engine::ServerUs(int64_t wall_us) const {
  return controls_->clock_overridden() ? controls_->NowUs(wall_us) : wall_us;
}

int64_t Engine::NowUs() const { return ServerUs(WallUs()); }

std::unique_ptr<Session> Engine::NewSession(std::string addr, std::string laddr) {
  auto session = std::make_unique<Session>(*this, next_client_id_++, std::move(addr),
                                           std::move(laddr), NowMs());
  RespLimits limits = ParserLimitsFrom(config_);
  session->authenticated = config_.requirepass.empty();
  limits.unauthenticated = !session->authenticated;
  session->parser.set_limits(limits);
  sessions_->by_id[session->id()] = session.get();
  ++stats_.total_connections_received;
  return session;
}

std::unique_ptr<Session> Engine::NewInternalSession() {
  auto session = std::make_unique<Session>(*this, 0, std::string(), std::string(), NowMs());
  session->internal = true;
  session->parser.set_limits(ParserLimitsFrom(config_));
  return session;
}

void Engine::Unregister(Session* session) {
  watches_->UnwatchAll(*session);
  sessions_->by_id.erase(session->id());
}

void Engine::ForEachSession(const std::function<void(Session&)>& fn) {
  for (auto& [id, session] : sessions_->by_id) fn(*session);
}

size_t Engine::session_count() const { return sessions_->by_id.size(); }

FeedResult Engine::Feed(Session& session, std::string_view input, std::string& out,
                        size_t out_limit) {
  FeedResult result;
  bool peek = true;
  // The peeked requests at the front of the rest of `input`; their ends count from `base`.
  std::span<const PeekedRequest> ahead;
  size_t base = 0;
  while (result.consumed < input.size()) {
    if (peek && ahead.empty()) {
      ahead = PeekAhead(session, input.substr(result.consumed));
      base = result.consumed;
      peek = !ahead.empty();
    }
    if (out.size() >= out_limit) {
      // A pipeline of small requests for big replies would otherwise pile up replies without
      // bound within one read.
      result.output_full = true;
      return result;
    }
    RespParser& parser = session.parser;
    std::span<const Arg> argv;
    size_t consumed = 0;
    const PeekedRequest* peeked = nullptr;
    if (!ahead.empty()) {
      peeked = &ahead.front();
      ahead = ahead.subspan(1);
    }
    // The parser's limits are checked here, request by request, not when the batch was peeked
    // at: a command before this one (AUTH, CONFIG SET) may have changed them.
    if (peeked != nullptr && parser.TakesPlain(peeked->args.size(), peeked->longest)) {
      argv = peeked->args;
      consumed = base + peeked->end - result.consumed;
    } else {
      RespParser::Result r = parser.Parse(input.substr(result.consumed));
      if (r == RespParser::Result::kNeedMore) break;
      if (r == RespParser::Result::kError) {
        std::string line = "ERR ";
        line.append(parser.error());
        RespWriter(out, session.resp).Error(line);
        CountErrorReply(line);
        result.close = true;
        result.protocol_error = parser.error();
        return result;
      }
      consumed = parser.consumed();
      if (r == RespParser::Result::kCommand) argv = parser.args();
    }
    if (!argv.empty()) {
      const size_t reply_start = out.size();
      RespWriter writer(out, session.resp);
      // Redis does not count the first 16 KB of a reply (its client's static buffer) against the
      // limit, so even a 1-byte hard limit lets small replies through.
      const uint64_t hard = OutputLimitFor(config_, session).hard_bytes;
      writer.set_limit(hard != 0 ? static_cast<size_t>(hard) + 16 * 1024 : kMaxReplyBytes);
      Dispatch(session, argv, writer);
      ++result.requests;
      if (writer.overflowed()) {
        result.consumed += consumed;
        result.close = true;
        result.output_limit = true;
        return result;
      }
      if (session.reply_mode != Session::ReplyMode::kOn) {
        DropReplyIfSilenced(session, out, reply_start);
      }
    }
    result.consumed += consumed;
    if (session.close_after_reply) {
      result.close = true;
      return result;
    }
  }
  if (static_cast<int64_t>(input.size() - result.consumed) > config_.client_query_buffer_limit) {
    result.close = true;
    result.query_buffer_limit = true;
  }
  return result;
}

std::span<const PeekedRequest> Engine::PeekAhead(const Session& session, std::string_view input) {
  Peeked& peeked = *peeked_;
  const std::span<const PeekedRequest> seen(peeked.requests.data(),
                                            PeekRequests(input, peeked.requests, peeked.args));
  // A lone request gains nothing from a prefetch: its lookups would wait just the same a moment
  // later.
  if (seen.size() < 2) return seen;
  const Database& db = keyspace_.db(session.db);
  if (!db.PrefetchPays(seen[0].key())) return seen;
  std::array<Database::PrefetchKey, kPeekBatch> keys;
  for (size_t i = 0; i < seen.size(); ++i) keys[i] = {seen[i].key(), seen[i].field()};
  db.Prefetch(std::span(keys.data(), seen.size()));
  return seen;
}

// CLIENT REPLY OFF|SKIP: the command ran, its reply is dropped. SKIP silences the command
// after the one that set it.
void Engine::DropReplyIfSilenced(Session& session, std::string& out, size_t reply_start) {
  using Mode = Session::ReplyMode;
  switch (session.reply_mode) {
    case Mode::kOn:
      return;
    case Mode::kOff:
      out.resize(reply_start);
      return;
    case Mode::kSkipNext:
      session.reply_mode = Mode::kSkipThis;
      return;
    case Mode::kSkipThis:
      out.resize(reply_start);
      session.reply_mode = Mode::kOn;
      return;
  }
}

void Engine::Execute(Session& session, std::span<const Arg> argv, std::string& out) {
  RespWriter writer(out, session.resp);
  Dispatch(session, argv, writer);
}

// Kept apart from Call so the compiler inlines it into both callers: a nested call pays for
// no second call layer.
inline void Engine::RunHandler(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                               std::span<const Arg> argv, RespWriter& writer) {
  Context ctx(*this, session, writer, &spec, parent);
  const Status status = spec.handler(ctx, argv.data(), static_cast<int>(argv.size()));
  if (status != Status::kOk) {
    writer.Error(ErrorMessage(status));
    CountErrorReply(ErrorMessage(status));
  }
}

void Engine::Dispatch(Session& session, std::span<const Arg> argv, RespWriter& writer) {
  if (argv.empty()) return;
  const CommandSpec* parent = nullptr;
  std::string error;
  const CommandSpec* spec = commands_->Resolve(argv, &parent, &error);
  // One reading for the command's clock snapshot and the start of its timing, as Redis's call()
  // takes one ustime() for both: clock reads are a visible share of a pipelined command's cost.
  const int64_t start_us = WallUs();
  command_time_ms_ = ServerUs(start_us) / 1000;
  session.last_interaction_ms = command_time_ms_;
  if (controls_->logging()) RecordIfLogging(session, spec, argv);
  // Redis's processCommand order: existence and arity, protected commands, authentication,
  // MONITOR clients, maxmemory, then MULTI queueing. A rejection inside MULTI dooms the transaction
  // (EXECABORT). An injected error is such a rejection, as Redis's LOADING or OOM.
  // The stages whose state is off for this request (the usual case) are not called at all.
  if (spec == nullptr || !ObserverAllows(session, *spec, &error) ||
      (!session.authenticated && !AuthAllows(session, *spec, &error)) ||
      (config_.maxmemory != 0 && !MemoryAllows(session, *spec, parent, &error)) ||
      (controls_->has_errors() && !ControlsAllow(session, *spec, parent, &error))) {
    RejectInTransaction(session, argv, &error);
    writer.Error(error);
    CountErrorReply(error);
    CountRejected(spec, parent, argv);
    return;
  }
  session.last_command = spec;
  session.last_command_parent = parent;
  if (session.tx.in_multi && QueueIfInMulti(session, *spec, argv, writer)) return;
  CallFrom(session, *spec, parent, argv, writer, start_us);
}

void Engine::DispatchNested(Session& session, std::span<const Arg> argv, RespWriter& writer) {
  if (argv.empty()) return;
  const CommandSpec* parent = nullptr;
  const CommandSpec* spec = commands_->RunnableCallee(argv);
  if (spec == nullptr) {
    // Unknown, the wrong arity, or a subcommand to find.
    std::string error;
    spec = commands_->Resolve(argv, &parent, &error);
    if (spec == nullptr) {
      writer.Error(error);
      CountErrorReply(error);
      return;
    }
  }
  // Timed and counted as part of its caller, so no clock or statistics of its own.
  RunHandler(session, *spec, parent, argv, writer);
}

void Engine::Call(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                  std::span<const Arg> argv, RespWriter& writer) {
  CallFrom(session, spec, parent, argv, writer, WallUs());
}

void Engine::CallFrom(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                      std::span<const Arg> argv, RespWriter& writer, int64_t start_us) {
  observer_->prev_error_count = stats_.total_error_replies;  // failed_calls
  RunHandler(session, spec, parent, argv, writer);
  ++stats_.total_commands_processed;
  // The wall clock may step back; a command never takes less than nothing.
  AfterCommand(session, spec, parent, argv, std::max<int64_t>(WallUs() - start_us, 0));
}

void Engine::Cron() {
  // Redis's active expiry spends a bounded slice of each tick; ours removes due keys in
  // batches, soonest first, until none are due or the slice is used.
  constexpr size_t kBatch = 256;
  if (!observer_->active_expire) return;  // DEBUG SET-ACTIVE-EXPIRE 0
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(25);
  int64_t now = NowMs();
  for (int i = 0; i < keyspace_.count(); ++i) {
    while (keyspace_.db(i).ExpireDue(now, kBatch) == kBatch) {
      if (std::chrono::steady_clock::now() > deadline) return;
    }
  }
}

}  // namespace hashkv
