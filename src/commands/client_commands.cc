// The CLIENT family: ID, SETNAME, GETNAME, SETINFO, LIST, INFO, KILL, REPLY, NO-EVICT,
// NO-TOUCH, GETREDIR, HELP, with Redis's texts and CLIENT LIST's line format (7.2's, which adds
// lib-name/lib-ver).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/args.h"
#include "commands/client_info.h"
#include "commands/command_table.h"
#include "commands/reply_help.h"
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"

namespace hashkv {

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
  char flags[8];
  size_t nflags = 0;
  if (s.monitor) flags[nflags++] = 'O';
  if (s.tx.in_multi) flags[nflags++] = 'x';
  if (s.tx.dirty_cas) flags[nflags++] = 'd';
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
  size_t tot_mem = sizeof(Session) + qbuf + s.query_buffer_free + argv_mem + s.tx.multi_mem +
                   s.name.size() + s.lib_name.size() + s.lib_ver.size();

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
  number("multi", s.tx.multi_count());
  number("qbuf", static_cast<int64_t>(qbuf));
  number("qbuf-free", static_cast<int64_t>(s.query_buffer_free));
  number("argv-mem", static_cast<int64_t>(argv_mem));
  number("multi-mem", static_cast<int64_t>(s.tx.multi_mem));
  number("rbs", 0);
  number("rbp", 0);
  number("obl", 0);
  number("oll", 0);
  number("omem", static_cast<int64_t>(s.output_buffer_bytes));
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

namespace {

// networking.c validateClientAttr: printable ASCII without spaces, so CLIENT LIST stays
// splittable on spaces.
bool ValidClientAttr(std::string_view value) {
  for (char c : value) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// A client killed by CLIENT KILL is gone for Redis at once (freeClient); here its connection
// closes a moment later, so until then it is skipped by CLIENT LIST and CLIENT KILL. Only
// another client can be in that state while a command runs: the running client's own close
// comes after its reply.
bool Listed(const Session& s, const Session& self) { return &s == &self || !s.close_after_reply; }

size_t ArgvMem(const Arg* argv, int argc) {
  size_t n = 0;
  for (int i = 0; i < argc; ++i) n += argv[i].size();
  return n;
}

// getClientTypeByName: every client here is a normal one (a MONITOR client too, as in Redis);
// there are no replicas, masters or subscribers.
enum class ClientType : uint8_t { kAny, kNormal, kOther, kUnknown };

// An argument printed with Redis's '%s': up to its first NUL.
std::string_view AsCString(std::string_view arg) { return arg.substr(0, arg.find('\0')); }

ClientType ParseClientType(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "master") || EqualsIgnoreCase(name, "replica") ||
      EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "pubsub")) {
    return ClientType::kOther;
  }
  return ClientType::kUnknown;
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
    ClientType parsed = ParseClientType(type);
    if (parsed == ClientType::kUnknown) {
      std::string line = "ERR Unknown client type '";
      line.append(AsCString(type));
      line.push_back('\'');
      return ctx.ReplyWithError(line);
    }
    if (parsed == ClientType::kNormal) {
      engine.ForEachSession([&](Session& s) {
        if (Listed(s, *self)) AppendClientInfo(&out, s, now, &s == self ? self_mem : 0);
      });
    }
  } else if (argc > 3 && EqualsIgnoreCase(argv[2], "id")) {
    for (int i = 3; i < argc; ++i) {
      int64_t id;
      if (!ParseInt64(argv[i], &id)) return ctx.ReplyWithError("ERR Invalid client ID");
      engine.ForEachSession([&](Session& s) {
        if (static_cast<int64_t>(s.id()) == id && Listed(s, *self)) {
          AppendClientInfo(&out, s, now, &s == self ? self_mem : 0);
        }
      });
    }
  } else if (argc != 2) {
    return Status::kSyntax;
  } else {
    engine.ForEachSession([&](Session& s) {
      if (Listed(s, *self)) AppendClientInfo(&out, s, now, &s == self ? self_mem : 0);
    });
  }
  return ctx.ReplyWithVerbatim(out);
}

Status ClientInfoCommand(Context& ctx, const Arg* argv, int argc) {
  std::string out;
  AppendClientInfo(&out, ctx.session(), ctx.engine().NowMs(), ArgvMem(argv, argc));
  return ctx.ReplyWithVerbatim(out);
}

