// The key-level family (Redis 7.0's db.c and expire.c): DEL, EXISTS, TYPE, KEYS, SCAN, RENAME,
// the EXPIRE and TTL families, PERSIST, RANDOMKEY, DBSIZE, FLUSHDB/FLUSHALL, SELECT, SWAPDB,
// MOVE, TOUCH, COPY.
#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/glob.h"
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// Every value this server stores is a hash, so TYPE and SCAN TYPE know only this name.
constexpr std::string_view kHashTypeName = "hash";

// The text Redis's getRangeLongFromObjectOrReply prints for an int argument past INT range.
constexpr std::string_view kIntRangeError =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
constexpr std::string_view kSameObjectError = "ERR source and destination objects are the same";

// Redis's getIntFromObjectOrReply: replies and returns false on failure. A non-empty `msg`
// replaces both the parse and the range error, as Redis's `msg` argument does.
bool IntArgOrReply(Context& ctx, Arg arg, int* out, std::string_view msg = {}) {
  int64_t value = 0;
  if (!ParseInt64(arg, &value)) {
    ctx.ReplyWithError(msg.empty() ? ErrorMessage(Status::kNotInteger) : msg);
    return false;
  }
  if (value < INT_MIN || value > INT_MAX) {
    ctx.ReplyWithError(msg.empty() ? kIntRangeError : msg);
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool ValidDbIndex(Context& ctx, int index) { return index >= 0 && index < ctx.keyspace().count(); }

// printf's "%s" stops at a NUL byte; Redis formats option names into errors that way.
std::string_view UpToNul(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

uint64_t RandomU64() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE

Status DelCommand(Context& ctx, const Arg* argv, int argc) {
  int64_t deleted = 0;
  for (int i = 1; i < argc; ++i) {
    // The write lookup reaps an expired key first, so it is not counted (expireIfNeeded).
    if (ctx.LookupWrite(argv[i]) != nullptr && ctx.db().Delete(argv[i])) {
      ctx.SignalModifiedKey(argv[i]);
      ++deleted;
    }
  }
  return ctx.ReplyWithLongLong(deleted);
}

// EXISTS and TOUCH: keys found, repeats counted, each lookup counted as a keyspace hit or miss.
// Only TOUCH updates the keys' access time (Redis's EXISTS looks up with LOOKUP_NOTOUCH).
Status CountExistingCommand(Context& ctx, const Arg* argv, int argc) {
  const bool touch = ctx.spec().name == "touch";
  int64_t found = 0;
  for (int i = 1; i < argc; ++i) {
    if (ctx.LookupRead(argv[i], touch) != nullptr) ++found;
  }
  return ctx.ReplyWithLongLong(found);
}

Status TypeCommand(Context& ctx, const Arg* argv, int) {
  return ctx.ReplyWithSimpleString(
      ctx.LookupRead(argv[1], /*touch=*/false) != nullptr ? kHashTypeName : "none");
}

// --- KEYS, SCAN, RANDOMKEY, DBSIZE

Status KeysCommand(Context& ctx, const Arg* argv, int) {
  std::string_view pattern = argv[1];
  bool all = pattern == "*";
  const Database& db = ctx.db();
  std::vector<std::string_view> keys;
  uint64_t cursor = 0;
  do {
    // Scan skips expired keys without reaping them, as KEYS's keyIsExpired check.
    cursor =
        db.Scan(cursor, db.size() + 1, ctx.now_ms(), [&](std::string_view key, const HashValue&) {
          if (all || GlobMatch(pattern, key)) keys.push_back(key);
        });
  } while (cursor != 0);
  ctx.ReplyWithArray(keys.size());
  for (std::string_view key : keys) ctx.ReplyWithString(key);
  return Status::kOk;
}

Status ScanCommand(Context& ctx, const Arg* argv, int argc) {
  uint64_t cursor = 0;
  if (!ParseCursor(argv[1], &cursor)) return Status::kInvalidCursor;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;
  bool use_type = false;
  for (int i = 2; i < argc; i += 2) {
    bool has_value = argc - i >= 2;
    if (has_value && EqualsIgnoreCase(argv[i], "count")) {
      if (!ParseInt64(argv[i + 1], &count)) return Status::kNotInteger;
      if (count < 1) return Status::kSyntax;
    } else if (has_value && EqualsIgnoreCase(argv[i], "match")) {
      pattern = argv[i + 1];
      use_pattern = pattern != "*";
    } else if (has_value && EqualsIgnoreCase(argv[i], "type")) {
      type = argv[i + 1];
      use_type = true;
    } else {
      return Status::kSyntax;
    }
  }
  // Any type name other than "hash", known to Redis or not, filters out every key.
  bool type_matches = !use_type || EqualsIgnoreCase(type, kHashTypeName);
  Stats& stats = ctx.engine().stats();
  std::vector<std::string_view> keys;
  uint64_t next = ctx.db().Scan(cursor, static_cast<size_t>(count), ctx.now_ms(),
                                [&](std::string_view key, const HashValue&) {
                                  if (use_pattern && !GlobMatch(pattern, key)) return;
                                  // Redis 7.0 looks each candidate up to read its type, which
                                  // counts a keyspace hit.
                                  if (use_type) ++stats.keyspace_hits;
                                  if (type_matches) keys.push_back(key);
                                });
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), next);
  (void)ec;
  ctx.ReplyWithArray(2);
  ctx.ReplyWithString(std::string_view(buf, static_cast<size_t>(end - buf)));
  ctx.ReplyWithArray(keys.size());
  for (std::string_view key : keys) ctx.ReplyWithString(key);
  return Status::kOk;
}

Status RandomKeyCommand(Context& ctx, const Arg*, int) {
  std::optional<std::string> key = ctx.db().RandomKey(ctx.now_ms(), RandomU64());
  return key ? ctx.ReplyWithString(*key) : ctx.ReplyWithNull();
}

Status DbSizeCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(static_cast<int64_t>(ctx.db().size()));
}

