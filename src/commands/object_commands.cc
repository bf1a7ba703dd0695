// OBJECT: introspection of a key's value, with Redis 7.0's replies for hash keys.
#include "commands/command_table.h"
#include "commands/reply_help.h"
#include "hashkv/keyspace.h"

namespace hashkv {
namespace {

// Redis's objectCommandLookupOrReply: a missing key answers null, before anything else. The
// lookup expires and counts a hit or miss but does not touch (LOOKUP_NOTOUCH), so OBJECT never
// changes IDLETIME.
const HashValue* LookupOrNull(Context& ctx, std::string_view key) {
  const HashValue* hash = ctx.LookupRead(key, /*touch=*/false);
  if (hash == nullptr) ctx.ReplyWithNull();
  return hash;
}

Status ObjectEncodingCommand(Context& ctx, const Arg* argv, int) {
  const HashValue* hash = LookupOrNull(ctx, argv[2]);
  if (hash == nullptr) return Status::kOk;
  return ctx.ReplyWithString(hash->is_listpack() ? "listpack" : "hashtable");
}

// Hash values are never shared, so every live value has exactly one reference.
Status ObjectRefcountCommand(Context& ctx, const Arg* argv, int) {
  if (LookupOrNull(ctx, argv[2]) == nullptr) return Status::kOk;
  return ctx.ReplyWithLongLong(1);
}

// estimateObjectIdleTime on Redis's 24-bit LRU clock of seconds, which wraps every 194 days.
Status ObjectIdletimeCommand(Context& ctx, const Arg* argv, int) {
  if (LookupOrNull(ctx, argv[2]) == nullptr) return Status::kOk;
  constexpr int64_t kLruClockMax = (1 << 24) - 1;
  const int64_t now = (ctx.now_ms() / 1000) & kLruClockMax;
  const int64_t then = (ctx.db().AccessTime(argv[2]) / 1000) & kLruClockMax;
  return ctx.ReplyWithLongLong(now >= then ? now - then : now + (kLruClockMax - then));
}

// hashkv has no eviction, so no LFU policy can be selected: Redis's answer for that case.
Status ObjectFreqCommand(Context& ctx, const Arg* argv, int) {
  if (LookupOrNull(ctx, argv[2]) == nullptr) return Status::kOk;
  return ctx.ReplyWithError(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

Status ObjectHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  return ReplyWithHelp(ctx, "OBJECT", kHelp);
}

constexpr std::string_view kObjectKeyFlags = "readonly";

// clang-format off
constexpr CommandSpec kObjectSubcommands[] = {
    // name       handler                flags            arity first last step
    {"encoding",  ObjectEncodingCommand, kObjectKeyFlags, 3,    2,    2,   1, {},
     "Inspect the internal encoding of a Redis object", "2.2.3", "generic", "key"},
    {"freq",      ObjectFreqCommand,     kObjectKeyFlags, 3,    2,    2,   1, {},
     "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic",
     "key"},
    {"idletime",  ObjectIdletimeCommand, kObjectKeyFlags, 3,    2,    2,   1, {},
     "Get the time since a Redis object was last accessed", "2.2.3", "generic", "key"},
    {"refcount",  ObjectRefcountCommand, kObjectKeyFlags, 3,    2,    2,   1, {},
     "Get the number of references to the value of the key", "2.2.3", "generic", "key"},
    {"help",      ObjectHelpCommand,     "loading stale", 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "6.2.0", "generic", ""},
};

constexpr CommandSpec kObjectCommands[] = {
    {"object", nullptr, "", -2, 0, 0, 0, kObjectSubcommands,
     "A container for object introspection commands", "2.2.3", "generic", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ObjectCommands() { return kObjectCommands; }

}  // namespace hashkv
