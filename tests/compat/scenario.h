// Differential steps: parsing scenario files, sending each step to Redis and to hashkv (with
// HGETSET emulated on Redis), and comparing the two replies byte for byte or as multisets.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <map>
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
  bool resp3 = false;          // !resp3: sent on the side's RESP3 connection (HELLO 3)
  bool closes = false;         // !closes: both servers must close the connection after the reply
  int sleep_ms = 0;            // @sleep: nothing is sent; the run pauses (to let keys expire)
  int conn = 1;                // !conn2 .. !conn9: which of the side's clients sends it
  bool no_reply = false;       // !noreply: neither server answers (CLIENT REPLY OFF/SKIP)
  bool expect_closed = false;  // @closed: nothing is sent; both must have closed the connection
  bool uses_vars = false;      // an argument holds {$NAME}, filled in per side when sent
  // !set:NAME or !set:NAME=FIELD: the reply's value (or the FIELD=... part of a CLIENT INFO
  // line) is kept per side as {$NAME}, for values that differ between the servers (client ids).
  std::string capture;
};

// What a scenario file says about the servers it needs.
struct ScenarioOptions {
  std::string requirepass;  // @requirepass PW: run against a pair started with --requirepass
};

// Parses a scenario file's text (format in tests/compat/README.md). False with *error. Without
// `options`, directives about the servers are errors.
bool ParseScenario(std::string_view text, const std::string& name, std::vector<Step>* steps,
                   std::string* error, ScenarioOptions* options = nullptr);

// A HELLO reply (map or flat array) with the value of "id" replaced by 0, so two servers'
// replies compare byte for byte; anything else comes back unchanged.
std::string MaskHelloId(std::string_view raw);

// The Redis-side stand-in for HGETSET: MULTI, HGET k f, HSET k f v, EXEC; the EXEC reply's first
// element is the expected HGETSET reply.
bool IsHGetSet(const std::vector<std::string>& args);

// One server's end of a run: its clients (per !connN, each with a RESP2 and a RESP3 connection,
// opened on demand), the values captured with !set, and the replies still to be read, in order.
class Side {
 public:
  // With `resp3_everywhere` (the RESP3 pass), every connection sends HELLO 3 when it opens, not
  // only the !resp3 ones.
  explicit Side(const Endpoint& endpoint, bool resp3_everywhere = false)
      : endpoint_(endpoint), resp3_everywhere_(resp3_everywhere) {}

  const Endpoint& endpoint() const { return endpoint_; }
  // Writes the step's request(s) without waiting for the reply.
  bool Send(const Step& step, std::string* error);
  // Reads the reply to the oldest step sent and not yet received ("" for a !noreply step).
  bool Receive(std::string* reply, std::string* error);
  // The reply to a HELLO 3 the side sent on its own since the last call (a connection opening
  // in RESP3, or the switch after AUTH on a password server), or "" if none.
  std::string TakeHello();
  // After a !closes step or at @closed: whether the server closed the step's connection. Resets
  // it either way.
  bool ExpectClosed(const Step& step, std::string* detail);
  // After a !noreply step: true if nothing arrives on its connection for a moment; what did
  // arrive is appended to *extra and dropped.
  bool ExpectSilent(const Step& step, std::string* extra);
  // Drops every connection (the next step reconnects: database 0, no name, RESP2).
  void Reset();

 private:
  enum class Kind { kPlain, kEmulated, kSynthetic, kNone };
  struct Pending {
    Kind kind;
    int link;
    std::string synthetic;
    std::string capture;
    bool is_auth = false;  // AUTH: a success may switch a waiting RESP3 connection to RESP3
  };
  struct Link {
    Connection conn;
    // RESP3 on a password server: HELLO 3 was refused before AUTH, so it is sent again once
    // the scenario authenticates.
    bool upgrade_pending = false;
  };
  static int LinkId(const Step& step) { return step.conn * 2 + (step.resp3 ? 1 : 0); }
  bool WantsResp3(int link) const { return resp3_everywhere_ || (link & 1) != 0; }
  Connection* Open(int link, std::string* error);
  bool SendHello(Link& link, std::string* error);
  bool Substitute(const std::vector<std::string>& in, std::vector<std::string>* out,
                  std::string* error) const;
  void Capture(const std::string& spec, std::string_view reply);

  Endpoint endpoint_;
  bool resp3_everywhere_;
  std::map<int, Link> links_;
  std::map<std::string, std::string> vars_;
  std::string hello_;
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
  // Moves the test to the pair started with --requirepass `password`: starts it on first use
  // and flushes it (after AUTH). redis() and hashkv() then name that pair.
  ::testing::AssertionResult UsePasswordPair(const std::string& password);
  const Endpoint& redis() { return pair_->redis(); }
  const Endpoint& hashkv() { return pair_->hashkv(); }

 private:
  CompatServers* pair_ = &CompatServers::Get();
  std::vector<CompatServers*> used_;
};

}  // namespace hashkv::compat