// --- RENAME, RENAMENX

Status RenameGeneric(Context& ctx, const Arg* argv, bool nx) {
  Arg from = argv[1];
  Arg to = argv[2];
  if (ctx.LookupWrite(from) == nullptr) return Status::kNoSuchKey;
  // Renaming a key to itself is a no-op that still requires the key to exist.
  if (from == to) return nx ? ctx.ReplyWithLongLong(0) : ctx.ReplyWithSimpleString("OK");
  if (ctx.LookupWrite(to) != nullptr && nx) return ctx.ReplyWithLongLong(0);
  ctx.db().Rename(from, to);
  ctx.SignalModifiedKey(from);
  ctx.SignalModifiedKey(to);
  return nx ? ctx.ReplyWithLongLong(1) : ctx.ReplyWithSimpleString("OK");
}

Status RenameCommand(Context& ctx, const Arg* argv, int) { return RenameGeneric(ctx, argv, false); }
Status RenameNxCommand(Context& ctx, const Arg* argv, int) {
  return RenameGeneric(ctx, argv, true);
}

// --- EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (expire.c, expireGenericCommand)

enum ExpireFlag : unsigned {
  kExpireNx = 1u << 0,
  kExpireXx = 1u << 1,
  kExpireGt = 1u << 2,
  kExpireLt = 1u << 3,
};

Status ExpireGeneric(Context& ctx, const Arg* argv, int argc, int64_t basetime, bool seconds) {
  // Options are checked before the time argument, as parseExtendedExpireArgumentsOrReply.
  unsigned flags = 0;
  for (int i = 3; i < argc; ++i) {
    if (EqualsIgnoreCase(argv[i], "nx")) {
      flags |= kExpireNx;
    } else if (EqualsIgnoreCase(argv[i], "xx")) {
      flags |= kExpireXx;
    } else if (EqualsIgnoreCase(argv[i], "gt")) {
      flags |= kExpireGt;
    } else if (EqualsIgnoreCase(argv[i], "lt")) {
      flags |= kExpireLt;
    } else {
      std::string line = "ERR Unsupported option ";
      line.append(UpToNul(argv[i]));
      return ctx.ReplyWithError(line);
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt))) {
    return ctx.ReplyWithError(
        "ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) {
    return ctx.ReplyWithError("ERR GT and LT options at the same time are not compatible");
  }

  int64_t when = 0;
  if (!ParseInt64(argv[2], &when)) return Status::kNotInteger;
  // Negative times are allowed (they delete the key); only overflow is an error.
  bool overflow = false;
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      overflow = true;
    } else {
      when *= 1000;
    }
  }
  if (overflow || when > INT64_MAX - basetime) {
    std::string line = "ERR invalid expire time in '";
    line += ctx.FullName();
    line += "' command";
    return ctx.ReplyWithError(line);
  }
  when += basetime;

  Arg key = argv[1];
  if (ctx.LookupWrite(key) == nullptr) return ctx.ReplyWithLongLong(0);
  Database& db = ctx.db();
  if (flags != 0) {
    // -1 means no TTL, which GT and LT treat as infinite.
    int64_t current = db.GetExpire(key);
    if ((flags & kExpireNx) && current != -1) return ctx.ReplyWithLongLong(0);
    if ((flags & kExpireXx) && current == -1) return ctx.ReplyWithLongLong(0);
    if ((flags & kExpireGt) && (current == -1 || when <= current)) return ctx.ReplyWithLongLong(0);
    if ((flags & kExpireLt) && current != -1 && when >= current) return ctx.ReplyWithLongLong(0);
  }
  if (when <= ctx.now_ms()) {
    db.Delete(key);
  } else {
    db.SetExpire(key, when);
  }
  ctx.SignalModifiedKey(key);
  return ctx.ReplyWithLongLong(1);
}

