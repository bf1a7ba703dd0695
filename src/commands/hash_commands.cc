// The hash command family: the command half of Redis 7.0's t_hash.c (HSET ... HSCAN) plus
// HGETSET, the module tutorial's command, written against the module-style API.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/glob.h"
#include "common/string_hash.h"
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// Redis compares option words with strcasecmp, which stops at a NUL: "count\0x" is COUNT.
bool IsWord(Arg arg, std::string_view word) {
  size_t nul = arg.find('\0');
  if (nul != Arg::npos) arg = arg.substr(0, nul);
  return EqualsIgnoreCase(arg, word);
}

// Redis's HRANDFIELD_SUB_STRATEGY_MUL: below this ratio of size to count, picking by random
// draws wastes too many repeats, so the whole hash is sampled in one pass instead.
constexpr uint64_t kSubStrategyMul = 3;

// HRANDFIELD with a negative count can ask for up to 2^63-1 elements, which Redis would try to
// build in memory until it died. A test double should not, so past this many elements the
// command fails with "ERR value is out of range" (a deliberate divergence from Redis).
constexpr uint64_t kMaxRandomReplyElements = uint64_t{1} << 24;

// Per-call randomness for HRANDFIELD: splitmix64 seeded from std::random_device on each call,
// so no generator state is shared between calls, sessions or engines. One getrandom() per
// HRANDFIELD is cheap next to building its reply, and the command is not hot.
class CallRandom {
 public:
  CallRandom() {
    std::random_device device;
    state_ = (uint64_t{device()} << 32) ^ device();
  }

  uint64_t Next() {
    uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // Uniform in [0, n) by multiply-shift; the bias is below 2^-32 for any n a hash can have.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

 private:
  uint64_t state_;
};

// --- Writes

// HSET and HMSET: Redis's hsetCommand serves both and differs only in the reply.
Status SetPairs(Context& ctx, const Arg* argv, int argc, bool reply_ok) {
  if (argc % 2 == 1) return ctx.WrongArity();
  HashValue& hash = ctx.db().FindOrCreate(argv[1], ctx.now_ms());
  const HashLimits& limits = ctx.keyspace().limits();
  int64_t created = 0;
  for (int i = 2; i < argc; i += 2) {
    if (hash.Set(argv[i], argv[i + 1], limits)) ++created;
  }
  ctx.SignalModifiedKey(argv[1]);
  return reply_ok ? ctx.ReplyWithSimpleString("OK") : ctx.ReplyWithLongLong(created);
}

Status HSetCommand(Context& ctx, const Arg* argv, int argc) {
  return SetPairs(ctx, argv, argc, /*reply_ok=*/false);
}

Status HMSetCommand(Context& ctx, const Arg* argv, int argc) {
  return SetPairs(ctx, argv, argc, /*reply_ok=*/true);
}

Status HSetNxCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  HashValue& hash = ctx.db().FindOrCreate(argv[1], ctx.now_ms());
  if (hash.Get(argv[2]).has_value()) return ctx.ReplyWithLongLong(0);
  hash.Set(argv[2], argv[3], ctx.keyspace().limits());
  ctx.SignalModifiedKey(argv[1]);
  return ctx.ReplyWithLongLong(1);
}

// The seed tutorial's HGETSET, kept in its shape: HGET then HSET through Call(), forwarding
// the old value. Call() runs in the caller's protocol, so a missing field is "$-1" on RESP2
// and "_" on RESP3 (a module's RM_Call would forward RESP2's "$-1" to a RESP3 client).
Status HGetSetCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  CallReply rep = ctx.Call("HGET", argv[1], argv[2]);
  if (rep.type() == CallReply::Type::kError) return ctx.ReplyWithCallReply(rep);
  CallReply srep = ctx.Call("HSET", argv[1], argv[2], argv[3]);
  if (srep.type() == CallReply::Type::kError) return ctx.ReplyWithCallReply(srep);
  return ctx.ReplyWithCallReply(rep);
}

