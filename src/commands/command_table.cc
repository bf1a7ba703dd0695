// Lookup lowers the name into a stack buffer: no allocation per command.
#include "commands/command_table.h"

#include <cctype>
#include <cstring>

#include "commands/args.h"

namespace hashkv {
namespace {

constexpr size_t kMaxNameLength = 64;

bool Lower(std::string_view in, char* buf, std::string_view* out) {
  if (in.size() > kMaxNameLength) return false;
  for (size_t i = 0; i < in.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(in[i])));
  }
  *out = std::string_view(buf, in.size());
  return true;
}

bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? static_cast<size_t>(arity) == argc : argc >= static_cast<size_t>(-arity);
}

// printf's "%.*s" stops at NUL; Redis formats these arguments that way.
std::string_view UpToNul(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

}  // namespace

uint32_t ParseCommandFlags(std::string_view flags) {
  static constexpr struct {
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
    std::string_view word = flags.substr(pos, end - pos);
    for (const auto& w : kWords) {
      if (w.word == word) bits |= w.bit;
    }
    pos = end + 1;
  }
  return bits;
}

CommandTable::CommandTable(bool test_controls) {
  Register(HashCommands());
  Register(KeyCommands());
  Register(ServerCommands());
  Register(ClientCommands());
  Register(CommandCommands());
  Register(ObjectCommands());
  Register(ConnectionCommands());
  Register(ObserveCommands());
  Register(MultiCommands());
  if (test_controls) Register(TestControlCommands());
}

void CommandTable::Register(std::span<const CommandSpec> family) {
  for (const CommandSpec& spec : family) {
    by_name_[std::string(spec.name)] = &spec;
    all_.push_back(&spec);
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[kMaxNameLength];
  std::string_view lower;
  if (!Lower(name, buf, &lower)) return nullptr;
  auto it = by_name_.find(lower);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) {
  for (const CommandSpec& sub : container.subcommands) {
    if (EqualsIgnoreCase(sub.name, name)) return &sub;
  }
  return nullptr;
}

const CommandSpec* CommandTable::Resolve(std::span<const Arg> argv, const CommandSpec** parent,
                                         std::string* error) const {
  *parent = nullptr;
  const CommandSpec* spec = Find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = FindSubcommand(*spec, argv[1]);
    if (sub == nullptr) {
      std::string upper(spec->name);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      *error = "ERR unknown subcommand '";
      error->append(UpToNul(argv[1]).substr(0, 128));
      error->append("'. Try ");
      error->append(upper);
      error->append(" HELP.");
      return nullptr;
    }
    *parent = spec;
    spec = sub;
  }
  if (spec == nullptr) {
    *error = "ERR unknown command '";
    error->append(UpToNul(argv[0]).substr(0, 128));
    error->append("', with args beginning with: ");
    size_t args_len = 0;
    for (size_t i = 1; i < argv.size() && args_len < 128; ++i) {
      std::string_view a = UpToNul(argv[i]).substr(0, 128 - args_len);
      error->push_back('\'');
      error->append(a);
      error->append("' ");
      args_len += a.size() + 3;
    }
    return nullptr;
  }
  if (!ArityOk(spec->arity, argv.size())) {
    *error = "ERR wrong number of arguments for '";
    if (*parent != nullptr) {
      error->append((*parent)->name);
      error->push_back('|');
    }
    error->append(spec->name);
    error->append("' command");
    return nullptr;
  }
  return spec;
}

}  // namespace hashkv
