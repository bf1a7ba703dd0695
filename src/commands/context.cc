// Context: the module-API surface over a writer, a session and the keyspace. Call() re-enters
// the dispatcher with a writer over a scratch string, so a nested command behaves exactly as
// it would from a client, in the caller's protocol version.
#include "engine/session.h"
#include "hashkv/command.h"
#include "hashkv/engine.h"
#include "protocol/resp_writer.h"

namespace hashkv {

Status Context::ReplyWithSimpleString(std::string_view s) {
  writer_.SimpleString(s);
  return Status::kOk;
}

Status Context::ReplyWithError(std::string_view line) {
  writer_.Error(line);
  engine_.CountErrorReply(line);
  return Status::kOk;
}

Status Context::ReplyWithLongLong(int64_t value) {
  writer_.Integer(value);
  return Status::kOk;
}

Status Context::ReplyWithString(std::string_view s) {
  writer_.Bulk(s);
  return Status::kOk;
}

Status Context::ReplyWithNull() {
  writer_.Null();
  return Status::kOk;
}

Status Context::ReplyWithNullArray() {
  writer_.NullArray();
  return Status::kOk;
}

Status Context::ReplyWithArray(size_t n) {
  writer_.ArrayHeader(n);
  return Status::kOk;
}

Status Context::ReplyWithMap(size_t pairs) {
  writer_.MapHeader(pairs);
  return Status::kOk;
}

Status Context::ReplyWithSet(size_t n) {
  writer_.SetHeader(n);
  return Status::kOk;
}

Status Context::ReplyWithDouble(double value) {
  writer_.Double(value);
  return Status::kOk;
}

Status Context::ReplyWithVerbatim(std::string_view text) {
  writer_.Verbatim(text);
  return Status::kOk;
}

Status Context::ReplyWithCallReply(const CallReply& reply) {
  writer_.Raw(reply.raw());
  return Status::kOk;
}

Status Context::WrongArity() {
  std::string line = "ERR wrong number of arguments for '";
  line += FullName();
  line += "' command";
  return ReplyWithError(line);
}

std::string Context::FullName() const {
  std::string name;
  if (parent_ != nullptr) {
    name.append(parent_->name);
    name.push_back('|');
  }
  name.append(spec_->name);
  return name;
}

CallReply Context::CallArgv(std::span<const Arg> argv) {
  CallReply reply;
  RespWriter nested(reply.mutable_raw(), writer_.version());
  engine_.DispatchNested(session_, argv, nested);
  return reply;
}

Keyspace& Context::keyspace() { return engine_.keyspace(); }
Database& Context::db() { return engine_.keyspace().db(session_.db); }
const Database& Context::db() const { return engine_.keyspace().db(session_.db); }
int64_t Context::now_ms() const { return engine_.command_time_ms(); }

HashValue* Context::LookupRead(std::string_view key, bool touch) {
  HashValue* value = db().Find(key, now_ms(), touch && !session_.no_touch);
  if (value != nullptr) {
    ++engine_.stats().keyspace_hits;
  } else {
    ++engine_.stats().keyspace_misses;
  }
  return value;
}

HashValue* Context::LookupWrite(std::string_view key, bool touch) {
  return db().Find(key, now_ms(), touch && !session_.no_touch);
}

// Every write reaches these, so nothing is hashed until some client WATCHes.
void Context::SignalModifiedKey(std::string_view key) { SignalModifiedKey(session_.db, key); }

void Context::SignalModifiedKey(int db, std::string_view key) {
  WatchRegistry& watches = engine_.watches();
  if (!watches.empty()) watches.Touch(engine_.keyspace(), db, key);
}

void Context::SignalFlushedDb(int db) {
  WatchRegistry& watches = engine_.watches();
  if (watches.empty()) return;
  if (db >= 0) {
    watches.TouchAllInDb(engine_.keyspace(), db, -1, now_ms());
    return;
  }
  for (int i = 0; i < engine_.keyspace().count(); ++i) {
    watches.TouchAllInDb(engine_.keyspace(), i, -1, now_ms());
  }
}

void Context::SignalSwapDb(int a, int b) {
  WatchRegistry& watches = engine_.watches();
  if (watches.empty() || a == b) return;
  watches.TouchAllInDb(engine_.keyspace(), a, b, now_ms());
  watches.TouchAllInDb(engine_.keyspace(), b, a, now_ms());
}

// --- CallReply: classify and read RESP bytes produced by our own writer.

std::string_view CallReply::str() const {
  std::string_view r = raw_;
  if (r.empty()) return {};
  size_t eol = r.find("\r\n");
  if (eol == std::string_view::npos) return {};
  if (r[0] == '$' || r[0] == '=') {
    std::string_view body = r.substr(eol + 2);
    return body.size() >= 2 ? body.substr(0, body.size() - 2) : std::string_view();
  }
  return r.substr(1, eol - 1);
}

int64_t CallReply::integer() const {
  int64_t v = 0;
  std::string_view line = str();
  bool negative = !line.empty() && line[0] == '-';
  for (size_t i = negative ? 1 : 0; i < line.size(); ++i) v = v * 10 + (line[i] - '0');
  return negative ? -v : v;
}

}  // namespace hashkv
