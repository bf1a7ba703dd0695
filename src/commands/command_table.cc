// Lookup lowers the name into a stack buffer: no allocation per command.
#include "commands/command_table.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>

#include "commands/args.h"

namespace hashkv {
namespace {

constexpr size_t kMaxNameLength = 64;

// Lower-cases the ASCII letters of eight bytes at once (SWAR), as tolower() in the C locale the
// server runs in; other bytes are left alone.
constexpr uint64_t LowerWord(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t low7 = x & (0x7f * kOnes);
  const uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;      // high bit: byte >= 'A'
  const uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * kOnes;  // high bit: byte > 'Z'
  const uint64_t upper = (ge_a ^ gt_z) & ~x & (0x80 * kOnes);
  return x | (upper >> 2);
}

// A name's first 16 bytes, lowered, zero-padded, as two little-endian words: with the length,
// all of any command's name, so lookups compare and hash words instead of bytes.
struct NameKey {
  uint64_t w0 = 0;
  uint64_t w1 = 0;
  size_t size = 0;

  uint64_t Hash() const {
    const uint64_t h = (w0 * 0x9e3779b97f4a7c15ULL) ^ ((w1 + size) * 0xc2b2ae3d27d4eb4fULL);
    return h ^ (h >> 29);
  }
};

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// The bytes [0, n) of `p` (n <= 8) as a zero-padded little-endian word, reading only them.
uint64_t LoadPartial(const char* p, size_t n) {
  if (n == 8) return Load64(p);
  if (n >= 4) {
    // Two overlapping 4-byte loads; the overlap holds the same bytes in both.
    return Load32(p) | (static_cast<uint64_t>(Load32(p + n - 4)) << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  return static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
         (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << (8 * (n / 2))) |
         (static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << (8 * (n - 1)));
}

NameKey KeyOf(std::string_view name) {
  static_assert(std::endian::native == std::endian::little);
  NameKey key;
  const size_t n = std::min<size_t>(name.size(), 16);
  key.size = name.size();
  if (n > 8) {
    key.w0 = LowerWord(Load64(name.data()));
    key.w1 = LowerWord(LoadPartial(name.data() + 8, n - 8));
  } else {
    key.w0 = LowerWord(LoadPartial(name.data(), n));
  }
  return key;
}

// Names past 16 bytes also compare their tail, ignoring case; the first 16 matched as words.
bool TailEquals(std::string_view stored, std::string_view name) {
  return name.size() <= 16 || EqualsIgnoreCase(stored.substr(16), name.substr(16));
}

// printf's "%.*s" stops at NUL; Redis formats these arguments that way.
std::string_view UpToNul(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

}  // namespace

uint32_t ParseCommandFlags(std::string_view flags) { return CommandFlagBits(flags); }

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
    Insert(&spec);
    all_.push_back(&spec);
  }
}

void CommandTable::Insert(const CommandSpec* spec) {
  callees_ = {};  // a registration may change what a remembered name resolves to
  if (2 * (used_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 512 : 2 * old.size(), Slot{});
    used_ = 0;
    for (const Slot& slot : old) {
      if (slot.spec != nullptr) Insert(slot.spec);
    }
  }
  // Names are lower case in the tables. One too long to look up is never found, as before.
  if (spec->name.size() > kMaxNameLength) return;
  const NameKey key = KeyOf(spec->name);
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.Hash() & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.spec == nullptr) {
      slot = Slot{spec->name, key.w0, key.w1, spec};
      ++used_;
      return;
    }
    if (slot.name == spec->name) {
      slot.spec = spec;  // a later registration replaces an earlier one of the same name
      return;
    }
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.size() > kMaxNameLength || slots_.empty()) return nullptr;
  const NameKey key = KeyOf(name);
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.Hash() & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.spec == nullptr) return nullptr;
    if (slot.w0 == key.w0 && slot.w1 == key.w1 && slot.name.size() == key.size &&
        TailEquals(slot.name, name)) {
      return slot.spec;
    }
  }
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) {
  for (const CommandSpec& sub : container.subcommands) {
    if (EqualsIgnoreCase(sub.name, name)) return &sub;
  }
  return nullptr;
}

const CommandSpec* CommandTable::RememberCallee(std::string_view name) const {
  const CommandSpec* spec = Find(name);
  // The pair's first way while it is free, else the second, which a newcomer then takes over.
  const size_t pair = CalleePair(name);
  Callee& c = callees_[callees_[pair].data == nullptr ? pair : pair + 1];
  if (spec != nullptr && name.size() <= c.bytes.size()) {
    c.data = name.data();
    c.size = name.size();
    std::memcpy(c.bytes.data(), name.data(), name.size());
    c.spec = spec;
  }
  return spec;
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
