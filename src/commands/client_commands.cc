// The CLIENT family: ID, SETNAME, GETNAME, SETINFO, LIST, INFO, NO-EVICT, NO-TOUCH, GETREDIR,
// HELP, with Redis's texts and CLIENT LIST's line format (7.2's, which adds lib-name/lib-ver).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/args.h"
#include "commands/command_table.h"
#include "commands/reply_help.h"
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

// networking.c validateClientAttr: printable ASCII without spaces, so CLIENT LIST stays
// splittable on spaces.
bool ValidClientAttr(std::string_view value) {
  for (char c : value) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// networking.c catClientInfoString. `argv_mem` is the running command's argument bytes (only
// the client executing CLIENT LIST/INFO has one), as Redis's argv-mem.
void AppendClientInfo(std::string* out, const Session& s, int64_t now_ms, size_t argv_mem) {
  auto field = [out](std::string_view name, std::string_view value) {
    out->append(name);
    out->push_back('=');
    out->append(value);
    out->push_back(' ');
  };
  auto number = [out](std::string_view name, int64_t value) {
    out->append(name);
    out->push_back('=');
    out->append(FormatInt64(value));
    out->push_back(' ');
  };
  char flags[4];
  size_t nflags = 0;
  if (s.no_evict) flags[nflags++] = 'e';
  if (s.no_touch) flags[nflags++] = 'T';
  if (nflags == 0) flags[nflags++] = 'N';
  std::string cmd = "NULL";
  if (s.last_command != nullptr) {
    cmd.clear();
    if (s.last_command_parent != nullptr) {
      cmd.append(s.last_command_parent->name);
      cmd.push_back('|');
    }
    cmd.append(s.last_command->name);
  }
  size_t qbuf = s.query_buffer_bytes;
  size_t tot_mem = sizeof(Session) + qbuf + s.query_buffer_free + argv_mem + s.name.size() +
                   s.lib_name.size() + s.lib_ver.size();

  number("id", static_cast<int64_t>(s.id()));
  field("addr", s.addr());
  field("laddr", s.laddr());
  number("fd", s.fd);
  field("name", s.name);
  number("age", (now_ms - s.created_ms()) / 1000);
  number("idle", (now_ms - s.last_interaction_ms) / 1000);
  field("flags", std::string_view(flags, nflags));
  number("db", s.db);
  number("sub", 0);
  number("psub", 0);
  number("ssub", 0);
  number("multi", -1);
  number("qbuf", static_cast<int64_t>(qbuf));
  number("qbuf-free", static_cast<int64_t>(s.query_buffer_free));
  number("argv-mem", static_cast<int64_t>(argv_mem));
  number("multi-mem", 0);
  number("rbs", 0);
  number("rbp", 0);
  number("obl", 0);
  number("oll", 0);
  number("omem", 0);
  number("tot-mem", static_cast<int64_t>(tot_mem));
  field("events", "r");
  field("cmd", cmd);
  field("user", "default");
  number("redir", -1);
  number("resp", static_cast<int>(s.resp));
  field("lib-name", s.lib_name);
  out->append("lib-ver=");
  out->append(s.lib_ver);
  out->push_back('\n');
}

size_t ArgvMem(const Arg* argv, int argc) {
  size_t n = 0;
  for (int i = 0; i < argc; ++i) n += argv[i].size();
  return n;
}

Status ClientIdCommand(Context& ctx, const Arg*, int) {
  return ctx.ReplyWithLongLong(static_cast<int64_t>(ctx.session().id()));
}

Status ClientSetNameCommand(Context& ctx, const Arg* argv, int) {
  if (!ValidClientAttr(argv[2])) {
    return ctx.ReplyWithError(
        "ERR Client names cannot contain spaces, newlines or special characters.");
  }
  ctx.session().name = std::string(argv[2]);  // empty clears the name
  return ctx.ReplyWithSimpleString("OK");
}

Status ClientGetNameCommand(Context& ctx, const Arg*, int) {
  const std::string& name = ctx.session().name;
  return name.empty() ? ctx.ReplyWithNull() : ctx.ReplyWithString(name);
}

// Redis 7.2 clientSetinfoCommand; the error names the option as the client spelled it.
Status ClientSetInfoCommand(Context& ctx, const Arg* argv, int) {
  std::string_view attr = argv[2];
  std::string* dest = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    dest = &ctx.session().lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    dest = &ctx.session().lib_ver;
  } else {
    std::string line = "ERR Unrecognized option '";
    line.append(attr);
    line.push_back('\'');
    return ctx.ReplyWithError(line);
  }
  if (!ValidClientAttr(argv[3])) {
    std::string line = "ERR ";
    line.append(attr);
    line.append(" cannot contain spaces, newlines or special characters.");
    return ctx.ReplyWithError(line);
  }
  *dest = std::string(argv[3]);
  return ctx.ReplyWithSimpleString("OK");
}