Status HDelCommand(Context& ctx, const Arg* argv, int argc) {
  HashValue* hash = ctx.LookupWrite(argv[1]);
  if (hash == nullptr) return ctx.ReplyWithLongLong(0);
  int64_t deleted = 0;
  for (int i = 2; i < argc; ++i) {
    if (!hash->Delete(argv[i])) continue;
    ++deleted;
    if (hash->empty()) {
      ctx.db().Delete(argv[1]);
      break;
    }
  }
  if (deleted > 0) ctx.SignalModifiedKey(argv[1]);
  return ctx.ReplyWithLongLong(deleted);
}

Status HIncrByCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  int64_t incr;
  if (!ParseInt64(argv[3], &incr)) return Status::kNotInteger;
  HashValue& hash = ctx.db().FindOrCreate(argv[1], ctx.now_ms());
  int64_t value = 0;
  if (std::optional<std::string_view> old = hash.Get(argv[2])) {
    // The field exists, so the key was not just created and the error leaves no empty hash.
    if (!ParseInt64(*old, &value)) return Status::kHashNotInteger;
  }
  if ((incr < 0 && value < 0 && incr < std::numeric_limits<int64_t>::min() - value) ||
      (incr > 0 && value > 0 && incr > std::numeric_limits<int64_t>::max() - value)) {
    return Status::kIncrOverflow;
  }
  value += incr;
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;  // 24 bytes always fit an int64_t.
  hash.Set(argv[2], std::string_view(buf, static_cast<size_t>(end - buf)), ctx.keyspace().limits());
  ctx.SignalModifiedKey(argv[1]);
  return ctx.ReplyWithLongLong(value);
}

Status HIncrByFloatCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  long double incr;
  if (!ParseLongDouble(argv[3], &incr)) return Status::kNotFloat;
  if (std::isnan(incr) || std::isinf(incr)) return Status::kNanOrInfinity;
  HashValue& hash = ctx.db().FindOrCreate(argv[1], ctx.now_ms());
  long double value = 0;
  if (std::optional<std::string_view> old = hash.Get(argv[2])) {
    if (!ParseLongDouble(*old, &value)) return Status::kHashNotFloat;  // Key not new, as above.
  }
  value += incr;
  // Only an existing (finite) value can overflow, so no empty key is left behind.
  if (std::isnan(value) || std::isinf(value)) return Status::kIncrNanOrInfinity;
  std::string formatted = FormatLongDouble(value);
  hash.Set(argv[2], formatted, ctx.keyspace().limits());
  ctx.SignalModifiedKey(argv[1]);
  // A bulk string in RESP3 too, as Redis's addReplyBulkCBuffer.
  return ctx.ReplyWithString(formatted);
}

// --- Reads

Status HGetCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  const HashValue* hash = ctx.LookupRead(argv[1]);
  std::optional<std::string_view> value;
  if (hash != nullptr) value = hash->Get(argv[2]);
  return value.has_value() ? ctx.ReplyWithString(*value) : ctx.ReplyWithNull();
}

Status HMGetCommand(Context& ctx, const Arg* argv, int argc) {
  const HashValue* hash = ctx.LookupRead(argv[1]);
  ctx.ReplyWithArray(static_cast<size_t>(argc - 2));
  for (int i = 2; i < argc; ++i) {
    std::optional<std::string_view> value;
    if (hash != nullptr) value = hash->Get(argv[i]);
    if (value.has_value()) {
      ctx.ReplyWithString(*value);
    } else {
      ctx.ReplyWithNull();
    }
  }
  return Status::kOk;
}

Status HLenCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  const HashValue* hash = ctx.LookupRead(argv[1]);
  return ctx.ReplyWithLongLong(hash == nullptr ? 0 : static_cast<int64_t>(hash->size()));
}

