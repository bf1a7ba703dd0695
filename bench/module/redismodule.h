/* The part of Redis's redismodule.h that the HGETSET tutorial module uses, with the same names,
 * types and constants as Redis 7.0's header, so the tutorial's source compiles unchanged against
 * either. RedisModule_Init fetches each API entry by name through the GetApi pointer that Redis
 * stores as the first word of the context, exactly as the real header does. */
#ifndef HASHKV_BENCH_REDISMODULE_H
#define HASHKV_BENCH_REDISMODULE_H

#include <stddef.h>
#include <stdint.h>

#define REDISMODULE_OK 0
#define REDISMODULE_ERR 1
#define REDISMODULE_APIVER_1 1

#define REDISMODULE_REPLY_UNKNOWN -1
#define REDISMODULE_REPLY_STRING 0
#define REDISMODULE_REPLY_ERROR 1
#define REDISMODULE_REPLY_INTEGER 2
#define REDISMODULE_REPLY_ARRAY 3
#define REDISMODULE_REPLY_NULL 4

typedef struct RedisModuleCtx RedisModuleCtx;
typedef struct RedisModuleString RedisModuleString;
typedef struct RedisModuleCallReply RedisModuleCallReply;
typedef int (*RedisModuleCmdFunc)(RedisModuleCtx *ctx, RedisModuleString **argv, int argc);

static int (*RedisModule_GetApi)(const char *, void *);
static int (*RedisModule_CreateCommand)(RedisModuleCtx *ctx, const char *name,
                                        RedisModuleCmdFunc cmdfunc, const char *strflags,
                                        int firstkey, int lastkey, int keystep);
static void (*RedisModule_SetModuleAttribs)(RedisModuleCtx *ctx, const char *name, int ver,
                                            int apiver);
static int (*RedisModule_IsModuleNameBusy)(const char *name);
static int (*RedisModule_WrongArity)(RedisModuleCtx *ctx);
static void (*RedisModule_AutoMemory)(RedisModuleCtx *ctx);
static RedisModuleCallReply *(*RedisModule_Call)(RedisModuleCtx *ctx, const char *cmdname,
                                                 const char *fmt, ...);
static int (*RedisModule_CallReplyType)(RedisModuleCallReply *reply);
static int (*RedisModule_ReplyWithCallReply)(RedisModuleCtx *ctx, RedisModuleCallReply *reply);

#define REDISMODULE_GET_API(name) \
  RedisModule_GetApi("RedisModule_" #name, ((void **)&RedisModule_##name))

static int RedisModule_Init(RedisModuleCtx *ctx, const char *name, int ver, int apiver)
    __attribute__((unused));
static int RedisModule_Init(RedisModuleCtx *ctx, const char *name, int ver, int apiver) {
  void *getapifuncptr = ((void **)ctx)[0];
  RedisModule_GetApi = (int (*)(const char *, void *))(unsigned long)getapifuncptr;
  if (REDISMODULE_GET_API(CreateCommand) != REDISMODULE_OK ||
      REDISMODULE_GET_API(SetModuleAttribs) != REDISMODULE_OK ||
      REDISMODULE_GET_API(WrongArity) != REDISMODULE_OK ||
      REDISMODULE_GET_API(AutoMemory) != REDISMODULE_OK ||
      REDISMODULE_GET_API(Call) != REDISMODULE_OK ||
      REDISMODULE_GET_API(CallReplyType) != REDISMODULE_OK ||
      REDISMODULE_GET_API(ReplyWithCallReply) != REDISMODULE_OK) {
    return REDISMODULE_ERR;
  }
  /* Optional, as in the real header: a name already taken refuses the load. */
  if (REDISMODULE_GET_API(IsModuleNameBusy) == REDISMODULE_OK && RedisModule_IsModuleNameBusy &&
      RedisModule_IsModuleNameBusy(name)) {
    return REDISMODULE_ERR;
  }
  RedisModule_SetModuleAttribs(ctx, name, ver, apiver);
  return REDISMODULE_OK;
}

#endif /* HASHKV_BENCH_REDISMODULE_H */