Status ClientListCommand(Context& ctx, const Arg* argv, int argc) {
  Engine& engine = ctx.engine();
  int64_t now = engine.NowMs();
  const Session* self = &ctx.session();
  size_t self_mem = ArgvMem(argv, argc);
  std::string out;
  if (argc == 4 && EqualsIgnoreCase(argv[2], "type")) {
    std::string_view type = argv[3];
    bool normal = EqualsIgnoreCase(type, "normal");
    if (!normal && !EqualsIgnoreCase(type, "master") && !EqualsIgnoreCase(type, "replica") &&
        !EqualsIgnoreCase(type, "slave") && !EqualsIgnoreCase(type, "pubsub")) {
      std::string line = "ERR Unknown client type '";
      line.append(type);
      line.push_back('\'');
      return ctx.ReplyWithError(line);
    }
    // Every client here is a normal one: no replicas, masters or subscribers.
    if (normal) {
      engine.ForEachSession(
          [&](Session& s) { AppendClientInfo(&out, s, now, &s == self ? self_mem : 0); });
    }
  } else if (argc > 3 && EqualsIgnoreCase(argv[2], "id")) {
    for (int i = 3; i < argc; ++i) {
      int64_t id;
      if (!ParseInt64(argv[i], &id)) return ctx.ReplyWithError("ERR Invalid client ID");
      engine.ForEachSession([&](Session& s) {
        if (static_cast<int64_t>(s.id()) == id) {
          AppendClientInfo(&out, s, now, &s == self ? self_mem : 0);
        }
      });
    }
  } else if (argc != 2) {
    return Status::kSyntax;
  } else {
    engine.ForEachSession(
        [&](Session& s) { AppendClientInfo(&out, s, now, &s == self ? self_mem : 0); });
  }
  return ctx.ReplyWithVerbatim(out);
}

Status ClientInfoCommand(Context& ctx, const Arg* argv, int argc) {
  std::string out;
  AppendClientInfo(&out, ctx.session(), ctx.engine().NowMs(), ArgvMem(argv, argc));
  return ctx.ReplyWithVerbatim(out);
}

Status SetOnOff(Context& ctx, std::string_view value, bool* flag) {
  if (EqualsIgnoreCase(value, "on")) {
    *flag = true;
  } else if (EqualsIgnoreCase(value, "off")) {
    *flag = false;
  } else {
    return Status::kSyntax;
  }
  return ctx.ReplyWithSimpleString("OK");
}

Status ClientNoEvictCommand(Context& ctx, const Arg* argv, int) {
  return SetOnOff(ctx, argv[2], &ctx.session().no_evict);
}

Status ClientNoTouchCommand(Context& ctx, const Arg* argv, int) {
  return SetOnOff(ctx, argv[2], &ctx.session().no_touch);
}

// No client-side caching: nothing is ever redirected.
Status ClientGetRedirCommand(Context& ctx, const Arg*, int) { return ctx.ReplyWithLongLong(-1); }

Status ClientHelpCommand(Context& ctx, const Arg*, int) {
  static constexpr std::string_view kHelp[] = {
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
  };
  return ReplyWithHelp(ctx, "CLIENT", kHelp);
}

constexpr std::string_view kClientFlags = "noscript loading stale";
constexpr std::string_view kClientAdminFlags = "admin noscript loading stale";

// clang-format off
constexpr CommandSpec kClientSubcommands[] = {
    // name       handler                flags              arity first last step
    {"id",        ClientIdCommand,       kClientFlags,      2,    0,    0,   0, {},
     "Returns the client ID for the current connection", "5.0.0", "connection", ""},
    {"setname",   ClientSetNameCommand,  kClientFlags,      3,    0,    0,   0, {},
     "Set the current connection name", "2.6.9", "connection", "connection-name"},
    {"getname",   ClientGetNameCommand,  kClientFlags,      2,    0,    0,   0, {},
     "Get the current connection name", "2.6.9", "connection", ""},
    {"setinfo",   ClientSetInfoCommand,  kClientFlags,      4,    0,    0,   0, {},
     "Set client or connection specific info", "7.2.0", "connection",
     "<LIB-NAME libname | LIB-VER libver>"},
    {"list",      ClientListCommand,     kClientAdminFlags, -2,   0,    0,   0, {},
     "Get the list of client connections", "2.4.0", "connection",
     "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]"},
    {"info",      ClientInfoCommand,     kClientFlags,      2,    0,    0,   0, {},
     "Returns information about the current client connection.", "6.2.0", "connection", ""},
    {"no-evict",  ClientNoEvictCommand,  kClientAdminFlags, 3,    0,    0,   0, {},
     "Set client eviction mode for the current connection", "7.0.0", "connection",
     "<ON | OFF>"},
    {"no-touch",  ClientNoTouchCommand,  kClientFlags,      3,    0,    0,   0, {},
     "Controls whether commands sent by the client will alter the LRU/LFU of the keys they "
     "access.", "7.2.0", "connection", "<ON | OFF>"},
    {"getredir",  ClientGetRedirCommand, kClientFlags,      2,    0,    0,   0, {},
     "Get tracking notifications redirection client ID if any", "6.0.0", "connection", ""},
    {"help",      ClientHelpCommand,     "loading stale",   2,    0,    0,   0, {},
     "Show helpful text about the different subcommands", "5.0.0", "connection", ""},
};

constexpr CommandSpec kClientCommands[] = {
    {"client", nullptr, "", -2, 0, 0, 0, kClientSubcommands,
     "A container for client connection commands", "2.4.0", "connection", ""},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> ClientCommands() { return kClientCommands; }

}  // namespace hashkv
