// hiredis (Debian's libhiredis-dev, RESP2) against the server run_against.sh started: the
// synchronous API (redisCommand, redisCommandArgv) and the pipelined one (redisAppendCommand +
// redisGetReply). The same checks run against redis-server and hashkv; every failed check is
// printed and the exit status is the number of failed sections.
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

int failures = 0;  // in the current section

#define CHECK_EQ(got, want)                                                              \
  do {                                                                                   \
    const auto& g_ = (got);                                                              \
    const auto& w_ = (want);                                                             \
    if (!(g_ == w_)) {                                                                   \
      std::printf("  %s:%d: %s\n    got:  %s\n    want: %s\n", __FILE__, __LINE__, #got, \
                  Str(g_).c_str(), Str(w_).c_str());                                     \
      ++failures;                                                                        \
    }                                                                                    \
  } while (0)

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                            \
    }                                                                        \
  } while (0)

std::string Str(const std::string& s) { return s; }
std::string Str(long long v) { return std::to_string(v); }
std::string Str(const char* s) { return s; }
std::string Str(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " | ") + s;
  return out;
}

// A reply as one line: "v" for bulk strings, +OK, -ERR ..., :5, nil, [a, b] for arrays.
std::string Show(const redisReply* r) {
  if (r == nullptr) return "(no reply)";
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return "\"" + std::string(r->str, r->len) + "\"";
    case REDIS_REPLY_STATUS:
      return "+" + std::string(r->str, r->len);
    case REDIS_REPLY_ERROR:
      return "-" + std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return ":" + std::to_string(r->integer);
    case REDIS_REPLY_NIL:
      return "nil";
    case REDIS_REPLY_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < r->elements; ++i) {
        if (i > 0) out += ", ";
        out += Show(r->element[i]);
      }
      return out + "]";
    }
    default:
      return "(type " + std::to_string(r->type) + ")";
  }
}

Context Connect() {
  const char* host = std::getenv("REDIS_HOST");
  const char* port = std::getenv("REDIS_PORT");
  timeval timeout{5, 0};
  Context c(redisConnectWithTimeout(host, std::atoi(port), timeout));
  if (c == nullptr || c->err != 0) {
    std::printf("cannot connect to %s:%s: %s\n", host, port, c ? c->errstr : "no memory");
    std::exit(1);
  }
  redisSetTimeout(c.get(), timeout);
  return c;
}

// Sends argv through redisCommandArgv (binary-safe) and shows the reply.
std::string Run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  Reply r(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
  return Show(r.get());
}

