// Redis's addReplyHelp: the shared frame around a container command's HELP text.
#pragma once

#include <span>
#include <string_view>

#include "hashkv/command.h"

namespace hashkv {

// Replies "<COMMAND> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the lines,
// then "HELP" / "    Prints this help.", each as a simple string.
Status ReplyWithHelp(Context& ctx, std::string_view command,
                     std::span<const std::string_view> lines);

}  // namespace hashkv
