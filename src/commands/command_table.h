// The command table: specs registered per family, looked up case-insensitively without
// allocating, with Redis's existence and arity checks.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hashkv/command.h"

namespace hashkv {

// Redis's arity: exactly `arity` arguments (the name included), or at least -arity.
inline bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? static_cast<size_t>(arity) == argc : argc >= static_cast<size_t>(-arity);
}

// Parses a flags string ("write deny-oom fast") into CommandFlag bits.
uint32_t ParseCommandFlags(std::string_view flags);

// The families, each defined in its own file (hash_commands.cc, key_commands.cc, ...).
std::span<const CommandSpec> HashCommands();
std::span<const CommandSpec> KeyCommands();
std::span<const CommandSpec> ServerCommands();
std::span<const CommandSpec> ClientCommands();   // client_commands.cc
std::span<const CommandSpec> CommandCommands();  // command_docs.cc
std::span<const CommandSpec> ObjectCommands();
std::span<const CommandSpec> ConnectionCommands();
std::span<const CommandSpec> ObserveCommands();  // observe_commands.cc
std::span<const CommandSpec> MultiCommands();    // multi_commands.cc
// HASHKV.*: only on servers started with enable-test-controls (test_control_commands.cc).
std::span<const CommandSpec> TestControlCommands();

class CommandTable {
 public:
  // Registers every family; the HASHKV.* test controls only when asked.
  explicit CommandTable(bool test_controls = false);

  void Register(std::span<const CommandSpec> family);

  const CommandSpec* Find(std::string_view name) const;
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view name);

  // Redis's commandCheckExistence/commandCheckArity: nullptr and an error line ("ERR ...")
  // in `error` when the request cannot run. `*parent` is set for subcommands.
  const CommandSpec* Resolve(std::span<const Arg> argv, const CommandSpec** parent,
                             std::string* error) const;
  // Context::Call's quick path: the callee, when it is a plain command (no subcommands) that
  // takes this many arguments; nullptr otherwise, and Resolve tells why. Callees are named by
  // strings that stay put (the "HGET" literal in HGETSET), so one is found again by that
  // string's address and bytes, without lowering and hashing the name.
  const CommandSpec* RunnableCallee(std::span<const Arg> argv) const {
    const CommandSpec* spec = FindCallee(argv[0]);
    return spec != nullptr && spec->subcommands.empty() && ArityOk(spec->arity, argv.size())
               ? spec
               : nullptr;
  }

  // Registration order, for COMMAND / COMMAND LIST / COMMAND DOCS.
  const std::vector<const CommandSpec*>& all() const { return all_; }
  size_t size() const { return all_.size(); }

 private:
  // Open addressing over the lower-case names, probed linearly: a lookup lowers and hashes the
  // name in one pass and usually compares one slot, with no library calls (the dispatcher looks up
  // every request's name, and Context::Call its callee's).
  struct Slot {
    std::string_view name;
    uint64_t w0 = 0;  // the name's first 16 bytes, as LoweredName's words
    uint64_t w1 = 0;
    const CommandSpec* spec = nullptr;
  };
  void Insert(const CommandSpec* spec);

  // A callee remembered by RunnableCallee: the name's address picks the entry, its length and
  // bytes confirm it (a different name at the same address is a miss, never a wrong command).
  struct Callee {
    const char* data = nullptr;
    size_t size = 0;
    std::array<char, 16> bytes{};
    const CommandSpec* spec = nullptr;
    bool Is(std::string_view name) const {
      return data == name.data() && size == name.size() &&
             std::memcmp(bytes.data(), name.data(), size) == 0;
    }
  };
  // Where a name may be remembered: a pair of entries picked by the top bits of a Fibonacci
  // hash of its address. Two ways, because literals a few bytes apart ("HGET", "HSET") share a
  // pair about a quarter of the time, depending on how the program was linked; one way each,
  // they evicted each other on every HGETSET.
  size_t CalleePair(std::string_view name) const {
    static_assert(std::tuple_size_v<decltype(callees_)> == 8);
    return ((reinterpret_cast<uintptr_t>(name.data()) * 0x9E3779B97F4A7C15ULL) >> 62) * 2;
  }
  const CommandSpec* FindCallee(std::string_view name) const {
    const size_t pair = CalleePair(name);
    if (callees_[pair].Is(name)) return callees_[pair].spec;
    if (callees_[pair + 1].Is(name)) return callees_[pair + 1].spec;
    return RememberCallee(name);
  }
  const CommandSpec* RememberCallee(std::string_view name) const;  // kept out of line: rare

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t used_ = 0;
  mutable std::array<Callee, 8> callees_{};
  std::vector<const CommandSpec*> all_;
};

}  // namespace hashkv
