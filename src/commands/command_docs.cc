// The COMMAND family: COMMAND, COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP, shaped
// as Redis 7.0 replies. Entries come from the CommandSpec tables plus Redis's metadata
// (command_meta.cc); DOCS arguments are parsed from each spec's syntax synopsis, so redis-cli's
// hints show what the tables say.
#include <bit>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/args.h"
#include "commands/command_meta.h"
#include "commands/command_syntax.h"
#include "commands/command_table.h"
#include "commands/glob.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

// ---------------------------------------------------------------------------------------------
// Names, flags and ACL categories as Redis prints them.

std::string FullName(const CommandSpec& spec, const CommandSpec* parent) {
  std::string name;
  if (parent != nullptr) {
    name.append(parent->name);
    name.push_back('|');
  }
  name.append(spec.name);
  return name;
}

// server.c addReplyCommandFlags: Redis's spelling and order. may-replicate, sentinel and
// only-sentinel are hidden on purpose, as in Redis.
struct FlagName {
  uint32_t bit;
  std::string_view name;
};
constexpr FlagName kFlagNames[] = {
    {kFlagWrite, "write"},
    {kFlagReadonly, "readonly"},
    {kFlagDenyOom, "denyoom"},
    {kFlagAdmin, "admin"},
    {kFlagPubsub, "pubsub"},
    {kFlagNoScript, "noscript"},
    {kFlagBlocking, "blocking"},
    {kFlagLoading, "loading"},
    {kFlagStale, "stale"},
    {kFlagSkipMonitor, "skip_monitor"},
    {kFlagSkipSlowlog, "skip_slowlog"},
    {kFlagFast, "fast"},
    {kFlagNoAuth, "no_auth"},
    {kFlagNoMandatoryKeys, "no_mandatory_keys"},
    {kFlagNoAsyncLoading, "no_async_loading"},
    {kFlagNoMulti, "no_multi"},
    {kFlagAllowBusy, "allow_busy"},
};

// acl.c ACLCommandCategories, in its order (COMMAND prints categories in this order).
constexpr std::string_view kAclCategories[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};

int AclIndex(std::string_view name) {
  for (size_t i = 0; i < std::size(kAclCategories); ++i) {
    if (EqualsIgnoreCase(kAclCategories[i], name)) return static_cast<int>(i);
  }
  return -1;
}

uint32_t AclBit(std::string_view name) {
  int i = AclIndex(name);
  return i < 0 ? 0 : 1u << i;
}

template <typename F>
void ForEachWord(std::string_view s, char sep, F&& fn) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) end = s.size();
    if (end > pos) fn(s.substr(pos, end - pos));
    pos = end + 1;
  }
}

size_t CountWords(std::string_view s, char sep) {
  size_t n = 0;
  ForEachWord(s, sep, [&n](std::string_view) { ++n; });
  return n;
}

std::string_view GroupOf(const CommandSpec& spec, const CommandSpec* parent) {
  if (!spec.group.empty()) return spec.group;
  if (parent != nullptr && !parent->group.empty()) return parent->group;
  return "generic";
}

// Redis's categories: the ones its JSON declares, plus setImplicitACLCategories. Commands
// Redis does not know get their group's category.
uint32_t AclCategories(const CommandSpec& spec, const CommandSpec* parent,
                       const CommandMeta* meta) {
  uint32_t flags = ParseCommandFlags(spec.flags);
  uint32_t cats = 0;
  if (meta != nullptr) {
    ForEachWord(meta->acl, ' ', [&cats](std::string_view w) { cats |= AclBit(w); });
  } else if (spec.subcommands.empty()) {
    std::string_view group = GroupOf(spec, parent);
    if (group == "hash") cats |= AclBit("hash");
    if (group == "generic") cats |= AclBit("keyspace");
    if (group == "connection") cats |= AclBit("connection");
    if (group == "transactions") cats |= AclBit("transaction");
    if (group == "string") cats |= AclBit("string");
    if (group == "pubsub") cats |= AclBit("pubsub");
  }
  if (flags & kFlagWrite) cats |= AclBit("write");
  if (flags & kFlagReadonly) cats |= AclBit("read");
  if (flags & kFlagAdmin) cats |= AclBit("admin") | AclBit("dangerous");
  if (flags & kFlagPubsub) cats |= AclBit("pubsub");
  if (flags & kFlagFast) cats |= AclBit("fast");
  if (flags & kFlagBlocking) cats |= AclBit("blocking");
  if (!(cats & AclBit("fast"))) cats |= AclBit("slow");
  return cats;
}

