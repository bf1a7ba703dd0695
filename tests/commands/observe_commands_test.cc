// MONITOR, SLOWLOG, LATENCY, DEBUG, OBJECT IDLETIME, INFO commandstats/errorstats and their
// CONFIG options through the in-process engine, with Redis 7.0.15's bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "commands/engine_support.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

using testing::EngineDriver;

// A parsed reply, enough to look inside SLOWLOG GET and LATENCY HISTOGRAM.
struct Reply {
  char type = 0;
  std::string str;
  int64_t integer = 0;
  std::vector<Reply> elems;
};

Reply Parse(std::string_view raw, size_t* pos) {
  Reply r;
  r.type = raw[*pos];
  size_t eol = raw.find("\r\n", *pos);
  std::string line(raw.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  switch (r.type) {
    case '+':
    case '-':
      r.str = line;
      break;
    case ':':
      r.integer = std::stoll(line);
      break;
    case '$':
    case '=': {
      int64_t n = std::stoll(line);
      if (n < 0) break;
      r.str = std::string(raw.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
      break;
    }
    case '*':
    case '%': {
      int64_t n = std::stoll(line) * (r.type == '%' ? 2 : 1);
      for (int64_t i = 0; i < n; ++i) r.elems.push_back(Parse(raw, pos));
      break;
    }
    default:
      break;
  }
  return r;
}

Reply Parse(std::string_view raw) {
  size_t pos = 0;
  Reply r = Parse(raw, &pos);
  EXPECT_EQ(pos, raw.size()) << raw;
  return r;
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string InfoText(EngineDriver& d, std::string_view section) {
  return Parse(d.Run({"INFO", section})).str;
}

// A connection's side of a session: what MONITOR lines were pushed to it.
class FakeHooks : public ConnectionHooks {
 public:
  void Push(std::string_view bytes) override { pushed.append(bytes); }
  void Kill() override { killed = true; }

  // The pushed lines, each with its timestamp checked and removed.
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    static const std::regex kLine(R"(^\+\d{10,}\.\d{6} (\[.*)$)");
    size_t pos = 0;
    while (pos < pushed.size()) {
      size_t eol = pushed.find("\r\n", pos);
      EXPECT_NE(eol, std::string::npos);
      std::string line = pushed.substr(pos, eol - pos);
      std::smatch m;
      EXPECT_TRUE(std::regex_match(line, m, kLine)) << line;
      lines.push_back(m[1]);
      pos = eol + 2;
    }
    pushed.clear();
    return lines;
  }

  std::string pushed;
  bool killed = false;
};

// A second client of the driver's engine.
class Client {
 public:
  Client(Engine& engine, std::string addr) : session_(engine.NewSession(std::move(addr))) {}
  std::string Run(std::initializer_list<std::string_view> argv) {
    std::vector<std::string_view> args(argv);
    std::string out;
    session_->engine_for_test();
    return out;
  }
  Session& session() { return *session_; }

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace
}  // namespace hashkv
