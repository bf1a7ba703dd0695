// In-process tests of the connection and server families (PING ... SHUTDOWN, INFO, CONFIG,
// CLIENT, COMMAND): exact bytes where Redis 7.0.15's reply is deterministic, structure where
// it is not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_syntax.h"
#include "commands/command_table.h"
#include "commands/engine_support.h"
#include "commands/info.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

using ::hashkv::testing::EngineDriver;

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// --- A small RESP reader for checking the shape of big replies. -----------------------------

struct Node {
  char type = 0;
  std::string str;
  int64_t num = 0;
  bool null = false;
  std::vector<Node> elems;  // maps: keys and values alternate
};

bool ParseNode(std::string_view in, size_t* pos, Node* out) {
  size_t eol = in.find("\r\n", *pos);
  if (eol == std::string_view::npos) return false;
  char t = in[*pos];
  std::string line(in.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  out->type = t;
  switch (t) {
    case '+':
    case '-':
      out->str = line;
      return true;
    case ':':
      out->num = std::stoll(line);
      return true;
    case '_':
      out->null = true;
      return true;
    case '$':
    case '=': {
      int64_t n = std::stoll(line);
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (*pos + static_cast<size_t>(n) + 2 > in.size()) return false;
      out->str = std::string(in.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
      return in.substr(*pos - 2, 2) == "\r\n";
    }
    case '*':
    case '~':
    case '%': {
      int64_t n = std::stoll(line);
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (t == '%') n *= 2;
      out->elems.resize(static_cast<size_t>(n));
      for (Node& e : out->elems) {
        if (!ParseNode(in, pos, &e)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

Node Parse(std::string_view in) {
  Node node;
  size_t pos = 0;
  EXPECT_TRUE(ParseNode(in, &pos, &node)) << in.substr(0, 200);
  EXPECT_EQ(pos, in.size()) << "trailing bytes";
  return node;
}

bool IsAggregate(const Node& n) { return n.type == '*' || n.type == '~' || n.type == '%'; }

// Looks a key up in a map reply (RESP3 map or RESP2 flat array).
const Node* Field(const Node& map, std::string_view key) {
  for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
    if (map.elems[i].str == key) return &map.elems[i + 1];
  }
  return nullptr;
}

// --- PING, ECHO, QUIT, TIME, LASTSAVE, SHUTDOWN ---------------------------------------------

TEST(ServerCommandsTest, Ping) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(d.Run({"ping", "hello"}), "$5\r\nhello\r\n");
  EXPECT_EQ(d.Run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST(ServerCommandsTest, Echo) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"ECHO", "x"}), "$1\r\nx\r\n");
  EXPECT_EQ(d.Run({"ECHO", ""}), "$0\r\n\r\n");
  EXPECT_EQ(d.Run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_EQ(d.Run({"ECHO", "a", "b"}), "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(ServerCommandsTest, QuitRepliesThenCloses) {
  EngineDriver d;
  FeedResult result;
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n", &result), "+OK\r\n");
  EXPECT_TRUE(result.close);
  EXPECT_EQ(result.consumed, 14u);  // the PING after QUIT is never run
}

TEST(ServerCommandsTest, FeedCountsTheRequestsItDispatched) {
  // The network layer writes the reply to a lone request at once and batches the others.
  EngineDriver d;
  FeedResult r;
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nPING\r\n", &r), "+PONG\r\n");
  EXPECT_EQ(r.requests, 1u);
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\nPING\r\n", &r),
            "+PONG\r\n$1\r\na\r\n+PONG\r\n");
  EXPECT_EQ(r.requests, 3u);  // the inline PING too
  // A refused command is a request answered; an empty line is none; an unfinished one is not yet.
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nNOPE\r\n\r\n*1\r\n$4\r\nPI", &r).substr(0, 25),
            "-ERR unknown command 'NOP");
  EXPECT_EQ(r.requests, 1u);
  EXPECT_EQ(r.consumed, 16u);
}

TEST(ServerCommandsTest, QuitIgnoresArguments) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"QUIT", "extra"}), "+OK\r\n");
  EXPECT_TRUE(d.session().close_after_reply);
}

TEST(ServerCommandsTest, Time) {
  EngineDriver d;
  Node reply = Parse(d.Run({"TIME"}));
  ASSERT_EQ(reply.type, '*');
  ASSERT_EQ(reply.elems.size(), 2u);
  ASSERT_EQ(reply.elems[0].type, '$');
  ASSERT_EQ(reply.elems[1].type, '$');
  int64_t seconds = std::stoll(reply.elems[0].str);
  int64_t micros = std::stoll(reply.elems[1].str);
  EXPECT_NEAR(static_cast<double>(seconds), d.engine().NowMs() / 1000.0, 2.0);
  EXPECT_GE(micros, 0);
  EXPECT_LT(micros, 1000000);
  EXPECT_EQ(d.Run({"TIME", "x"}), "-ERR wrong number of arguments for 'time' command\r\n");
}

TEST(ServerCommandsTest, LastSaveIsTheStartTime) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"LASTSAVE"}), ":" + std::to_string(d.engine().start_time_ms() / 1000) + "\r\n");
}

TEST(ServerCommandsTest, ShutdownRepliesNothingAndStops) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SHUTDOWN", "NOSAVE"}), "");
  EXPECT_TRUE(d.engine().shutdown_requested());
  EXPECT_TRUE(d.session().close_after_reply);
}

TEST(ServerCommandsTest, ShutdownOptions) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SHUTDOWN", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SHUTDOWN", "NOSAVE", "SAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"SHUTDOWN", "abort"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_FALSE(d.engine().shutdown_requested());
  EXPECT_EQ(d.Run({"shutdown", "save", "now", "force"}), "");
  EXPECT_TRUE(d.engine().shutdown_requested());
}