// Key-spec flags, one string per spec. Commands Redis does not know get one spec derived
// from their flags.
std::vector<std::string_view> KeySpecs(const CommandSpec& spec, const CommandMeta* meta) {
  std::vector<std::string_view> specs;
  if (spec.first_key <= 0) return specs;
  if (meta != nullptr) {
    ForEachWord(meta->key_specs, '|', [&specs](std::string_view s) { specs.push_back(s); });
    return specs;
  }
  uint32_t flags = ParseCommandFlags(spec.flags);
  specs.push_back(flags & kFlagWrite ? "RW update" : "RO access");
  return specs;
}

// ---------------------------------------------------------------------------------------------
// COMMAND / COMMAND INFO entries.

void ReplyFlagsSet(Context& ctx, uint32_t flags) {
  size_t n = 0;
  for (const FlagName& f : kFlagNames) n += (flags & f.bit) ? 1 : 0;
  ctx.ReplyWithSet(n);
  for (const FlagName& f : kFlagNames) {
    if (flags & f.bit) ctx.ReplyWithSimpleString(f.name);
  }
}

void ReplyKeySpec(Context& ctx, std::string_view flags, int index, int lastkey, int keystep) {
  ctx.ReplyWithMap(3);
  ctx.ReplyWithString("flags");
  ctx.ReplyWithSet(CountWords(flags, ' '));
  ForEachWord(flags, ' ', [&ctx](std::string_view w) { ctx.ReplyWithSimpleString(w); });
  ctx.ReplyWithString("begin_search");
  ctx.ReplyWithMap(2);
  ctx.ReplyWithString("type");
  ctx.ReplyWithString("index");
  ctx.ReplyWithString("spec");
  ctx.ReplyWithMap(1);
  ctx.ReplyWithString("index");
  ctx.ReplyWithLongLong(index);
  ctx.ReplyWithString("find_keys");
  ctx.ReplyWithMap(2);
  ctx.ReplyWithString("type");
  ctx.ReplyWithString("range");
  ctx.ReplyWithString("spec");
  ctx.ReplyWithMap(3);
  ctx.ReplyWithString("lastkey");
  ctx.ReplyWithLongLong(lastkey);
  ctx.ReplyWithString("keystep");
  ctx.ReplyWithLongLong(keystep);
  ctx.ReplyWithString("limit");
  ctx.ReplyWithLongLong(0);
}

// server.c addReplyCommandInfo: [name, arity, flags, first, last, step, categories, tips,
// key specs, subcommands].
void ReplyCommandInfo(Context& ctx, const CommandSpec& spec, const CommandSpec* parent) {
  std::string name = FullName(spec, parent);
  const CommandMeta* meta = FindCommandMeta(name);
  ctx.ReplyWithArray(10);
  ctx.ReplyWithString(name);
  ctx.ReplyWithLongLong(spec.arity);
  ReplyFlagsSet(ctx, ParseCommandFlags(spec.flags));
  ctx.ReplyWithLongLong(spec.first_key);
  ctx.ReplyWithLongLong(spec.last_key);
  ctx.ReplyWithLongLong(spec.key_step);

  uint32_t cats = AclCategories(spec, parent, meta);
  ctx.ReplyWithSet(static_cast<size_t>(std::popcount(cats)));
  for (size_t i = 0; i < std::size(kAclCategories); ++i) {
    if ((cats & (1u << i)) == 0) continue;
    // Built by append: g++ 12 -O3 misreads `"@" + std::string(...)` as overlapping (-Wrestrict).
    std::string category = "@";
    category.append(kAclCategories[i]);
    ctx.ReplyWithSimpleString(category);
  }

  std::string_view tips = meta != nullptr ? meta->tips : std::string_view();
  ctx.ReplyWithSet(CountWords(tips, ' '));
  ForEachWord(tips, ' ', [&ctx](std::string_view t) { ctx.ReplyWithString(t); });

  std::vector<std::string_view> specs = KeySpecs(spec, meta);
  ctx.ReplyWithSet(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs.size() == 1) {
      int lastkey = spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key;
      ReplyKeySpec(ctx, specs[i], spec.first_key, lastkey, spec.key_step);
    } else {
      ReplyKeySpec(ctx, specs[i], spec.first_key + static_cast<int>(i), 0, 1);
    }
  }

  if (spec.subcommands.empty()) {
    ctx.ReplyWithSet(0);
  } else {
    ctx.ReplyWithArray(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) ReplyCommandInfo(ctx, sub, &spec);
  }
}