Status HStrLenCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  const HashValue* hash = ctx.LookupRead(argv[1]);
  std::optional<std::string_view> value;
  if (hash != nullptr) value = hash->Get(argv[2]);
  return ctx.ReplyWithLongLong(value.has_value() ? static_cast<int64_t>(value->size()) : 0);
}

Status HExistsCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  const HashValue* hash = ctx.LookupRead(argv[1]);
  bool exists = hash != nullptr && hash->Get(argv[2]).has_value();
  return ctx.ReplyWithLongLong(exists ? 1 : 0);
}

// HKEYS, HVALS and HGETALL (Redis's genericHgetallCommand). Only HGETALL is a RESP3 map.
Status ReplyWithAll(Context& ctx, std::string_view key, bool keys, bool values) {
  const HashValue* hash = ctx.LookupRead(key);
  size_t size = hash == nullptr ? 0 : hash->size();
  if (keys && values) {
    ctx.ReplyWithMap(size);
  } else {
    ctx.ReplyWithArray(size);
  }
  if (hash == nullptr) return Status::kOk;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (keys) ctx.ReplyWithString(field);
    if (values) ctx.ReplyWithString(value);
  });
  return Status::kOk;
}

Status HKeysCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  return ReplyWithAll(ctx, argv[1], /*keys=*/true, /*values=*/false);
}

Status HValsCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  return ReplyWithAll(ctx, argv[1], /*keys=*/false, /*values=*/true);
}

Status HGetAllCommand(Context& ctx, const Arg* argv, int /*argc*/) {
  return ReplyWithAll(ctx, argv[1], /*keys=*/true, /*values=*/true);
}

// --- HRANDFIELD

// One element of an HRANDFIELD-with-count reply: RESP3 nests each pair in an array of 2.
void ReplyRandomElement(Context& ctx, bool withvalues, bool resp3, std::string_view field,
                        std::string_view value) {
  if (withvalues && resp3) ctx.ReplyWithArray(2);
  ctx.ReplyWithString(field);
  if (withvalues) ctx.ReplyWithString(value);
}

// Redis 7.0's hrandfieldWithCountCommand, case by case.
Status HRandFieldWithCount(Context& ctx, std::string_view key, int64_t l, bool withvalues) {
  const HashValue* hash = ctx.LookupRead(key);
  if (hash == nullptr) return ctx.ReplyWithArray(0);
  const uint64_t size = hash->size();
  const bool unique = l >= 0;
  // -l cannot overflow: the caller rejected INT64_MIN.
  const uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) return ctx.ReplyWithArray(0);
  const bool resp3 = ctx.session().resp == RespVersion::kResp3;
  const uint64_t per_element = withvalues && !resp3 ? 2 : 1;
  CallRandom rng;

  // CASE 1: a negative count samples with repeats (count 1 takes this path too).
  if (!unique || count == 1) {
    if (count > kMaxRandomReplyElements) return Status::kOutOfRange;
    ctx.ReplyWithArray(count * per_element);
    if (hash->is_listpack() && count > 1) {
      // A listpack pick walks the buffer, so index it once (Redis's lpRandomPairs).
      std::vector<std::pair<std::string_view, std::string_view>> pairs;
      pairs.reserve(size);
      hash->ForEach([&pairs](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
      for (uint64_t i = 0; i < count; ++i) {
        const auto& [field, value] = pairs[rng.Below(size)];
        ReplyRandomElement(ctx, withvalues, resp3, field, value);
      }
      return Status::kOk;
    }
    for (uint64_t i = 0; i < count; ++i) {
      auto [field, value] = hash->RandomEntry(rng.Next());
      ReplyRandomElement(ctx, withvalues, resp3, field, value);
    }
    return Status::kOk;
  }

  const uint64_t reply_size = std::min(count, size);
  ctx.ReplyWithArray(reply_size * per_element);

  // CASE 2: asking for at least everything returns the whole hash.
  if (count >= size) {
    hash->ForEach([&](std::string_view field, std::string_view value) {
      ReplyRandomElement(ctx, withvalues, resp3, field, value);
    });
    return Status::kOk;
  }

  // CASE 3 (count close to size) and Redis's listpack path of CASE 4: a uniform subset in one
  // pass (selection sampling), in the hash's order.
  if (count * kSubStrategyMul > size || hash->is_listpack()) {
    uint64_t needed = count;
    uint64_t left = size;
    hash->ForEach([&](std::string_view field, std::string_view value) {
      if (needed > 0 && rng.Below(left) < needed) {
        ReplyRandomElement(ctx, withvalues, resp3, field, value);
        --needed;
      }
      --left;
    });
    return Status::kOk;
  }

  // CASE 4: a big hash and a small count: random draws until `count` distinct fields. The
  // views point into the hash, which nothing modifies meanwhile.
  absl::flat_hash_set<std::string_view, StringHash, StringEq> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    auto [field, value] = hash->RandomEntry(rng.Next());
    if (!seen.insert(field).second) continue;
    ReplyRandomElement(ctx, withvalues, resp3, field, value);
  }
  return Status::kOk;
}

