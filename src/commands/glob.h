// Glob-style pattern matching with the exact semantics of Redis 7.0's util.c stringmatchlen,
// used by KEYS, SCAN and HSCAN MATCH.
#pragma once

#include <cstdint>
#include <string_view>

namespace hashkv {

// Returns true when `str` matches the glob `pattern` (*, ?, [abc], [^a], [a-z], \x escapes),
// exactly as Redis's stringmatchlen(pattern, str, nocase). Recursion on '*' is bounded, so
// pathological patterns cannot exhaust the stack; past the bound the match fails, as in the
// CVE-2024-31228 fix that the reference redis-server carries. Note that GlobMatch("*", "") is
// false, as stringmatchlen: KEYS, SCAN and HSCAN treat a lone "*" pattern as "no filter" before
// matching, and callers must do the same.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// GlobMatch that also adds to *steps the number of pattern positions it compared, so tests can
// bound the matcher's work without timing it.
bool GlobMatchCountingSteps(std::string_view pattern, std::string_view str, bool nocase,
                            uint64_t* steps);

}  // namespace hashkv
