// Redis 7.0.15's per-command metadata that CommandSpec does not carry (ACL categories, tips,
// key-spec flags, complexity, deprecation), for COMMAND INFO and COMMAND DOCS.
#pragma once

#include <string_view>

namespace hashkv {

struct CommandMeta {
  std::string_view name;  // full name: "hset", "client|list"
  // ACL categories Redis declares explicitly, without '@'; the ones Redis derives from the
  // flags (write, read, admin, dangerous, fast, slow, ...) are added by the reader.
  std::string_view acl;
  std::string_view tips;  // space-separated, e.g. "nondeterministic_output"
  std::string_view
      key_specs;  // one entry per key spec, '|'-separated: "RW access delete|OW update"
  std::string_view complexity;
  std::string_view doc_flags;  // "deprecated", "syscmd"
  std::string_view deprecated_since;
  std::string_view replaced_by;
};

// nullptr for commands Redis 7.0 does not have (or that this table does not list).
const CommandMeta* FindCommandMeta(std::string_view full_name);

}  // namespace hashkv
