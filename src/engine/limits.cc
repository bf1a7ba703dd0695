// Per-client limits: ports of Redis 7.0's config.c and networking.c rules, no sockets here.
#include "engine/limits.h"

#include <cctype>
#include <cstdlib>
#include <vector>

#include "commands/args.h"
#include "engine/session.h"

namespace hashkv {
namespace {

// util.c memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb); no sign. Redis
// copies the digits into a buffer and runs strtoull, so "" and "kb" are 0 and too many digits
// saturate at 18446744073709551615.
bool MemToUll(std::string_view s, uint64_t* out) {
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  std::string_view unit = s.substr(digits);
  uint64_t mul = 1;
  if (!MemoryUnitBytes(unit, &mul)) return false;
  if (digits >= 128) return false;  // Redis's buffer
  // strtoull saturates at ULLONG_MAX on overflow, and Redis does not check errno for that.
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
  }
  if (v > UINT64_MAX / mul) return false;
  *out = v * mul;
  return true;
}

// getClientTypeByName, less "master", which the option refuses.
int ClassByName(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return static_cast<int>(ClientClass::kNormal);
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) {
    return static_cast<int>(ClientClass::kReplica);
  }
  if (EqualsIgnoreCase(name, "pubsub")) return static_cast<int>(ClientClass::kPubsub);
  return -1;
}

// soft_seconds as Redis 7.0.15 reads it: strtoll over the whole argument, kept in an int (so
// 4294967296 is 0 and 2147483648 is negative), refused when negative. "" and "-0" are 0.
bool ParseSeconds(std::string_view s, int64_t* out) {
  std::string copy(s);
  char* end = nullptr;
  const int v = static_cast<int>(std::strtoll(copy.c_str(), &end, 10));
  if (*end != '\0' || v < 0) return false;
  *out = v;
  return true;
}

}  // namespace

bool ParseOutputBufferLimits(std::span<const std::string_view> args, OutputBufferLimits* limits,
                             std::string* error) {
  if (args.size() % 4 != 0) {
    *error = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  // Every argument is checked before anything is set.
  for (size_t j = 0; j < args.size(); ++j) {
    if (j % 4 == 0) {
      if (ClassByName(args[j]) < 0) {
        *error = "Invalid client class specified in buffer limit configuration.";
        return false;
      }
      continue;
    }
    uint64_t bytes = 0;
    int64_t seconds = 0;
    if (j % 4 == 3 ? !ParseSeconds(args[j], &seconds) : !MemToUll(args[j], &bytes)) {
      *error = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
  }
  for (size_t j = 0; j < args.size(); j += 4) {
    OutputBufferLimit& limit = (*limits)[static_cast<size_t>(ClassByName(args[j]))];
    MemToUll(args[j + 1], &limit.hard_bytes);
    MemToUll(args[j + 2], &limit.soft_bytes);
    ParseSeconds(args[j + 3], &limit.soft_seconds);
  }
  return true;
}

bool ParseOutputBufferLimitsValue(std::string_view value, OutputBufferLimits* limits,
                                  std::string* error) {
  std::vector<std::string_view> args;
  // sdssplitlen(value, " "): an empty value has no parts; otherwise every space separates two
  // parts, empty ones included.
  if (!value.empty()) {
    size_t start = 0;
    for (;;) {
      size_t space = value.find(' ', start);
      args.push_back(value.substr(start, space - start));
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
  }
  return ParseOutputBufferLimits(args, limits, error);
}

std::string FormatOutputBufferLimits(const OutputBufferLimits& limits) {
  static constexpr std::string_view kNames[] = {"normal", "slave", "pubsub"};
  std::string out;
  for (size_t i = 0; i < limits.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out.append(kNames[i]);
    out.push_back(' ');
    out.append(std::to_string(limits[i].hard_bytes));
    out.push_back(' ');
    out.append(std::to_string(limits[i].soft_bytes));
    out.push_back(' ');
    out.append(std::to_string(limits[i].soft_seconds));
  }
  return out;
}

const OutputBufferLimit& OutputLimitFor(const Config& config, const Session& session) {
  const OutputBufferLimit& normal =
      config.client_output_buffer_limits[static_cast<size_t>(ClientClass::kNormal)];
  if (session.monitor && normal.hard_bytes == 0 && normal.soft_bytes == 0) {
    return config.client_output_buffer_limits[static_cast<size_t>(ClientClass::kReplica)];
  }
  return normal;
}

bool OutputLimitReached(const OutputBufferLimit& limit, uint64_t pending, int64_t now_s,
                        int64_t* soft_since_s) {
  const bool hard = limit.hard_bytes != 0 && pending >= limit.hard_bytes;
  bool soft = limit.soft_bytes != 0 && pending >= limit.soft_bytes;
  // The soft limit must hold for more than soft_seconds in a row.
  if (soft) {
    if (*soft_since_s == 0) {
      *soft_since_s = now_s;
      soft = false;
    } else if (now_s - *soft_since_s <= limit.soft_seconds) {
      soft = false;
    }
  } else {
    *soft_since_s = 0;
  }
  return hard || soft;
}

bool IdleTimedOut(const Config& config, const Session& session, int64_t last_io_s, int64_t now_s) {
  return config.timeout > 0 && !session.monitor && now_s - last_io_s > config.timeout;
}

bool ProtectedModeRefuses(const Config& config, std::string_view peer_ip, bool unix_socket) {
  if (!config.protected_mode || !config.requirepass.empty() || unix_socket) return false;
  // An IPv4 client of a dual-stack socket shows as ::ffff:127.0.0.1; Redis sets IPV6_V6ONLY and
  // so never sees one, but it is the same loopback client.
  return peer_ip != "127.0.0.1" && peer_ip != "::1" && peer_ip != "::ffff:127.0.0.1";
}

std::string QuotedRepr(std::string_view bytes) {
  std::string out = "\"";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
      case '"':
        out.push_back('\\');
        out.push_back(ch);
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\a':
        out.append("\\a");
        break;
      case '\b':
        out.append("\\b");
        break;
      default:
        if (std::isprint(c)) {
          out.push_back(ch);
        } else {
          static constexpr char kHex[] = "0123456789abcdef";
          out.append("\\x");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
        break;
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace hashkv
