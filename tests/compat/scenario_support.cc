// Scenario parsing, the Redis-side HGETSET emulation, reply comparison and the step runner.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "compat/scenario.h"
#include "protocol/resp_parser.h"

namespace hashkv::compat {
namespace {

constexpr char kHGetSetArity[] = "-ERR wrong number of arguments for 'hgetset' command\r\n";

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsAggregate(const Reply& r) {
  return !r.is_null && (r.type == '*' || r.type == '~' || r.type == '>' || r.type == '%');
}

// Expands "{i}" to the loop index and "{TEXT*N}" to TEXT repeated N times; any other brace is
// literal. Returns false for a repeat count that is absurdly large.
bool Expand(const std::string& in, long index, std::string* out) {
  out->clear();
  size_t pos = 0;
  while (pos < in.size()) {
    size_t open = in.find('{', pos);
    size_t close = open == std::string::npos ? open : in.find('}', open + 1);
    if (close == std::string::npos) {
      out->append(in, pos, std::string::npos);
      break;
    }
    out->append(in, pos, open - pos);
    std::string_view inner(in.data() + open + 1, close - open - 1);
    size_t star = inner.rfind('*');
    long count = 0;
    if (inner == "i") {
      out->append(std::to_string(index));
    } else if (star != std::string_view::npos && star + 1 < inner.size() &&
               std::from_chars(inner.data() + star + 1, inner.data() + inner.size(), count).ptr ==
                   inner.data() + inner.size()) {
      if (count < 0 || count > 64L * 1024 * 1024) return false;
      std::string_view unit = inner.substr(0, star);
      out->reserve(out->size() + unit.size() * static_cast<size_t>(count));
      for (long k = 0; k < count; ++k) out->append(unit);
    } else {
      out->append(in, open, close - open + 1);
    }
    pos = close + 1;
  }
  return true;
}

// How an unordered reply is normalized, by command: flat field/value pairs, and SCAN-like
// [cursor, elements] replies whose cursor is still compared exactly.
struct Shape {
  bool pairs = false;
  bool nested = false;
};

Shape ShapeOf(const std::vector<std::string>& args) {
  Shape shape;
  if (args.empty()) return shape;
  const std::string cmd = Upper(args[0]);
  if (cmd == "HGETALL" || cmd == "CONFIG") shape.pairs = true;
  if (cmd == "HRANDFIELD" && args.size() >= 4) shape.pairs = true;
  if (cmd == "HSCAN") shape.pairs = shape.nested = true;
  if (cmd == "SCAN") shape.nested = true;
  return shape;
}

std::string Canonical(const Reply& r, bool pairs) {
  if (!IsAggregate(r)) return r.raw;
  std::vector<std::string> items;
  const bool group =
      r.type == '%' || (pairs && r.elements.size() % 2 == 0 &&
                        std::none_of(r.elements.begin(), r.elements.end(), IsAggregate));
  const size_t step = group ? 2 : 1;
  for (size_t i = 0; i < r.elements.size(); i += step) {
    std::string item = Canonical(r.elements[i], false);
    if (group) item += Canonical(r.elements[i + 1], false);
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end());
  std::string out(1, r.type);
  out += std::to_string(r.elements.size()) + "\r\n";
  for (const std::string& item : items) out += item;
  return out;
}

std::string CanonicalUnordered(const Step& step, std::string_view raw) {
  Reply tree;
  size_t length = 0;
  std::string error;
  if (ParseReply(raw, &length, &tree, &error) != ParseStatus::kComplete) return std::string(raw);
  const Shape shape = ShapeOf(step.args);
  if (shape.nested && tree.type == '*' && tree.elements.size() == 2) {
    return tree.elements[0].raw + Canonical(tree.elements[1], shape.pairs);
  }
  return Canonical(tree, shape.pairs);
}

std::string Describe(const Step& step) {
  return step.where + ": " + Escape(step.text, 200, /*quotes=*/false) +
         (step.compare == Compare::kUnordered  ? " (unordered)"
          : step.compare == Compare::kTypeOnly ? " (type only)"
                                               : "");
}

// HASHKV_COMPAT_TRACE=1 prints every step with both replies, to see what a scenario checks.
bool Trace() {
  static const bool trace = [] {
    const char* v = std::getenv("HASHKV_COMPAT_TRACE");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
  }();
  return trace;
}

}  // namespace

bool IsHGetSet(const std::vector<std::string>& args) {
  return !args.empty() && Upper(args[0]) == "HGETSET";
}

bool ParseScenario(std::string_view text, const std::string& name, std::vector<Step>* steps,
                   std::string* error) {
  std::istringstream in{std::string(text)};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string where = name + ":" + std::to_string(line_no);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view rest(line);
    auto skip_space = [&rest] {
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    };
    auto take_token = [&rest] {
      size_t end = rest.find_first_of(" \t");
      std::string_view token = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
      return token;
    };
    skip_space();
    if (rest.empty() || rest.front() == '#') continue;
    Step step;
    step.where = where;
    bool is_inline = false;
    while (!rest.empty() && rest.front() == '!') {
      std::string_view marker = take_token();
      if (marker == "!unordered") {
        step.compare = Compare::kUnordered;
      } else if (marker == "!ignore") {
        step.compare = Compare::kTypeOnly;
      } else if (marker == "!resp3") {
        step.resp3 = true;
      } else if (marker == "!inline") {
        is_inline = true;
      } else if (marker == "!closes") {
        step.closes = true;
      } else {
        *error = where + ": unknown marker '" + std::string(marker) + "'";
        return false;
      }
      skip_space();
    }
    long repeat = 0;  // 0: no directive, no expansion
    if (!rest.empty() && rest.front() == '@') {
      std::string_view directive = take_token();
      skip_space();
      if (directive == "@sleep") {
        std::string_view ms = take_token();
        skip_space();
        if (std::from_chars(ms.data(), ms.data() + ms.size(), step.sleep_ms).ptr !=
                ms.data() + ms.size() ||
            step.sleep_ms < 1 || step.sleep_ms > 5000 || !rest.empty() ||
            step.compare != Compare::kExact || is_inline || step.resp3 || step.closes) {
          *error = where + ": @sleep takes milliseconds (1 to 5000) and nothing else";
          return false;
        }
        step.text = "@sleep " + std::string(ms);
        steps->push_back(std::move(step));
        continue;
      }
      if (directive == "@gen") {
        repeat = 1;
      } else if (directive == "@loop") {
        std::string_view count = take_token();
        skip_space();
        if (std::from_chars(count.data(), count.data() + count.size(), repeat).ptr !=
                count.data() + count.size() ||
            repeat < 1 || repeat > 100000) {
          *error = where + ": @loop needs a count from 1 to 100000";
          return false;
        }
      } else {
        *error = where + ": unknown directive '" + std::string(directive) + "'";
        return false;
      }
      if (is_inline) {
        *error = where + ": !inline cannot be combined with " + std::string(directive);
        return false;
      }
    }
    if (rest.empty()) {
      *error = where + ": no command";
      return false;
    }
    step.text = std::string(rest);
    if (is_inline) {
      step.inline_bytes = std::string(rest) + "\r\n";
      steps->push_back(std::move(step));
      continue;
    }
    std::vector<std::string> args;
    if (!SplitInlineArgs(rest, args) || args.empty()) {
      *error = where + ": cannot split the line into arguments (unbalanced quotes?)";
      return false;
    }
    if (repeat == 0) {
      step.args = std::move(args);
      steps->push_back(std::move(step));
      continue;
    }
    for (long i = 0; i < repeat; ++i) {
      Step copy = step;
      copy.args.resize(args.size());
      for (size_t a = 0; a < args.size(); ++a) {
        if (!Expand(args[a], i, &copy.args[a])) {
          *error = where + ": repeat count too large";
          return false;
        }
      }
      if (repeat > 1) copy.where += "[i=" + std::to_string(i) + "]";
      steps->push_back(std::move(copy));
    }
  }
  return true;
}

