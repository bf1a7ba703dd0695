// Soak: connections come and go at random (QUIT, close, reset, half a command) while each runs
// random hash commands on keys of its own slot, checked against a model of that slot, and the
// server's RSS is sampled. ~60 s in ctest; HASHKV_SOAK_SECONDS=600 for the documented long run.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "compat/connection.h"
#include "compat/resp_reply.h"
#include "stress/stress_support.h"

namespace hashkv::stress {
namespace {

using compat::EncodeCommand;
using Clock = std::chrono::steady_clock;
using Hash = std::vector<std::pair<std::string, std::string>>;  // in insertion order

constexpr int kKeysPerSlot = 4;
constexpr long kMiB = 1024;  // RssKb() units

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string Int(long long n) { return ":" + std::to_string(n) + "\r\n"; }
constexpr std::string_view kNull = "$-1\r\n";

// Redis's string2ll acceptance for the values this test generates.
bool IsStrictInt(const std::string& s, long long* out) {
  if (s.empty() || s.size() > 19) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size() || (s[i] == '0' && s.size() > i + 1) || s == "-0") return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  *out = std::stoll(s);
  return true;
}

// What a reply must be: exact bytes, any integer (ids, counts of an unknown state), or a flat
// field/value array compared as a set of pairs (HGETALL's order is the encoding's business).
struct Expect {
  enum Kind { kExact, kAnyInteger, kPairs } kind = kExact;
  std::string bytes;  // kExact: the reply; kPairs: the sorted pairs, one "field\0value\n" each
  std::string command;
  bool client_id = false;  // the integer is this connection's CLIENT ID
};

std::string PairsKey(Hash h) {
  std::sort(h.begin(), h.end());
  std::string out;
  for (auto& [f, v] : h) out += f + '\0' + v + '\n';
  return out;
}

// The keys of one slot, owned by at most one connection at a time. A slot whose owner vanished
// with commands in flight is dirty: the next owner first makes sure that client is gone (CLIENT
// KILL ID, after which none of its commands can still run) and deletes the keys.
struct Slot {
  std::array<Hash, kKeysPerSlot> keys;
  bool busy = false;
  bool dirty = false;
  long long old_client = -1;
};

struct SoakConn {
  int fd = -1;
  int slot = -1;
  long long client_id = -1;
  std::deque<Expect> expects;
  std::string out;
  compat::ReplyReader reader;
  bool quitting = false;     // sent QUIT: +OK, then the server closes
  Clock::time_point wake{};  // think time: no new batch before this
};

class Soak {
 public:
  Soak(int port, uint64_t seed, int slots) : port_(port), rng_(seed), slots_(slots) {}

  std::string Key(int slot, int k) const {
    return "soak:" + std::to_string(slot) + ":" + std::to_string(k);
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::string RandomValue(bool big_field) {
    if (big_field && Chance(0.3)) return std::string(1024 + Pick(15 * 1024), 'a' + Pick(26));
    if (Chance(0.5)) return std::to_string(Pick(2001) - 1000);
    std::string s = "s";
    int n = 1 + Pick(20);
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + Pick(26)));
    return s;
  }
  std::string RandomField() { return Chance(0.05) ? "big" : "f" + std::to_string(Pick(8)); }

  static std::string* Find(Hash& h, const std::string& f) {
    for (auto& [field, value] : h) {
      if (field == f) return &value;
    }
    return nullptr;
  }

  void Add(SoakConn& c, std::vector<std::string> args, Expect e) {
    e.command = args[0];
    c.out += EncodeCommand(args);
    c.expects.push_back(std::move(e));
  }
  void AddExact(SoakConn& c, std::vector<std::string> args, std::string reply) {
    Add(c, std::move(args), Expect{Expect::kExact, std::move(reply), "", false});
  }