TEST(ServerCommandsTest, ShutdownWithoutArguments) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"SHUTDOWN"}), "");
  EXPECT_TRUE(d.engine().shutdown_requested());
}

// --- INFO -------------------------------------------------------------------------------------

std::string InfoText(EngineDriver& d, std::initializer_list<std::string_view> argv) {
  Node reply = Parse(d.Run(argv));
  EXPECT_EQ(reply.type, '$');
  return reply.str;
}

TEST(ServerCommandsTest, InfoDefaultSections) {
  Config config;
  config.port = 7777;
  EngineDriver d(config);
  std::string info = InfoText(d, {"INFO"});
  EXPECT_EQ(info.rfind("# Server\r\nredis_version:7.0.15\r\n", 0), 0u);
  for (std::string_view line :
       {"redis_mode:standalone\r\n", "arch_bits:64\r\n", "tcp_port:7777\r\n",
        "connected_clients:1\r\n", "loading:0\r\n", "maxmemory_policy:noeviction\r\n",
        "maxmemory:0\r\n", "aof_enabled:0\r\n", "role:master\r\n", "cluster_enabled:0\r\n",
        "expired_keys:0\r\n", "keyspace_hits:0\r\n", "keyspace_misses:0\r\n"}) {
    EXPECT_NE(info.find(line), std::string::npos) << line;
  }
  EXPECT_NE(info.find("run_id:" + std::string(d.engine().run_id()) + "\r\n"), std::string::npos);
  EXPECT_NE(info.find("\r\nos:Linux "), std::string::npos);
  EXPECT_NE(info.find("\r\nprocess_id:"), std::string::npos);
  EXPECT_NE(info.find("\r\nuptime_in_seconds:"), std::string::npos);
  EXPECT_NE(info.find("\r\nuptime_in_days:0\r\n"), std::string::npos);
  EXPECT_NE(info.find("\r\nused_memory:"), std::string::npos);
  EXPECT_NE(info.find("\r\nused_memory_human:"), std::string::npos);
  EXPECT_NE(info.find("\r\ntotal_connections_received:1\r\n"), std::string::npos);
  // As Redis, a command is counted once it has run: INFO does not count itself.
  EXPECT_NE(info.find("\r\ntotal_commands_processed:0\r\n"), std::string::npos);

  // Redis's default sections in its order, separated by one empty line, nothing after the
  // last line.
  std::vector<size_t> at;
  for (std::string_view title :
       {"# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n", "# Stats\r\n",
        "# Replication\r\n", "# CPU\r\n", "# Modules\r\n", "# Errorstats\r\n", "# Cluster\r\n",
        "# Keyspace\r\n"}) {
    size_t pos = info.find(title);
    ASSERT_NE(pos, std::string::npos) << title;
    if (!at.empty()) {
      EXPECT_GT(pos, at.back());
      EXPECT_EQ(info.substr(pos - 4, 4), "\r\n\r\n") << title;
    }
    at.push_back(pos);
  }
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(info.find("# Latencystats"), std::string::npos);
  EXPECT_EQ(info.substr(info.size() - 12), "# Keyspace\r\n");
  // Every other line is "field:value".
  size_t pos = 0;
  while (pos < info.size()) {
    size_t eol = info.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    std::string_view line(info.data() + pos, eol - pos);
    if (!line.empty() && line[0] != '#') {
      EXPECT_NE(line.find(':'), std::string_view::npos) << line;
    }
    pos = eol + 2;
  }
}

TEST(ServerCommandsTest, InfoSelectedSections) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"INFO", "keyspace"}), "$12\r\n# Keyspace\r\n\r\n");
  EXPECT_EQ(d.Run({"INFO", "KEYSPACE"}), "$12\r\n# Keyspace\r\n\r\n");
  EXPECT_EQ(d.Run({"INFO", "nosuch"}), "$0\r\n\r\n");
  // Sections come in Redis's order whatever the order asked for.
  EXPECT_EQ(d.Run({"INFO", "keyspace", "cluster"}),
            Bulk("# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n"));
  EXPECT_EQ(d.Run({"INFO", "modules"}), Bulk("# Modules\r\n"));
  std::string info = InfoText(d, {"INFO", "persistence"});
  EXPECT_EQ(info.rfind("# Persistence\r\nloading:0\r\nasync_loading:0\r\n", 0), 0u);
}

TEST(ServerCommandsTest, InfoAllAndEverything) {
  EngineDriver d;
  for (std::string_view arg : {"all", "everything"}) {
    std::string info = InfoText(d, {"INFO", arg});
    EXPECT_NE(info.find("# Commandstats\r\n"), std::string::npos);
    EXPECT_NE(info.find("# Latencystats\r\n"), std::string::npos);
    EXPECT_NE(info.find("# Keyspace\r\n"), std::string::npos);
  }
  std::string both = InfoText(d, {"INFO", "default", "commandstats"});
  EXPECT_NE(both.find("# Server\r\n"), std::string::npos);
  EXPECT_NE(both.find("# Commandstats\r\n"), std::string::npos);
}

TEST(ServerCommandsTest, InfoKeyspaceLines) {
  EngineDriver d;
  int64_t now = d.engine().NowMs();
  HashLimits limits;
  d.engine().keyspace().db(0).FindOrCreate("a", now).Set("f", "v", limits);
  d.engine().keyspace().db(0).FindOrCreate("b", now).Set("f", "v", limits);
  d.engine().keyspace().db(0).SetExpire("b", now + 100000);
  d.engine().keyspace().db(3).FindOrCreate("c", now).Set("f", "v", limits);
  std::string info = InfoText(d, {"INFO", "keyspace"});
  ASSERT_EQ(info.rfind("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=", 0), 0u) << info;
  size_t ttl_at = info.find("avg_ttl=") + 8;
  int64_t avg_ttl = std::stoll(info.substr(ttl_at));
  EXPECT_GT(avg_ttl, 90000);
  EXPECT_LE(avg_ttl, 100000);
  EXPECT_NE(info.find("\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"), std::string::npos);
  EXPECT_EQ(info.find("db1:"), std::string::npos);
}

