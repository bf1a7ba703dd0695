// redis-server-style command lines and config files.
#include "engine/config_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace hashkv {
namespace {

ConfigResult Parse(std::vector<const char*> args, Config* config) {
  args.insert(args.begin(), "hashkv-server");
  return ParseCommandLine(static_cast<int>(args.size()), args.data(), config);
}

TEST(ConfigParserTest, FlagsAsRedisServer) {
  Config c;
  ConfigResult r = Parse(
      {"--port", "7000", "--bind", "0.0.0.0", "--databases", "4", "--loglevel", "warning"}, &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.bind, "0.0.0.0");
  EXPECT_EQ(c.databases, 4);
  EXPECT_EQ(c.loglevel, "warning");
}

TEST(ConfigParserTest, InapplicableRedisDirectivesWarn) {
  Config c;
  ConfigResult r = Parse({"--save", "", "--appendonly", "no", "--daemonize", "no"}, &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.warnings.size(), 3u);
}

TEST(ConfigParserTest, UnknownDirectiveIsAnError) {
  Config c;
  ConfigResult r = Parse({"--no-such-thing", "1"}, &c);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("Bad directive or wrong number of arguments"), std::string::npos);
}

TEST(ConfigParserTest, BadValuesAreErrors) {
  Config c;
  EXPECT_FALSE(Parse({"--port", "70000"}, &c).ok);
  EXPECT_FALSE(Parse({"--port", "abc"}, &c).ok);
  EXPECT_FALSE(Parse({"--databases", "0"}, &c).ok);
  EXPECT_FALSE(Parse({"--loglevel", "loud"}, &c).ok);
}

TEST(ConfigParserTest, FileThenFlagsWin) {
  Config c;
  ConfigResult r = ParseConfigText(
      "# comment\nport 7001\n  hash-max-ziplist-entries 128\nproto-max-bulk-len 2mb\n", &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.hash_max_listpack_entries, 128);
  EXPECT_EQ(c.proto_max_bulk_len, 2 * 1024 * 1024);
}

TEST(ConfigParserTest, MemoryUnits) {
  int64_t v = 0;
  EXPECT_TRUE(ParseMemory("1gb", &v));
  EXPECT_EQ(v, 1024LL * 1024 * 1024);
  EXPECT_TRUE(ParseMemory("64k", &v));
  EXPECT_EQ(v, 64000);
  EXPECT_TRUE(ParseMemory("64KB", &v));
  EXPECT_EQ(v, 65536);
  EXPECT_TRUE(ParseMemory("100", &v));
  EXPECT_EQ(v, 100);
  EXPECT_FALSE(ParseMemory("12xb", &v));
  EXPECT_FALSE(ParseMemory("", &v));
}

TEST(ConfigParserTest, PortZeroIsAllowed) {
  Config c;
  ASSERT_TRUE(Parse({"--port", "0"}, &c).ok);
  EXPECT_EQ(c.port, 0);
}

TEST(ConfigParserTest, UnixSocketPermIsOctalAndPortFileIsAPath) {
  Config c;
  ASSERT_TRUE(Parse({"--unixsocket", "/tmp/h.sock", "--unixsocketperm", "770", "--port-file",
                     "/tmp/h.port"},
                    &c)
                  .ok);
  EXPECT_EQ(c.unixsocket, "/tmp/h.sock");
  EXPECT_EQ(c.unixsocketperm, 0770);
  EXPECT_EQ(c.port_file, "/tmp/h.port");
  Config d;
  EXPECT_FALSE(Parse({"--unixsocketperm", "789"}, &d).ok);
  EXPECT_FALSE(Parse({"--unixsocketperm", "1777"}, &d).ok);
}

TEST(ConfigParserTest, RequirePassFromFlagAndFile) {
  Config c;
  EXPECT_EQ(c.requirepass, "");
  ASSERT_TRUE(Parse({"--requirepass", "s3cret pw"}, &c).ok);
  EXPECT_EQ(c.requirepass, "s3cret pw");
  Config f;
  ConfigResult r = ParseConfigText("requirepass \"a\\\"b\"\n", &f);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(f.requirepass, "a\"b");
  EXPECT_TRUE(r.warnings.empty());
  // An empty password means none, as in Redis; the last line wins.
  ASSERT_TRUE(ParseConfigText("requirepass x\nrequirepass \"\"\n", &f).ok);
  EXPECT_EQ(f.requirepass, "");
}

