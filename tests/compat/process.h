// Process plumbing for the compat suite: finding binaries, free ports, server children that die
// with the test binary, and one-shot tool runs (redis-cli, redis-benchmark) with a time limit.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace hashkv::compat {

// The first executable `name` on PATH, or "" if there is none.
std::string FindOnPath(std::string_view name);

// The directory holding the running test binary.
std::string SelfDir();

// A loopback TCP port that was free a moment ago: bind port 0, read the number, close. 0 on
// failure. Someone may take it before the server binds it, so callers retry on a failed start.
int PickFreePort();

// A new private directory under $TMPDIR (or /tmp); "" on failure.
std::string MakeTempDir(std::string_view tag);
void RemoveTree(const std::string& dir);

std::string ReadFileOrEmpty(const std::string& path);
// The last `lines` lines of a file, for failure messages.
std::string TailOfFile(const std::string& path, int lines = 15);

// A long-running child (a server). It is sent SIGKILL if the test binary dies, so a crashed run
// leaves no stray servers behind.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Terminate(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (a path) in `cwd` with stdout and stderr appended to `log_path`.
  bool Start(const std::vector<std::string>& argv, const std::string& cwd,
             const std::string& log_path, std::string* error);
  // False once the child has exited; *how then says how ("exit code 1", "signal 11").
  bool Running(std::string* how = nullptr);
  // SIGTERM, then SIGKILL if it has not exited within `timeout_ms`. Returns how it ended.
  std::string Terminate(int timeout_ms = 5000);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string exit_;  // set once reaped
};

struct ToolResult {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;  // -1 if it died from a signal
  std::string output;  // stdout and stderr, interleaved
  std::string error;   // why it could not be started
};

// Runs a tool to completion with stdin from `stdin_path` ("" for /dev/null), killing it after
// `timeout_s` seconds.
ToolResult RunTool(const std::vector<std::string>& argv, const std::string& stdin_path,
                   int timeout_s);

}  // namespace hashkv::compat
