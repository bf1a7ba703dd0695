// The connection family: HELLO (RESP2/RESP3 negotiation), AUTH and RESET, with Redis 7.0's
// replies, error texts and order of checks.
#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/auth.h"
#include "engine/session.h"
#include "engine/transaction.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

// The version clients see; they gate features on it, so it names the Redis we match.
constexpr std::string_view kRedisVersion = "7.0.15";

constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";

// Redis 7.0.15's helloCommand acts on each option as it reads it: AUTH logs in (or fails the
// command) and SETNAME renames the client at once, so an error in a later option leaves what
// came before in effect. Authentication is checked only after all options.
Status HelloCommand(Context& ctx, const Arg* argv, int argc) {
  Session& session = ctx.session();
  Engine& engine = ctx.engine();
  int64_t version = 0;
  int next = 1;
  if (argc >= 2) {
    if (!ParseInt64(argv[next++], &version)) {
      return ctx.ReplyWithError("ERR Protocol version is not an integer or out of range");
    }
    if (version < 2 || version > 3)
      return ctx.ReplyWithError("NOPROTO unsupported protocol version");
  }
  for (int j = next; j < argc; ++j) {
    const int more = argc - 1 - j;
    std::string_view opt = argv[j];
    if (EqualsIgnoreCase(opt, "AUTH") && more >= 2) {
      if (!CheckCredentials(engine, argv[j + 1], argv[j + 2])) {
        return ctx.ReplyWithError(kWrongPass);
      }
      SetAuthenticated(engine, session, true);
      j += 2;
    } else if (EqualsIgnoreCase(opt, "SETNAME") && more >= 1) {
      // The same validation and effect as CLIENT SETNAME, as Redis shares it.
      CallReply r = ctx.Call("CLIENT", "SETNAME", argv[j + 1]);
      if (r.type() == CallReply::Type::kError) return ctx.ReplyWithCallReply(r);
      ++j;
    } else {
      std::string line = "ERR Syntax error in HELLO option '";
      line.append(opt.substr(0, opt.find('\0')));
      line.push_back('\'');
      return ctx.ReplyWithError(line);
    }
  }
  if (!session.authenticated) {
    return ctx.ReplyWithError(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (version != 0) session.resp = static_cast<RespVersion>(version);
  // The reply is already in the new protocol.
  RespWriter writer(ctx.writer().buffer(), session.resp);
  writer.MapHeader(7);
  writer.Bulk("server");
  writer.Bulk("redis");
  writer.Bulk("version");
  writer.Bulk(kRedisVersion);
  writer.Bulk("proto");
  writer.Integer(static_cast<int64_t>(session.resp));
  writer.Bulk("id");
  writer.Integer(static_cast<int64_t>(session.id()));
  writer.Bulk("mode");
  writer.Bulk("standalone");
  writer.Bulk("role");
  writer.Bulk("master");
  writer.Bulk("modules");
  writer.ArrayHeader(0);
  return Status::kOk;
}

// acl.c authCommand: AUTH password logs in as "default"; AUTH user password names the user.
Status AuthCommand(Context& ctx, const Arg* argv, int argc) {
  if (argc > 3) return Status::kSyntax;
  Engine& engine = ctx.engine();
  std::string_view user = "default";
  std::string_view password = argv[1];
  if (argc == 2) {
    // The old form with no password configured is an error, as before ACLs, so a client
    // configured with a password notices that the server has none.
    if (engine.config().requirepass.empty()) {
      return ctx.ReplyWithError(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
    }
  } else {
    user = argv[1];
    password = argv[2];
  }
  // A failed attempt leaves the session as it was: an authenticated client stays so.
  if (!CheckCredentials(engine, user, password)) return ctx.ReplyWithError(kWrongPass);
  SetAuthenticated(engine, ctx.session(), true);
  return ctx.ReplyWithSimpleString("OK");
}

// networking.c resetCommand / clearClientConnectionState (7.0.15): the connection returns to
// the state of a new one, except for what describes the connection itself (id, address,
// library name and version) and, in 7.0, CLIENT NO-EVICT.
Status ResetCommand(Context& ctx, const Arg*, int) {
  Session& session = ctx.session();
  Engine& engine = ctx.engine();
  DiscardTransaction(engine.watches(), session);  // MULTI and every WATCH
  session.monitor = false;
  session.db = 0;
  session.resp = RespVersion::kResp2;
  SetAuthenticated(engine, session, engine.config().requirepass.empty());
  session.name.clear();
  // NO-TOUCH came with 7.2, whose RESET clears it.
  session.no_touch = false;
  // Redis clears CLIENT REPLY OFF and a pending SKIP, but not the skip of this very command:
  // after CLIENT REPLY SKIP, RESET's own reply is dropped.
  if (session.reply_mode != Session::ReplyMode::kSkipThis) {
    session.reply_mode = Session::ReplyMode::kOn;
  }
  return ctx.ReplyWithSimpleString("RESET");
}

// clang-format off
constexpr std::string_view kNoAuthFlags = "noscript loading stale fast no-auth allow-busy";

constexpr CommandSpec kConnectionCommands[] = {
    // name    handler       flags         arity first last step
    {"hello",  HelloCommand, kNoAuthFlags, -1,   0,    0,   0, {},
     "Handshake with Redis", "6.0.0", "connection",
     "[protover [AUTH username password] [SETNAME clientname]]"},
    {"auth",   AuthCommand,  kNoAuthFlags, -2,   0,    0,   0, {},
     "Authenticate to the server", "1.0.0", "connection", "[username] password"},
    {"reset",  ResetCommand, kNoAuthFlags, 1,    0,    0,   0, {},
     "Reset the connection", "6.2.0", "connection", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ConnectionCommands() { return kConnectionCommands; }

}  // namespace hashkv