  // One random command on the connection's slot, with the model updated as the server will.
  void RandomCommand(SoakConn& c) {
    Slot& slot = slots_[static_cast<size_t>(c.slot)];
    const int k = Pick(kKeysPerSlot);
    Hash& h = slot.keys[static_cast<size_t>(k)];
    const std::string key = Key(c.slot, k);
    const std::string f = RandomField();
    switch (Pick(13)) {
      case 0:
      case 1:
      case 2: {  // HSET with 1-3 pairs, a field repeated within one command counted once
        std::vector<std::string> args = {"HSET", key};
        int added = 0;
        for (int n = 1 + Pick(3); n > 0; --n) {
          std::string field = RandomField();
          std::string value = RandomValue(field == "big");
          args.push_back(field);
          args.push_back(value);
          if (std::string* v = Find(h, field)) {
            *v = value;
          } else {
            h.emplace_back(field, value);
            ++added;
          }
        }
        AddExact(c, std::move(args), Int(added));
        break;
      }
      case 3: {
        const std::string* v = Find(h, f);
        AddExact(c, {"HGET", key, f}, v ? Bulk(*v) : std::string(kNull));
        break;
      }
      case 4: {  // HDEL of 1-2 fields; the emptied hash disappears
        std::vector<std::string> args = {"HDEL", key, f};
        if (Chance(0.5)) args.push_back(RandomField());
        int removed = 0;
        for (size_t i = 2; i < args.size(); ++i) {
          auto it = std::find_if(h.begin(), h.end(), [&](auto& p) { return p.first == args[i]; });
          if (it != h.end()) {
            h.erase(it);
            ++removed;
          }
        }
        AddExact(c, std::move(args), Int(removed));
        break;
      }
      case 5: {
        const int by = Pick(201) - 100;
        std::string* v = Find(h, f);
        long long now = 0;
        if (v != nullptr && !IsStrictInt(*v, &now)) {
          AddExact(c, {"HINCRBY", key, f, std::to_string(by)},
                   "-ERR hash value is not an integer\r\n");
          break;
        }
        now += by;
        if (v != nullptr) {
          *v = std::to_string(now);
        } else {
          h.emplace_back(f, std::to_string(now));
        }
        AddExact(c, {"HINCRBY", key, f, std::to_string(by)}, Int(now));
        break;
      }
      case 6:
        AddExact(c, {"HLEN", key}, Int(static_cast<long long>(h.size())));
        break;
      case 7:
        AddExact(c, {"HEXISTS", key, f}, Int(Find(h, f) ? 1 : 0));
        break;
      case 8: {
        const std::string g = RandomField();
        const std::string* a = Find(h, f);
        const std::string* b = Find(h, g);
        AddExact(
            c, {"HMGET", key, f, g},
            "*2\r\n" + (a ? Bulk(*a) : std::string(kNull)) + (b ? Bulk(*b) : std::string(kNull)));
        break;
      }
      case 9:
        if (h.empty()) {
          AddExact(c, {"HGETALL", key}, "*0\r\n");
        } else {
          Add(c, {"HGETALL", key}, Expect{Expect::kPairs, PairsKey(h), "", false});
        }
        break;
      case 10: {
        const std::string* v = Find(h, f);
        AddExact(c, {"HSTRLEN", key, f}, Int(v ? static_cast<long long>(v->size()) : 0));
        break;
      }
      case 11: {
        const std::string value = RandomValue(f == "big");
        const bool set = Find(h, f) == nullptr;
        if (set) h.emplace_back(f, value);
        AddExact(c, {"HSETNX", key, f, value}, Int(set ? 1 : 0));
        break;
      }
      default:
        if (Chance(0.3)) {
          AddExact(c, {"DEL", key}, Int(h.empty() ? 0 : 1));
          h.clear();
        } else {
          AddExact(c, {"EXISTS", key}, Int(h.empty() ? 0 : 1));
        }
        break;
    }
  }