Connection* Side::Open(bool resp3, std::string* error) {
  Connection& conn = resp3 ? resp3_ : resp2_;
  if (conn.connected()) return &conn;
  if (!conn.Connect(endpoint_.port, error)) return nullptr;
  if (resp3) {
    std::string reply;
    if (!conn.Command({"HELLO", "3"}, &reply, error)) return nullptr;
    if (reply.empty() || reply[0] != '%') {
      *error = "HELLO 3 did not answer with a map: " + Escape(reply);
      conn.Close();
      return nullptr;
    }
  }
  return &conn;
}

bool Side::Send(const Step& step, std::string* error) {
  Connection* conn = Open(step.resp3, error);
  if (conn == nullptr) return false;
  std::vector<std::string> split;
  const std::vector<std::string>* args = &step.args;
  if (!step.inline_bytes.empty() && endpoint_.is_redis) {
    std::string_view line(step.inline_bytes);
    line.remove_suffix(2);
    if (!SplitInlineArgs(line, split)) split.clear();
    args = &split;
  }
  if (endpoint_.is_redis && IsHGetSet(*args)) {
    if (args->size() != 4) {
      pending_.push_back({Kind::kSynthetic, step.resp3, kHGetSetArity});
      return true;
    }
    const std::string& key = (*args)[1];
    const std::string& field = (*args)[2];
    std::string request = EncodeCommand({"MULTI"}) + EncodeCommand({"HGET", key, field}) +
                          EncodeCommand({"HSET", key, field, (*args)[3]}) + EncodeCommand({"EXEC"});
    pending_.push_back({Kind::kEmulated, step.resp3, ""});
    return conn->Write(request, error);
  }
  pending_.push_back({Kind::kPlain, step.resp3, ""});
  return conn->Write(step.inline_bytes.empty() ? EncodeCommand(step.args) : step.inline_bytes,
                     error);
}

