// Differential steps: parsing scenario files, sending each step to Redis and to hashkv (with
// HGETSET emulated on Redis), and comparing the two replies byte for byte or as multisets.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "compat/connection.h"
#include "compat/servers.h"

namespace hashkv::compat {

enum class Compare {
  kExact,      // identical bytes
  kUnordered,  // aggregates compared as multisets (flat field/value pairs as pairs)
  kTypeOnly,   // only the RESP type byte (!ignore: non-deterministic replies)
};

struct Step {
  std::string where;  // "file:line" or a generator's label, for messages
  std::string text;   // what to print for the command
  std::vector<std::string> args;
  std::string inline_bytes;  // !inline: these bytes are sent instead of a multibulk request
  Compare compare = Compare::kExact;
  bool resp3 = false;   // !resp3: sent on the side's RESP3 connection (HELLO 3)
  bool closes = false;  // !closes: both servers must close the connection after the reply
  int sleep_ms = 0;     // @sleep: nothing is sent; the run pauses (to let keys expire)
};

// Parses a scenario file's text (format in tests/compat/README.md). False with *error.
bool ParseScenario(std::string_view text, const std::string& name, std::vector<Step>* steps,
                   std::string* error);

// The Redis-side stand-in for HGETSET: MULTI, HGET k f, HSET k f v, EXEC; the EXEC reply's first
// element is the expected HGETSET reply.
bool IsHGetSet(const std::vector<std::string>& args);

// One server's end of a run: its RESP2 connection, a RESP3 connection opened on demand, and
// the replies still to be read, in order.
class Side {
 public:
  explicit Side(const Endpoint& endpoint) : endpoint_(endpoint) {}

  const Endpoint& endpoint() const { return endpoint_; }
  // Writes the step's request(s) without waiting for the reply.
  bool Send(const Step& step, std::string* error);
  // Reads the reply to the oldest step sent and not yet received.
  bool Receive(std::string* reply, std::string* error);
  // After a !closes step: whether the server closed the step's connection. Resets it either way.
  bool ExpectClosed(const Step& step, std::string* detail);
  // Drops both connections (the next step reconnects: database 0, no name, RESP2).
  void Reset();

 private:
  enum class Kind { kPlain, kEmulated, kSynthetic };
  struct Pending {
    Kind kind;
    bool resp3;
    std::string synthetic;
  };
  Connection* Open(bool resp3, std::string* error);

  Endpoint endpoint_;
  Connection resp2_;
  Connection resp3_;
  std::deque<Pending> pending_;
};

// Whether `got` matches `expected` under the step's comparison; *why explains a mismatch.
bool RepliesMatch(const Step& step, std::string_view expected, std::string_view got,
                  std::string* why);

struct RunResult {
  int steps_run = 0;
  int mismatches = 0;
  bool aborted = false;  // a connection failed; the remaining steps were not run
};

// Runs the steps on both sides, `batch` steps per round trip, and reports every mismatch as a
// non-fatal gtest failure (at most `max_reported` of them in detail).
RunResult RunSteps(const std::vector<Step>& steps, Side& redis, Side& hashkv, size_t batch = 1,
                   int max_reported = 100);

// Base fixture: makes sure both servers are up and flushed, and reports a hashkv crash.
class CompatTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  const Endpoint& redis() { return CompatServers::Get().redis(); }
  const Endpoint& hashkv() { return CompatServers::Get().hashkv(); }

 private:
  bool servers_up_ = false;
};

}  // namespace hashkv::compat