void HashFamily(redisContext* c) {
  // The printf-style call, with %s and the binary-safe %b.
  Reply r(static_cast<redisReply*>(redisCommand(c, "HSET h %s %b", "f1", "v1", size_t{2})));
  CHECK_EQ(Show(r.get()), ":1");
  CHECK_EQ(Run(c, {"HSET", "h", "f2", "v2", "f3", "v3"}), ":2");
  CHECK_EQ(Run(c, {"HSET", "h", "f1", "v1b", "f4", "v4"}), ":1");
  CHECK_EQ(Run(c, {"HSETNX", "h", "f1", "x"}), ":0");
  CHECK_EQ(Run(c, {"HSETNX", "h", "f5", "v5"}), ":1");
  CHECK_EQ(Run(c, {"HMSET", "h", "f6", "v6", "f7", "v7"}), "+OK");
  CHECK_EQ(Run(c, {"HGET", "h", "f1"}), "\"v1b\"");
  CHECK_EQ(Run(c, {"HGET", "h", "nope"}), "nil");
  CHECK_EQ(Run(c, {"HMGET", "h", "f1", "nope", "f2"}), "[\"v1b\", nil, \"v2\"]");
  CHECK_EQ(Run(c, {"HGETALL", "h"}),
           "[\"f1\", \"v1b\", \"f2\", \"v2\", \"f3\", \"v3\", \"f4\", \"v4\", \"f5\", \"v5\", "
           "\"f6\", \"v6\", \"f7\", \"v7\"]");
  CHECK_EQ(Run(c, {"HGETALL", "nokey"}), "[]");
  CHECK_EQ(Run(c, {"HKEYS", "h"}), "[\"f1\", \"f2\", \"f3\", \"f4\", \"f5\", \"f6\", \"f7\"]");
  CHECK_EQ(Run(c, {"HVALS", "h"}), "[\"v1b\", \"v2\", \"v3\", \"v4\", \"v5\", \"v6\", \"v7\"]");
  CHECK_EQ(Run(c, {"HLEN", "h"}), ":7");
  CHECK_EQ(Run(c, {"HSTRLEN", "h", "f1"}), ":3");
  CHECK_EQ(Run(c, {"HSTRLEN", "h", "nope"}), ":0");
  CHECK_EQ(Run(c, {"HEXISTS", "h", "f1"}), ":1");
  CHECK_EQ(Run(c, {"HEXISTS", "h", "nope"}), ":0");
  CHECK_EQ(Run(c, {"HDEL", "h", "f6", "f7", "nope"}), ":2");
  CHECK_EQ(Run(c, {"HINCRBY", "h", "n", "5"}), ":5");
  CHECK_EQ(Run(c, {"HINCRBY", "h", "n", "-7"}), ":-2");
  CHECK_EQ(Run(c, {"HINCRBY", "h", "f1", "1"}), "-ERR hash value is not an integer");
  CHECK_EQ(Run(c, {"HINCRBYFLOAT", "h", "fl", "10.5"}), "\"10.5\"");
  CHECK_EQ(Run(c, {"HINCRBYFLOAT", "h", "fl", "0.1"}), "\"10.6\"");
  // Redis prints the long double sum with %.17Lf, trailing zeros trimmed.
  CHECK_EQ(Run(c, {"HINCRBYFLOAT", "h", "fl", "5.0e3"}), "\"5010.60000000000000009\"");
  CHECK_EQ(Run(c, {"HINCRBYFLOAT", "h", "f1", "1"}), "-ERR hash value is not a float");
  CHECK_EQ(Run(c, {"HGET", "h"}), "-ERR wrong number of arguments for 'hget' command");
  CHECK_EQ(Run(c, {"HDEL", "h", "f1", "f2", "f3", "f4", "f5", "n", "fl"}), ":7");
  CHECK_EQ(Run(c, {"EXISTS", "h"}), ":0");
  // Binary-safe fields and values: NUL, CR, LF survive the round trip.
  const std::string field("a\0b", 3);
  const std::string value("x\r\ny\0", 5);
  CHECK_EQ(Run(c, {"HSET", "bin", field, value}), ":1");
  CHECK_EQ(Run(c, {"HGET", "bin", field}), "\"" + value + "\"");
}

void HRandField(redisContext* c) {
  CHECK_EQ(Run(c, {"HSET", "h", "a", "1", "b", "2", "c", "3"}), ":3");
  const std::set<std::string> fields = {"\"a\"", "\"b\"", "\"c\""};
  CHECK(fields.count(Run(c, {"HRANDFIELD", "h"})) == 1);
  Reply r(static_cast<redisReply*>(redisCommand(c, "HRANDFIELD h -10")));
  CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 10);
  for (size_t i = 0; r && i < r->elements; ++i) CHECK(fields.count(Show(r->element[i])) == 1);
  CHECK_EQ(Run(c, {"HRANDFIELD", "h", "10"}), "[\"a\", \"b\", \"c\"]");
  r.reset(static_cast<redisReply*>(redisCommand(c, "HRANDFIELD h 2 WITHVALUES")));
  CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 4);
  for (size_t i = 0; r && i + 1 < r->elements; i += 2) {
    CHECK_EQ(Run(c, {"HGET", "h", r->element[i]->str}), Show(r->element[i + 1]));
  }
  CHECK_EQ(Run(c, {"HRANDFIELD", "nokey"}), "nil");
  CHECK_EQ(Run(c, {"HRANDFIELD", "nokey", "3"}), "[]");
}

