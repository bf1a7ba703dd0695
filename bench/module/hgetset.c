/* The Redis module tutorial's HGETSET (HGET then HSET, replying with the old value), the reference
 * the benchmark compares hashkv's built-in HGETSET with. Built by bench/bench.py with
 *   cc -O2 -fPIC -shared -std=gnu99 -o hgetset.so hgetset.c
 * and loaded with redis-server --loadmodule. The tutorial's first error branch replied with
 * srep before it existed; it replies with rep here, as the SDK's version does. */
#include "redismodule.h"

/* HGETSET <key> <element> <new value> */
int HGetSetCommand(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  if (argc != 4) {
    return RedisModule_WrongArity(ctx);
  }
  RedisModule_AutoMemory(ctx);

  RedisModuleCallReply *rep = RedisModule_Call(ctx, "HGET", "ss", argv[1], argv[2]);
  if (RedisModule_CallReplyType(rep) == REDISMODULE_REPLY_ERROR) {
    return RedisModule_ReplyWithCallReply(ctx, rep);
  }

  RedisModuleCallReply *srep = RedisModule_Call(ctx, "HSET", "sss", argv[1], argv[2], argv[3]);
  if (RedisModule_CallReplyType(srep) == REDISMODULE_REPLY_ERROR) {
    return RedisModule_ReplyWithCallReply(ctx, srep);
  }

  return RedisModule_ReplyWithCallReply(ctx, rep);
}

int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  (void)argv;
  (void)argc;
  /* Register the module itself: it is called 'example' and has an API version of 1. */
  if (RedisModule_Init(ctx, "example", 1, REDISMODULE_APIVER_1) == REDISMODULE_ERR) {
    return REDISMODULE_ERR;
  }
  /* A write command, with one key at argv[1]. */
  if (RedisModule_CreateCommand(ctx, "HGETSET", HGetSetCommand, "write", 1, 1, 1) ==
      REDISMODULE_ERR) {
    return REDISMODULE_ERR;
  }
  return REDISMODULE_OK;
}
