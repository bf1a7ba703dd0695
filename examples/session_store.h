// SessionStore, the example application's data layer: web sessions kept in Redis hashes
// (session:<id> with fields user and visits) through hiredis, each expiring after a time to live.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct redisContext;

namespace sessions {

class SessionStore {
 public:
  SessionStore(const std::string& host, int port);  // ok() tells whether it connected
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  bool ok() const;                                     // connected, no I/O error since
  const std::string& error() const { return error_; }  // the last failure, empty if none

  // Starts (or restarts) the session `id` of `user`; it expires after `ttl`.
  bool Start(std::string_view id, std::string_view user, std::chrono::seconds ttl);
  // The session's user; nullopt when there is no such session or Redis failed.
  std::optional<std::string> User(std::string_view id);
  // Counts one more request in the session; the new count, or nullopt when Redis failed.
  std::optional<int64_t> Visit(std::string_view id);

 private:
  redisContext* redis_ = nullptr;
  std::string error_;
};

}  // namespace sessions