TEST(ConfigParserTest, RequirePassArity) {
  Config c;
  ConfigResult r = Parse({"--requirepass", "a", "b"}, &c);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(">>> 'requirepass \"a\" \"b\"'\nwrong number of arguments"),
            std::string::npos)
      << r.error;
  EXPECT_FALSE(Parse({"--requirepass"}, &c).ok);
}

}  // namespace
}  // namespace hashkv

namespace hashkv {
namespace {

TEST(ConfigParserTest, ObservabilityDirectives) {
  Config c;
  ConfigResult r = Parse({"--slowlog-log-slower-than", "0", "--slowlog-max-len", "5",
                          "--enable-debug-command", "local", "--latency-tracking", "no"},
                         &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(c.slowlog_log_slower_than, 0);
  EXPECT_EQ(c.slowlog_max_len, 5);
  EXPECT_EQ(c.enable_debug_command, "local");
  EXPECT_FALSE(c.latency_tracking);
  EXPECT_FALSE(Parse({"--enable-debug-command", "maybe"}, &c).ok);
}

}  // namespace
}  // namespace hashkv

namespace hashkv {
namespace {

TEST(ConfigParserTest, EnableTestControlsIsOffByDefault) {
  Config c;
  EXPECT_FALSE(c.enable_test_controls);
  ASSERT_TRUE(Parse({"--port", "7000"}, &c).ok);
  EXPECT_FALSE(c.enable_test_controls);
}

TEST(ConfigParserTest, EnableTestControlsBareFlagMeansYes) {
  Config c;
  ConfigResult r = Parse({"--enable-test-controls"}, &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(c.enable_test_controls);
  // Bare, followed by other flags.
  Config d;
  r = Parse({"--enable-test-controls", "--port", "7001"}, &d);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(d.enable_test_controls);
  EXPECT_EQ(d.port, 7001);
}

TEST(ConfigParserTest, EnableTestControlsYesOrNo) {
  Config c;
  ASSERT_TRUE(Parse({"--enable-test-controls", "yes"}, &c).ok);
  EXPECT_TRUE(c.enable_test_controls);
  ASSERT_TRUE(Parse({"--enable-test-controls", "no"}, &c).ok);
  EXPECT_FALSE(c.enable_test_controls);
  // Case-insensitive, as Redis's bool configs; the last one wins.
  ASSERT_TRUE(Parse({"--enable-test-controls", "YES"}, &c).ok);
  EXPECT_TRUE(c.enable_test_controls);
  ASSERT_TRUE(Parse({"--enable-test-controls", "yes", "--enable-test-controls", "No"}, &c).ok);
  EXPECT_FALSE(c.enable_test_controls);
}

TEST(ConfigParserTest, EnableTestControlsBadValue) {
  Config c;
  ConfigResult r = Parse({"--enable-test-controls", "maybe"}, &c);
  EXPECT_FALSE(r.ok);
  // Worded as Redis's (and latency-tracking's) bool directives.
  EXPECT_NE(r.error.find(">>> 'enable-test-controls \"maybe\"'\nargument must be 'yes' or 'no'"),
            std::string::npos)
      << r.error;
  EXPECT_FALSE(c.enable_test_controls);
  EXPECT_FALSE(Parse({"--enable-test-controls", "1"}, &c).ok);
  EXPECT_FALSE(Parse({"--enable-test-controls", ""}, &c).ok);
  r = Parse({"--enable-test-controls", "yes", "no"}, &c);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(">>> 'enable-test-controls \"yes\" \"no\"'\n"), std::string::npos)
      << r.error;
}

TEST(ConfigParserTest, EnableTestControlsInAConfigFile) {
  Config c;
  ConfigResult r = ParseConfigText("port 7002\nenable-test-controls yes\n", &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(c.enable_test_controls);
  Config d;
  ASSERT_TRUE(ParseConfigText("ENABLE-TEST-CONTROLS no\n", &d).ok);
  EXPECT_FALSE(d.enable_test_controls);
  r = ParseConfigText("# test double\nenable-test-controls sometimes\n", &d);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("at line 2\n>>> 'enable-test-controls sometimes'\nargument must be 'yes' "
                         "or 'no'"),
            std::string::npos)
      << r.error;
}

}  // namespace
}  // namespace hashkv