Status HRandFieldCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc >= 3) {
    int64_t l;
    if (!ParseInt64(argv[2], &l)) return Status::kNotInteger;
    // getRangeLongFromObjectOrReply(c, argv[2], -LONG_MAX, LONG_MAX, ...).
    if (l < -std::numeric_limits<int64_t>::max()) {
      return ctx.ReplyWithError(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    }
    bool withvalues = false;
    if (argc > 4 || (argc == 4 && !IsWord(argv[3], "withvalues"))) return Status::kSyntax;
    if (argc == 4) {
      withvalues = true;
      // The RESP2 reply has 2*|count| elements, which must fit a long.
      constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
      if (l < -kHalf || l > kHalf) return Status::kOutOfRange;
    }
    return HRandFieldWithCount(ctx, argv[1], l, withvalues);
  }
  const HashValue* hash = ctx.LookupRead(argv[1]);
  if (hash == nullptr) return ctx.ReplyWithNull();
  CallRandom rng;
  return ctx.ReplyWithString(hash->RandomEntry(rng.Next()).first);
}

// --- HSCAN

Status HScanCommand(Context& ctx, const Arg* argv, int argc) {
  // As Redis: the cursor is checked first, then the key, and options only for a live key.
  uint64_t cursor;
  if (!ParseCursor(argv[2], &cursor)) return Status::kInvalidCursor;
  const HashValue* hash = ctx.LookupRead(argv[1]);
  if (hash == nullptr) {
    ctx.ReplyWithArray(2);
    ctx.ReplyWithString("0");
    return ctx.ReplyWithArray(0);
  }

  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  for (int i = 3; i < argc;) {
    int left = argc - i;
    if (IsWord(argv[i], "count") && left >= 2) {
      if (!ParseInt64(argv[i + 1], &count)) return Status::kNotInteger;
      if (count < 1) return Status::kSyntax;
      i += 2;
    } else if (IsWord(argv[i], "match") && left >= 2) {
      pattern = argv[i + 1];
      // "*" alone disables matching; it matters since stringmatchlen("*", "") is false.
      use_pattern = pattern != "*";
      i += 2;
    } else {
      return Status::kSyntax;  // TYPE too: it only applies to SCAN.
    }
  }

  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  auto collect = [&](std::string_view field, std::string_view value) {
    if (!use_pattern || GlobMatch(pattern, field)) pairs.emplace_back(field, value);
  };
  uint64_t next = 0;
  if (hash->is_listpack()) {
    // A listpack is returned whole whatever the cursor, and the iteration ends at once.
    hash->ForEach(collect);
  } else {
    next = hash->Scan(cursor, static_cast<size_t>(count), collect);
  }

  ctx.ReplyWithArray(2);
  // addReplyBulkLongLong: the unsigned cursor printed as a signed number.
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(next));
  (void)ec;
  ctx.ReplyWithString(std::string_view(buf, static_cast<size_t>(end - buf)));
  ctx.ReplyWithArray(pairs.size() * 2);
  for (const auto& [field, value] : pairs) {
    ctx.ReplyWithString(field);
    ctx.ReplyWithString(value);
  }
  return Status::kOk;
}

