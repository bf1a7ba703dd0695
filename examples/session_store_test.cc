// The application's tests against an in-process hashkv server: the app talks to it over a real
// socket, and the tests seed and inspect the data through the server's direct API.
#include "session_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hashkv/testing/server_fixture.h"

namespace sessions {
namespace {

using std::chrono::hours;

// A fresh server on a free port for every test: server() and port() come from the fixture.
class SessionStoreTest : public hashkv::testing::ServerFixture {};

TEST_F(SessionStoreTest, StartWritesTheSessionHashWithItsTtl) {
  SessionStore store("127.0.0.1", port());
  ASSERT_TRUE(store.ok()) << store.error();

  ASSERT_TRUE(store.Start("abc", "ada", hours(1))) << store.error();

  EXPECT_EQ(server().HGetAll("session:abc"),
            (std::map<std::string, std::string>{{"user", "ada"}, {"visits", "0"}}));
  EXPECT_GT(server().Ttl("session:abc"), 3500);
  EXPECT_EQ(server().CommandLog(), (std::vector<std::vector<std::string>>{
                                       {"HSET", "session:abc", "user", "ada", "visits", "0"},
                                       {"EXPIRE", "session:abc", "3600"}}));
}

TEST_F(SessionStoreTest, UserReadsWhatTheTestSeeded) {
  server().HSet("session:xyz", "user", "bob");
  SessionStore store("127.0.0.1", port());

  EXPECT_EQ(store.User("xyz"), "bob");
  EXPECT_EQ(store.User("missing"), std::nullopt);
  EXPECT_EQ(store.error(), "");
}

TEST_F(SessionStoreTest, VisitCountsInTheHash) {
  SessionStore store("127.0.0.1", port());
  ASSERT_TRUE(store.Start("abc", "ada", hours(1))) << store.error();

  EXPECT_EQ(store.Visit("abc"), 1);
  EXPECT_EQ(store.Visit("abc"), 2);
  EXPECT_EQ(server().HGet("session:abc", "visits"), "2");
}

// The test-double controls: time that jumps, errors on demand, a server that restarts.
TEST_F(SessionStoreTest, SessionEndsWhenItsTtlHasPassed) {
  SessionStore store("127.0.0.1", port());
  ASSERT_TRUE(store.Start("abc", "ada", hours(1))) << store.error();

  server().FastForward(hours(1) + std::chrono::seconds(1));

  EXPECT_EQ(store.User("abc"), std::nullopt);
  EXPECT_FALSE(server().Exists("session:abc"));
}

TEST_F(SessionStoreTest, ReportsTheServersError) {
  server().HSet("session:abc", "user", "ada");
  SessionStore store("127.0.0.1", port());

  server().SetError("HGET", "LOADING Redis is loading the dataset in memory");

  EXPECT_EQ(store.User("abc"), std::nullopt);
  EXPECT_EQ(store.error(), "LOADING Redis is loading the dataset in memory");
  EXPECT_TRUE(store.ok());  // still connected
}

TEST_F(SessionStoreTest, ReportsALostConnection) {
  SessionStore store("127.0.0.1", port());
  ASSERT_TRUE(store.Start("abc", "ada", hours(1))) << store.error();

  server().DropConnections();

  EXPECT_EQ(store.User("abc"), std::nullopt);
  EXPECT_FALSE(store.ok());
  EXPECT_NE(store.error(), "");
}

}  // namespace
}  // namespace sessions
