// The module-style command API, mirroring the Redis module API: a handler receives a Context,
// argv and argc (argv[0] is the command name) and is registered from a table of CommandSpec,
// the parameters of RedisModule_CreateCommand plus arity.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hashkv/status.h"

namespace hashkv {

class Context;
class Engine;
class Session;
class Database;
class HashValue;
class Keyspace;
class RespWriter;

using Arg = std::string_view;

// A handler replies through the Context and returns kOk, or returns another Status without
// having replied and the dispatcher answers with ErrorMessage(status): "return
// Status::kWrongType;" is the whole error path of most commands.
using CommandFn = Status (*)(Context& ctx, const Arg* argv, int argc);

// Flag words as in RedisModule_CreateCommand's flags string.
enum CommandFlag : uint32_t {
  kFlagWrite = 1u << 0,
  kFlagReadonly = 1u << 1,
  kFlagDenyOom = 1u << 2,
  kFlagFast = 1u << 3,
  kFlagAdmin = 1u << 4,
  kFlagNoScript = 1u << 5,
  kFlagLoading = 1u << 6,
  kFlagStale = 1u << 7,
  kFlagPubsub = 1u << 8,
  kFlagRandom = 1u << 9,
  kFlagNoAuth = 1u << 10,
  kFlagNoMulti = 1u << 11,
  kFlagSkipMonitor = 1u << 12,
  kFlagSkipSlowlog = 1u << 13,
  kFlagAllowBusy = 1u << 14,
  kFlagSentinel = 1u << 15,
  kFlagOnlySentinel = 1u << 16,
  kFlagNoMandatoryKeys = 1u << 17,
  kFlagNoAsyncLoading = 1u << 18,
  kFlagBlocking = 1u << 19,
  kFlagMayReplicate = 1u << 20,
};

// Parses a flags string ("write deny-oom fast") into CommandFlag bits; unknown words are ignored.
constexpr uint32_t CommandFlagBits(std::string_view flags) {
  constexpr struct {
    std::string_view word;
    uint32_t bit;
  } kWords[] = {
      {"write", kFlagWrite},
      {"readonly", kFlagReadonly},
      {"deny-oom", kFlagDenyOom},
      {"fast", kFlagFast},
      {"admin", kFlagAdmin},
      {"noscript", kFlagNoScript},
      {"loading", kFlagLoading},
      {"stale", kFlagStale},
      {"pubsub", kFlagPubsub},
      {"random", kFlagRandom},
      {"no-auth", kFlagNoAuth},
      {"no-multi", kFlagNoMulti},
      {"skip-monitor", kFlagSkipMonitor},
      {"skip-slowlog", kFlagSkipSlowlog},
      {"allow-busy", kFlagAllowBusy},
      {"sentinel", kFlagSentinel},
      {"only-sentinel", kFlagOnlySentinel},
      {"no-mandatory-keys", kFlagNoMandatoryKeys},
      {"no-async-loading", kFlagNoAsyncLoading},
      {"blocking", kFlagBlocking},
      {"may-replicate", kFlagMayReplicate},
  };
  uint32_t bits = 0;
  size_t pos = 0;
  while (pos < flags.size()) {
    size_t end = flags.find(' ', pos);
    if (end == std::string_view::npos) end = flags.size();
    const std::string_view word = flags.substr(pos, end - pos);
    for (const auto& w : kWords) {
      if (w.word == word) bits |= w.bit;
    }
    pos = end + 1;
  }
  return bits;
}

struct CommandSpec {
  std::string_view name;   // lower case; for a subcommand, the part after the container
  CommandFn handler;       // nullptr for a container (CLIENT, CONFIG, COMMAND, ...)
  std::string_view flags;  // space-separated, Redis's words: "write deny-oom fast"
  int arity;               // N exactly N args, -N at least N (argv[0] counts)
  int first_key;
  int last_key;  // -1: the last argument
  int key_step;
  std::span<const CommandSpec> subcommands = {};
  // For COMMAND DOCS / hints (redis-cli): one-line summary, since, group, argument synopsis.
  std::string_view summary = {};
  std::string_view since = {};
  std::string_view group = {};
  std::string_view syntax = {};  // e.g. "key field value", as redis-cli shows in hints
  // `flags` as CommandFlag bits, computed with the (constexpr) tables, so the dispatcher's
  // stages test bits instead of parsing words per command. Never given in a table.
  uint32_t flag_bits = CommandFlagBits(flags);
};

// RedisModule_Call's reply: the callee's RESP bytes, encoded for the caller's protocol.
class CallReply {
 public:
  enum class Type : uint8_t {
    kString,
    kError,
    kInteger,
    kArray,
    kNull,
    kMap,
    kSet,
    kDouble,
    kBool,
    kVerbatim,
    kUnknown
  };

