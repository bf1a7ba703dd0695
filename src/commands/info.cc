// INFO's sections in Redis 7.0's order and format (server.c genRedisInfoString): "# Name\r\n"
// then "field:value\r\n" lines, sections separated by an empty line. Fields hashkv has no
// counterpart for keep Redis's idle values, so parsers written for Redis find them.
#include "commands/info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <vector>

#include "commands/args.h"
#include "commands/command_table.h"
#include "engine/memory.h"
#include "engine/observer.h"
#include "engine/session.h"
#include "hashkv/engine.h"

namespace hashkv {
namespace {

class InfoWriter {
 public:
  explicit InfoWriter(std::string* out) : out_(out) {}

  void Section(std::string_view title) {
    if (sections_++ > 0) out_->append("\r\n");
    out_->append("# ");
    out_->append(title);
    out_->append("\r\n");
  }
  void Line(std::string_view key, std::string_view value) {
    out_->append(key);
    out_->push_back(':');
    out_->append(value);
    out_->append("\r\n");
  }
  void Line(std::string_view key, const char* value) { Line(key, std::string_view(value)); }
  void Line(std::string_view key, const std::string& value) { Line(key, std::string_view(value)); }
  void Line(std::string_view key, int64_t value) { Line(key, FormatInt64(value)); }
  void Line(std::string_view key, uint64_t value) { Line(key, std::to_string(value)); }
  void Line(std::string_view key, int value) { Line(key, static_cast<int64_t>(value)); }
  // printf-style value, for Redis's "%.2f" fields.
  void Fixed(std::string_view key, double value, const char* format = "%.2f") {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, value);
    Line(key, std::string_view(buf));
  }