void HScan(redisContext* c) {
  CHECK_EQ(Run(c, {"HSET", "small", "a", "1", "b", "2"}), ":2");
  CHECK_EQ(Run(c, {"HSCAN", "small", "0"}), "[\"0\", [\"a\", \"1\", \"b\", \"2\"]]");
  CHECK_EQ(Run(c, {"HSCAN", "nokey", "0"}), "[\"0\", []]");
  std::vector<std::string> args = {"HSET", "big"};
  for (int i = 0; i < 1000; ++i) {
    args.push_back("field:" + std::to_string(i));
    args.push_back(std::to_string(i));
  }
  CHECK_EQ(Run(c, args), ":1000");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r(
        static_cast<redisReply*>(redisCommand(c, "HSCAN big %s COUNT %d", cursor.c_str(), 100)));
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
      CHECK_EQ(Show(r.get()), "[cursor, [...]]");
      return;
    }
    cursor = r->element[0]->str;
    const redisReply* page = r->element[1];
    for (size_t i = 0; i + 1 < page->elements; i += 2) {
      CHECK_EQ(std::string("field:") + page->element[i + 1]->str, page->element[i]->str);
      seen.insert(page->element[i]->str);
    }
    ++calls;
  } while (cursor != "0" && calls < 10000);
  CHECK_EQ(static_cast<long long>(seen.size()), 1000LL);
  CHECK(calls > 1);
}

void HGetSet(redisContext* c) {
  Reply r(static_cast<redisReply*>(redisCommand(c, "HGETSET %s %s %s", "h", "f", "x")));
  CHECK_EQ(Show(r.get()), "nil");
  r.reset(static_cast<redisReply*>(redisCommand(c, "HGETSET %s %s %s", "h", "f", "y")));
  CHECK_EQ(Show(r.get()), "\"x\"");
  CHECK_EQ(Run(c, {"HGET", "h", "f"}), "\"y\"");
}

// redisAppendCommand queues requests in the output buffer; redisGetReply flushes and reads them
// back in order: one round trip for the lot.
void Pipeline(redisContext* c) {
  redisAppendCommand(c, "HSET p a 1");
  redisAppendCommand(c, "HINCRBY p a 2");
  redisAppendCommand(c, "HGETSET p a x");
  redisAppendCommand(c, "HGET p a");
  redisAppendCommand(c, "HINCRBY p a 1");
  redisAppendCommand(c, "HGETALL p");
  const char* want[] = {
      ":1", ":3", "\"3\"", "\"x\"", "-ERR hash value is not an integer", "[\"a\", \"x\"]"};
  for (const char* w : want) {
    redisReply* raw = nullptr;
    CHECK_EQ(redisGetReply(c, reinterpret_cast<void**>(&raw)), REDIS_OK);
    Reply r(raw);
    CHECK_EQ(Show(r.get()), w);
  }
}

std::vector<std::string> Pipelined(redisContext* c, const std::vector<const char*>& commands) {
  for (const char* cmd : commands) redisAppendCommand(c, cmd);
  std::vector<std::string> out;
  for (size_t i = 0; i < commands.size(); ++i) {
    redisReply* raw = nullptr;
    if (redisGetReply(c, reinterpret_cast<void**>(&raw)) != REDIS_OK) break;
    Reply r(raw);
    out.push_back(Show(r.get()));
  }
  return out;
}