TEST(ServerCommandsTest, InfoIsVerbatimInResp3) {
  EngineDriver d;
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(ServerCommandsTest, InfoCountsConnectionsAndClients) {
  EngineDriver d;
  auto other = d.engine().NewSession("127.0.0.1:40001", "127.0.0.1:6379");
  std::string info = InfoText(d, {"INFO", "clients", "stats"});
  EXPECT_NE(info.find("\r\nconnected_clients:2\r\n"), std::string::npos);
  EXPECT_NE(info.find("\r\ntotal_connections_received:2\r\n"), std::string::npos);
  EXPECT_NE(info.find("\r\nmaxclients:10000\r\n"), std::string::npos);
}

TEST(ServerCommandsTest, BytesToHuman) {
  EXPECT_EQ(BytesToHuman(0), "0B");
  EXPECT_EQ(BytesToHuman(1023), "1023B");
  EXPECT_EQ(BytesToHuman(1024), "1.00K");
  EXPECT_EQ(BytesToHuman(1212896), "1.16M");
  EXPECT_EQ(BytesToHuman(25276510208ULL), "23.54G");
}

// --- CONFIG -----------------------------------------------------------------------------------

TEST(ServerCommandsTest, ConfigGetSingle) {
  Config config;
  config.port = 7311;
  EngineDriver d(config);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "port"}), "*2\r\n$4\r\nport\r\n$4\r\n7311\r\n");
  // A plain name answers under the spelling asked for, once.
  EXPECT_EQ(d.Run({"CONFIG", "GET", "PORT", "port"}), "*2\r\n$4\r\nPORT\r\n$4\r\n7311\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "save"}), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "appendonly"}), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "maxmemory-policy"}),
            "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hash-max-ziplist-entries"}),
            "*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "proto-max-bulk-len"}),
            "*2\r\n$18\r\nproto-max-bulk-len\r\n$9\r\n536870912\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "client-query-buffer-limit"}),
            "*2\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n1073741824\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "databases", "timeout", "tcp-keepalive", "hz"}),
            "*8\r\n$9\r\ndatabases\r\n$2\r\n16\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"
            "$13\r\ntcp-keepalive\r\n$3\r\n300\r\n$2\r\nhz\r\n$2\r\n10\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "nosuch"}), "*0\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET"}),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
}

TEST(ServerCommandsTest, ConfigGetPatterns) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hash-max-*"}),
            "*8\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n"
            "$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n"
            "$23\r\nhash-max-listpack-value\r\n$2\r\n64\r\n"
            "$22\r\nhash-max-ziplist-value\r\n$2\r\n64\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "HASH-MAX-LISTPACK-*", "hash-max-listpack-entries"}),
            "*4\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n"
            "$23\r\nhash-max-listpack-value\r\n$2\r\n64\r\n");
  Node all = Parse(d.Run({"CONFIG", "GET", "*"}));
  ASSERT_EQ(all.type, '*');
  std::vector<std::string> names;
  for (size_t i = 0; i < all.elems.size(); i += 2) names.push_back(all.elems[i].str);
  for (std::string_view name : {"bind",
                                "port",
                                "databases",
                                "loglevel",
                                "logfile",
                                "proto-max-bulk-len",
                                "client-query-buffer-limit",
                                "hash-max-listpack-entries",
                                "hash-max-listpack-value",
                                "hash-max-ziplist-entries",
                                "hash-max-ziplist-value",
                                "maxclients",
                                "timeout",
                                "tcp-keepalive",
                                "hz",
                                "dir",
                                "save",
                                "appendonly",
                                "maxmemory",
                                "maxmemory-policy"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  const Node* dir = Field(all, "dir");
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->str.rfind("/", 0), 0u) << "dir is absolute: " << dir->str;
}

TEST(ServerCommandsTest, ConfigGetIsAMapInResp3) {
  EngineDriver d;
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"CONFIG", "GET", "port"}), "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "nosuch"}), "%0\r\n");
}

TEST(ServerCommandsTest, ConfigSetHashLimits) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "100"}), "+OK\r\n");
  EXPECT_EQ(d.engine().keyspace().limits().max_listpack_entries, 100u);
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hash-max-ziplist-entries"}),
            "*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n100\r\n");
  EXPECT_EQ(
      d.Run({"CONFIG", "SET", "HASH-MAX-ZIPLIST-VALUE", "7", "hash-max-listpack-entries", "8"}),
      "+OK\r\n");
  EXPECT_EQ(d.engine().keyspace().limits().max_listpack_value, 7u);
  EXPECT_EQ(d.engine().keyspace().limits().max_listpack_entries, 8u);
  EXPECT_EQ(d.engine().config().hash_max_listpack_value, 7);
}

TEST(ServerCommandsTest, ConfigSetErrors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "abc"}),
            "-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
            "argument couldn't be parsed into an integer\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
            "argument must be between 0 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "nosuch", "1"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "a", "b", "c"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "port"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(
      d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "5", "hash-max-listpack-entries", "6"}),
      "-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
      "duplicate parameter\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "databases", "3"}),
            "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "dir", "/tmp"}),
            "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "loglevel", "foo"}),
            "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must "
            "be one of the following: debug, verbose, notice, warning\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "timeout", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxclients", "0"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must "
            "be between 1 and 4294967295 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "proto-max-bulk-len", "10"}),
            "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - "
            "argument must be between 1048576 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "appendonly", "maybe"}),
            "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must "
            "be 'yes' or 'no'\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory", "1x"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
            "be a memory value\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "maxmemory-policy", "foo"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            "noeviction\r\n");
  // Nothing applies when one assignment fails.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hash-max-listpack-entries", "1", "timeout", "x"}).substr(0, 4),
            "-ERR");
  EXPECT_EQ(d.engine().keyspace().limits().max_listpack_entries, 512u);
}

