/* hiredis against hashkv: cc hiredis_example.c $(pkg-config --cflags --libs hiredis) */
#include <assert.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const char *port = getenv("REDIS_PORT");
  redisContext *c = redisConnect("127.0.0.1", port ? atoi(port) : 6379);
  if (c == NULL || c->err) {
    fprintf(stderr, "connect: %s\n", c ? c->errstr : "out of memory");
    return 1;
  }
  redisReply *reply = redisCommand(c, "HSET user:1 name %s lang %s", "Ada", "C");
  assert(reply->type == REDIS_REPLY_INTEGER && reply->integer == 2);
  freeReplyObject(reply);

  reply = redisCommand(c, "HGETSET user:1 lang %s", "C++");
  assert(reply->type == REDIS_REPLY_STRING && strcmp(reply->str, "C") == 0);
  freeReplyObject(reply);

  /* Pipelined: queue the requests, then read the replies in order. */
  redisAppendCommand(c, "MULTI");
  redisAppendCommand(c, "HINCRBY user:1 visits 1");
  redisAppendCommand(c, "EXPIRE user:1 60");
  redisAppendCommand(c, "EXEC");
  for (int i = 0; i < 4; i++) {
    assert(redisGetReply(c, (void **)&reply) == REDIS_OK);
    if (i == 3) assert(reply->type == REDIS_REPLY_ARRAY && reply->elements == 2);
    freeReplyObject(reply);
  }
  redisFree(c);
  puts("hiredis example: OK");
  return 0;
}
