// redis-server style configuration: a config file of "directive args..." lines and
// "--directive args..." flags, applied in that order. Silent: it returns warnings for the
// caller to log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hashkv/config.h"

namespace hashkv {

struct ConfigResult {
  bool ok = true;
  std::string error;                  // set when !ok
  std::vector<std::string> warnings;  // directives accepted but without effect here
  bool show_version = false;
  bool show_help = false;
};

// argv as main() receives it (argv[0] is the program).
ConfigResult ParseCommandLine(int argc, const char* const* argv, Config* config);
// The text of a config file, then the flags rewritten as lines; exposed for tests.
ConfigResult ParseConfigText(std::string_view text, Config* config);

// Redis's memtoll: "1gb", "512mb", "64k" (1000) / "64kb" (1024); false on junk.
bool ParseMemory(std::string_view s, int64_t* out);

}  // namespace hashkv