TEST(ServerCommandsTest, ConfigSetValues) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hz", "0"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hz"}), "*2\r\n$2\r\nhz\r\n$1\r\n1\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "hz", "1000"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "hz"}), "*2\r\n$2\r\nhz\r\n$3\r\n500\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "proto-max-bulk-len", "2mb"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "proto-max-bulk-len"}),
            "*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n2097152\r\n");
  EXPECT_EQ(d.session().parser.limits().proto_max_bulk_len, 2097152);
  EXPECT_EQ(d.Run({"CONFIG", "SET", "loglevel", "WARNING"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "GET", "loglevel"}), "*2\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n");
  // The fixed values are accepted as they are (test suites disable persistence this way).
  EXPECT_EQ(d.Run({"CONFIG", "SET", "save", "", "appendonly", "no", "maxmemory", "0",
                   "maxmemory-policy", "noeviction"}),
            "+OK\r\n");
  EXPECT_EQ(d.Run({"CONFIG", "SET", "appendonly", "yes"}).substr(0, 50),
            "-ERR CONFIG SET failed (possibly related to argume");
}

TEST(ServerCommandsTest, ConfigResetStat) {
  EngineDriver d;
  d.Run({"PING"});
  d.Run({"PING"});
  EXPECT_EQ(d.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  std::string info = InfoText(d, {"INFO", "stats"});
  EXPECT_NE(info.find("\r\ntotal_commands_processed:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("\r\ntotal_connections_received:0\r\n"), std::string::npos);
}

TEST(ServerCommandsTest, ConfigHelpAndUnknown) {
  EngineDriver d;
  std::string help = d.Run({"CONFIG", "HELP"});
  EXPECT_EQ(help.rfind("*9\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                       "+GET <pattern>\r\n",
                       0),
            0u);
  EXPECT_EQ(d.Run({"CONFIG", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
  EXPECT_EQ(d.Run({"CONFIG"}), "-ERR wrong number of arguments for 'config' command\r\n");
}

// --- CLIENT -----------------------------------------------------------------------------------

TEST(ServerCommandsTest, ClientIdAndNames) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CLIENT", "ID"}), ":" + std::to_string(d.session().id()) + "\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", "foo"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"client", "getname"}), "$3\r\nfoo\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", "a\nb"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", "caf\xc3\xa9"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$3\r\nfoo\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"CLIENT", "GETNAME"}), "_\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
}

TEST(ServerCommandsTest, ClientSetInfo) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.8"}), "+OK\r\n");
  EXPECT_EQ(d.session().lib_name, "redis-py");
  EXPECT_EQ(d.session().lib_ver, "5.0.8");
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "foo", "x"}), "-ERR Unrecognized option 'foo'\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "lib-name", "a b"}),
            "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "LIB-VER", "1\n"}),
            "-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "lib-name"}),
            "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
  // go-redis's suffix form is a valid name.
  EXPECT_EQ(d.Run({"CLIENT", "SETINFO", "LIB-NAME", "go-redis(,go1.22.1)"}), "+OK\r\n");
}

// "id=1 addr=... tot-mem=NNN events=r ..." with tot-mem replaced by "*", which varies.
std::string MaskTotMem(std::string s) {
  size_t pos = 0;
  while ((pos = s.find("tot-mem=", pos)) != std::string::npos) {
    pos += 8;
    size_t end = s.find(' ', pos);
    s.replace(pos, end - pos, "*");
  }
  return s;
}

TEST(ServerCommandsTest, ClientInfoLine) {
  EngineDriver d;
  std::string id = std::to_string(d.session().id());
  Node reply = Parse(d.Run({"CLIENT", "INFO"}));
  ASSERT_EQ(reply.type, '$');
  EXPECT_EQ(MaskTotMem(reply.str),
            "id=" + id +
                " addr=127.0.0.1:40000 laddr=127.0.0.1:6379 fd=-1 name= age=0 idle=0 flags=N "
                "db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 "
                "rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=* events=r cmd=client|info user=default "
                "redir=-1 resp=2 lib-name= lib-ver=\n");
}