bool Side::Receive(std::string* reply, std::string* error) {
  if (pending_.empty()) {
    *error = "no request pending";
    return false;
  }
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  if (p.kind == Kind::kSynthetic) {
    *reply = p.synthetic;
    return true;
  }
  Connection& conn = p.resp3 ? resp3_ : resp2_;
  if (p.kind == Kind::kPlain) return conn.ReadReply(reply, error);
  static constexpr std::string_view kExpected[] = {"+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n"};
  for (std::string_view want : kExpected) {
    std::string got;
    if (!conn.ReadReply(&got, error)) return false;
    if (got != want) {
      *error = "HGETSET emulation: expected " + Escape(want) + ", got " + Escape(got);
      return false;
    }
  }
  std::string exec;
  if (!conn.ReadReply(&exec, error)) return false;
  Reply tree;
  size_t length = 0;
  if (ParseReply(exec, &length, &tree, error) != ParseStatus::kComplete || tree.type != '*' ||
      tree.elements.size() != 2) {
    *error = "HGETSET emulation: unexpected EXEC reply " + Escape(exec);
    return false;
  }
  *reply = tree.elements[0].raw;
  return true;
}

bool Side::ExpectClosed(const Step& step, std::string* detail) {
  Connection& conn = step.resp3 ? resp3_ : resp2_;
  std::string extra;
  bool closed = conn.WaitClosed(&extra);
  auto note = [detail](const std::string& s) { *detail += (detail->empty() ? "" : "; ") + s; };
  if (!closed) note(endpoint_.name + " kept the connection open");
  if (!extra.empty()) {
    note(endpoint_.name + " sent more bytes: " + Escape(extra));
    closed = false;
  }
  conn.Close();
  return closed;
}

void Side::Reset() {
  resp2_.Close();
  resp3_.Close();
  pending_.clear();
}