void Transaction(redisContext* c) {
  CHECK_EQ(Pipelined(c, {"MULTI", "HSET t a 1 b 2", "HINCRBY t a 5", "HGETSET t a z", "HGETALL t",
                         "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "+QUEUED", "+QUEUED", "+QUEUED",
                                     "[:2, :6, \"6\", [\"a\", \"z\", \"b\", \"2\"]]"}));
  // A run-time error inside EXEC is that command's reply; the others still apply.
  CHECK_EQ(Pipelined(c, {"MULTI", "HINCRBY t a 1", "HSET t c 3", "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "+QUEUED",
                                     "[-ERR hash value is not an integer, :1]"}));
  // A queue-time error discards the whole transaction.
  CHECK_EQ(Pipelined(c, {"MULTI", "HSET t d 4", "HGET t", "EXEC"}),
           (std::vector<std::string>{
               "+OK", "+QUEUED", "-ERR wrong number of arguments for 'hget' command",
               "-EXECABORT Transaction discarded because of previous errors."}));
  CHECK_EQ(Run(c, {"HEXISTS", "t", "d"}), ":0");
  CHECK_EQ(Pipelined(c, {"MULTI", "HSET t d 4", "DISCARD", "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "+OK", "-ERR EXEC without MULTI"}));
}

void Watch(redisContext* c) {
  CHECK_EQ(Run(c, {"HSET", "w", "n", "1"}), ":1");
  CHECK_EQ(Run(c, {"WATCH", "w"}), "+OK");
  CHECK_EQ(Pipelined(c, {"MULTI", "HINCRBY w n 1", "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "[:2]"}));
  // Another client changes the watched key between WATCH and EXEC: EXEC answers a null array
  // and nothing queued runs.
  Context other = Connect();
  CHECK_EQ(Run(c, {"WATCH", "w"}), "+OK");
  CHECK_EQ(Run(other.get(), {"HSET", "w", "n", "100"}), ":0");
  CHECK_EQ(Pipelined(c, {"MULTI", "HINCRBY w n 1", "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "nil"}));
  CHECK_EQ(Run(c, {"HGET", "w", "n"}), "\"100\"");
  // UNWATCH forgets the key, so the change no longer matters.
  CHECK_EQ(Run(c, {"WATCH", "w"}), "+OK");
  CHECK_EQ(Run(c, {"UNWATCH"}), "+OK");
  CHECK_EQ(Run(other.get(), {"HSET", "w", "n", "200"}), ":0");
  CHECK_EQ(Pipelined(c, {"MULTI", "HINCRBY w n 1", "EXEC"}),
           (std::vector<std::string>{"+OK", "+QUEUED", "[:201]"}));
}

void Expiry(redisContext* c) {
  CHECK_EQ(Run(c, {"HSET", "e", "f", "v"}), ":1");
  CHECK_EQ(Run(c, {"TTL", "e"}), ":-1");
  CHECK_EQ(Run(c, {"EXPIRE", "e", "100"}), ":1");
  Reply r(static_cast<redisReply*>(redisCommand(c, "TTL e")));
  CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer >= 90 && r->integer <= 100);
  CHECK_EQ(Run(c, {"PEXPIRE", "e", "5000"}), ":1");
  r.reset(static_cast<redisReply*>(redisCommand(c, "PTTL e")));
  CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer > 0 && r->integer <= 5000);
  CHECK_EQ(Run(c, {"TTL", "nokey"}), ":-2");
  CHECK_EQ(Run(c, {"PEXPIRE", "e", "100"}), ":1");  // gone 100 ms from now
  usleep(300 * 1000);
  CHECK_EQ(Run(c, {"EXISTS", "e"}), ":0");
  CHECK_EQ(Run(c, {"HGETALL", "e"}), "[]");
  CHECK_EQ(Run(c, {"TTL", "e"}), ":-2");
}

void Reconnect(redisContext* c) {
  CHECK_EQ(Run(c, {"HSET", "before", "f", "v"}), ":1");
  CHECK_EQ(std::system(std::getenv("CLIENTS_RESTART")), 0);
  // hiredis does not reconnect by itself: the first command fails on the dead socket, then
  // redisReconnect opens a new connection with the same settings.
  Reply r(static_cast<redisReply*>(redisCommand(c, "PING")));
  CHECK(r == nullptr && c->err != 0);
  CHECK_EQ(redisReconnect(c), REDIS_OK);
  CHECK_EQ(Run(c, {"PING"}), "+PONG");
  CHECK_EQ(Run(c, {"EXISTS", "before"}), ":0");
  CHECK_EQ(Run(c, {"HGETSET", "after", "f", "v"}), "nil");
  CHECK_EQ(Run(c, {"HGETALL", "after"}), "[\"f\", \"v\"]");
}

}  // namespace

int main() {
  std::printf("hiredis %d.%d.%d against %s\n", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH,
              std::getenv("CLIENTS_SERVER"));
  const std::pair<const char*, std::function<void(redisContext*)>> sections[] = {
      {"hash family", HashFamily},
      {"hrandfield", HRandField},
      {"hscan", HScan},
      {"hgetset", HGetSet},
      {"pipeline", Pipeline},
      {"transaction", Transaction},
      {"watch", Watch},
      {"expiry", Expiry},
      {"reconnect", Reconnect},
  };
  int failed = 0;
  for (const auto& [name, fn] : sections) {
    Context c = Connect();
    CHECK_EQ(Run(c.get(), {"FLUSHALL"}), "+OK");
    failures = 0;
    fn(c.get());
    std::printf("%s %s\n", failures == 0 ? "ok  " : "FAIL", name);
    std::fflush(stdout);
    if (failures != 0) ++failed;
  }
  std::printf("%d of %zu sections failed\n", failed, std::size(sections));
  return failed == 0 ? 0 : 1;
}
