// Scenario parsing, the Redis-side HGETSET emulation, reply comparison and the step runner.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <utility>

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
    const Reply& e = r.elements[i];
    // RESP3 HRANDFIELD ... WITHVALUES: [field, value] arrays keep their own order.
    std::string item =
        pairs && e.type == '*' && e.elements.size() == 2 ? e.raw : Canonical(e, false);
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
                   std::string* error, ScenarioOptions* options) {
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
      } else if (marker == "!noreply") {
        step.no_reply = true;
      } else if (marker.size() == 6 && marker.substr(0, 5) == "!conn" && marker[5] >= '1' &&
                 marker[5] <= '9') {
        step.conn = marker[5] - '0';
      } else if (marker.substr(0, 5) == "!set:" && marker.size() > 5 && marker.find('=') != 5 &&
                 marker.back() != '=') {
        step.capture = std::string(marker.substr(5));
      } else {
        *error = where + ": unknown marker '" + std::string(marker) + "'";
        return false;
      }
      skip_space();
    }
    if (step.no_reply && (step.closes || !step.capture.empty())) {
      *error = where + ": !noreply cannot be combined with !closes or !set";
      return false;
    }
    const bool plain = step.compare == Compare::kExact && !is_inline && !step.resp3 &&
                       !step.closes && !step.no_reply && step.capture.empty() && step.conn == 1;
    long repeat = 0;  // 0: no directive, no expansion
    if (!rest.empty() && rest.front() == '@') {
      std::string_view directive = take_token();
      skip_space();
      if (directive == "@requirepass") {
        std::string_view password = take_token();
        skip_space();
        if (options == nullptr || !steps->empty() || !plain || password.empty() || !rest.empty()) {
          *error = where +
                   ": @requirepass takes one password and comes before the first command, in "
                   "a scenario file";
          return false;
        }
        options->requirepass = std::string(password);
        continue;
      }
      if (directive == "@closed") {
        if (!rest.empty() || step.compare != Compare::kExact || is_inline || step.closes ||
            step.no_reply || !step.capture.empty()) {
          *error = where + ": @closed takes only !connN and !resp3";
          return false;
        }
        step.expect_closed = true;
        step.text = "@closed";
        steps->push_back(std::move(step));
        continue;
      }
      if (directive == "@sleep") {
        std::string_view ms = take_token();
        skip_space();
        if (std::from_chars(ms.data(), ms.data() + ms.size(), step.sleep_ms).ptr !=
                ms.data() + ms.size() ||
            step.sleep_ms < 1 || step.sleep_ms > 5000 || !rest.empty() || !plain) {
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
    step.uses_vars = std::any_of(args.begin(), args.end(), [](const std::string& a) {
      return a.find("{$") != std::string::npos;
    });
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

std::string MaskHelloId(std::string_view raw) {
  Reply tree;
  size_t length = 0;
  std::string error;
  if (ParseReply(raw, &length, &tree, &error) != ParseStatus::kComplete || length != raw.size() ||
      (tree.type != '%' && tree.type != '*') || tree.is_null || tree.elements.size() % 2 != 0 ||
      !tree.attribute.empty()) {
    return std::string(raw);
  }
  std::string out(raw.substr(0, raw.find("\r\n") + 2));
  for (size_t i = 0; i < tree.elements.size(); i += 2) {
    const Reply& key = tree.elements[i];
    const Reply& value = tree.elements[i + 1];
    out += key.raw;
    const bool is_id = (key.type == '$' || key.type == '+') && key.value == "id";
    out += is_id && value.type == ':' ? std::string(":0\r\n") : value.raw;
  }
  return out;
}

bool Side::SendHello(Link& link, std::string* error) {
  std::string reply;
  if (!link.conn.Command({"HELLO", "3"}, &reply, error)) {
    *error = "HELLO 3: " + *error;
    link.conn.Close();
    return false;
  }
  if (!reply.empty() && reply[0] == '-') {
    link.upgrade_pending = true;  // a password server before AUTH; compared like any reply
  } else if (!reply.empty() && reply[0] == '%') {
    link.upgrade_pending = false;
  } else {
    *error = "HELLO 3 did not answer with a map or an error: " + Escape(reply);
    link.conn.Close();
    return false;
  }
  hello_ += reply;
  return true;
}

Connection* Side::Open(int link_id, std::string* error) {
  Link& link = links_[link_id];
  if (link.conn.connected()) return &link.conn;
  link.upgrade_pending = false;
  if (!link.conn.Connect(endpoint_.port, error)) return nullptr;
  if (WantsResp3(link_id) && !SendHello(link, error)) return nullptr;
  return &link.conn;
}

bool Side::Substitute(const std::vector<std::string>& in, std::vector<std::string>* out,
                      std::string* error) const {
  *out = in;
  for (std::string& arg : *out) {
    size_t pos = 0;
    while ((pos = arg.find("{$", pos)) != std::string::npos) {
      const size_t close = arg.find('}', pos);
      if (close == std::string::npos) break;
      const std::string name = arg.substr(pos + 2, close - pos - 2);
      auto it = vars_.find(name);
      if (it == vars_.end()) {
        *error = "{$" + name + "} was not set by an earlier !set:" + name;
        return false;
      }
      arg.replace(pos, close - pos + 1, it->second);
      pos += it->second.size();
    }
  }
  return true;
}

void Side::Capture(const std::string& spec, std::string_view reply) {
  Reply tree;
  size_t length = 0;
  std::string error;
  std::string value;
  if (ParseReply(reply, &length, &tree, &error) == ParseStatus::kComplete) {
    value = tree.value;
    if (tree.type == '=' && value.size() >= 4) value.erase(0, 4);  // "txt:"
  }
  const size_t eq = spec.find('=');
  if (eq != std::string::npos) {
    // FIELD=value out of a CLIENT INFO / CLIENT LIST line.
    const std::string field = spec.substr(eq + 1) + "=";
    size_t at = value.rfind(field, 0) == 0 ? 0 : value.find(" " + field);
    if (at == std::string::npos) {
      value.clear();
    } else {
      if (at > 0 || value[0] == ' ') ++at;
      at += field.size();
      value = value.substr(at, value.find_first_of(" \n", at) - at);
    }
  }
  vars_[spec.substr(0, eq)] = value;
}

bool Side::Send(const Step& step, std::string* error) {
  const int link_id = LinkId(step);
  Connection* conn = Open(link_id, error);
  if (conn == nullptr) return false;
  std::vector<std::string> split;
  const std::vector<std::string>* args = &step.args;
  if (step.uses_vars) {
    if (!Substitute(step.args, &split, error)) return false;
    args = &split;
  }
  if (!step.inline_bytes.empty()) {
    std::string_view line(step.inline_bytes);
    line.remove_suffix(2);
    if (!SplitInlineArgs(line, split)) split.clear();
    args = &split;
  }
  const bool is_auth = !args->empty() && Upper((*args)[0]) == "AUTH";
  if (endpoint_.is_redis && IsHGetSet(*args)) {
    if (args->size() != 4) {
      pending_.push_back({Kind::kSynthetic, link_id, kHGetSetArity, step.capture});
      return true;
    }
    const std::string& key = (*args)[1];
    const std::string& field = (*args)[2];
    std::string request = EncodeCommand({"MULTI"}) + EncodeCommand({"HGET", key, field}) +
                          EncodeCommand({"HSET", key, field, (*args)[3]}) + EncodeCommand({"EXEC"});
    pending_.push_back({Kind::kEmulated, link_id, "", step.capture});
    return conn->Write(request, error);
  }
  pending_.push_back(
      {step.no_reply ? Kind::kNone : Kind::kPlain, link_id, "", step.capture, is_auth});
  return conn->Write(step.inline_bytes.empty() ? EncodeCommand(*args) : step.inline_bytes, error);
}

bool Side::Receive(std::string* reply, std::string* error) {
  if (pending_.empty()) {
    *error = "no request pending";
    return false;
  }
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  Link& link = links_[p.link];
  switch (p.kind) {
    case Kind::kNone:
      reply->clear();
      return true;
    case Kind::kSynthetic:
      *reply = p.synthetic;
      break;
    case Kind::kPlain:
      if (!link.conn.ReadReply(reply, error)) return false;
      break;
    case Kind::kEmulated: {
      std::string got[4];  // MULTI, HGET, HSET, EXEC
      for (std::string& r : got) {
        if (!link.conn.ReadReply(&r, error)) return false;
      }
      if (got[0] == "+OK\r\n" && got[1] == "+QUEUED\r\n" && got[2] == "+QUEUED\r\n") {
        Reply tree;
        size_t length = 0;
        if (ParseReply(got[3], &length, &tree, error) != ParseStatus::kComplete ||
            tree.type != '*' || tree.elements.size() != 2) {
          *error = "HGETSET emulation: unexpected EXEC reply " + Escape(got[3]);
          return false;
        }
        *reply = tree.elements[0].raw;
      } else if (!got[0].empty() && got[0][0] == '-' && got[1] == got[0]) {
        // Refused before running (NOAUTH): HGETSET must be refused the same way.
        *reply = got[0];
      } else {
        *error = "HGETSET emulation (not possible inside MULTI or with CLIENT REPLY): got " +
                 Escape(got[0] + got[1] + got[2] + got[3]);
        return false;
      }
      break;
    }
  }
  if (!p.capture.empty()) Capture(p.capture, *reply);
  // The RESP3 pass against a password server: once AUTH succeeds, the HELLO 3 that was refused
  // is sent again (only when nothing else is in flight on the connection).
  if (p.is_auth && link.upgrade_pending && *reply == "+OK\r\n" &&
      std::none_of(pending_.begin(), pending_.end(),
                   [&p](const Pending& q) { return q.link == p.link; })) {
    if (!SendHello(link, error)) return false;
  }
  if (link.upgrade_pending && !reply->empty() && (*reply)[0] == '%') {
    link.upgrade_pending = false;  // the scenario's own HELLO chose RESP3
  }
  return true;
}

std::string Side::TakeHello() { return std::exchange(hello_, std::string()); }

bool Side::ExpectClosed(const Step& step, std::string* detail) {
  auto note = [detail](const std::string& s) { *detail += (detail->empty() ? "" : "; ") + s; };
  auto it = links_.find(LinkId(step));
  if (it == links_.end()) {
    note(endpoint_.name + ": the connection was never opened");
    return false;
  }
  Connection& conn = it->second.conn;
  std::string extra;
  bool closed = conn.WaitClosed(&extra);
  if (!closed) note(endpoint_.name + " kept the connection open");
  if (!extra.empty()) {
    note(endpoint_.name + " sent more bytes: " + Escape(extra));
    closed = false;
  }
  conn.Close();
  return closed;
}

bool Side::ExpectSilent(const Step& step, std::string* extra) {
  auto it = links_.find(LinkId(step));
  if (it == links_.end() || !it->second.conn.connected()) return true;
  std::string got;
  if (it->second.conn.WaitClosed(&got, /*timeout_ms=*/25)) {
    *extra = got + " (and closed the connection)";
    return false;
  }
  *extra = got;
  return got.empty();
}

void Side::Reset() {
  for (auto& [id, link] : links_) link.conn.Close();
  pending_.clear();
  hello_.clear();
}

bool RepliesMatch(const Step& step, std::string_view expected, std::string_view got,
                  std::string* why) {
  switch (step.compare) {
    case Compare::kExact:
      if (expected == got) return true;
      if (!step.args.empty() && Upper(step.args[0]) == "HELLO" &&
          MaskHelloId(expected) == MaskHelloId(got)) {
        return true;
      }
      *why = "replies differ";
      return false;
    case Compare::kTypeOnly:
      if (expected.empty() || got.empty() || expected[0] != got[0]) {
        *why = "reply types differ";
        return false;
      }
      if (expected[0] == '=') {
        // A verbatim string's format ("txt:") is part of its shape.
        const size_t e = expected.find("\r\n");
        const size_t g = got.find("\r\n");
        if (e == std::string_view::npos || g == std::string_view::npos ||
            expected.substr(e + 2, 4) != got.substr(g + 2, 4)) {
          *why = "verbatim formats differ";
          return false;
        }
      }
      return true;
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
  auto report = [&result, max_reported](const std::string& message) {
    if (++result.mismatches <= max_reported) ADD_FAILURE() << message;
  };
  // A HELLO 3 a side sent by itself (a connection opening in RESP3, or the switch after AUTH)
  // must get the same answer, ids aside.
  auto check_hello = [&](const Step& step) {
    const std::string expected = redis.TakeHello();
    const std::string got = hashkv.TakeHello();
    if (expected.empty() && got.empty()) return;
    if (Trace()) {
      std::fprintf(stderr, "%s (HELLO 3 first)\n  redis:  \"%s\"\n  %s: \"%s\"\n",
                   Describe(step).c_str(), Escape(expected).c_str(), hashkv.endpoint().name.c_str(),
                   Escape(got).c_str());
    }
    if (MaskHelloId(expected) != MaskHelloId(got)) {
      report(Describe(step) + ": the HELLO 3 sent on the connection first differs (ids aside)" +
             "\n  redis:  \"" + Escape(expected) + "\"\n  hashkv: \"" + Escape(got) + "\"");
    }
  };
  size_t start = 0;
  while (start < steps.size()) {
    if (steps[start].sleep_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(steps[start].sleep_ms));
      ++start;
      continue;
    }
    if (steps[start].expect_closed) {
      const Step& step = steps[start++];
      std::string detail;
      const bool redis_closed = redis.ExpectClosed(step, &detail);
      const bool hashkv_closed = hashkv.ExpectClosed(step, &detail);
      ++result.steps_run;
      if (!redis_closed || !hashkv_closed) report(Describe(step) + ": " + detail);
      continue;
    }
    size_t end = start;
    while (end < steps.size() && end - start < batch && steps[end].sleep_ms == 0 &&
           !steps[end].expect_closed) {
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
      check_hello(steps[i]);
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
        report(Describe(step) + ": " + why + "\n  redis:  \"" + Escape(expected) +
               "\"\n  hashkv: \"" + Escape(got) + "\"");
      }
      check_hello(step);
      if (step.no_reply && end - start == 1) {
        std::string redis_extra;
        std::string hashkv_extra;
        const bool redis_silent = redis.ExpectSilent(step, &redis_extra);
        const bool hashkv_silent = hashkv.ExpectSilent(step, &hashkv_extra);
        if (!redis_silent || !hashkv_silent) {
          report(Describe(step) + ": no reply expected\n  redis:  \"" + Escape(redis_extra) +
                 "\"\n  hashkv: \"" + Escape(hashkv_extra) + "\"");
        }
      }
      if (step.closes) {
        std::string detail;
        bool redis_closed = redis.ExpectClosed(step, &detail);
        bool hashkv_closed = hashkv.ExpectClosed(step, &detail);
        if (!redis_closed || !hashkv_closed) {
          report(Describe(step) + ": after the reply: " + detail);
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

namespace {

// FLUSHALL on a fresh connection, after AUTH on a password server.
bool Flush(const Endpoint& endpoint, const std::string& password, std::string* error) {
  Connection conn;
  std::string reply;
  if (!conn.Connect(endpoint.port, error)) return false;
  if (!password.empty()) {
    if (!conn.Command({"AUTH", password}, &reply, error)) return false;
    if (reply != "+OK\r\n") {
      *error = "AUTH with the --requirepass password answered \"" + Escape(reply) + "\"";
      return false;
    }
  }
  if (!conn.Command({"FLUSHALL"}, &reply, error)) return false;
  if (reply != "+OK\r\n") {
    *error = "FLUSHALL answered \"" + Escape(reply) + "\"";
    return false;
  }
  return true;
}

}  // namespace

void CompatTest::SetUp() {
  std::string error;
  ASSERT_TRUE(pair_->Ensure(&error)) << error;
  used_.push_back(pair_);
  for (const Endpoint* e : {&redis(), &hashkv()}) {
    ASSERT_TRUE(Flush(*e, "", &error)) << e->name << ": " << error;
  }
}

::testing::AssertionResult CompatTest::UsePasswordPair(const std::string& password) {
  CompatServers& pair = CompatServers::WithPassword(password);
  std::string error;
  if (!pair.Ensure(&error)) {
    return ::testing::AssertionFailure() << "the --requirepass pair: " << error;
  }
  used_.push_back(&pair);
  pair_ = &pair;
  for (const Endpoint* e : {&redis(), &hashkv()}) {
    if (!Flush(*e, password, &error)) {
      return ::testing::AssertionFailure() << e->name << " (--requirepass): " << error;
    }
  }
  return ::testing::AssertionSuccess();
}

void CompatTest::TearDown() {
  for (CompatServers* pair : used_) {
    std::string how;
    if (!pair->HashkvRunning(&how)) {
      ADD_FAILURE() << "hashkv-server" << (pair->requirepass().empty() ? "" : " (--requirepass)")
                    << " is no longer running (" << how << "); end of its log:\n"
                    << pair->HashkvLogTail();
    }
  }
}

}  // namespace hashkv::compat