TEST(ServerCommandsTest, ClientInfoReflectsState) {
  EngineDriver d;
  d.Run({"CLIENT", "SETNAME", "worker"});
  d.Run({"CLIENT", "SETINFO", "lib-name", "redis-py"});
  d.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.8"});
  d.session().db = 3;
  EXPECT_EQ(d.Run({"CLIENT", "NO-EVICT", "on"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "NO-TOUCH", "ON"}), "+OK\r\n");
  d.session().resp = RespVersion::kResp3;
  std::string raw = d.Run({"CLIENT", "INFO"});
  ASSERT_EQ(raw[0], '=');
  Node reply = Parse(raw);
  ASSERT_EQ(reply.str.rfind("txt:id=", 0), 0u);
  for (std::string_view part : {" name=worker ", " flags=eT ", " db=3 ", " resp=3 ",
                                " lib-name=redis-py lib-ver=5.0.8\n"}) {
    EXPECT_NE(reply.str.find(part), std::string::npos) << part << " in " << reply.str;
  }
  EXPECT_EQ(d.Run({"CLIENT", "NO-EVICT", "off"}), "+OK\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "NO-TOUCH", "off"}), "+OK\r\n");
  EXPECT_NE(Parse(d.Run({"CLIENT", "INFO"})).str.find(" flags=N "), std::string::npos);
  EXPECT_EQ(d.Run({"CLIENT", "NO-EVICT", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "NO-TOUCH", "maybe"}), "-ERR syntax error\r\n");
}

TEST(ServerCommandsTest, ClientList) {
  EngineDriver d;
  auto other = d.engine().NewSession("10.0.0.2:5555", "10.0.0.1:6379");
  std::string me = std::to_string(d.session().id());
  std::string them = std::to_string(other->id());
  Node reply = Parse(d.Run({"CLIENT", "LIST"}));
  ASSERT_EQ(reply.type, '$');
  std::string list = MaskTotMem(reply.str);
  std::string first =
      "id=" + me +
      " addr=127.0.0.1:40000 laddr=127.0.0.1:6379 fd=-1 name= age=0 idle=0 flags=N db=0 sub=0 "
      "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=0 rbp=0 obl=0 "
      "oll=0 omem=0 tot-mem=* events=r cmd=client|list user=default redir=-1 resp=2 lib-name= "
      "lib-ver=\n";
  std::string second =
      "id=" + them +
      " addr=10.0.0.2:5555 laddr=10.0.0.1:6379 fd=-1 name= age=0 idle=0 flags=N db=0 sub=0 "
      "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 "
      "oll=0 omem=0 tot-mem=* events=r cmd=NULL user=default redir=-1 resp=2 lib-name= "
      "lib-ver=\n";
  EXPECT_EQ(list, first + second);

  // argv-mem counts the running command's argument bytes: "client list type normal".
  std::string first_typed = first;
  first_typed.replace(first_typed.find("argv-mem=10"), 11, "argv-mem=20");
  EXPECT_EQ(MaskTotMem(Parse(d.Run({"CLIENT", "LIST", "TYPE", "normal"})).str),
            first_typed + second);
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), "$0\r\n\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "TYPE", "replica"}), "$0\r\n\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "TYPE", "foo"}), "-ERR Unknown client type 'foo'\r\n");
  std::string only_them = MaskTotMem(Parse(d.Run({"CLIENT", "LIST", "ID", them})).str);
  EXPECT_EQ(only_them, second);
  std::string twice = MaskTotMem(Parse(d.Run({"CLIENT", "LIST", "ID", them, "999", them})).str);
  EXPECT_EQ(twice, second + second);
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "ID", "999"}), "$0\r\n\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "ID", "abc"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "ID"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "bad"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "LIST", "TYPE", "normal", "x"}), "-ERR syntax error\r\n");

  other.reset();
  std::string after = Parse(d.Run({"CLIENT", "LIST"})).str;
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 1);
}

TEST(ServerCommandsTest, ClientMisc) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"CLIENT", "GETREDIR"}), ":-1\r\n");
  EXPECT_EQ(d.Run({"CLIENT", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(d.Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  std::string help = d.Run({"CLIENT", "HELP"});
  EXPECT_EQ(
      help.rfind("*41\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0),
      0u);
  EXPECT_NE(help.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
}

// --- COMMAND ----------------------------------------------------------------------------------

TEST(ServerCommandsTest, CommandCount) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"COMMAND", "COUNT"}),
            ":" + std::to_string(d.engine().commands().size()) + "\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "COUNT", "x"}),
            "-ERR wrong number of arguments for 'command|count' command\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "foo"}), "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
}

// Byte for byte what redis-server 7.0.15 answers.
TEST(ServerCommandsTest, CommandInfoMatchesRedis) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"COMMAND", "INFO", "ping", "nosuch"}),
            "*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n"
            "+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:"
            "all_succeeded\r\n*0\r\n*0\r\n$-1\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "INFO", "client|list", "QUIT"}),
            "*2\r\n*10\r\n$11\r\nclient|list\r\n:-2\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
            "+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n"
            "+@connection\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n"
            "*10\r\n$4\r\nquit\r\n:-1\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
            "+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n"
            "*0\r\n*0\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "INFO", "info", "lastsave"}),
            "*2\r\n*10\r\n$4\r\ninfo\r\n:-1\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
            "*2\r\n+@slow\r\n+@dangerous\r\n*3\r\n$23\r\nnondeterministic_output\r\n"
            "$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n"
            "*10\r\n$8\r\nlastsave\r\n:1\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n"
            ":0\r\n*3\r\n+@admin\r\n+@fast\r\n+@dangerous\r\n*1\r\n$23\r\n"
            "nondeterministic_output\r\n*0\r\n*0\r\n");
}

TEST(ServerCommandsTest, CommandInfoResp3MatchesRedis) {
  EngineDriver d;
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"COMMAND", "INFO", "ping", "nosuch"}),
            "*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n~1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n"
            "+@connection\r\n~2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:"
            "all_succeeded\r\n~0\r\n~0\r\n_\r\n");
}

TEST(ServerCommandsTest, CommandInfoContainer) {
  EngineDriver d;
  Node reply = Parse(d.Run({"COMMAND", "INFO", "config"}));
  ASSERT_EQ(reply.elems.size(), 1u);
  const Node& config = reply.elems[0];
  ASSERT_EQ(config.elems.size(), 10u);
  EXPECT_EQ(config.elems[0].str, "config");
  EXPECT_EQ(config.elems[1].num, -2);
  EXPECT_TRUE(config.elems[2].elems.empty());
  ASSERT_EQ(config.elems[6].elems.size(), 1u);
  EXPECT_EQ(config.elems[6].elems[0].str, "@slow");
  const Node& subs = config.elems[9];
  ASSERT_FALSE(subs.elems.empty());
  bool found_get = false;
  for (const Node& sub : subs.elems) {
    ASSERT_EQ(sub.elems.size(), 10u);
    if (sub.elems[0].str == "config|get") {
      found_get = true;
      EXPECT_EQ(sub.elems[1].num, -3);
    }
  }
  EXPECT_TRUE(found_get);
}

