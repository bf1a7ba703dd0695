// MULTI queueing stage of the dispatcher, the transaction queue and the WATCH registry
// (Redis 7.0's multi.c).
#include "engine/transaction.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// What runs at once even inside MULTI (processCommand's exemptions).
bool RunsInsideMulti(const CommandSpec& spec, const CommandSpec* parent) {
  if (parent != nullptr) return false;
  std::string_view name = spec.name;
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" ||
         name == "quit" || name == "reset";
}

// Redis's keyIsExpired, without reaping: stored and past its TTL at `now_ms`.
bool KeyIsExpired(const Database& db, std::string_view key, int64_t now_ms) {
  int64_t when = db.GetExpire(key);
  return when >= 0 && now_ms > when;
}

}  // namespace

// --- The dispatcher stage

bool Engine::QueueIfInMulti(Session& session, const CommandSpec& spec, std::span<const Arg> argv,
                            RespWriter& writer) {
  Transaction& tx = session.tx;
  if (!tx.in_multi) return false;
  const CommandSpec* parent = session.last_command_parent;
  if (spec.flag_bits & kFlagNoMulti) {
    // Redis's rejectCommand: dooms the transaction and counts as a rejected call.
    tx.dirty_exec = true;
    constexpr std::string_view kLine = "ERR Command not allowed inside a transaction";
    writer.Error(kLine);
    CountErrorReply(kLine);
    CountRejected(&spec, parent, argv);
    return true;
  }
  if (RunsInsideMulti(spec, parent)) return false;
  // A doomed transaction keeps answering QUEUED but stores nothing, as Redis 7.0.
  if (!tx.dirty_exec && !tx.dirty_cas) tx.Queue(spec, parent, argv);
  writer.SimpleString("QUEUED");
  return true;
}

void Engine::RejectInTransaction(Session& session, std::span<const Arg> argv, std::string* error) {
  // Redis's rejectCommand: an EXEC that cannot run (wrong arity) ends the transaction, and
  // the WATCHes, even outside MULTI, naming the reason.
  if (EqualsIgnoreCase(argv[0], "exec")) {
    std::string_view reason = *error;
    if (reason.starts_with("ERR ")) reason.remove_prefix(4);
    *error = std::string("EXECABORT Transaction discarded because of: ").append(reason);
    DiscardTransaction(*watches_, session);
    return;
  }
  if (session.tx.in_multi) session.tx.dirty_exec = true;
}

// --- Transaction

void Transaction::Queue(const CommandSpec& spec, const CommandSpec* parent,
                        std::span<const Arg> argv) {
  queue.push_back(QueuedCommand{&spec, parent, arg_ends.size(), argv.size()});
  for (Arg arg : argv) {
    arg_bytes.append(arg);
    arg_ends.push_back(arg_bytes.size());
    multi_mem += arg.size() + sizeof(void*);
  }
}

void Transaction::ArgsOf(const QueuedCommand& command, std::vector<Arg>* argv) const {
  argv->clear();
  size_t start = command.first_arg == 0 ? 0 : arg_ends[command.first_arg - 1];
  for (size_t i = command.first_arg; i < command.first_arg + command.argc; ++i) {
    argv->emplace_back(arg_bytes.data() + start, arg_ends[i] - start);
    start = arg_ends[i];
  }
}

void Transaction::ClearQueue() {
  queue.clear();
  arg_bytes.clear();
  arg_ends.clear();
  multi_mem = 0;
}

void DiscardTransaction(WatchRegistry& watches, Session& session) {
  Transaction& tx = session.tx;
  tx.ClearQueue();
  tx.in_multi = false;
  tx.dirty_exec = false;
  tx.dirty_cas = false;
  watches.UnwatchAll(session);
}

// --- WatchRegistry

WatchRegistry::~WatchRegistry() {
  if (keyspace_ != nullptr) keyspace_->SetExpiryListener(nullptr, nullptr);
}

void WatchRegistry::Watch(Keyspace& keyspace, Session& session, int db, std::string_view key,
                          int64_t now_ms) {
  if (keyspace_ == nullptr) {
    // Installed on first use: a server nobody WATCHes pays nothing on expiry.
    keyspace_ = &keyspace;
    keyspace.SetExpiryListener(&WatchRegistry::OnExpiry, this);
  }
  if (dbs_.size() < static_cast<size_t>(keyspace.count())) {
    dbs_.resize(static_cast<size_t>(keyspace.count()));
  }
  KeyMap& keys = dbs_[static_cast<size_t>(db)];
  auto it = keys.find(key);
  if (it == keys.end()) it = keys.emplace(std::string(key), std::vector<Watcher>()).first;
  std::vector<Watcher>& watchers = it->second;
  for (const Watcher& w : watchers) {
    if (w.session == &session) return;
  }
  std::vector<WatchedKey>& watched = session.tx.watched;
  watchers.push_back(Watcher{&session, watched.size()});
  watched.push_back(WatchedKey{db, std::string(key), KeyIsExpired(keyspace.db(db), key, now_ms)});
  ++watch_count_;
}