// networking.c clientKillCommand (7.0): the old form CLIENT KILL addr:port answers +OK or an
// error and may kill the caller; the new form takes filter/value pairs, checked left to right,
// answers the number killed and skips the caller unless SKIPME no.
Status ClientKillCommand(Context& ctx, const Arg* argv, int argc) {
  std::string_view addr, laddr;
  bool has_addr = false, has_laddr = false;
  ClientType type = ClientType::kAny;
  int64_t id = 0;
  bool skipme = true;
  const bool old_form = argc == 3;
  if (old_form) {
    addr = argv[2];
    has_addr = true;
    skipme = false;
  } else {
    for (int i = 2; i < argc; i += 2) {
      const bool more = i + 1 < argc;
      std::string_view opt = argv[i];
      if (!more) return Status::kSyntax;
      std::string_view value = argv[i + 1];
      if (EqualsIgnoreCase(opt, "id")) {
        if (!ParseInt64(value, &id) || id < 1) {
          return ctx.ReplyWithError("ERR client-id should be greater than 0");
        }
      } else if (EqualsIgnoreCase(opt, "type")) {
        type = ParseClientType(value);
        if (type == ClientType::kUnknown) {
          std::string line = "ERR Unknown client type '";
          line.append(AsCString(value));
          line.push_back('\'');
          return ctx.ReplyWithError(line);
        }
      } else if (EqualsIgnoreCase(opt, "addr")) {
        addr = value;
        has_addr = true;
      } else if (EqualsIgnoreCase(opt, "laddr")) {
        laddr = value;
        has_laddr = true;
      } else if (EqualsIgnoreCase(opt, "user")) {
        // "default" is the only user, and every client is logged in as it (an unauthenticated
        // one too, as in Redis).
        if (value != "default") {
          std::string line = "ERR No such user '";
          line.append(AsCString(value));
          line.push_back('\'');
          return ctx.ReplyWithError(line);
        }
      } else if (EqualsIgnoreCase(opt, "skipme")) {
        if (EqualsIgnoreCase(value, "yes")) {
          skipme = true;
        } else if (EqualsIgnoreCase(value, "no")) {
          skipme = false;
        } else {
          return Status::kSyntax;
        }
      } else {
        return Status::kSyntax;
      }
    }
  }

  Session& self = ctx.session();
  int64_t killed = 0;
  bool kill_self = false;
  ctx.engine().ForEachSession([&](Session& s) {
    if (!Listed(s, self)) return;
    if (has_addr && s.addr() != addr) return;
    if (has_laddr && s.laddr() != laddr) return;
    if (type == ClientType::kOther) return;
    if (id != 0 && static_cast<int64_t>(s.id()) != id) return;
    if (&s == &self) {
      if (skipme) return;
      kill_self = true;  // after the reply
    } else {
      s.close_after_reply = true;
      if (s.hooks != nullptr) s.hooks->Kill();
    }
    ++killed;
  });
  if (old_form) {
    if (killed == 0) return ctx.ReplyWithError("ERR No such client");
    ctx.ReplyWithSimpleString("OK");
  } else {
    ctx.ReplyWithLongLong(killed);
  }
  if (kill_self) self.close_after_reply = true;
  return Status::kOk;
}

// CLIENT REPLY: OFF and SKIP answer nothing (Engine::Feed drops silenced replies); SKIP while
// OFF changes nothing.
Status ClientReplyCommand(Context& ctx, const Arg* argv, int) {
  using Mode = Session::ReplyMode;
  Session& session = ctx.session();
  std::string_view mode = argv[2];
  if (EqualsIgnoreCase(mode, "on")) {
    session.reply_mode = Mode::kOn;
    return ctx.ReplyWithSimpleString("OK");
  }
  if (EqualsIgnoreCase(mode, "off")) {
    session.reply_mode = Mode::kOff;
    return Status::kOk;
  }
  if (EqualsIgnoreCase(mode, "skip")) {
    if (session.reply_mode != Mode::kOff) session.reply_mode = Mode::kSkipNext;
    return Status::kOk;
  }
  return Status::kSyntax;
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
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
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
    {"kill",      ClientKillCommand,     kClientAdminFlags, -3,   0,    0,   0, {},
     "Kill the connection of a client", "2.4.0", "connection",
     "<ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | "
     "[USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]> "
     "[<[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | "
     "[USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]> ...]>"},
    {"reply",     ClientReplyCommand,    kClientFlags,      3,    0,    0,   0, {},
     "Instruct the server whether to reply to commands", "3.2.0", "connection",
     "<ON | OFF | SKIP>"},
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