// Every entry of COMMAND has Redis's ten fields with their types: redis-cli and client
// libraries stop reading otherwise.
void CheckCommandEntry(const Node& e, bool resp3) {
  ASSERT_EQ(e.type, '*');
  ASSERT_EQ(e.elems.size(), 10u);
  EXPECT_EQ(e.elems[0].type, '$');
  EXPECT_EQ(e.elems[1].type, ':');
  EXPECT_EQ(e.elems[2].type, resp3 ? '~' : '*');
  for (const Node& f : e.elems[2].elems) EXPECT_EQ(f.type, '+');
  EXPECT_EQ(e.elems[3].type, ':');
  EXPECT_EQ(e.elems[4].type, ':');
  EXPECT_EQ(e.elems[5].type, ':');
  EXPECT_EQ(e.elems[6].type, resp3 ? '~' : '*');
  EXPECT_FALSE(e.elems[6].elems.empty()) << e.elems[0].str;
  for (const Node& c : e.elems[6].elems) EXPECT_EQ(c.str[0], '@');
  EXPECT_TRUE(IsAggregate(e.elems[7]));
  EXPECT_TRUE(IsAggregate(e.elems[8]));
  EXPECT_TRUE(IsAggregate(e.elems[9]));
  if (e.elems[3].num > 0) {
    EXPECT_FALSE(e.elems[8].elems.empty()) << e.elems[0].str;
  }
  for (const Node& sub : e.elems[9].elems) {
    CheckCommandEntry(sub, resp3);
    EXPECT_EQ(sub.elems[0].str.rfind(e.elems[0].str + "|", 0), 0u);
  }
}

TEST(ServerCommandsTest, CommandListsEveryCommandWellFormed) {
  for (bool resp3 : {false, true}) {
    EngineDriver d;
    if (resp3) d.session().resp = RespVersion::kResp3;
    Node all = Parse(d.Run({"COMMAND"}));
    ASSERT_EQ(all.type, '*');
    EXPECT_EQ(all.elems.size(), d.engine().commands().size());
    for (const Node& e : all.elems) CheckCommandEntry(e, resp3);
    EXPECT_EQ(d.Run({"COMMAND", "INFO"}), d.Run({"COMMAND"}));
  }
}

TEST(ServerCommandsTest, CommandDocsMatchesRedis) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"COMMAND", "DOCS", "PING", "nosuch"}),
            "*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince\r\n"
            "$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
            "$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\n"
            "string\r\n$5\r\nflags\r\n*1\r\n+optional\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "DOCS", "echo"}),
            "*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n$5\r\n"
            "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n"
            "$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\n"
            "type\r\n$6\r\nstring\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  d.session().resp = RespVersion::kResp3;
  EXPECT_EQ(d.Run({"COMMAND", "DOCS", "time"}),
            "%1\r\n$4\r\ntime\r\n%4\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
            "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n"
            "$4\r\nO(1)\r\n");
}

TEST(ServerCommandsTest, CommandDocsSubcommands) {
  EngineDriver d;
  Node reply = Parse(d.Run({"COMMAND", "DOCS", "client"}));
  ASSERT_EQ(reply.elems.size(), 2u);
  EXPECT_EQ(reply.elems[0].str, "client");
  const Node* subs = Field(reply.elems[1], "subcommands");
  ASSERT_NE(subs, nullptr);
  const Node* list = Field(*subs, "client|list");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(Field(*list, "summary")->str, "Get the list of client connections");
  EXPECT_EQ(Field(*list, "group")->str, "connection");
  const Node* args = Field(*list, "arguments");
  ASSERT_NE(args, nullptr);
  ASSERT_EQ(args->elems.size(), 2u);
  EXPECT_EQ(Field(args->elems[0], "token")->str, "TYPE");
  EXPECT_EQ(Field(args->elems[0], "type")->str, "oneof");
  EXPECT_EQ(Field(args->elems[1], "token")->str, "ID");

  // A subcommand by its full name answers under that name.
  Node one = Parse(d.Run({"COMMAND", "DOCS", "CLIENT|SETNAME"}));
  ASSERT_EQ(one.elems.size(), 2u);
  EXPECT_EQ(one.elems[0].str, "client|setname");
}

// What redis-cli 7.0 does with COMMAND DOCS (cliInitCommandHelpEntries, cliAddArgument): every
// argument needs a name and a type, flags are status replies, subcommands are named "a|b".
std::string HintOf(const Node& arg);

std::string HintOfList(const Node& args, std::string_view sep) {
  std::string s;
  for (size_t i = 0; i < args.elems.size(); ++i) {
    if (i > 0) s.append(sep);
    s.append(HintOf(args.elems[i]));
  }
  return s;
}

std::string HintOf(const Node& arg) {
  const Node* name = Field(arg, "name");
  const Node* type = Field(arg, "type");
  EXPECT_NE(name, nullptr);
  EXPECT_NE(type, nullptr);
  if (name == nullptr || type == nullptr) return "?";
  const Node* token = Field(arg, "token");
  const Node* flags = Field(arg, "flags");
  bool optional = false, multiple = false, multiple_token = false;
  if (flags != nullptr) {
    for (const Node& f : flags->elems) {
      EXPECT_EQ(f.type, '+');
      optional |= f.str == "optional";
      multiple |= f.str == "multiple";
      multiple_token |= f.str == "multiple_token";
    }
  }
  std::string token_part = token != nullptr ? (token->str.empty() ? "\"\"" : token->str) : "";
  std::string repeat;
  const std::string& t = type->str;
  if (t == "key" || t == "string" || t == "integer" || t == "double" || t == "pattern" ||
      t == "unix-time" || t == "token") {
    repeat = name->str;
  } else if (t == "oneof") {
    repeat = HintOfList(*Field(arg, "arguments"), "|");
  } else if (t == "block") {
    repeat = HintOfList(*Field(arg, "arguments"), " ");
  } else {
    EXPECT_EQ(t, "pure-token");
  }
  if (!token_part.empty() && t != "pure-token") token_part.push_back(' ');
  std::string s;
  if (optional) s.push_back('[');
  s += token_part + repeat;
  if (multiple) s += " [" + (multiple_token ? token_part : "") + repeat + " ...]";
  if (optional) s.push_back(']');
  return s;
}