Status ExpireCommand(Context& ctx, const Arg* argv, int argc) {
  return ExpireGeneric(ctx, argv, argc, ctx.now_ms(), true);
}
Status PExpireCommand(Context& ctx, const Arg* argv, int argc) {
  return ExpireGeneric(ctx, argv, argc, ctx.now_ms(), false);
}
Status ExpireAtCommand(Context& ctx, const Arg* argv, int argc) {
  return ExpireGeneric(ctx, argv, argc, 0, true);
}
Status PExpireAtCommand(Context& ctx, const Arg* argv, int argc) {
  return ExpireGeneric(ctx, argv, argc, 0, false);
}

// --- TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST (ttlGenericCommand)

Status TtlGeneric(Context& ctx, Arg key, bool output_ms, bool output_abs) {
  if (ctx.LookupRead(key, /*touch=*/false) == nullptr) return ctx.ReplyWithLongLong(-2);
  int64_t expire = ctx.db().GetExpire(key);
  if (expire == -1) return ctx.ReplyWithLongLong(-1);
  int64_t ttl = output_abs ? expire : expire - ctx.now_ms();
  if (ttl < 0) ttl = 0;
  return ctx.ReplyWithLongLong(output_ms ? ttl : (ttl + 500) / 1000);
}

Status TtlCommand(Context& ctx, const Arg* argv, int) {
  return TtlGeneric(ctx, argv[1], false, false);
}
Status PTtlCommand(Context& ctx, const Arg* argv, int) {
  return TtlGeneric(ctx, argv[1], true, false);
}
Status ExpireTimeCommand(Context& ctx, const Arg* argv, int) {
  return TtlGeneric(ctx, argv[1], false, true);
}
Status PExpireTimeCommand(Context& ctx, const Arg* argv, int) {
  return TtlGeneric(ctx, argv[1], true, true);
}

Status PersistCommand(Context& ctx, const Arg* argv, int) {
  if (ctx.LookupWrite(argv[1]) == nullptr || !ctx.db().Persist(argv[1])) {
    return ctx.ReplyWithLongLong(0);
  }
  ctx.SignalModifiedKey(argv[1]);
  return ctx.ReplyWithLongLong(1);
}

// --- FLUSHDB, FLUSHALL, SELECT, SWAPDB

// getFlushCommandFlags: one optional SYNC or ASYNC. Freeing is synchronous either way.
bool FlushArgsOk(const Arg* argv, int argc) {
  return argc == 1 ||
         (argc == 2 && (EqualsIgnoreCase(argv[1], "sync") || EqualsIgnoreCase(argv[1], "async")));
}

Status FlushDbCommand(Context& ctx, const Arg* argv, int argc) {
  if (!FlushArgsOk(argv, argc)) return Status::kSyntax;
  ctx.SignalFlushedDb(ctx.session().db);
  ctx.db().Clear();
  return ctx.ReplyWithSimpleString("OK");
}

Status FlushAllCommand(Context& ctx, const Arg* argv, int argc) {
  if (!FlushArgsOk(argv, argc)) return Status::kSyntax;
  ctx.SignalFlushedDb(-1);
  ctx.keyspace().FlushAll();
  return ctx.ReplyWithSimpleString("OK");
}

Status SelectCommand(Context& ctx, const Arg* argv, int) {
  int index = 0;
  if (!IntArgOrReply(ctx, argv[1], &index)) return Status::kOk;
  if (!ValidDbIndex(ctx, index)) return Status::kDbIndexOutOfRange;
  ctx.session().db = index;
  return ctx.ReplyWithSimpleString("OK");
}