bool RepliesMatch(const Step& step, std::string_view expected, std::string_view got,
                  std::string* why) {
  switch (step.compare) {
    case Compare::kExact:
      if (expected == got) return true;
      *why = "replies differ";
      return false;
    case Compare::kTypeOnly:
      if (!expected.empty() && !got.empty() && expected[0] == got[0]) return true;
      *why = "reply types differ";
      return false;
    case Compare::kUnordered:
      if (expected == got || CanonicalUnordered(step, expected) == CanonicalUnordered(step, got)) {
        return true;
      }
      *why = "replies differ even as multisets";
      return false;
  }
  return false;
}

RunResult RunSteps(const std::vector<Step>& steps, Side& redis, Side& hashkv, size_t batch,
                   int max_reported) {
  RunResult result;
  size_t start = 0;
  while (start < steps.size()) {
    if (steps[start].sleep_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(steps[start].sleep_ms));
      ++start;
      continue;
    }
    size_t end = start;
    while (end < steps.size() && end - start < batch && steps[end].sleep_ms == 0) {
      if (steps[end++].closes) break;
    }
    for (size_t i = start; i < end; ++i) {
      for (Side* side : {&redis, &hashkv}) {
        std::string error;
        if (!side->Send(steps[i], &error)) {
          ADD_FAILURE() << Describe(steps[i]) << "\n  " << side->endpoint().name
                        << ": cannot send: " << error;
          redis.Reset();
          hashkv.Reset();
          result.aborted = true;
          return result;
        }
      }
    }
    for (size_t i = start; i < end; ++i) {
      const Step& step = steps[i];
      std::string expected;
      std::string got;
      std::string error;
      if (!redis.Receive(&expected, &error)) {
        ADD_FAILURE() << Describe(step) << "\n  redis: no reply: " << error;
        result.aborted = true;
      } else if (!hashkv.Receive(&got, &error)) {
        ADD_FAILURE() << Describe(step) << "\n  redis:  \"" << Escape(expected) << "\""
                      << "\n  hashkv: no reply: " << error;
        result.aborted = true;
      }
      if (result.aborted) {
        redis.Reset();
        hashkv.Reset();
        return result;
      }
      ++result.steps_run;
      if (Trace()) {
        std::fprintf(stderr, "%s\n  redis:  \"%s\"\n  %s: \"%s\"\n", Describe(step).c_str(),
                     Escape(expected).c_str(), hashkv.endpoint().name.c_str(), Escape(got).c_str());
      }
      std::string why;
      if (!RepliesMatch(step, expected, got, &why)) {
        if (++result.mismatches <= max_reported) {
          ADD_FAILURE() << Describe(step) << ": " << why << "\n  redis:  \"" << Escape(expected)
                        << "\"\n  hashkv: \"" << Escape(got) << "\"";
        }
      }
      if (step.closes) {
        std::string detail;
        bool redis_closed = redis.ExpectClosed(step, &detail);
        bool hashkv_closed = hashkv.ExpectClosed(step, &detail);
        if (!redis_closed || !hashkv_closed) {
          ++result.mismatches;
          ADD_FAILURE() << Describe(step) << ": after the reply: " << detail;
        }
      }
    }
    start = end;
  }
  if (result.mismatches > max_reported) {
    ADD_FAILURE() << result.mismatches - max_reported << " more mismatches not shown";
  }
  return result;
}

void CompatTest::SetUp() {
  std::string error;
  ASSERT_TRUE(CompatServers::Get().Ensure(&error)) << error;
  servers_up_ = true;
  for (const Endpoint* e : {&redis(), &hashkv()}) {
    Connection conn;
    std::string reply;
    ASSERT_TRUE(conn.Connect(e->port, &error) && conn.Command({"FLUSHALL"}, &reply, &error))
        << e->name << ": " << error;
    ASSERT_EQ(reply, "+OK\r\n") << e->name << ": FLUSHALL";
  }
}

void CompatTest::TearDown() {
  std::string how;
  if (!servers_up_) return;
  if (!CompatServers::Get().HashkvRunning(&how)) {
    ADD_FAILURE() << "hashkv-server is no longer running (" << how << "); end of its log:\n"
                  << CompatServers::Get().HashkvLogTail();
  }
}

}  // namespace hashkv::compat
