// The module tutorial's HGETSET for redis-server, so that the reference server answers the same
// raw HGETSET calls the client matrix sends to hashkv (a team replacing Redis+module with hashkv).
//
// Only the few module API entries the tutorial uses are declared here, fetched by name through
// the GetApi pointer Redis passes in the context, exactly as redismodule.h's RedisModule_Init
// does; that keeps Redis's 2,000-line header out of the tree.
#include <cstdint>

extern "C" {
struct RedisModuleCtx;
struct RedisModuleString;
struct RedisModuleCallReply;
}

namespace {

constexpr int kModuleOk = 0;
constexpr int kModuleErr = 1;
constexpr int kApiVersion1 = 1;
constexpr int kReplyError = 1;

using CmdFunc = int (*)(RedisModuleCtx*, RedisModuleString**, int);
using GetApiFn = int (*)(const char*, void*);

GetApiFn get_api;
int (*create_command)(RedisModuleCtx*, const char*, CmdFunc, const char*, int, int, int);
void (*set_module_attribs)(RedisModuleCtx*, const char*, int, int);
int (*is_module_name_busy)(const char*);
int (*wrong_arity)(RedisModuleCtx*);
void (*auto_memory)(RedisModuleCtx*);
RedisModuleCallReply* (*call)(RedisModuleCtx*, const char*, const char*, ...);
int (*call_reply_type)(RedisModuleCallReply*);
int (*reply_with_call_reply)(RedisModuleCtx*, RedisModuleCallReply*);

template <typename Fn>
bool Fetch(const char* name, Fn* fn) {
  return get_api(name, reinterpret_cast<void*>(fn)) == kModuleOk;
}

// HGETSET key field value: the tutorial's handler, with its error path fixed as the blog and the
// SDK fix it. HGET's reply is forwarded as RM_Call produced it (RESP2 bytes, even to RESP3).
int HGetSetCommand(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 4) return wrong_arity(ctx);
  auto_memory(ctx);
  RedisModuleCallReply* rep = call(ctx, "HGET", "ss", argv[1], argv[2]);
  if (call_reply_type(rep) == kReplyError) return reply_with_call_reply(ctx, rep);
  RedisModuleCallReply* srep = call(ctx, "HSET", "sss", argv[1], argv[2], argv[3]);
  if (call_reply_type(srep) == kReplyError) return reply_with_call_reply(ctx, srep);
  return reply_with_call_reply(ctx, rep);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int RedisModule_OnLoad(
    RedisModuleCtx* ctx, RedisModuleString** /*argv*/, int /*argc*/) {
  // The first word of the context is the GetApi function (redismodule.h, RedisModule_Init).
  get_api = reinterpret_cast<GetApiFn>(*reinterpret_cast<void**>(ctx));
  if (!Fetch("RedisModule_CreateCommand", &create_command) ||
      !Fetch("RedisModule_SetModuleAttribs", &set_module_attribs) ||
      !Fetch("RedisModule_WrongArity", &wrong_arity) ||
      !Fetch("RedisModule_AutoMemory", &auto_memory) || !Fetch("RedisModule_Call", &call) ||
      !Fetch("RedisModule_CallReplyType", &call_reply_type) ||
      !Fetch("RedisModule_ReplyWithCallReply", &reply_with_call_reply)) {
    return kModuleErr;
  }
  if (Fetch("RedisModule_IsModuleNameBusy", &is_module_name_busy) &&
      is_module_name_busy("example")) {
    return kModuleErr;
  }
  set_module_attribs(ctx, "example", 1, kApiVersion1);
  return create_command(ctx, "HGETSET", HGetSetCommand, "write", 1, 1, 1);
}
