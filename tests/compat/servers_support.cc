// Starting, health-checking and stopping the redis-server / hashkv-server pair.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "compat/connection.h"
#include "compat/servers.h"

namespace hashkv::compat {
namespace {

constexpr int kStartAttempts = 5;
constexpr auto kStartTimeout = std::chrono::seconds(10);

// Stops the servers once every test has run.
class ServersEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { CompatServers::StopAll(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

// Every pair ever asked for, by password ("" for the plain one); never freed, as the servers
// outlive the tests' static destructors.
std::map<std::string, CompatServers*>& Pairs() {
  static auto* pairs = new std::map<std::string, CompatServers*>();
  return *pairs;
}

}  // namespace

CompatServers& CompatServers::Get() { return WithPassword(""); }

CompatServers& CompatServers::WithPassword(const std::string& password) {
  CompatServers*& pair = Pairs()[password];
  if (pair == nullptr) pair = new CompatServers(password);
  return *pair;
}

void CompatServers::StopAll() {
  for (auto& [password, pair] : Pairs()) pair->Stop();
}

bool CompatServers::Locate(std::string* error) {
  if (located_) return true;
  std::string redis = FindOnPath("redis-server");
  if (redis.empty()) {
    *error =
        "redis-server was not found on PATH. The compat suite compares hashkv with a real "
        "Redis 7.0 and cannot run without one: install it (Debian: apt-get install "
        "redis-server) or put it on PATH.";
    return false;
  }
  std::string hashkv;
  if (EnvFlag("HASHKV_COMPAT_AGAINST_REDIS")) {
    // Harness self-check: both sides are Redis, so every scenario must pass.
    hashkv = redis;
  } else if (const char* env = std::getenv("HASHKV_SERVER"); env != nullptr && *env != '\0') {
    hashkv = env;
  } else {
    hashkv = SelfDir() + "/../hashkv-server";
  }
  if (access(hashkv.c_str(), X_OK) != 0) {
    *error = "hashkv-server not found or not executable at '" + hashkv +
             "'; set HASHKV_SERVER to its path (ctest sets it).";
    return false;
  }
  dir_ = MakeTempDir(requirepass_.empty() ? "servers" : "servers-auth");
  if (dir_.empty()) {
    *error = "cannot create a temp directory for the servers";
    return false;
  }
  redis_.endpoint = {"redis", 0, true};
  redis_.binary = redis;
  redis_.redis_flags = true;
  redis_.log_path = dir_ + "/redis.log";
  const bool twin = hashkv == redis;
  hashkv_.endpoint = {twin ? "hashkv(redis)" : "hashkv", 0, twin};
  hashkv_.binary = hashkv;
  hashkv_.redis_flags = twin;
  hashkv_.log_path = dir_ + "/hashkv.log";
  located_ = true;
  return true;
}

bool CompatServers::StartOne(Server& server, std::string* error) {
  std::string last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    const int port = PickFreePort();
    if (port == 0) {
      last_error = "no free port";
      continue;
    }
    std::vector<std::string> argv = {server.binary, "--port", std::to_string(port), "--bind",
                                     "127.0.0.1"};
    if (server.redis_flags) {
      argv.insert(argv.end(), {"--save", "", "--appendonly", "no"});
    }
    if (!requirepass_.empty()) argv.insert(argv.end(), {"--requirepass", requirepass_});
    if (!server.process.Start(argv, dir_, server.log_path, &last_error)) continue;
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    bool up = false;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string how;
      if (!server.process.Running(&how)) {
        last_error = server.endpoint.name + " exited during start-up (" + how + ")";
        break;
      }
      Connection conn;
      std::string reply;
      std::string err;
      if (conn.Connect(port, &err)) {
        // Any complete reply means the server is serving; a wrong one is for the tests to
        // report, not a reason to restart it.
        if (conn.Command({"PING"}, &reply, &err)) {
          up = true;
          break;
        }
        last_error = server.endpoint.name + " did not answer PING: " + err;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (up) {
      server.endpoint.port = port;
      return true;
    }
    if (server.process.Running()) last_error += " (no PONG within 10 s)";
    server.process.Terminate();
  }
  *error = "cannot start " + server.endpoint.name + " (" + server.binary + "): " + last_error +
           "\n--- end of its log (" + server.log_path + ") ---\n" + TailOfFile(server.log_path);
  return false;
}

bool CompatServers::Ensure(std::string* error) {
  if (!Locate(error)) return false;
  for (Server* server : {&redis_, &hashkv_}) {
    if (!server->process.Running() && !StartOne(*server, error)) return false;
  }
  return true;
}

void CompatServers::Stop() {
  redis_.process.Terminate();
  hashkv_.process.Terminate();
  if (!dir_.empty() && !EnvFlag("HASHKV_COMPAT_KEEP_LOGS")) RemoveTree(dir_);
  dir_.clear();
  located_ = false;
}

bool CompatServers::HashkvRunning(std::string* how) { return hashkv_.process.Running(how); }

std::string CompatServers::HashkvLogTail() { return TailOfFile(hashkv_.log_path); }

}  // namespace hashkv::compat
