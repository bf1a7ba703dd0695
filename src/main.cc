// hashkv-server: flags and config file, logging in redis-server's format, signals, serve.
#include <malloc.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "engine/config_parser.h"
#include "engine/memory.h"
#include "hashkv/engine.h"
#include "net/server.h"

namespace {

constexpr const char* kVersion = "0.1.0";

// Used memory for INFO and maxmemory, counted at every allocation as Redis's zmalloc does:
// reading glibc's own statistics (mallinfo2) walks its free lists, which on a fragmented heap
// takes far too long to do per command.
#ifndef HASHKV_SANITIZED
std::atomic<uint64_t> allocated_bytes{0};

uint64_t AllocatedBytes() { return allocated_bytes.load(std::memory_order_relaxed); }
#endif

// Redis marks each log line with a level character: '.' debug, '-' verbose, '*' notice,
// '#' warning. Its levels map to spdlog's trace, debug, info and warn. Container tooling greps for
// "* Ready to accept connections".
class RedisLevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char c = '*';
    switch (msg.level) {
      case spdlog::level::trace:
        c = '.';
        break;
      case spdlog::level::debug:
        c = '-';
        break;
      case spdlog::level::info:
        c = '*';
        break;
      default:
        c = '#';
        break;
    }
    dest.push_back(c);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RedisLevelFlag>();
  }
};

spdlog::level::level_enum LevelFor(const std::string& loglevel) {
  if (loglevel == "debug") return spdlog::level::trace;
  if (loglevel == "verbose") return spdlog::level::debug;
  if (loglevel == "warning") return spdlog::level::warn;
  if (loglevel == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

void SetUpLogging(const hashkv::Config& config) {
  std::shared_ptr<spdlog::logger> logger;
  if (config.logfile.empty()) {
    logger = std::make_shared<spdlog::logger>("hashkv",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "hashkv", std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.logfile));
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RedisLevelFlag>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(LevelFor(config.loglevel));
  logger->flush_on(spdlog::level::trace);  // start-up lines are read by scripts waiting on us
  spdlog::set_default_logger(logger);
}

// Written to a temporary file in the same directory and renamed, so a CI script polling for
// the file never reads a partial port number.
bool WritePortFile(const std::string& path, int port, std::string* error) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  bool ok = f != nullptr && std::fprintf(f, "%d\n", port) > 0;
  if (f != nullptr && std::fclose(f) != 0) ok = false;
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return true;
  *error = "Failed writing the port file '" + path + "': " + std::strerror(errno);
  std::remove(tmp.c_str());
  return false;
}

void PrintHelp() {
  std::printf(
      "Usage: hashkv-server [/path/to/redis.conf] [options]\n"
      "       hashkv-server -v or --version\n"
      "       hashkv-server -h or --help\n\n"
      "Options are redis.conf directives as flags, e.g.\n"
      "       hashkv-server --port 7777 --bind 127.0.0.1 --databases 16 --loglevel notice\n"
      "       hashkv-server --port 0      (picks a free port; redis-server would disable TCP)\n"
      "       hashkv-server --port-file PATH  (writes the bound port to PATH once listening)\n"
      "       hashkv-server --unixsocket /tmp/hashkv.sock --unixsocketperm 700\n"
      "       hashkv-server --enable-test-controls  (HASHKV.CLOCK/ERROR/LOG/RESET: for tests "
      "only)\n\n"
      "Once listening, the bound port is printed on stdout as the line 'hashkv-port: N',\n"
      "whatever the loglevel.\n");
}

}  // namespace

// The replaceable allocation functions every other form (arrays, nothrow, sized delete) calls
// in libstdc++. Out of memory aborts, as Redis's zmalloc does; nothing here throws. Sanitized
// builds keep the sanitizer's own (its new/delete checks, and clang's static TSan runtime
// defines them too); used memory then comes from the sanitizer's counter (engine/memory.cc).
#ifndef HASHKV_SANITIZED
void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) {
    std::fprintf(stderr, "hashkv: out of memory allocating %zu bytes\n", size);
    std::abort();
  }
  allocated_bytes.fetch_add(malloc_usable_size(p), std::memory_order_relaxed);
  return p;
}

// g++ 12 at -O3 sees operator new's pointer reach free() and calls it mismatched; here the pair
// is ours and malloc/free underneath is the point.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  allocated_bytes.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}
#pragma GCC diagnostic pop

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
#endif

int main(int argc, char** argv) {
#ifndef HASHKV_SANITIZED
  hashkv::SetUsedMemorySource(AllocatedBytes);
#endif
  hashkv::Config config;
  hashkv::ConfigResult parsed = hashkv::ParseCommandLine(argc, argv, &config);
  if (parsed.show_version) {
    std::printf("hashkv-server v=%s (Redis protocol compatible with redis_version 7.0.15)\n",
                kVersion);
    return 0;
  }
  if (parsed.show_help) {
    PrintHelp();
    return 0;
  }
  if (!parsed.ok) {
    std::fprintf(stderr, "%s\n", parsed.error.c_str());
    return 1;
  }
  SetUpLogging(config);
  // A peer that closes while we write must cost an error code, not the process.
  std::signal(SIGPIPE, SIG_IGN);

  spdlog::info("oO0OoO0OoO0Oo hashkv is starting oO0OoO0OoO0Oo");
  spdlog::info("hashkv version={}, bits=64, pid={}, just started", kVersion, getpid());
  if (config.config_file.empty()) {
    spdlog::warn("Warning: no config file specified, using the default config.");
  } else {
    spdlog::info("Configuration loaded");
  }
  for (const std::string& w : parsed.warnings) spdlog::warn("{}", w);
  if (config.maxmemory_policy != "noeviction") {
    spdlog::warn(
        "WARNING maxmemory-policy {} is accepted, but hashkv never evicts keys: over maxmemory "
        "it refuses writes (-OOM), as noeviction does.",
        config.maxmemory_policy);
  }
  // As Redis at start-up: the open-files limit must allow maxclients, or maxclients shrinks.
  int64_t maxclients = hashkv::AdjustOpenFilesLimit(config.maxclients);
  if (maxclients == 0) return 1;
  config.maxclients = maxclients;
  if (config.enable_test_controls) {
    spdlog::warn(
        "WARNING test controls are enabled: any client can move the clock, fail commands and "
        "read the command log (HASHKV.*). Use this for tests only.");
  }

  hashkv::Engine engine(config);
  engine.set_maxclients_hook(hashkv::AdjustOpenFilesLimit);
  hashkv::NetServer server(engine);
  std::string error;
  if (!server.Listen(&error)) {
    spdlog::warn("{}", error);
    return 1;
  }
  // The port file first: a script that saw the port line may read the file at once.
  if (!config.port_file.empty() && !WritePortFile(config.port_file, server.port(), &error)) {
    spdlog::warn("{}", error);
    return 1;
  }
  // The machine-readable line for CI scripts, independent of loglevel and logfile; printed
  // once the sockets accept, so reading it means the server is ready.
  std::printf("hashkv-port: %d\n", server.port());
  std::fflush(stdout);
  spdlog::info("Running mode=standalone, port={}.", server.port());
  spdlog::info("Server initialized");
  spdlog::info("Ready to accept connections tcp");
  if (!config.unixsocket.empty()) {
    spdlog::info("The server is now ready to accept connections at {}", config.unixsocket);
  }
  server.Run();
  return 0;
}