  // A new connection owning a free slot; nullptr if none is free or the connect failed.
  std::unique_ptr<SoakConn> Open() {
    std::vector<int> free;
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
      if (!slots_[static_cast<size_t>(i)].busy) free.push_back(i);
    }
    if (free.empty()) return nullptr;
    auto c = std::make_unique<SoakConn>();
    c->fd = ConnectLoopback(port_);
    if (c->fd < 0) {
      Fail("connect: " + std::string(std::strerror(errno)));
      return nullptr;
    }
    SetNonBlocking(c->fd);
    ++opened_;
    c->slot = free[static_cast<size_t>(Pick(static_cast<int>(free.size())))];
    Slot& slot = slots_[static_cast<size_t>(c->slot)];
    slot.busy = true;
    Add(*c, {"CLIENT", "ID"}, Expect{Expect::kAnyInteger, "", "", true});
    if (slot.dirty) {
      Add(*c, {"CLIENT", "KILL", "ID", std::to_string(slot.old_client)},
          Expect{Expect::kAnyInteger, "", "", false});
      std::vector<std::string> del = {"DEL"};
      for (int k = 0; k < kKeysPerSlot; ++k) del.push_back(Key(c->slot, k));
      Add(*c, std::move(del), Expect{Expect::kAnyInteger, "", "", false});
      for (Hash& h : slot.keys) h.clear();
      slot.dirty = false;
    }
    return c;
  }

  void Batch(SoakConn& c, int max_commands) {
    for (int n = 1 + Pick(max_commands); n > 0; --n) RandomCommand(c);
  }

  // Frees the slot of a connection that is going away; dirty when its commands' fate is unknown.
  void Release(SoakConn& c, bool dirty) {
    Slot& slot = slots_[static_cast<size_t>(c.slot)];
    slot.busy = false;
    if (dirty) {
      slot.dirty = true;
      slot.old_client = c.client_id;
    }
    close(c.fd);
    c.fd = -1;
  }

  bool Flush(SoakConn& c) {
    while (!c.out.empty()) {
      ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return true;
      if (n < 0) return Fail(std::string("send: ") + std::strerror(errno));
      c.out.erase(0, static_cast<size_t>(n));
    }
    return true;
  }

  // Reads and checks replies. Returns false when the connection is finished (QUIT completed)
  // or broken (a failure was recorded).
  bool Receive(SoakConn& c) {
    char buf[64 * 1024];
    std::string closed;  // why the connection ended, if it did
    for (;;) {
      ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n <= 0) {
        closed = n == 0 ? "EOF" : std::strerror(errno);
        break;
      }
      c.reader.Feed(std::string_view(buf, static_cast<size_t>(n)));
    }
    std::string raw, error;
    for (;;) {
      compat::ParseStatus st = c.reader.Next(&raw, &error);
      if (st == compat::ParseStatus::kIncomplete) break;
      if (st == compat::ParseStatus::kMalformed) return Fail("malformed reply: " + error);
      if (c.expects.empty()) return Fail("unexpected reply " + compat::Escape(raw, 80));
      Expect e = std::move(c.expects.front());
      c.expects.pop_front();
      ++replies_;
      if (!Check(c, e, raw)) return false;
    }
    if (closed.empty()) return true;
    if (closed == "EOF" && c.quitting && c.expects.empty()) return false;  // QUIT's orderly close
    return Fail(
        "connection " + std::to_string(c.client_id) + " ended (" + closed + ") with " +
        std::to_string(c.expects.size()) + " replies due" +
        (c.reader.pending().empty() ? "" : ", partial: " + compat::Escape(c.reader.pending(), 80)));
  }

  bool Check(SoakConn& c, const Expect& e, const std::string& raw) {
    switch (e.kind) {
      case Expect::kExact:
        if (raw == e.bytes) return true;
        return Fail(e.command + " on slot " + std::to_string(c.slot) + ": got " +
                    compat::Escape(raw, 120) + ", model says " + compat::Escape(e.bytes, 120));
      case Expect::kAnyInteger:
        if (raw.size() < 4 || raw[0] != ':') {
          return Fail(e.command + ": expected an integer, got " + compat::Escape(raw, 80));
        }
        if (e.client_id) c.client_id = std::stoll(raw.substr(1));
        return true;
      case Expect::kPairs: {
        compat::Reply tree;
        size_t len = 0;
        std::string error;
        if (compat::ParseReply(raw, &len, &tree, &error) != compat::ParseStatus::kComplete ||
            tree.type != '*' || tree.elements.size() % 2 != 0) {
          return Fail("HGETALL: not a flat array: " + compat::Escape(raw, 80));
        }
        Hash got;
        for (size_t i = 0; i < tree.elements.size(); i += 2) {
          got.emplace_back(tree.elements[i].value, tree.elements[i + 1].value);
        }
        if (PairsKey(got) == e.bytes) return true;
        return Fail("HGETALL on slot " + std::to_string(c.slot) + ": got " +
                    compat::Escape(raw, 160) + ", model has " + compat::Escape(e.bytes, 160));
      }
    }
    return false;
  }

  bool Fail(const std::string& why) {
    ++failures_;
    if (errors_.size() < 10) errors_.push_back(why);
    return false;
  }

  // Every modelled key compared with the server, over one connection, once nothing else runs.
  void VerifyAll() {
    auto c = std::make_unique<SoakConn>();
    c->fd = ConnectLoopback(port_);
    if (c->fd < 0) {
      Fail("verify connect failed");
      return;
    }
    for (int s = 0; s < static_cast<int>(slots_.size()); ++s) {
      Slot& slot = slots_[static_cast<size_t>(s)];
      if (slot.dirty) continue;
      c->slot = s;
      for (int k = 0; k < kKeysPerSlot; ++k) {
        const Hash& h = slot.keys[static_cast<size_t>(k)];
        if (h.empty()) {
          AddExact(*c, {"EXISTS", Key(s, k)}, ":0\r\n");
        } else {
          Add(*c, {"HGETALL", Key(s, k)}, Expect{Expect::kPairs, PairsKey(h), "", false});
        }
      }
      ++verified_slots_;
    }
    SendAll(c->fd, c->out);
    SetNonBlocking(c->fd);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!c->expects.empty() && Clock::now() < deadline) {
      pollfd p{c->fd, POLLIN, 0};
      poll(&p, 1, 100);
      if (!Receive(*c)) break;
    }
    if (!c->expects.empty())
      Fail("verification replies missing: " + std::to_string(c->expects.size()));
    close(c->fd);
  }

  int port_;
  std::mt19937_64 rng_;
  std::vector<Slot> slots_;
  long opened_ = 0;
  long replies_ = 0;
  long failures_ = 0;
  int verified_slots_ = 0;
  std::vector<std::string> errors_;
};