Status SwapDbCommand(Context& ctx, const Arg* argv, int) {
  int a = 0;
  int b = 0;
  if (!IntArgOrReply(ctx, argv[1], &a, "ERR invalid first DB index")) return Status::kOk;
  if (!IntArgOrReply(ctx, argv[2], &b, "ERR invalid second DB index")) return Status::kOk;
  if (!ValidDbIndex(ctx, a) || !ValidDbIndex(ctx, b)) return Status::kDbIndexOutOfRange;
  // Sessions keep their index, so each now sees the other database's data, as in Redis.
  if (a != b) {
    ctx.SignalSwapDb(a, b);
    ctx.keyspace().SwapDb(a, b);
  }
  return ctx.ReplyWithSimpleString("OK");
}

// --- MOVE, COPY

Status MoveCommand(Context& ctx, const Arg* argv, int) {
  int dst_index = 0;
  if (!IntArgOrReply(ctx, argv[2], &dst_index)) return Status::kOk;
  if (!ValidDbIndex(ctx, dst_index)) return Status::kDbIndexOutOfRange;
  if (dst_index == ctx.session().db) return ctx.ReplyWithError(kSameObjectError);

  Arg key = argv[1];
  HashValue* value = ctx.LookupWrite(key);
  if (value == nullptr) return ctx.ReplyWithLongLong(0);
  Database& src = ctx.db();
  Database& dst = ctx.keyspace().db(dst_index);
  int64_t now = ctx.now_ms();
  // Lookups in `dst` do not move values in `src`, so `value` stays valid.
  if (dst.Find(key, now) != nullptr) return ctx.ReplyWithLongLong(0);
  int64_t expire = src.GetExpire(key);
  dst.FindOrCreate(key, now) = std::move(*value);
  if (expire != -1) dst.SetExpire(key, expire);
  src.Delete(key);
  ctx.SignalModifiedKey(key);
  ctx.SignalModifiedKey(dst_index, key);
  return ctx.ReplyWithLongLong(1);
}