// "client|list" or "CLIENT": Redis's lookupCommandBySds.
const CommandSpec* LookupByFullName(const CommandTable& table, std::string_view name,
                                    const CommandSpec** parent) {
  *parent = nullptr;
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  std::string_view rest = name.substr(bar + 1);
  if (rest.find('|') != std::string_view::npos) return nullptr;
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr || container->subcommands.empty()) return nullptr;
  const CommandSpec* sub = CommandTable::FindSubcommand(*container, rest);
  if (sub != nullptr) *parent = container;
  return sub;
}

void ReplyDocArg(Context& ctx, const DocArg& arg) {
  size_t flags = (arg.optional ? 1 : 0) + (arg.multiple ? 1 : 0) + (arg.multiple_token ? 1 : 0);
  size_t pairs = 2 + (arg.key_spec_index >= 0 ? 1 : 0) + (arg.has_token ? 1 : 0) +
                 (flags > 0 ? 1 : 0) + (arg.args.empty() ? 0 : 1);
  ctx.ReplyWithMap(pairs);
  ctx.ReplyWithString("name");
  ctx.ReplyWithString(arg.name);
  ctx.ReplyWithString("type");
  ctx.ReplyWithString(arg.type);
  if (arg.key_spec_index >= 0) {
    ctx.ReplyWithString("key_spec_index");
    ctx.ReplyWithLongLong(arg.key_spec_index);
  }
  if (arg.has_token) {
    ctx.ReplyWithString("token");
    ctx.ReplyWithString(arg.token);
  }
  if (flags > 0) {
    ctx.ReplyWithString("flags");
    ctx.ReplyWithSet(flags);
    if (arg.optional) ctx.ReplyWithSimpleString("optional");
    if (arg.multiple) ctx.ReplyWithSimpleString("multiple");
    if (arg.multiple_token) ctx.ReplyWithSimpleString("multiple_token");
  }
  if (!arg.args.empty()) {
    ctx.ReplyWithString("arguments");
    ctx.ReplyWithArray(arg.args.size());
    for (const DocArg& a : arg.args) ReplyDocArg(ctx, a);
  }
}

// server.c addReplyCommandDocs: summary, since, group, complexity, doc_flags,
// deprecated_since, replaced_by, arguments, subcommands (history is not kept).
void ReplyCommandDocs(Context& ctx, const CommandSpec& spec, const CommandSpec* parent) {
  std::string name = FullName(spec, parent);
  const CommandMeta* meta = FindCommandMeta(name);
  std::vector<DocArg> args = ParseCommandSyntax(name, spec.syntax);
  std::string_view since = spec.since;
  if (since.empty() && parent != nullptr) since = parent->since;
  std::string_view complexity = meta != nullptr ? meta->complexity : std::string_view();
  std::string_view doc_flags = meta != nullptr ? meta->doc_flags : std::string_view();
  std::string_view deprecated = meta != nullptr ? meta->deprecated_since : std::string_view();
  std::string_view replaced = meta != nullptr ? meta->replaced_by : std::string_view();

  size_t pairs = 1 + !spec.summary.empty() + !since.empty() + !complexity.empty() +
                 !doc_flags.empty() + !deprecated.empty() + !replaced.empty() + !args.empty() +
                 !spec.subcommands.empty();
  ctx.ReplyWithMap(pairs);
  if (!spec.summary.empty()) {
    ctx.ReplyWithString("summary");
    ctx.ReplyWithString(spec.summary);
  }
  if (!since.empty()) {
    ctx.ReplyWithString("since");
    ctx.ReplyWithString(since);
  }
  ctx.ReplyWithString("group");
  ctx.ReplyWithString(GroupOf(spec, parent));
  if (!complexity.empty()) {
    ctx.ReplyWithString("complexity");
    ctx.ReplyWithString(complexity);
  }
  if (!doc_flags.empty()) {
    ctx.ReplyWithString("doc_flags");
    ctx.ReplyWithSet(CountWords(doc_flags, ' '));
    ForEachWord(doc_flags, ' ', [&ctx](std::string_view f) { ctx.ReplyWithSimpleString(f); });
  }
  if (!deprecated.empty()) {
    ctx.ReplyWithString("deprecated_since");
    ctx.ReplyWithString(deprecated);
  }
  if (!replaced.empty()) {
    ctx.ReplyWithString("replaced_by");
    ctx.ReplyWithString(replaced);
  }
  if (!args.empty()) {
    ctx.ReplyWithString("arguments");
    ctx.ReplyWithArray(args.size());
    for (const DocArg& a : args) ReplyDocArg(ctx, a);
  }
  if (!spec.subcommands.empty()) {
    ctx.ReplyWithString("subcommands");
    ctx.ReplyWithMap(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      ctx.ReplyWithString(FullName(sub, &spec));
      ReplyCommandDocs(ctx, sub, &spec);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

Status CommandCommand(Context& ctx, const Arg*, int) {
  const auto& all = ctx.engine().commands().all();
  ctx.ReplyWithArray(all.size());
  for (const CommandSpec* spec : all) ReplyCommandInfo(ctx, *spec, nullptr);
  return Status::kOk;
}

Status CommandCountCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(static_cast<int64_t>(ctx.engine().commands().size()));
}

Status CommandInfoCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc == 2) return CommandCommand(ctx, argv, argc);
  ctx.ReplyWithArray(static_cast<size_t>(argc - 2));
  for (int i = 2; i < argc; ++i) {
    const CommandSpec* parent;
    const CommandSpec* spec = LookupByFullName(ctx.engine().commands(), argv[i], &parent);
    if (spec == nullptr) {
      ctx.ReplyWithNull();
    } else {
      ReplyCommandInfo(ctx, *spec, parent);
    }
  }
  return Status::kOk;
}

