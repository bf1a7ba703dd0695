// MULTI/EXEC state per session and the registry of WATCHed keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/string_hash.h"
#include "hashkv/command.h"

namespace hashkv {

class Database;
class Keyspace;
class Session;

// A command queued by MULTI, resolved when it was queued (Redis's multiCmd).
struct QueuedCommand {
  const CommandSpec* spec;
  const CommandSpec* parent;  // set for subcommands
  size_t first_arg;           // index of argv[0] in Transaction::arg_ends
  size_t argc;
};

// A key a session WATCHes (Redis's watchedKey).
struct WatchedKey {
  int db;
  std::string key;
  // The key was logically expired (stored, past its TTL) when WATCHed: its reaping is no
  // change, and EXEC does not fail because it is expired.
  bool expired;
};

// A session's transaction state (Redis's CLIENT_MULTI, CLIENT_DIRTY_EXEC, CLIENT_DIRTY_CAS and
// the queued commands).
struct Transaction {
  bool in_multi = false;
  bool dirty_exec = false;  // a queue-time error: EXEC answers EXECABORT
  bool dirty_cas = false;   // a WATCHed key changed: EXEC answers a null array
  bool in_exec = false;     // EXEC is running the queue (Redis's CLIENT_DENY_BLOCKING)

  // The queue keeps owned copies of the arguments, back to back in one buffer.
  std::vector<QueuedCommand> queue;
  std::string arg_bytes;
  std::vector<size_t> arg_ends;  // end offset of each argument in arg_bytes
  // CLIENT LIST multi-mem: argument bytes plus a pointer per argument (argv_len_sums).
  size_t multi_mem = 0;

  // Kept in WATCH order; entries only go away all at once (UnwatchAll).
  std::vector<WatchedKey> watched;

  // CLIENT LIST multi=: commands queued, or -1 outside MULTI.
  int64_t multi_count() const { return in_multi ? static_cast<int64_t>(queue.size()) : -1; }

  void Queue(const CommandSpec& spec, const CommandSpec* parent, std::span<const Arg> argv);
  // The arguments of a queued command, as views into arg_bytes.
  void ArgsOf(const QueuedCommand& command, std::vector<Arg>* argv) const;
  void ClearQueue();
};

// Which sessions WATCH which keys, per database (Redis's db->watched_keys). Databases are
// indexed by number, so a SWAPDB leaves every watcher in the database it selected, as Redis.
class WatchRegistry {
 public:
  WatchRegistry() = default;
  ~WatchRegistry();
  WatchRegistry(const WatchRegistry&) = delete;
  WatchRegistry& operator=(const WatchRegistry&) = delete;

  // The check every write makes first: nothing else is done while no one watches.
  bool empty() const { return watch_count_ == 0; }

  // WATCH: `session` watches `key` in database `db`; watching a key twice is a no-op.
  void Watch(Keyspace& keyspace, Session& session, int db, std::string_view key, int64_t now_ms);
  // UNWATCH, EXEC, DISCARD, RESET, disconnection.
  void UnwatchAll(Session& session);
  // EXEC: whether a key that was alive when WATCHed has expired since (isWatchedKeyExpired).
  bool AnyWatchedKeyExpired(const Keyspace& keyspace, const Session& session, int64_t now_ms) const;

  // A key changed (touchWatchedKey): its watchers' next EXEC fails.
  void Touch(const Keyspace& keyspace, int db, std::string_view key);
  // FLUSHDB/FLUSHALL (`replaced_with` -1) and SWAPDB, before the change
  // (touchAllWatchedKeysInDb): watched keys stored in `emptied` or in `replaced_with`.
  void TouchAllInDb(const Keyspace& keyspace, int emptied, int replaced_with, int64_t now_ms);

  size_t watch_count() const { return watch_count_; }

 private:
  struct Watcher {
    Session* session;
    size_t index;  // into session->tx.watched
  };
  using KeyMap = absl::flat_hash_map<std::string, std::vector<Watcher>, StringHash, StringEq>;

  static void OnExpiry(void* self, const Database& db, std::string_view key);
  // `stored_in`: the database to ask whether the key is still stored after the change;
  // nullptr when it is being removed.
  void TouchKey(int db, std::string_view key, const Database* stored_in);
  void MarkDirty(std::vector<Session*>& dirty);

  std::vector<KeyMap> dbs_;
  size_t watch_count_ = 0;
  Keyspace* keyspace_ = nullptr;  // set by the first WATCH, which installs the expiry listener
};

// Leaves MULTI and forgets the queue and every WATCH (Redis's discardTransaction): for EXEC,
// DISCARD and RESET.
void DiscardTransaction(WatchRegistry& watches, Session& session);

}  // namespace hashkv
