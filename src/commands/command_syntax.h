// COMMAND DOCS arguments parsed from a CommandSpec's syntax synopsis, in the shape of Redis's
// argument maps (name, type, key_spec_index, token, flags, nested arguments).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hashkv {

struct DocArg {
  std::string name;
  std::string_view type;  // key string integer double pattern unix-time pure-token oneof block
  std::string token;
  bool has_token = false;
  int key_spec_index = -1;
  bool optional = false;
  bool multiple = false;
  bool multiple_token = false;
  std::vector<DocArg> args;
};

// Parses a synopsis such as
//   "key cursor [MATCH pattern] [COUNT count]"        tokens are upper case
//   "key field value [field value ...]"               repetition of the preceding words
//   "[NOSAVE | SAVE] [NOW]"                            '|' separates alternatives in a group
//   "[FILTERBY <MODULE module-name | ACLCAT category>]" '<...>' groups without making optional
// `command` (the full name) only refines argument types (HINCRBYFLOAT's increment is a double).
std::vector<DocArg> ParseCommandSyntax(std::string_view command, std::string_view syntax);

}  // namespace hashkv
