// HELLO: protocol negotiation (RESP2/RESP3), with Redis 7.0's reply and error texts.
#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

// The version clients see; they gate features on it, so it names the Redis we match.
constexpr std::string_view kRedisVersion = "7.0.15";

Status HelloCommand(Context& ctx, const Arg* argv, int argc) {
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
      // No password is configured: the default user is "nopass" and accepts any password,
      // every other user name is unknown.
      if (!EqualsIgnoreCase(argv[j + 1], "default")) {
        return ctx.ReplyWithError("WRONGPASS invalid username-password pair or user is disabled.");
      }
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
  Session& session = ctx.session();
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

// clang-format off
constexpr CommandSpec kConnectionCommands[] = {
    // name    handler       flags                                          arity first last step
    {"hello",  HelloCommand, "noscript loading stale fast no-auth allow-busy", -1,   0,    0,   0, {},
     "Handshake with Redis", "6.0.0", "connection",
     "[protover [AUTH username password] [SETNAME clientname]]"},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ConnectionCommands() { return kConnectionCommands; }

}  // namespace hashkv
