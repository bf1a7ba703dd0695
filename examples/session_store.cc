// SessionStore over hiredis: one hash per session, its TTL set on every Start.
#include "session_store.h"

#include <hiredis/hiredis.h>

#include <memory>

namespace sessions {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Runs one command through hiredis's binary-safe argv API; a failure or an error reply gives
// nullptr and its text in *error.
template <typename... Args>
Reply Command(redisContext* redis, std::string* error, const Args&... args) {
  const std::string_view argv[] = {args...};
  const char* data[sizeof...(args)];
  size_t lengths[sizeof...(args)];
  for (size_t i = 0; i < sizeof...(args); ++i) {
    data[i] = argv[i].data();
    lengths[i] = argv[i].size();
  }
  Reply reply(static_cast<redisReply*>(redisCommandArgv(redis, sizeof...(args), data, lengths)));
  if (reply == nullptr) {
    *error = redis->errstr;
  } else if (reply->type == REDIS_REPLY_ERROR) {
    *error = reply->str;
    reply.reset();
  }
  return reply;
}

std::string Key(std::string_view id) { return "session:" + std::string(id); }

}  // namespace

SessionStore::SessionStore(const std::string& host, int port)
    : redis_(redisConnect(host.c_str(), port)) {
  if (redis_ == nullptr) {
    error_ = "out of memory";
  } else if (redis_->err != 0) {
    error_ = redis_->errstr;
  }
}

SessionStore::~SessionStore() { redisFree(redis_); }

bool SessionStore::ok() const { return redis_ != nullptr && redis_->err == 0; }

bool SessionStore::Start(std::string_view id, std::string_view user, std::chrono::seconds ttl) {
  const std::string key = Key(id);
  return Command(redis_, &error_, "HSET", key, "user", user, "visits", "0") != nullptr &&
         Command(redis_, &error_, "EXPIRE", key, std::to_string(ttl.count())) != nullptr;
}

std::optional<std::string> SessionStore::User(std::string_view id) {
  Reply reply = Command(redis_, &error_, "HGET", Key(id), "user");
  if (reply == nullptr || reply->type != REDIS_REPLY_STRING) return std::nullopt;
  return std::string(reply->str, reply->len);
}

std::optional<int64_t> SessionStore::Visit(std::string_view id) {
  Reply reply = Command(redis_, &error_, "HINCRBY", Key(id), "visits", "1");
  if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER) return std::nullopt;
  return reply->integer;
}

}  // namespace sessions
