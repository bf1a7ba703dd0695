// CommandTable: RunnableCallee, Context::Call's remembered lookup, must answer exactly as Resolve.
#include "commands/command_table.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

namespace hashkv {
namespace {

TEST(CommandTableTest, RunnableCalleeFindsPlainCommandsAgainAndAgain) {
  CommandTable table;
  const std::array<Arg, 3> hget{"HGET", "k", "f"};
  const CommandSpec* first = table.RunnableCallee(hget);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first, table.Find("hget"));
  EXPECT_EQ(table.RunnableCallee(hget), first);  // now remembered
  const std::array<Arg, 4> hset{"hset", "k", "f", "v"};
  EXPECT_EQ(table.RunnableCallee(hset), table.Find("hset"));
  EXPECT_EQ(table.RunnableCallee(hget), first);
}

// A caller may name its callee from a buffer it reuses: the same address and length with other
// bytes is another command.
TEST(CommandTableTest, RunnableCalleeReadsTheNameNotJustItsAddress) {
  CommandTable table;
  char name[5] = "HGET";
  const std::array<Arg, 3> argv{std::string_view(name, 4), "k", "f"};
  EXPECT_EQ(table.RunnableCallee(argv), table.Find("hget"));
  std::memcpy(name, "HDEL", 4);
  EXPECT_EQ(table.RunnableCallee(argv), table.Find("hdel"));
  std::memcpy(name, "HLEN", 4);
  EXPECT_EQ(table.RunnableCallee(argv), nullptr);  // HLEN takes one argument, not two
  std::memcpy(name, "HXYZ", 4);
  EXPECT_EQ(table.RunnableCallee(argv), nullptr);
  std::memcpy(name, "hget", 4);
  EXPECT_EQ(table.RunnableCallee(argv), table.Find("hget"));
}

// Whatever RunnableCallee declines, Resolve explains (or resolves, for a subcommand).
TEST(CommandTableTest, RunnableCalleeLeavesArityErrorsUnknownNamesAndContainersToResolve) {
  CommandTable table;
  const CommandSpec* parent = nullptr;
  std::string error;
  const std::array<Arg, 2> short_hget{"HGET", "k"};
  EXPECT_EQ(table.RunnableCallee(short_hget), nullptr);
  EXPECT_EQ(table.Resolve(short_hget, &parent, &error), nullptr);
  EXPECT_EQ(error, "ERR wrong number of arguments for 'hget' command");

  const std::array<Arg, 3> setname{"CLIENT", "SETNAME", "x"};
  EXPECT_EQ(table.RunnableCallee(setname), nullptr);
  const CommandSpec* sub = table.Resolve(setname, &parent, &error);
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->name, "setname");
  EXPECT_EQ(parent, table.Find("client"));

  const std::array<Arg, 1> unknown{"NOSUCHCOMMAND"};
  EXPECT_EQ(table.RunnableCallee(unknown), nullptr);
  EXPECT_EQ(table.Resolve(unknown, &parent, &error), nullptr);
  EXPECT_EQ(error, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: ");
}

// A name longer than the remembered bytes is looked up every time: unknown stays unknown.
TEST(CommandTableTest, RunnableCalleeLooksUpLongNamesEveryTime) {
  CommandTable table;
  const std::array<Arg, 3> long_name{"HGETXXXXXXXXXXXXXXXX", "k", "f"};
  EXPECT_EQ(table.RunnableCallee(long_name), nullptr);
  EXPECT_EQ(table.RunnableCallee(long_name), nullptr);
}

}  // namespace
}  // namespace hashkv
