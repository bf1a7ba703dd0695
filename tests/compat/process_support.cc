// Child processes, temp directories and free ports for the compat suite (POSIX, Linux).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "compat/process.h"

namespace hashkv::compat {
namespace {

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Forks and execs argv with the given stdin/stdout files. In the child, PR_SET_PDEATHSIG ties
// its life to ours. Exec failures come back through a close-on-exec pipe as an errno.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& cwd,
            const std::string& stdin_path, const std::string& out_path, bool append,
            std::string* error) {
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return -1;
  }
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(status_pipe[0]);
    close(status_pipe[1]);
    return -1;
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int err = 0;
    const char* in = stdin_path.empty() ? "/dev/null" : stdin_path.c_str();
    int in_fd = open(in, O_RDONLY | O_CLOEXEC);
    int out_fd = open(out_path.c_str(),
                      O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (in_fd < 0 || out_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
        dup2(out_fd, 2) < 0 || (!cwd.empty() && chdir(cwd.c_str()) != 0)) {
      err = errno;
    } else {
      execv(cargv[0], cargv.data());
      err = errno;
    }
    ssize_t ignored = write(status_pipe[1], &err, sizeof(err));
    (void)ignored;
    _exit(127);
  }
  close(status_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(status_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(status_pipe[0]);
  if (n > 0) {
    waitpid(pid, nullptr, 0);
    *error = "cannot run " + argv[0] + ": " + std::strerror(child_errno);
    return -1;
  }
  return pid;
}

}  // namespace

std::string FindOnPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + std::string(name);
    if (access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
  }
  return "";
}

std::string SelfDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string MakeTempDir(std::string_view tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/hashkv-compat-" + std::string(tag) + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return std::string(buf.data());
}

void RemoveTree(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TailOfFile(const std::string& path, int lines) {
  std::string text = ReadFileOrEmpty(path);
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (int i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

bool ChildProcess::Start(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::string& log_path, std::string* error) {
  Terminate();
  exit_.clear();
  pid_ = Spawn(argv, cwd, "", log_path, /*append=*/true, error);
  return pid_ > 0;
}

bool ChildProcess::Running(std::string* how) {
  if (pid_ <= 0) {
    if (how != nullptr) *how = exit_.empty() ? "not started" : exit_;
    return false;
  }
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_ = r == pid_ ? DescribeStatus(status) : "lost";
  pid_ = -1;
  if (how != nullptr) *how = exit_;
  return false;
}

std::string ChildProcess::Terminate(int timeout_ms) {
  if (pid_ <= 0) return exit_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return exit_;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_ = "killed after SIGTERM timed out";
  pid_ = -1;
  return exit_;
}

ToolResult RunTool(const std::vector<std::string>& argv, const std::string& stdin_path,
                   int timeout_s) {
  ToolResult result;
  std::string dir = MakeTempDir("tool");
  if (dir.empty()) {
    result.error = "cannot make a temp directory";
    return result;
  }
  const std::string out_path = dir + "/output";
  pid_t pid = Spawn(argv, dir, stdin_path, out_path, /*append=*/false, &result.error);
  if (pid <= 0) {
    RemoveTree(dir);
    return result;
  }
  result.started = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.output = ReadFileOrEmpty(out_path);
  RemoveTree(dir);
  return result;
}

}  // namespace hashkv::compat