 private:
  std::string* out_;
  int sections_ = 0;
};

uint64_t ResidentMemory() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Memory is process-wide, so its peak is too.
uint64_t UpdatePeak(uint64_t used) {
  static std::atomic<uint64_t> peak{0};
  uint64_t seen = peak.load();
  while (used > seen && !peak.compare_exchange_weak(seen, used)) {
  }
  return std::max(seen, used);
}

std::string OsName() {
  struct utsname name;
  if (uname(&name) != 0) return "Linux";
  std::string s = name.sysname;
  s.push_back(' ');
  s.append(name.release);
  s.push_back(' ');
  s.append(name.machine);
  return s;
}

std::string Executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string CpuTime(const struct timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

std::string GccVersion() {
#if defined(__GNUC__) && !defined(__clang__)
  return std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
         std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "0.0.0";
#endif
}

struct Selection {
  bool all = false;
  std::vector<std::string> names;  // lower case

  bool Wants(std::string_view section) const {
    if (all) return true;
    for (const std::string& n : names) {
      if (n == section) return true;
    }
    return false;
  }
};

// server.c genInfoSectionDict.
Selection Select(std::span<const Arg> args) {
  static constexpr std::string_view kDefault[] = {
      "server", "clients",     "memory",     "persistence", "stats",   "replication",
      "cpu",    "module_list", "errorstats", "cluster",     "keyspace"};
  Selection sel;
  auto add_defaults = [&sel] {
    for (std::string_view s : kDefault) sel.names.emplace_back(s);
  };
  if (args.empty()) add_defaults();
  for (std::string_view arg : args) {
    if (EqualsIgnoreCase(arg, "default")) {
      add_defaults();
    } else if (EqualsIgnoreCase(arg, "all") || EqualsIgnoreCase(arg, "everything")) {
      sel.all = true;
    } else {
      std::string lower(arg);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      sel.names.push_back(std::move(lower));
    }
  }
  return sel;
}

void ServerSection(InfoWriter& w, Engine& engine, int64_t now_ms) {
  const Config& config = engine.config();
  int64_t uptime = (now_ms - engine.start_time_ms()) / 1000;
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  w.Section("Server");
  w.Line("redis_version", "7.0.15");
  w.Line("redis_git_sha1", "00000000");
  w.Line("redis_git_dirty", "0");
  w.Line("redis_build_id", "0");
  w.Line("redis_mode", "standalone");
  w.Line("os", OsName());
  w.Line("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.Line("monotonic_clock", "POSIX clock_gettime");
  w.Line("multiplexing_api", "epoll");
  w.Line("atomicvar_api", "c11-builtin");
  w.Line("gcc_version", GccVersion());
  w.Line("process_id", static_cast<int64_t>(getpid()));
  w.Line("process_supervised", "no");
  w.Line("run_id", std::string(engine.run_id()));
  w.Line("tcp_port", config.port);
  w.Line("server_time_usec", now_us);
  w.Line("uptime_in_seconds", uptime);
  w.Line("uptime_in_days", uptime / 86400);
  w.Line("hz", config.hz);
  w.Line("configured_hz", config.hz);
  w.Line("lru_clock", (now_ms / 1000) & ((1 << 24) - 1));
  w.Line("executable", Executable());
  w.Line("config_file", config.config_file);
  w.Line("io_threads_active", "0");
}

void ClientsSection(InfoWriter& w, Engine& engine) {
  size_t max_input = 0;
  engine.ForEachSession([&max_input](Session& s) {
    max_input = std::max(max_input, s.query_buffer_bytes + s.query_buffer_free);
  });
  w.Section("Clients");
  w.Line("connected_clients", static_cast<uint64_t>(engine.session_count()));
  w.Line("cluster_connections", "0");
  w.Line("maxclients", engine.config().maxclients);
  w.Line("client_recent_max_input_buffer", static_cast<uint64_t>(max_input));
  w.Line("client_recent_max_output_buffer", "0");
  w.Line("blocked_clients", "0");
  w.Line("tracking_clients", "0");
  w.Line("clients_in_timeout_table", "0");
}

void MemorySection(InfoWriter& w, const Config& config) {
  uint64_t used = UsedMemory();
  uint64_t peak = UpdatePeak(used);
  uint64_t rss = ResidentMemory();
  uint64_t system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  w.Section("Memory");
  w.Line("used_memory", used);
  w.Line("used_memory_human", BytesToHuman(used));
  w.Line("used_memory_rss", rss);
  w.Line("used_memory_rss_human", BytesToHuman(rss));
  w.Line("used_memory_peak", peak);
  w.Line("used_memory_peak_human", BytesToHuman(peak));
  w.Fixed("used_memory_peak_perc", peak > 0 ? 100.0 * used / peak : 0.0, "%.2f%%");
  w.Line("total_system_memory", system);
  w.Line("total_system_memory_human", BytesToHuman(system));
  // No scripting engine: Redis's Lua and function fields, all empty.
  for (std::string_view field :
       {"used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
        "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
        "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total",
        "used_memory_vm_total_human", "used_memory_functions", "used_memory_scripts",
        "used_memory_scripts_human"}) {
    w.Line(field, field.ends_with("_human") ? "0B" : "0");
  }
  w.Line("maxmemory", config.maxmemory);
  w.Line("maxmemory_human", BytesToHuman(config.maxmemory));
  w.Line("maxmemory_policy", config.maxmemory_policy);
  w.Fixed("mem_fragmentation_ratio", used > 0 ? static_cast<double>(rss) / used : 0.0);
  w.Line("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  w.Line("mem_not_counted_for_evict", "0");
  w.Line("mem_replication_backlog", "0");
  w.Line("mem_total_replication_buffers", "0");
  w.Line("mem_clients_slaves", "0");
  w.Line("mem_clients_normal", "0");
  w.Line("mem_cluster_links", "0");
  w.Line("mem_aof_buffer", "0");
  w.Line("mem_allocator", "libc");
  w.Line("active_defrag_running", "0");
  w.Line("lazyfree_pending_objects", "0");
  w.Line("lazyfreed_objects", "0");
}

// No persistence: everything idle, and never loading (ioredis waits for loading:0).
void PersistenceSection(InfoWriter& w, Engine& engine) {
  w.Section("Persistence");
  w.Line("loading", "0");
  w.Line("async_loading", "0");
  w.Line("current_cow_peak", "0");
  w.Line("current_cow_size", "0");
  w.Line("current_cow_size_age", "0");
  w.Line("current_fork_perc", "0.00");
  w.Line("current_save_keys_processed", "0");
  w.Line("current_save_keys_total", "0");
  w.Line("rdb_changes_since_last_save", "0");
  w.Line("rdb_bgsave_in_progress", "0");
  w.Line("rdb_last_save_time", engine.start_time_ms() / 1000);
  w.Line("rdb_last_bgsave_status", "ok");
  w.Line("rdb_last_bgsave_time_sec", "-1");
  w.Line("rdb_current_bgsave_time_sec", "-1");
  w.Line("rdb_saves", "0");
  w.Line("rdb_last_cow_size", "0");
  w.Line("rdb_last_load_keys_expired", "0");
  w.Line("rdb_last_load_keys_loaded", "0");
  w.Line("aof_enabled", "0");
  w.Line("aof_rewrite_in_progress", "0");
  w.Line("aof_rewrite_scheduled", "0");
  w.Line("aof_last_rewrite_time_sec", "-1");
  w.Line("aof_current_rewrite_time_sec", "-1");
  w.Line("aof_last_bgrewrite_status", "ok");
  w.Line("aof_rewrites", "0");
  w.Line("aof_rewrites_consecutive_failures", "0");
  w.Line("aof_last_write_status", "ok");
  w.Line("aof_last_cow_size", "0");
  w.Line("module_fork_in_progress", "0");
  w.Line("module_fork_last_cow_size", "0");
}

void StatsSection(InfoWriter& w, Engine& engine) {
  const Stats& st = engine.stats();
  uint64_t expired = engine.keyspace().expired_keys();
  expired = expired > st.expired_keys_at_reset ? expired - st.expired_keys_at_reset : 0;
  w.Section("Stats");
  w.Line("total_connections_received", st.total_connections_received);
  w.Line("total_commands_processed", st.total_commands_processed);
  w.Line("instantaneous_ops_per_sec", "0");
  w.Line("total_net_input_bytes", st.total_net_input_bytes);
  w.Line("total_net_output_bytes", st.total_net_output_bytes);
  w.Line("total_net_repl_input_bytes", "0");
  w.Line("total_net_repl_output_bytes", "0");
  w.Line("instantaneous_input_kbps", "0.00");
  w.Line("instantaneous_output_kbps", "0.00");
  w.Line("instantaneous_input_repl_kbps", "0.00");
  w.Line("instantaneous_output_repl_kbps", "0.00");
  w.Line("rejected_connections", st.rejected_connections);
  w.Line("sync_full", "0");
  w.Line("sync_partial_ok", "0");
  w.Line("sync_partial_err", "0");
  w.Line("expired_keys", expired);
  w.Line("expired_stale_perc", "0.00");
  w.Line("expired_time_cap_reached_count", "0");
  w.Line("expire_cycle_cpu_milliseconds", "0");
  w.Line("evicted_keys", "0");
  w.Line("evicted_clients", "0");
  w.Line("total_eviction_exceeded_time", "0");
  w.Line("current_eviction_exceeded_time", "0");
  w.Line("keyspace_hits", st.keyspace_hits);
  w.Line("keyspace_misses", st.keyspace_misses);
  w.Line("pubsub_channels", "0");
  w.Line("pubsub_patterns", "0");
  w.Line("pubsubshard_channels", "0");
  w.Line("latest_fork_usec", "0");
  w.Line("total_forks", "0");
  w.Line("migrate_cached_sockets", "0");
  w.Line("slave_expires_tracked_keys", "0");
  w.Line("active_defrag_hits", "0");
  w.Line("active_defrag_misses", "0");
  w.Line("active_defrag_key_hits", "0");
  w.Line("active_defrag_key_misses", "0");
  w.Line("total_active_defrag_time", "0");
  w.Line("current_active_defrag_time", "0");
  w.Line("tracking_total_keys", "0");
  w.Line("tracking_total_items", "0");
  w.Line("tracking_total_prefixes", "0");
  w.Line("unexpected_error_replies", "0");
  w.Line("total_error_replies", st.total_error_replies);
  w.Line("dump_payload_sanitizations", "0");
  w.Line("total_reads_processed", "0");
  w.Line("total_writes_processed", "0");
  w.Line("io_threaded_reads_processed", "0");
  w.Line("io_threaded_writes_processed", "0");
  w.Line("reply_buffer_shrinks", "0");
  w.Line("reply_buffer_expands", "0");
}

void ReplicationSection(InfoWriter& w, Engine& engine) {
  // A replication id distinct from the run id, stable for the process, as Redis's.
  std::string replid(engine.run_id().rbegin(), engine.run_id().rend());
  w.Section("Replication");
  w.Line("role", "master");
  w.Line("connected_slaves", "0");
  w.Line("master_failover_state", "no-failover");
  w.Line("master_replid", replid);
  w.Line("master_replid2", "0000000000000000000000000000000000000000");
  w.Line("master_repl_offset", "0");
  w.Line("second_repl_offset", "-1");
  w.Line("repl_backlog_active", "0");
  w.Line("repl_backlog_size", "1048576");
  w.Line("repl_backlog_first_byte_offset", "0");
  w.Line("repl_backlog_histlen", "0");
}

void CpuSection(InfoWriter& w) {
  struct rusage self, children, thread;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  w.Section("CPU");
  w.Line("used_cpu_sys", CpuTime(self.ru_stime));
  w.Line("used_cpu_user", CpuTime(self.ru_utime));
  w.Line("used_cpu_sys_children", CpuTime(children.ru_stime));
  w.Line("used_cpu_user_children", CpuTime(children.ru_utime));
  w.Line("used_cpu_sys_main_thread", CpuTime(thread.ru_stime));
  w.Line("used_cpu_user_main_thread", CpuTime(thread.ru_utime));
}

void KeyspaceSection(InfoWriter& w, Engine& engine, int64_t now_ms) {
  Keyspace& ks = engine.keyspace();
  w.Section("Keyspace");
  for (int i = 0; i < ks.count(); ++i) {
    const Database& db = ks.db(i);
    if (db.size() == 0) continue;
    std::string value = "keys=" + std::to_string(db.size()) +
                        ",expires=" + std::to_string(db.expires_size()) +
                        ",avg_ttl=" + FormatInt64(db.AverageTtl(now_ms));
    w.Line("db" + std::to_string(i), value);
  }
}

// genRedisInfoString's commandstats: every command (and subcommand, as 'client|list') that was
// called, failed or rejected since the start or CONFIG RESETSTAT, in command table order.
void CommandStatsLine(InfoWriter& w, const Observer& observer, const CommandSpec& spec,
                      const CommandSpec* parent) {
  const CommandStats* st = observer.FindStats(spec);
  if (st == nullptr || (st->calls == 0 && st->failed_calls == 0 && st->rejected_calls == 0)) {
    return;
  }
  std::string key = "cmdstat_";
  if (parent != nullptr) {
    key.append(parent->name);
    key.push_back('|');
  }
  key.append(spec.name);
  char value[160];
  std::snprintf(
      value, sizeof(value),
      "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
      static_cast<unsigned long long>(st->calls), static_cast<unsigned long long>(st->usec),
      st->calls == 0 ? 0.0f : static_cast<float>(st->usec) / static_cast<float>(st->calls),
      static_cast<unsigned long long>(st->rejected_calls),
      static_cast<unsigned long long>(st->failed_calls));
  w.Line(key, std::string_view(value));
}

void CommandStatsSection(InfoWriter& w, Engine& engine) {
  const Observer& observer = engine.observer();
  w.Section("Commandstats");
  for (const CommandSpec* spec : engine.commands().all()) {
    CommandStatsLine(w, observer, *spec, nullptr);
    for (const CommandSpec& sub : spec->subcommands) CommandStatsLine(w, observer, sub, spec);
  }
}

void ErrorStatsSection(InfoWriter& w, Engine& engine) {
  w.Section("Errorstats");
  for (const auto& [code, count] : engine.observer().error_counts()) {
    w.Line("errorstat_" + code, "count=" + std::to_string(count));
  }
}

}  // namespace

std::string BytesToHuman(uint64_t n) {
  static constexpr struct {
    uint64_t limit;
    double divisor;
    char unit;
  } kUnits[] = {
      {1ULL << 20, 1024.0, 'K'},
      {1ULL << 30, 1024.0 * 1024, 'M'},
      {1ULL << 40, 1024.0 * 1024 * 1024, 'G'},
      {1ULL << 50, 1024.0 * 1024 * 1024 * 1024, 'T'},
      {1ULL << 60, 1024.0 * 1024 * 1024 * 1024 * 1024, 'P'},
  };
  char buf[64];
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
    return buf;
  }
  for (const auto& u : kUnits) {
    if (n < u.limit) {
      std::snprintf(buf, sizeof(buf), "%.2f%c", static_cast<double>(n) / u.divisor, u.unit);
      return buf;
    }
  }
  std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  return buf;
}

std::string GenerateInfo(Engine& engine, std::span<const Arg> sections) {
  Selection sel = Select(sections);
  int64_t now_ms = engine.NowMs();
  std::string out;
  InfoWriter w(&out);
  if (sel.Wants("server")) ServerSection(w, engine, now_ms);
  if (sel.Wants("clients")) ClientsSection(w, engine);
  if (sel.Wants("memory")) MemorySection(w, engine.config());
  if (sel.Wants("persistence")) PersistenceSection(w, engine);
  if (sel.Wants("stats")) StatsSection(w, engine);
  if (sel.Wants("replication")) ReplicationSection(w, engine);
  if (sel.Wants("cpu")) CpuSection(w);
  if (sel.Wants("modules") || sel.Wants("module_list")) w.Section("Modules");
  if (sel.Wants("commandstats")) CommandStatsSection(w, engine);
  if (sel.Wants("errorstats")) ErrorStatsSection(w, engine);
  // Latency percentiles are not kept (LATENCY HISTOGRAM has the distribution): empty section.
  if (sel.Wants("latencystats")) w.Section("Latencystats");
  if (sel.Wants("cluster")) {
    w.Section("Cluster");
    w.Line("cluster_enabled", "0");
  }
  if (sel.Wants("keyspace")) KeyspaceSection(w, engine, now_ms);
  return out;
}

}  // namespace hashkv
