// Engine: owns the keyspace, the command table and the sessions' shared state. It turns
// request bytes into reply bytes on one thread and knows nothing of sockets: the network layer
// and in-process tests drive it the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "hashkv/command.h"
#include "hashkv/config.h"
#include "hashkv/keyspace.h"

namespace hashkv {

class CommandTable;
class Observer;        // src/engine/observer.h: command stats, slowlog, MONITOR
class TestControls;    // src/engine/test_controls.h: clock, injected errors, command log
class WatchRegistry;   // src/engine/transaction.h: WATCHed keys
struct PeekedRequest;  // src/protocol/resp_peek.h: one request seen ahead of the parser

struct Stats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  // keyspace().expired_keys() at the last CONFIG RESETSTAT: INFO's expired_keys counts from it.
  uint64_t expired_keys_at_reset = 0;
};

struct FeedResult {
  size_t consumed = 0;  // bytes of input the caller may drop
  size_t requests = 0;  // requests dispatched (run, queued by MULTI, or refused with an error)
  bool close = false;   // write what is in `out`, then close (QUIT, protocol error, limits)
  std::string_view protocol_error;  // set when a protocol error closes the connection
  bool query_buffer_limit = false;  // the unparsed request passed client-query-buffer-limit
  // `out` reached the caller's out_limit with requests left to run: call Feed again with the
  // rest once the client has read its replies.
  bool output_full = false;
  // One reply passed the client's hard output limit (or, with none set, kMaxReplyBytes) and was
  // cut short: drop `out` and close, as Redis's closeClientOnOutputBufferLimitReached.
  bool output_limit = false;
};

// The largest reply one command may build when no client-output-buffer-limit is set: past it,
// the connection is closed instead of the server running out of memory.
inline constexpr size_t kMaxReplyBytes = size_t{1} << 30;