Status CommandDocsCommand(Context& ctx, const Arg* argv, int argc) {
  const CommandTable& table = ctx.engine().commands();
  if (argc == 2) {
    ctx.ReplyWithMap(table.size());
    for (const CommandSpec* spec : table.all()) {
      ctx.ReplyWithString(spec->name);
      ReplyCommandDocs(ctx, *spec, nullptr);
    }
    return Status::kOk;
  }
  // Unknown names are left out, as Redis does.
  struct Found {
    const CommandSpec* spec;
    const CommandSpec* parent;
  };
  std::vector<Found> found;
  for (int i = 2; i < argc; ++i) {
    const CommandSpec* parent;
    const CommandSpec* spec = LookupByFullName(table, argv[i], &parent);
    if (spec != nullptr) found.push_back({spec, parent});
  }
  ctx.ReplyWithMap(found.size());
  for (const Found& f : found) {
    ctx.ReplyWithString(FullName(*f.spec, f.parent));
    ReplyCommandDocs(ctx, *f.spec, f.parent);
  }
  return Status::kOk;
}

Status CommandListCommand(Context& ctx, const Arg* argv, int argc) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view filter_arg;
  for (int i = 2; i < argc; ++i) {
    int more = argc - 1 - i;
    if (EqualsIgnoreCase(argv[i], "filterby") && more == 2) {
      std::string_view type = argv[i + 1];
      if (EqualsIgnoreCase(type, "module")) {
        filter = Filter::kModule;
      } else if (EqualsIgnoreCase(type, "aclcat")) {
        filter = Filter::kAclCat;
      } else if (EqualsIgnoreCase(type, "pattern")) {
        filter = Filter::kPattern;
      } else {
        return Status::kSyntax;
      }
      filter_arg = argv[i + 2];
      i += 2;
    } else {
      return Status::kSyntax;
    }
  }
  uint32_t acl_bit = filter == Filter::kAclCat ? AclBit(filter_arg) : 0;
  std::vector<std::string> names;
  auto consider = [&](const CommandSpec& spec, const CommandSpec* parent) {
    std::string name = FullName(spec, parent);
    bool keep = false;
    switch (filter) {
      case Filter::kNone:
        keep = true;
        break;
      case Filter::kModule:
        keep = false;  // no module commands
        break;
      case Filter::kAclCat:
        keep = acl_bit != 0 && (AclCategories(spec, parent, FindCommandMeta(name)) & acl_bit);
        break;
      case Filter::kPattern:
        keep = GlobMatch(filter_arg, name, /*nocase=*/true);
        break;
    }
    if (keep) names.push_back(std::move(name));
  };
  for (const CommandSpec* spec : ctx.engine().commands().all()) {
    consider(*spec, nullptr);
    for (const CommandSpec& sub : spec->subcommands) consider(sub, spec);
  }
  ctx.ReplyWithArray(names.size());
  for (const std::string& name : names) ctx.ReplyWithString(name);
  return Status::kOk;
}