class SoakTest : public StressFixture {
 protected:
  // The server's descriptor count once the connection that asked INFO has surely been closed
  // on its side too: the least of a few samples.
  int SettledFds() {
    int least = OpenFds(pid());
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      least = std::min(least, OpenFds(pid()));
    }
    return least;
  }
};

TEST_F(SoakTest, RandomConnectsDisconnectsAndCommandsStayCorrectWithBoundedMemory) {
  const int seconds = std::max(5, EnvInt("HASHKV_SOAK_SECONDS", kSanitized ? 20 : 60));
  const int max_conns = std::max(10, EnvInt("HASHKV_SOAK_MAX_CONNECTIONS", 200));
  const uint64_t seed = static_cast<uint64_t>(
      EnvInt("HASHKV_SOAK_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  std::printf("soak: %d s, up to %d connections, HASHKV_SOAK_SEED=%llu\n", seconds, max_conns,
              static_cast<unsigned long long>(seed));
  RecordProperty("seed", std::to_string(seed));
  StartServer();
  ASSERT_TRUE(WaitForClients(1));
  const int fds_before = SettledFds();

  Soak soak(port(), seed, max_conns + max_conns / 2);
  std::vector<std::unique_ptr<SoakConn>> conns;
  int target = max_conns / 2;
  long quits = 0, resets = 0, closes = 0, halves = 0;
  std::vector<long> rss;  // one sample a second
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  const auto warm = start + std::chrono::seconds(std::max(3, seconds / 4));
  long rss_warm = -1;
  long rss_peak_after_warm = 0;
  auto next_sample = start;
  auto next_target = start;
  std::vector<pollfd> pfds;
  while (soak.failures_ == 0) {
    const auto now = Clock::now();
    const bool running = now < end;
    if (now >= next_sample) {
      rss.push_back(RssKb(pid()));
      if (now >= warm) {
        if (rss_warm < 0) rss_warm = rss.back();
        rss_peak_after_warm = std::max(rss_peak_after_warm, rss.back());
      }
      next_sample = now + std::chrono::seconds(1);
    }
    if (now >= next_target) {
      target = 10 + soak.Pick(max_conns - 9);
      next_target = now + std::chrono::seconds(2);
    }
    // Opens up to a few connections per turn toward the target.
    for (int n = 0; running && n < 8 && static_cast<int>(conns.size()) < target; ++n) {
      auto c = soak.Open();
      if (!c) break;
      soak.Batch(*c, 8);
      soak.Flush(*c);
      conns.push_back(std::move(c));
    }
    if (!running && conns.empty()) break;
    if (Clock::now() > end + std::chrono::seconds(30)) {
      soak.Fail("connections did not finish within 30 s of the end");
      break;
    }

    pfds.clear();
    for (auto& c : conns) {
      short events = POLLIN;
      if (!c->out.empty()) events |= POLLOUT;
      pfds.push_back(pollfd{c->fd, events, 0});
    }
    if (poll(pfds.data(), pfds.size(), 1) < 0 && errno != EINTR) {
      soak.Fail("poll failed");
      break;
    }
    const bool too_many = static_cast<int>(conns.size()) > target;
    std::vector<std::unique_ptr<SoakConn>> keep;
    keep.reserve(conns.size());
    for (size_t i = 0; i < conns.size(); ++i) {
      SoakConn& c = *conns[i];
      if (pfds[i].revents & POLLOUT) soak.Flush(c);
      if (pfds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
        if (!soak.Receive(c)) {
          if (soak.failures_ > 0) break;
          ++quits;
          soak.Release(c, false);  // QUIT answered and closed: every command ran
          continue;
        }
      }
      if (!c.expects.empty() || !c.out.empty() || c.quitting || Clock::now() < c.wake) {
        keep.push_back(std::move(conns[i]));
        continue;
      }
      // The batch is complete and checked: what next?
      const double leave = !running ? 1.0 : too_many ? 0.2 : 0.01;
      if (soak.Chance(leave)) {
        switch (running ? soak.Pick(4) : 0) {
          case 0:  // orderly: QUIT, +OK, the server closes
            soak.AddExact(c, {"QUIT"}, "+OK\r\n");
            c.quitting = true;
            soak.Flush(c);
            keep.push_back(std::move(conns[i]));
            continue;
          case 1: {  // half a command, then close: nothing of it may run
            const std::string half = "*4\r\n$4\r\nHSET\r\n$" +
                                     std::to_string(soak.Key(c.slot, 0).size()) + "\r\n" +
                                     soak.Key(c.slot, 0) + "\r\n$1\r\nx\r\n$5\r\nha";
            SendAll(c.fd, half);
            ++halves;
            soak.Release(c, false);
            continue;
          }
          case 2:  // a batch in flight, then close with the replies unread
          case 3:
            soak.Batch(c, 30);
            soak.Flush(c);
            if (soak.Pick(2) == 0) {
              ++resets;
              linger l{1, 0};
              setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
            } else {
              ++closes;
            }
            soak.Release(c, true);
            continue;
        }
      }
      soak.Batch(c, 16);
      soak.Flush(c);
      c.wake = Clock::now() + std::chrono::microseconds(soak.Pick(2000));
      keep.push_back(std::move(conns[i]));
    }
    if (soak.failures_ > 0) break;
    conns.swap(keep);
  }
  for (auto& c : conns) {
    if (c && c->fd >= 0) close(c->fd);
  }
  const double run_s = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(soak.failures_, 0) << ::testing::PrintToString(soak.errors_);

  soak.VerifyAll();
  EXPECT_EQ(soak.failures_, 0) << ::testing::PrintToString(soak.errors_);
  ExpectHealthy("the soak");
  const long rss_final = RssKb(pid());
  const int fds_after = SettledFds();
  std::printf(
      "soak: %.1f s, %ld connections opened (%ld QUIT, %ld closed and %ld reset with replies "
      "due, %ld left half a command), %ld replies checked, %d slots verified at the end; "
      "server RSS after warm-up %ld KiB, peak after warm-up %ld KiB, final %ld KiB; fds %d -> %d\n",
      run_s, soak.opened_, quits, closes, resets, halves, soak.replies_, soak.verified_slots_,
      rss_warm, rss_peak_after_warm, rss_final, fds_before, fds_after);
  RecordProperty("replies", std::to_string(soak.replies_));
  RecordProperty("rss_warm_kib", std::to_string(rss_warm));
  RecordProperty("rss_final_kib", std::to_string(rss_final));
  EXPECT_GT(soak.opened_, 100);
  EXPECT_GT(quits + closes + resets + halves, 50);
  // The data is bounded by the slots, so memory must plateau: the final RSS near the warm RSS.
  if (!kSanitized) {
    EXPECT_LE(rss_final, rss_warm * 3 / 2 + 16 * kMiB);
    EXPECT_LE(rss_peak_after_warm, rss_warm * 2 + 32 * kMiB);
  }
  EXPECT_LE(fds_after, fds_before) << "descriptors leaked";
}

}  // namespace
}  // namespace hashkv::stress