Status CopyCommand(Context& ctx, const Arg* argv, int argc) {
  int dst_index = ctx.session().db;
  bool replace = false;
  for (int i = 3; i < argc; ++i) {
    if (EqualsIgnoreCase(argv[i], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(argv[i], "db") && argc - i - 1 >= 1) {
      if (!IntArgOrReply(ctx, argv[i + 1], &dst_index)) return Status::kOk;
      if (!ValidDbIndex(ctx, dst_index)) return Status::kDbIndexOutOfRange;
      ++i;
    } else {
      return Status::kSyntax;
    }
  }
  Arg key = argv[1];
  Arg new_key = argv[2];
  bool same_db = dst_index == ctx.session().db;
  if (same_db && key == new_key) return ctx.ReplyWithError(kSameObjectError);

  if (ctx.LookupRead(key) == nullptr) return ctx.ReplyWithLongLong(0);
  Database& src = ctx.db();
  Database& dst = ctx.keyspace().db(dst_index);
  int64_t now = ctx.now_ms();
  int64_t expire = src.GetExpire(key);
  if (dst.Find(new_key, now) != nullptr) {
    if (!replace) return ctx.ReplyWithLongLong(0);
    dst.Delete(new_key);
  }
  // Re-find the source: the destination lookups may have moved values in the same database.
  HashValue copy = *src.Find(key, now);
  dst.FindOrCreate(new_key, now) = std::move(copy);
  if (expire != -1) dst.SetExpire(new_key, expire);
  ctx.SignalModifiedKey(dst_index, new_key);
  return ctx.ReplyWithLongLong(1);
}

constexpr std::string_view kGeneric = "generic";
constexpr std::string_view kServer = "server";
constexpr std::string_view kOneKey = "key";
constexpr std::string_view kManyKeys = "key [key ...]";
constexpr std::string_view kFlushSyntax = "[ASYNC|SYNC]";

// clang-format off
constexpr CommandSpec kKeyCommands[] = {
    // name, handler, flags, arity, first key, last key, step, subcommands, then summary, since,
    // group, syntax: as Redis 7.0.15's command table and COMMAND DOCS.
    {"del", DelCommand, "write", -2, 1, -1, 1, {},
     "Delete a key", "1.0.0", kGeneric, kManyKeys},
    {"unlink", DelCommand, "write fast", -2, 1, -1, 1, {},
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.", "4.0.0", kGeneric, kManyKeys},
    {"exists", CountExistingCommand, "readonly fast", -2, 1, -1, 1, {},
     "Determine if a key exists", "1.0.0", kGeneric, kManyKeys},
    {"type", TypeCommand, "readonly fast", 2, 1, 1, 1, {},
     "Determine the type stored at key", "1.0.0", kGeneric, kOneKey},
    {"keys", KeysCommand, "readonly", 2, 0, 0, 0, {},
     "Find all keys matching the given pattern", "1.0.0", kGeneric, "pattern"},
    {"scan", ScanCommand, "readonly", -2, 0, 0, 0, {},
     "Incrementally iterate the keys space", "2.8.0", kGeneric,
     "cursor [MATCH pattern] [COUNT count] [TYPE type]"},
    {"rename", RenameCommand, "write", 3, 1, 2, 1, {},
     "Rename a key", "1.0.0", kGeneric, "key newkey"},
    {"renamenx", RenameNxCommand, "write fast", 3, 1, 2, 1, {},
     "Rename a key, only if the new key does not exist", "1.0.0", kGeneric, "key newkey"},
    {"expire", ExpireCommand, "write fast", -3, 1, 1, 1, {},
     "Set a key's time to live in seconds", "1.0.0", kGeneric, "key seconds [NX|XX|GT|LT]"},
    {"pexpire", PExpireCommand, "write fast", -3, 1, 1, 1, {},
     "Set a key's time to live in milliseconds", "2.6.0", kGeneric,
     "key milliseconds [NX|XX|GT|LT]"},
    {"expireat", ExpireAtCommand, "write fast", -3, 1, 1, 1, {},
     "Set the expiration for a key as a UNIX timestamp", "1.2.0", kGeneric,
     "key unix-time-seconds [NX|XX|GT|LT]"},
    {"pexpireat", PExpireAtCommand, "write fast", -3, 1, 1, 1, {},
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
     kGeneric, "key unix-time-milliseconds [NX|XX|GT|LT]"},
    {"ttl", TtlCommand, "readonly fast", 2, 1, 1, 1, {},
     "Get the time to live for a key in seconds", "1.0.0", kGeneric, kOneKey},
    {"pttl", PTtlCommand, "readonly fast", 2, 1, 1, 1, {},
     "Get the time to live for a key in milliseconds", "2.6.0", kGeneric, kOneKey},
    {"expiretime", ExpireTimeCommand, "readonly fast", 2, 1, 1, 1, {},
     "Get the expiration Unix timestamp for a key", "7.0.0", kGeneric, kOneKey},
    {"pexpiretime", PExpireTimeCommand, "readonly fast", 2, 1, 1, 1, {},
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", kGeneric, kOneKey},
    {"persist", PersistCommand, "write fast", 2, 1, 1, 1, {},
     "Remove the expiration from a key", "2.2.0", kGeneric, kOneKey},
    {"randomkey", RandomKeyCommand, "readonly", 1, 0, 0, 0, {},
     "Return a random key from the keyspace", "1.0.0", kGeneric, ""},
    {"dbsize", DbSizeCommand, "readonly fast", 1, 0, 0, 0, {},
     "Return the number of keys in the selected database", "1.0.0", kServer, ""},
    {"flushdb", FlushDbCommand, "write", -1, 0, 0, 0, {},
     "Remove all keys from the current database", "1.0.0", kServer, kFlushSyntax},
    {"flushall", FlushAllCommand, "write", -1, 0, 0, 0, {},
     "Remove all keys from all databases", "1.0.0", kServer, kFlushSyntax},
    {"select", SelectCommand, "loading stale fast", 2, 0, 0, 0, {},
     "Change the selected database for the current connection", "1.0.0", "connection", "index"},
    {"swapdb", SwapDbCommand, "write fast", 3, 0, 0, 0, {},
     "Swaps two Redis databases", "4.0.0", kServer, "index1 index2"},
    {"move", MoveCommand, "write fast", 3, 1, 1, 1, {},
     "Move a key to another database", "1.0.0", kGeneric, "key db"},
    {"touch", CountExistingCommand, "readonly fast", -2, 1, -1, 1, {},
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "3.2.1", kGeneric, kManyKeys},
    {"copy", CopyCommand, "write deny-oom", -3, 1, 2, 1, {},
     "Copy a key", "6.2.0", kGeneric, "source destination [DB destination-db] [REPLACE]"},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> KeyCommands() { return kKeyCommands; }

}  // namespace hashkv