// Redis's getKeysFromCommand for range key specs. Returns false after replying an error.
bool GetKeys(Context& ctx, const Arg* argv, int argc, const CommandSpec** spec_out,
             std::vector<int>* positions, std::vector<std::string_view>* flags) {
  std::span<const Arg> cmd(argv + 2, static_cast<size_t>(argc - 2));
  const CommandTable& table = ctx.engine().commands();
  const CommandSpec* parent = nullptr;
  const CommandSpec* spec = table.Find(cmd[0]);
  if (spec != nullptr && !spec->subcommands.empty() && cmd.size() >= 2) {
    parent = spec;
    spec = CommandTable::FindSubcommand(*spec, cmd[1]);
  }
  if (spec == nullptr) {
    ctx.ReplyWithError("ERR Invalid command specified");
    return false;
  }
  if (spec->first_key <= 0) {
    ctx.ReplyWithError("ERR The command has no key arguments");
    return false;
  }
  int argn = static_cast<int>(cmd.size());
  if ((spec->arity > 0 && spec->arity != argn) || argn < -spec->arity) {
    ctx.ReplyWithError("ERR Invalid number of arguments specified for command");
    return false;
  }
  int n = static_cast<int>(cmd.size());
  int last = spec->last_key < 0 ? n + spec->last_key : spec->last_key;
  int step = spec->key_step > 0 ? spec->key_step : 1;
  std::vector<std::string_view> specs = KeySpecs(*spec, FindCommandMeta(FullName(*spec, parent)));
  for (int i = spec->first_key; i <= last && i < n; i += step) {
    positions->push_back(i);
    size_t spec_index = specs.size() > 1 ? static_cast<size_t>(i - spec->first_key) : 0;
    flags->push_back(spec_index < specs.size() ? specs[spec_index] : std::string_view());
  }
  if (positions->empty() && !(ParseCommandFlags(spec->flags) & kFlagNoMandatoryKeys)) {
    ctx.ReplyWithError("ERR Invalid arguments specified for command");
    return false;
  }
  *spec_out = spec;
  return true;
}

Status CommandGetKeysCommand(Context& ctx, const Arg* argv, int argc) {
  const CommandSpec* spec;
  std::vector<int> positions;
  std::vector<std::string_view> flags;
  if (!GetKeys(ctx, argv, argc, &spec, &positions, &flags)) return Status::kOk;
  ctx.ReplyWithArray(positions.size());
  for (int pos : positions) ctx.ReplyWithString(argv[2 + pos]);
  return Status::kOk;
}

Status CommandGetKeysAndFlagsCommand(Context& ctx, const Arg* argv, int argc) {
  const CommandSpec* spec;
  std::vector<int> positions;
  std::vector<std::string_view> flags;
  if (!GetKeys(ctx, argv, argc, &spec, &positions, &flags)) return Status::kOk;
  ctx.ReplyWithArray(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    ctx.ReplyWithArray(2);
    ctx.ReplyWithString(argv[2 + positions[i]]);
    ctx.ReplyWithSet(CountWords(flags[i], ' '));
    ForEachWord(flags[i], ' ', [&ctx](std::string_view f) { ctx.ReplyWithSimpleString(f); });
  }
  return Status::kOk;
}

Status CommandHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  ctx.ReplyWithArray(std::size(kHelp));
  for (std::string_view line : kHelp) ctx.ReplyWithSimpleString(line);
  return Status::kOk;
}

// clang-format off
constexpr CommandSpec kCommandSubcommands[] = {
    // name              handler                        flags            arity first last step
    {"count",            CommandCountCommand,           "loading stale", 2,    0,    0,   0, {},
     "Get total number of Redis commands", "2.8.13", "server", ""},
    {"list",             CommandListCommand,            "loading stale", -2,   0,    0,   0, {},
     "Get an array of Redis command names", "7.0.0", "server",
     "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]"},
    {"info",             CommandInfoCommand,            "loading stale", -2,   0,    0,   0, {},
     "Get array of specific Redis command details, or all when no argument is given.",
     "2.8.13", "server", "[command-name [command-name ...]]"},
    {"docs",             CommandDocsCommand,            "loading stale", -2,   0,    0,   0, {},
     "Get array of specific Redis command documentation", "7.0.0", "server",
     "[command-name [command-name ...]]"},
    {"getkeys",          CommandGetKeysCommand,         "loading stale", -4,   0,    0,   0, {},
     "Extract keys given a full Redis command", "2.8.13", "server", ""},
    {"getkeysandflags",  CommandGetKeysAndFlagsCommand, "loading stale", -4,   0,    0,   0, {},
     "Extract keys and access flags given a full Redis command", "7.0.0", "server", ""},
    {"help",             CommandHelpCommand,            "loading stale", 2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "5.0.0", "server", ""},
};

// COMMAND alone runs too (all commands), so the container has a handler.
constexpr CommandSpec kCommandCommands[] = {
    {"command", CommandCommand, "loading stale", -1, 0, 0, 0, kCommandSubcommands,
     "Get array of Redis command details", "2.8.13", "server", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> CommandCommands() { return kCommandCommands; }

}  // namespace hashkv
