// Redis's addReplyHelp frame.
#include "commands/reply_help.h"

#include <string>

namespace hashkv {

Status ReplyWithHelp(Context& ctx, std::string_view command,
                     std::span<const std::string_view> lines) {
  ctx.ReplyWithArray(lines.size() + 3);
  std::string header(command);
  header.append(" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  ctx.ReplyWithSimpleString(header);
  for (std::string_view line : lines) ctx.ReplyWithSimpleString(line);
  ctx.ReplyWithSimpleString("HELP");
  return ctx.ReplyWithSimpleString("    Prints this help.");
}

}  // namespace hashkv
