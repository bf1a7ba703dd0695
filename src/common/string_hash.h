// Transparent hashing for std::string keys looked up by std::string_view. Debian's Abseil is
// built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so the default
// hasher of absl::flat_hash_map<std::string, V> cannot take a std::string_view.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace hashkv {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};

struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace hashkv