class Engine {
 public:
  explicit Engine(Config config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new client; `addr`/`laddr` as CLIENT LIST shows them ("127.0.0.1:5000").
  std::unique_ptr<Session> NewSession(std::string addr = {}, std::string laddr = {});
  // The embedded server's own client for its direct API: always authenticated, not a client
  // anyone sees (CLIENT LIST, INFO clients), never logged, never given an injected error.
  std::unique_ptr<Session> NewInternalSession();

  // Parses and runs every complete request at the front of `input`, appending replies to
  // `out`. `input` must start at the first byte not yet consumed. Stops early, before the next
  // request, once `out` holds `out_limit` bytes (the network layer's back-pressure).
  FeedResult Feed(Session& session, std::string_view input, std::string& out,
                  size_t out_limit = SIZE_MAX);

  // Runs one command given as arguments (in-process use and tests).
  void Execute(Session& session, std::span<const Arg> argv, std::string& out);

  // Active expiry: called periodically by the event loop.
  void Cron();

  // The server's clock in unix time: the wall clock unless a test moved or froze it
  // (TestControls).
  int64_t NowMs() const { return NowUs() / 1000; }
  int64_t NowUs() const;
  // The clock snapshot of the running command (one per top-level command, as Redis).
  int64_t command_time_ms() const { return command_time_ms_; }

  Keyspace& keyspace() { return keyspace_; }
  Config& config() { return config_; }
  const Config& config() const { return config_; }
  Stats& stats() { return stats_; }
  const CommandTable& commands() const { return *commands_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  std::string_view run_id() const { return run_id_; }

  // Sessions currently connected, in connection order.
  void ForEachSession(const std::function<void(Session&)>& fn);
  size_t session_count() const;

  // SHUTDOWN asks the event loop to stop after this batch.
  void RequestShutdown() { shutdown_requested_ = true; }
  bool shutdown_requested() const { return shutdown_requested_; }

  // Resolves and runs one command, replying through `writer`.
  void Dispatch(Session& session, std::span<const Arg> argv, RespWriter& writer);
  // Context::Call: the callee runs inside its caller's command: no clock snapshot, per-client
  // bookkeeping, authentication, MULTI or MONITOR stage of its own, and (unlike Redis's
  // RM_Call, which counts its callees) no statistics.
  void DispatchNested(Session& session, std::span<const Arg> argv, RespWriter& writer);
  // Runs a resolved command (what EXEC does for each queued command), timed and counted.
  void Call(Session& session, const CommandSpec& spec, const CommandSpec* parent,
            std::span<const Arg> argv, RespWriter& writer);

  // Every error reply is counted here: INFO's total_error_replies and errorstats (observer.cc).
  void CountErrorReply(std::string_view line);

  Observer& observer() { return *observer_; }
  WatchRegistry& watches() { return *watches_; }
  TestControls& controls() { return *controls_; }

  // CONFIG SET maxclients asks this how many clients the process can serve: the standalone
  // server raises its open-files limit as Redis does, and answers with what it could get.
  // Unset (in-process and embedded engines), any number is fine.
  void set_maxclients_hook(std::function<int64_t(int64_t)> hook) {
    maxclients_hook_ = std::move(hook);
  }
  int64_t AdjustMaxclients(int64_t requested) {
    return maxclients_hook_ ? maxclients_hook_(requested) : requested;
  }

 private:
  friend class Session;
  void Unregister(Session* session);
  // The handler, and its Status turned into an error reply.
  void RunHandler(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                  std::span<const Arg> argv, RespWriter& writer);

  // Stages of Dispatch, each in the file that owns its state:
  // auth.cc: false with Redis's error line when the session may not run `spec` yet.
  bool AuthAllows(const Session& session, const CommandSpec& spec, std::string* error) const;
  // transaction.cc: inside MULTI, queues the command, replies +QUEUED and returns true.
  bool QueueIfInMulti(Session& session, const CommandSpec& spec, std::span<const Arg> argv,
                      RespWriter& writer);
  // A rejected request inside MULTI dooms the transaction; a rejected EXEC aborts it at once
  // and `error` becomes EXECABORT's.
  void RejectInTransaction(Session& session, std::span<const Arg> argv, std::string* error);
  void DropReplyIfSilenced(Session& session, std::string& out, size_t reply_start);
  // Peeks at the requests at the front of `input` into peeked_ (PeekRequests), prefetches their
  // keys when that pays (Database::Prefetch) and returns them; none when peeking is not worth
  // trying again for the rest of `input`.
  std::span<const PeekedRequest> PeekAhead(const Session& session, std::string_view input);
  // observer.cc: false with Redis's error line for DEBUG while enable-debug-command forbids
  // it, and for keyspace commands from a MONITOR client.
  bool ObserverAllows(const Session& session, const CommandSpec& spec, std::string* error) const;
  // observer.cc: a rejected request's rejected_calls (nothing when no command is named).
  void CountRejected(const CommandSpec* spec, const CommandSpec* parent, std::span<const Arg> argv);
  // test_controls.cc: the command log, and false with the injected error line for `spec`.
  void RecordIfLogging(const Session& session, const CommandSpec* spec, std::span<const Arg> argv);
  bool ControlsAllow(const Session& session, const CommandSpec& spec, const CommandSpec* parent,
                     std::string* error) const;
  // memory.cc: false with Redis's OOM error while used memory is over maxmemory and `spec` may
  // grow it. Only called when maxmemory is set.
  bool MemoryAllows(const Session& session, const CommandSpec& spec, const CommandSpec* parent,
                    std::string* error);
  uint64_t UsedMemoryForLimit();
  // observer.cc: per-command statistics, slowlog and MONITOR feed after a top-level command
  // that ran for `us` microseconds.
  void AfterCommand(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                    std::span<const Arg> argv, int64_t us);
  // Call, timed from `start_us` (a WallUs() reading).
  void CallFrom(Session& session, const CommandSpec& spec, const CommandSpec* parent,
                std::span<const Arg> argv, RespWriter& writer, int64_t start_us);
  // The wall clock in unix microseconds, whatever a test did to the server's (NowUs()), and the
  // server's clock at a reading of it.
  static int64_t WallUs();
  int64_t ServerUs(int64_t wall_us) const;

  Config config_;
  // Before everything initialised from the clock (NowMs() reads it).
  std::unique_ptr<TestControls> controls_;
  Keyspace keyspace_;
  std::unique_ptr<CommandTable> commands_;
  Stats stats_;
  int64_t start_time_ms_;
  std::string run_id_;
  uint64_t next_client_id_ = 1;
  bool shutdown_requested_ = false;
  int64_t command_time_ms_ = 0;
  struct Sessions;
  std::unique_ptr<Sessions> sessions_;
  std::unique_ptr<Observer> observer_;
  std::unique_ptr<WatchRegistry> watches_;
  struct Peeked;  // PeekAhead's requests, kept across Feed's loop (Feed is not reentrant)
  std::unique_ptr<Peeked> peeked_;
  std::function<int64_t(int64_t)> maxclients_hook_;
  // memory.cc: the last used-memory sample and when the next may be taken (steady clock ticks),
  // for when used memory is not counted but read from the allocator.
  uint64_t used_memory_sample_ = 0;
  int64_t next_memory_sample_ = 0;
};

}  // namespace hashkv
