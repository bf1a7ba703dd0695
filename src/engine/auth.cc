// Authentication gate of the dispatcher and the default user's password check.
#include "engine/auth.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Every byte of the longer string is visited and differences are OR-ed together, so there is
  // no early exit that would tell an attacker how long a prefix matched.
  const size_t n = std::max(a.size(), b.size());
  const volatile char* pa = a.data();
  const volatile char* pb = b.data();
  uint32_t diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<uint8_t>(i < a.size() ? pa[i] : 0);
    const auto y = static_cast<uint8_t>(i < b.size() ? pb[i] : 0);
    diff |= static_cast<uint32_t>(x ^ y);
  }
  return diff == 0;
}

bool AuthRequired(const Engine& engine, const Session& session) {
  return !session.authenticated && !engine.config().requirepass.empty();
}

bool CheckCredentials(const Engine& engine, std::string_view user, std::string_view password) {
  // ACLGetUserByName is an exact lookup, and "default" is the only user there is.
  if (user != "default") return false;
  const std::string& required = engine.config().requirepass;
  return required.empty() || ConstantTimeEquals(required, password);
}

void SetAuthenticated(const Engine& engine, Session& session, bool authenticated) {
  session.authenticated = authenticated;
  RespLimits limits = session.parser.limits();
  limits.unauthenticated = AuthRequired(engine, session);
  session.parser.set_limits(limits);
}

void SetRequirePass(Engine& engine, std::string_view password) {
  engine.config().requirepass = std::string(password);
  engine.ForEachSession([&engine](Session& s) { SetAuthenticated(engine, s, s.authenticated); });
}

// processCommand: before authentication only commands flagged no-auth run (AUTH, HELLO, QUIT,
// RESET). Unknown commands and arity errors were reported before this, as in Redis.
bool Engine::AuthAllows(const Session& session, const CommandSpec& spec, std::string* error) const {
  if (!AuthRequired(*this, session)) return true;
  if ((spec.flag_bits & kFlagNoAuth) != 0) return true;
  *error = "NOAUTH Authentication required.";
  return false;
}

}  // namespace hashkv