void CheckDocs(const Node& docs, std::string_view name) {
  ASSERT_TRUE(IsAggregate(docs)) << name;
  const Node* group = Field(docs, "group");
  ASSERT_NE(group, nullptr) << name;
  EXPECT_FALSE(group->str.empty());
  for (size_t i = 0; i + 1 < docs.elems.size(); i += 2) {
    EXPECT_EQ(docs.elems[i].type, '$');
    std::string_view key = docs.elems[i].str;
    const Node& value = docs.elems[i + 1];
    if (key == "summary" || key == "since" || key == "group" || key == "complexity") {
      EXPECT_EQ(value.type, '$') << name << " " << key;
    } else if (key == "arguments") {
      EXPECT_EQ(value.type, '*');
      HintOfList(value, " ");
    } else if (key == "subcommands") {
      for (size_t j = 0; j + 1 < value.elems.size(); j += 2) {
        EXPECT_EQ(value.elems[j].str.rfind(std::string(name) + "|", 0), 0u);
        CheckDocs(value.elems[j + 1], value.elems[j].str);
      }
    }
  }
}

TEST(ServerCommandsTest, CommandDocsForEveryCommandIsWellFormed) {
  for (bool resp3 : {false, true}) {
    EngineDriver d;
    if (resp3) d.session().resp = RespVersion::kResp3;
    Node all = Parse(d.Run({"COMMAND", "DOCS"}));
    ASSERT_EQ(all.type, resp3 ? '%' : '*');
    ASSERT_EQ(all.elems.size(), 2 * d.engine().commands().size());
    for (size_t i = 0; i < all.elems.size(); i += 2) CheckDocs(all.elems[i + 1], all.elems[i].str);
  }
}

TEST(ServerCommandsTest, CommandDocsHints) {
  EngineDriver d;
  auto hint = [&d](std::string_view name) {
    Node docs = Parse(d.Run({"COMMAND", "DOCS", name}));
    if (docs.elems.size() != 2) return std::string("<missing>");
    const Node* args = Field(docs.elems[1], "arguments");
    return args == nullptr ? std::string() : HintOfList(*args, " ");
  };
  EXPECT_EQ(hint("shutdown"), "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]");
  EXPECT_EQ(hint("client|list"),
            "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]");
  EXPECT_EQ(hint("client|no-evict"), "ON|OFF");
  EXPECT_EQ(hint("client|setinfo"), "LIB-NAME libname|LIB-VER libver");
  EXPECT_EQ(hint("config|set"), "parameter value [parameter value ...]");
  EXPECT_EQ(hint("info"), "[section [section ...]]");
  EXPECT_EQ(hint("command|list"), "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]");
  EXPECT_EQ(hint("quit"), "");
}

TEST(ServerCommandsTest, CommandList) {
  EngineDriver d;
  Node all = Parse(d.Run({"COMMAND", "LIST"}));
  std::vector<std::string> names;
  for (const Node& n : all.elems) names.push_back(n.str);
  for (std::string_view name : {"ping", "client", "client|list", "config|get", "command|docs"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  Node cl = Parse(d.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT*"}));
  ASSERT_FALSE(cl.elems.empty());
  EXPECT_EQ(cl.elems[0].str, "client");
  for (const Node& n : cl.elems) EXPECT_EQ(n.str.rfind("client", 0), 0u);
  Node conn = Parse(d.Run({"COMMAND", "LIST", "FILTERBY", "aclcat", "CONNECTION"}));
  std::vector<std::string> conn_names;
  for (const Node& n : conn.elems) conn_names.push_back(n.str);
  EXPECT_NE(std::find(conn_names.begin(), conn_names.end(), "ping"), conn_names.end());
  EXPECT_NE(std::find(conn_names.begin(), conn_names.end(), "client|id"), conn_names.end());
  EXPECT_EQ(std::find(conn_names.begin(), conn_names.end(), "info"), conn_names.end());
  EXPECT_EQ(d.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}), "*0\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "LIST", "x"}), "-ERR syntax error\r\n");
}

TEST(ServerCommandsTest, CommandGetKeysErrors) {
  EngineDriver d;
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "nosuch", "a"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "ping", "x"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "client", "list"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "client", "nosuch"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "x|y", "a"}), "-ERR Invalid command specified\r\n");
}

