// Authentication of the default user against `requirepass`, as Redis 7.0 without ACL files:
// the password check and the session state AUTH, HELLO AUTH, RESET and CONFIG SET change.
#pragma once

#include <string_view>

namespace hashkv {

class Engine;
class Session;

// Redis's authRequired(): the session may only run no-auth commands.
bool AuthRequired(const Engine& engine, const Session& session);

// Whether `user`/`password` log in as Redis's default user: the user must be "default" (case
// sensitive); without requirepass the default user is "nopass" and takes any password. The
// password is compared in constant time.
bool CheckCredentials(const Engine& engine, std::string_view user, std::string_view password);

// Marks the session (not) authenticated and moves its parser to or from the pre-AUTH request
// limits to match.
void SetAuthenticated(const Engine& engine, Session& session, bool authenticated);

// CONFIG SET requirepass: "" turns authentication off (the default user becomes nopass).
// Sessions keep their authenticated flag, as in Redis: those authenticated stay so, and those
// that never authenticated are limited again if a password comes back.
void SetRequirePass(Engine& engine, std::string_view password);

// Time depends only on the lengths, never on where the strings differ. Exposed for tests.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace hashkv