// clang-format off
constexpr CommandSpec kHashCommands[] = {
    // name          handler              flags                  arity first last step
    {"hset",         HSetCommand,         "write deny-oom fast", -4, 1, 1, 1, {},
     "Set the string value of a hash field", "2.0.0", "hash", "key field value [field value ...]"},
    {"hsetnx",       HSetNxCommand,       "write deny-oom fast", 4, 1, 1, 1, {},
     "Set the value of a hash field, only if the field does not exist", "2.0.0", "hash",
     "key field value"},
    {"hmset",        HMSetCommand,        "write deny-oom fast", -4, 1, 1, 1, {},
     "Set multiple hash fields to multiple values", "2.0.0", "hash",
     "key field value [field value ...]"},
    {"hget",         HGetCommand,         "readonly fast",       3, 1, 1, 1, {},
     "Get the value of a hash field", "2.0.0", "hash", "key field"},
    {"hmget",        HMGetCommand,        "readonly fast",       -3, 1, 1, 1, {},
     "Get the values of all the given hash fields", "2.0.0", "hash", "key field [field ...]"},
    {"hgetset",      HGetSetCommand,      "write deny-oom fast", 4, 1, 1, 1, {},
     "Set the value of a hash field and return its previous value", "0.1.0", "hash",
     "key field value"},
    {"hdel",         HDelCommand,         "write fast",          -3, 1, 1, 1, {},
     "Delete one or more hash fields", "2.0.0", "hash", "key field [field ...]"},
    {"hlen",         HLenCommand,         "readonly fast",       2, 1, 1, 1, {},
     "Get the number of fields in a hash", "2.0.0", "hash", "key"},
    {"hstrlen",      HStrLenCommand,      "readonly fast",       3, 1, 1, 1, {},
     "Get the length of the value of a hash field", "3.2.0", "hash", "key field"},
    {"hexists",      HExistsCommand,      "readonly fast",       3, 1, 1, 1, {},
     "Determine if a hash field exists", "2.0.0", "hash", "key field"},
    {"hkeys",        HKeysCommand,        "readonly",            2, 1, 1, 1, {},
     "Get all the fields in a hash", "2.0.0", "hash", "key"},
    {"hvals",        HValsCommand,        "readonly",            2, 1, 1, 1, {},
     "Get all the values in a hash", "2.0.0", "hash", "key"},
    {"hgetall",      HGetAllCommand,      "readonly",            2, 1, 1, 1, {},
     "Get all the fields and values in a hash", "2.0.0", "hash", "key"},
    {"hincrby",      HIncrByCommand,      "write deny-oom fast", 4, 1, 1, 1, {},
     "Increment the integer value of a hash field by the given number", "2.0.0", "hash",
     "key field increment"},
    {"hincrbyfloat", HIncrByFloatCommand, "write deny-oom fast", 4, 1, 1, 1, {},
     "Increment the float value of a hash field by the given amount", "2.6.0", "hash",
     "key field increment"},
    {"hrandfield",   HRandFieldCommand,   "readonly",            -2, 1, 1, 1, {},
     "Get one or multiple random fields from a hash", "6.2.0", "hash",
     "key [count [WITHVALUES]]"},
    {"hscan",        HScanCommand,        "readonly",            -3, 1, 1, 1, {},
     "Incrementally iterate hash fields and associated values", "2.8.0", "hash",
     "key cursor [MATCH pattern] [COUNT count]"},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> HashCommands() { return kHashCommands; }

}  // namespace hashkv