TEST(ServerCommandsTest, CommandGetKeysFromKeyCommands) {
  EngineDriver d;
  const CommandSpec* hset = d.engine().commands().Find("hset");
  if (hset == nullptr) GTEST_SKIP() << "the hash family is not registered yet";
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "hset", "k", "f", "v"}), "*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "HSET", "k"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(d.Run({"COMMAND", "GETKEYSANDFLAGS", "hset", "k", "f", "v"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RW\r\n+update\r\n");
  if (d.engine().commands().Find("del") != nullptr) {
    EXPECT_EQ(d.Run({"COMMAND", "GETKEYS", "del", "a", "b", "c"}),
              "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  }
  if (d.engine().commands().Find("rename") != nullptr) {
    EXPECT_EQ(d.Run({"COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b"}),
              "*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n"
              "+OW\r\n+update\r\n");
  }
}

TEST(ServerCommandsTest, CommandHelp) {
  EngineDriver d;
  std::string help = d.Run({"COMMAND", "HELP"});
  EXPECT_EQ(help.rfind("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
                       "\r\n+(no subcommand)\r\n",
                       0),
            0u);
}

// --- The synopsis parser behind COMMAND DOCS --------------------------------------------------

// redis-cli's rendering (cliAddArgument) of parsed arguments.
std::string Hint(const std::vector<DocArg>& args, std::string_view sep = " ") {
  std::string s;
  for (size_t i = 0; i < args.size(); ++i) {
    const DocArg& a = args[i];
    if (i > 0) s.append(sep);
    std::string token = a.has_token ? (a.token.empty() ? "\"\"" : a.token) : "";
    std::string repeat;
    if (a.type == "oneof") {
      repeat = Hint(a.args, "|");
    } else if (a.type == "block") {
      repeat = Hint(a.args, " ");
    } else if (a.type != "pure-token") {
      repeat = a.name;
    }
    if (!token.empty() && a.type != "pure-token") token.push_back(' ');
    if (a.optional) s.push_back('[');
    s += token + repeat;
    if (a.multiple) s += " [" + (a.multiple_token ? token : "") + repeat + " ...]";
    if (a.optional) s.push_back(']');
  }
  return s;
}

TEST(CommandSyntaxTest, RoundTripsRedisHints) {
  struct Case {
    std::string_view syntax;
    std::string_view hint;  // what redis-cli shows, as for the real command
  };
  const Case cases[] = {
      {"key field value [field value ...]", "key field value [field value ...]"},
      {"key field [field ...]", "key field [field ...]"},
      {"key cursor [MATCH pattern] [COUNT count]", "key cursor [MATCH pattern] [COUNT count]"},
      {"key [count [WITHVALUES]]", "key [count [WITHVALUES]]"},
      {"key seconds [NX | XX | GT | LT]", "key seconds [NX|XX|GT|LT]"},
      {"key seconds [NX|XX|GT|LT]", "key seconds [NX|XX|GT|LT]"},
      {"[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]", "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"},
      {"[protover [AUTH username password] [SETNAME clientname]]",
       "[protover [AUTH username password] [SETNAME clientname]]"},
      {"source destination [DB destination-db] [REPLACE]",
       "source destination [DB destination-db] [REPLACE]"},
      {"[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]",
       "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]"},
      {"ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST]",
       "ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST]"},
      {"key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
       "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]"},
      {"[username] password", "[username] password"},
      {"key [key ...]", "key [key ...]"},
      {"key FIELDS numfields field [field ...]", "key FIELDS numfields field [field ...]"},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Hint(ParseCommandSyntax("x", c.syntax)), c.hint) << c.syntax;
  }
}

TEST(CommandSyntaxTest, ShapesLikeRedis) {
  std::vector<DocArg> hset = ParseCommandSyntax("hset", "key field value [field value ...]");
  ASSERT_EQ(hset.size(), 2u);
  EXPECT_EQ(hset[0].name, "key");
  EXPECT_EQ(hset[0].type, "key");
  EXPECT_EQ(hset[0].key_spec_index, 0);
  EXPECT_EQ(hset[1].name, "field_value");
  EXPECT_EQ(hset[1].type, "block");
  EXPECT_TRUE(hset[1].multiple);
  EXPECT_FALSE(hset[1].optional);
  ASSERT_EQ(hset[1].args.size(), 2u);
  EXPECT_EQ(hset[1].args[0].type, "string");

  std::vector<DocArg> hscan =
      ParseCommandSyntax("hscan", "key cursor [MATCH pattern] [COUNT count]");
  ASSERT_EQ(hscan.size(), 4u);
  EXPECT_EQ(hscan[1].type, "integer");
  EXPECT_EQ(hscan[2].name, "pattern");
  EXPECT_EQ(hscan[2].type, "pattern");
  EXPECT_EQ(hscan[2].token, "MATCH");
  EXPECT_TRUE(hscan[2].optional);
  EXPECT_EQ(hscan[3].type, "integer");

  std::vector<DocArg> shutdown = ParseCommandSyntax("shutdown", "[NOSAVE | SAVE] [NOW]");
  ASSERT_EQ(shutdown.size(), 2u);
  EXPECT_EQ(shutdown[0].name, "nosave_save");
  EXPECT_EQ(shutdown[0].type, "oneof");
  EXPECT_TRUE(shutdown[0].optional);
  EXPECT_EQ(shutdown[0].args[0].type, "pure-token");
  EXPECT_EQ(shutdown[0].args[0].name, "nosave");
  EXPECT_EQ(shutdown[0].args[0].token, "NOSAVE");
  EXPECT_EQ(shutdown[1].name, "now");

  std::vector<DocArg> copy = ParseCommandSyntax("copy", "source destination [DB destination-db]");
  EXPECT_EQ(copy[0].key_spec_index, 0);
  EXPECT_EQ(copy[1].key_spec_index, 1);
  EXPECT_EQ(copy[2].type, "integer");
  EXPECT_EQ(copy[2].key_spec_index, -1);

  EXPECT_EQ(ParseCommandSyntax("hincrbyfloat", "key field increment")[2].type, "double");
  EXPECT_EQ(ParseCommandSyntax("hincrby", "key field increment")[2].type, "integer");

  std::vector<DocArg> info = ParseCommandSyntax("info", "[section [section ...]]");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].name, "section");
  EXPECT_TRUE(info[0].optional);
  EXPECT_TRUE(info[0].multiple);
}

TEST(CommandSyntaxTest, ToleratesMalformedSynopses) {
  // Nothing here may crash or produce an argument without a name and a type.
  for (std::string_view s : {"[", "]", "[[a]", "a ]]", "...", "| a |", "<>", "[...]", "a [b ...",
                             "[ | ]", "A B C", "x|y|"}) {
    std::vector<DocArg> args = ParseCommandSyntax("x", s);
    std::vector<const DocArg*> stack;
    for (const DocArg& a : args) stack.push_back(&a);
    while (!stack.empty()) {
      const DocArg* a = stack.back();
      stack.pop_back();
      EXPECT_FALSE(a->type.empty()) << s;
      EXPECT_FALSE(a->name.empty()) << s;
      for (const DocArg& c : a->args) stack.push_back(&c);
    }
  }
}

}  // namespace
}  // namespace hashkv
