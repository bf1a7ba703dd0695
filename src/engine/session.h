// Per-client state: what Redis keeps in its client struct that commands may read or change.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/transaction.h"
#include "hashkv/command.h"
#include "protocol/resp_parser.h"
#include "protocol/resp_writer.h"

namespace hashkv {

class Engine;

// The network layer's side of a session: how the engine reaches a connection outside its own
// request/reply cycle (MONITOR feeds, CLIENT KILL). In-process sessions have none.
class ConnectionHooks {
 public:
  virtual ~ConnectionHooks() = default;
  // Queues bytes for the client and wakes the writer.
  virtual void Push(std::string_view bytes) = 0;
  // Closes the connection once what is queued has been written (or at once if it cannot be).
  virtual void Kill() = 0;
};

class Session {
 public:
  Session(Engine& engine, uint64_t id, std::string addr, std::string laddr, int64_t now_ms);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  uint64_t id() const { return id_; }
  const std::string& addr() const { return addr_; }
  const std::string& laddr() const { return laddr_; }
  int64_t created_ms() const { return created_ms_; }

  int db = 0;
  RespVersion resp = RespVersion::kResp2;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  // CLIENT LIST's cmd=: pointers into the static tables, so recording costs nothing.
  const CommandSpec* last_command = nullptr;
  const CommandSpec* last_command_parent = nullptr;
  int64_t last_interaction_ms = 0;
  bool close_after_reply = false;
  // CLIENT NO-EVICT / NO-TOUCH modes (CLIENT LIST flags 'e' and 'T').
  bool no_evict = false;
  bool no_touch = false;
  int fd = -1;  // the socket's descriptor, set by the network layer (CLIENT LIST fd=)
  // Bytes waiting in the connection's buffers, for CLIENT LIST (set by the network layer).
  size_t query_buffer_bytes = 0;
  size_t query_buffer_free = 0;
  // Reply bytes waiting to be written, for CLIENT LIST's omem (set by the network layer when it
  // checks client-output-buffer-limit).
  size_t output_buffer_bytes = 0;

  // False until AUTH when a password is required.
  bool authenticated = true;
  // The embedded server's direct API (Engine::NewInternalSession).
  bool internal = false;
  // MONITOR: the session receives every command and nothing else.
  bool monitor = false;
  // CLIENT REPLY: replies are discarded while off, or for the next command only.
  enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };
  ReplyMode reply_mode = ReplyMode::kOn;
  Transaction tx;

  RespParser parser;
  ConnectionHooks* hooks = nullptr;  // set by the network layer for the session's lifetime

 private:
  Engine& engine_;
  uint64_t id_;
  std::string addr_;
  std::string laddr_;
  int64_t created_ms_;
};

}  // namespace hashkv
