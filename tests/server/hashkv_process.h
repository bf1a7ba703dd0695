// Starts the real hashkv-server binary on a free port (--port 0) for loopback tests, reading
// the chosen port from its start-up log as a CI script would.
#pragma once

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "compat/process.h"

namespace hashkv::testing {

class HashkvProcess {
 public:
  ~HashkvProcess() {
    process_.Terminate(2000);
    if (!dir_.empty()) compat::RemoveTree(dir_);
  }

  // Starts the server with extra flags; false with *error if it does not become ready. A
  // `shell_prefix` ("ulimit -n 100") runs first in /bin/sh, as a service manager's would.
  bool Start(const std::vector<std::string>& flags, std::string* error,
             const std::string& shell_prefix = "") {
    const char* env = std::getenv("HASHKV_SERVER");
    std::string binary =
        env != nullptr && *env != '\0' ? env : compat::SelfDir() + "/../hashkv-server";
    dir_ = compat::MakeTempDir("hashkv-server-test");
    log_ = dir_ + "/server.log";
    std::vector<std::string> argv = {binary, "--port", "0"};
    if (!shell_prefix.empty()) {
      argv.insert(argv.begin(), {"/bin/sh", "-c", shell_prefix + " && exec \"$0\" \"$@\""});
    }
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (!process_.Start(argv, dir_, log_, error)) return false;
    const std::regex port_line(R"(Running mode=standalone, port=(\d+)\.)");
    for (int i = 0; i < 500; ++i) {
      std::string log = compat::ReadFileOrEmpty(log_);
      std::smatch m;
      if (log.find("Ready to accept connections tcp") != std::string::npos &&
          std::regex_search(log, m, port_line)) {
        port_ = std::stoi(m[1]);
        return true;
      }
      std::string how;
      if (!process_.Running(&how)) {
        *error = "hashkv-server exited (" + how + "): " + log;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    *error = "hashkv-server did not become ready: " + compat::ReadFileOrEmpty(log_);
    return false;
  }

  int port() const { return port_; }
  std::string log() const { return compat::ReadFileOrEmpty(log_); }
  compat::ChildProcess& process() { return process_; }

 private:
  compat::ChildProcess process_;
  std::string dir_;
  std::string log_;
  int port_ = 0;
};

}  // namespace hashkv::testing