  CallReply() = default;
  explicit CallReply(std::string raw) : raw_(std::move(raw)) {}

  // Inline: a handler that calls another checks the reply's type first, every time.
  Type type() const;
  std::string_view raw() const { return raw_; }
  // For kString: the bulk's bytes; for kError and simple strings: the line.
  std::string_view str() const;
  int64_t integer() const;  // for kInteger

  std::string& mutable_raw() { return raw_; }

 private:
  std::string raw_;
};

inline CallReply::Type CallReply::type() const {
  if (raw_.empty()) return Type::kUnknown;
  switch (raw_[0]) {
    case '$':
      return raw_.size() > 1 && raw_[1] == '-' ? Type::kNull : Type::kString;
    case '+':
      return Type::kString;
    case '-':
      return Type::kError;
    case ':':
      return Type::kInteger;
    case '*':
      return raw_.size() > 1 && raw_[1] == '-' ? Type::kNull : Type::kArray;
    case '_':
      return Type::kNull;
    case '%':
      return Type::kMap;
    case '~':
      return Type::kSet;
    case ',':
      return Type::kDouble;
    case '#':
      return Type::kBool;
    case '=':
      return Type::kVerbatim;
    default:
      return Type::kUnknown;
  }
}

class Context {
 public:
  Context(Engine& engine, Session& session, RespWriter& writer, const CommandSpec* spec,
          const CommandSpec* parent = nullptr)
      : engine_(engine), session_(session), writer_(writer), spec_(spec), parent_(parent) {}

  // --- Replies (RedisModule_ReplyWith*). Each returns kOk so a handler can `return` it.
  Status ReplyWithSimpleString(std::string_view s);
  Status ReplyWithError(std::string_view line);  // "ERR ..." / "WRONGTYPE ..." with its code
  Status ReplyWithLongLong(int64_t value);
  Status ReplyWithString(std::string_view s);  // bulk string
  Status ReplyWithNull();
  Status ReplyWithNullArray();
  Status ReplyWithArray(size_t n);  // header; the caller then replies n elements
  Status ReplyWithMap(size_t pairs);
  Status ReplyWithSet(size_t n);
  Status ReplyWithDouble(double value);
  Status ReplyWithVerbatim(std::string_view text);
  Status ReplyWithCallReply(const CallReply& reply);
  // "ERR wrong number of arguments for '<name>' command" with the running command's name.
  Status WrongArity();

  // --- RedisModule_Call: runs another command inside the same atomic step (same session,
  // database and clock) and returns its reply. Unknown commands and wrong arity come back as
  // error replies with Redis's texts.
  template <typename... A>
  CallReply Call(std::string_view name, const A&... args) {
    std::array<Arg, sizeof...(A) + 1> argv{name, Arg(args)...};
    return CallArgv(argv);
  }
  CallReply CallArgv(std::span<const Arg> argv);

  // --- What a handler may touch.
  Engine& engine() { return engine_; }
  Session& session() { return session_; }
  RespWriter& writer() { return writer_; }
  Keyspace& keyspace();
  Database& db();  // the session's selected database
  const Database& db() const;
  int64_t now_ms() const;  // the command's clock snapshot, as Redis's commandTimeSnapshot
  // Key lookups in the selected database with lazy expiry; LookupRead counts keyspace
  // hits and misses for INFO, as Redis's lookupKeyRead.
  // Both record the access time OBJECT IDLETIME reports unless `touch` is false (Redis's
  // LOOKUP_NOTOUCH: TYPE, EXISTS, TTL and OBJECT look without touching) or the session is in
  // CLIENT NO-TOUCH mode.
  HashValue* LookupRead(std::string_view key, bool touch = true);
  HashValue* LookupWrite(std::string_view key, bool touch = true);
  // --- WATCH invalidation, where Redis calls signalModifiedKey / signalFlushedDb: a write
  // handler reports each key it changed, after changing it.
  void SignalModifiedKey(std::string_view key);  // in the selected database
  void SignalModifiedKey(int db, std::string_view key);
  void SignalFlushedDb(int db);     // before emptying it; -1 for every database
  void SignalSwapDb(int a, int b);  // before swapping them
  const CommandSpec& spec() const { return *spec_; }
  // 'hget' or 'client|setname': what Redis prints in arity errors.
  std::string FullName() const;

 private:
  Engine& engine_;
  Session& session_;
  RespWriter& writer_;
  const CommandSpec* spec_;
  const CommandSpec* parent_;
};

}  // namespace hashkv