void WatchRegistry::UnwatchAll(Session& session) {
  std::vector<WatchedKey>& watched = session.tx.watched;
  for (const WatchedKey& wk : watched) {
    KeyMap& keys = dbs_[static_cast<size_t>(wk.db)];
    auto it = keys.find(wk.key);
    if (it == keys.end()) continue;  // unreachable: each watch is registered
    std::vector<Watcher>& watchers = it->second;
    auto w = std::find_if(watchers.begin(), watchers.end(),
                          [&](const Watcher& x) { return x.session == &session; });
    if (w != watchers.end()) {
      watchers.erase(w);
      --watch_count_;
    }
    if (watchers.empty()) keys.erase(it);
  }
  watched.clear();
}

bool WatchRegistry::AnyWatchedKeyExpired(const Keyspace& keyspace, const Session& session,
                                         int64_t now_ms) const {
  for (const WatchedKey& wk : session.tx.watched) {
    if (!wk.expired && KeyIsExpired(keyspace.db(wk.db), wk.key, now_ms)) return true;
  }
  return false;
}

void WatchRegistry::Touch(const Keyspace& keyspace, int db, std::string_view key) {
  if (empty()) return;
  TouchKey(db, key, &keyspace.db(db));
}

void WatchRegistry::OnExpiry(void* self, const Database& db, std::string_view key) {
  auto* registry = static_cast<WatchRegistry*>(self);
  if (registry->empty()) return;
  for (int i = 0; i < registry->keyspace_->count(); ++i) {
    // The key is about to go: touched as already deleted.
    if (&registry->keyspace_->db(i) == &db) return registry->TouchKey(i, key, nullptr);
  }
}

void WatchRegistry::TouchKey(int db, std::string_view key, const Database* stored_in) {
  if (static_cast<size_t>(db) >= dbs_.size()) return;
  KeyMap& keys = dbs_[static_cast<size_t>(db)];
  if (keys.empty()) return;
  auto it = keys.find(key);
  if (it == keys.end()) return;
  std::vector<Session*> dirty;
  for (const Watcher& w : it->second) {
    WatchedKey& wk = w.session->tx.watched[w.index];
    if (wk.expired) {
      // An expired key deleted is no logical change; the watch now covers a missing key.
      if (stored_in == nullptr || !stored_in->Contains(key)) wk.expired = false;
      continue;
    }
    dirty.push_back(w.session);
  }
  MarkDirty(dirty);
}

void WatchRegistry::TouchAllInDb(const Keyspace& keyspace, int emptied, int replaced_with,
                                 int64_t now_ms) {
  if (empty() || static_cast<size_t>(emptied) >= dbs_.size()) return;
  const Database& db = keyspace.db(emptied);
  const Database* other = replaced_with >= 0 ? &keyspace.db(replaced_with) : nullptr;
  std::vector<Session*> dirty;
  for (const auto& [key, watchers] : dbs_[static_cast<size_t>(emptied)]) {
    bool exists_in_emptied = db.Contains(key);
    bool exists_in_other = other != nullptr && other->Contains(key);
    if (!exists_in_emptied && !exists_in_other) continue;
    for (const Watcher& w : watchers) {
      WatchedKey& wk = w.session->tx.watched[w.index];
      if (wk.expired) {
        if (!exists_in_other) {
          wk.expired = false;  // the expired key is deleted: no logical change
          continue;
        }
        if (KeyIsExpired(*other, key, now_ms)) continue;  // still an expired key
      } else if (!exists_in_emptied && KeyIsExpired(*other, key, now_ms)) {
        wk.expired = true;  // a missing key replaced by an expired one: no logical change
        continue;
      }
      dirty.push_back(w.session);
    }
  }
  MarkDirty(dirty);
}

// A dirty session's watches can no longer matter (EXEC will fail, and only EXEC, DISCARD,
// UNWATCH and RESET clear the flag, all of which unwatch), so they go at once, as Redis.
void WatchRegistry::MarkDirty(std::vector<Session*>& dirty) {
  for (Session* session : dirty) {
    session->tx.dirty_cas = true;
    UnwatchAll(*session);
  }
}

}  // namespace hashkv
