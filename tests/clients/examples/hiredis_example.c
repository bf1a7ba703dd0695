/* hiredis against hashkv: cc hiredis_example.c $(pkg-config --cflags --libs hiredis) */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "unexpected reply to %s\n", what);
    exit(1);
  }
}

int main(void) {
  const char *port = getenv("REDIS_PORT");
  redisContext *c = redisConnect("127.0.0.1", port ? atoi(port) : 6379);
  if (c == NULL || c->err) {
    fprintf(stderr, "connect: %s\n", c ? c->errstr : "out of memory");
    return 1;
  }
  freeReplyObject(redisCommand(c, "DEL user:1"));
  redisReply *reply = redisCommand(c, "HSET user:1 name %s lang %s", "Ada", "C");
  expect(reply->type == REDIS_REPLY_INTEGER && reply->integer == 2, "HSET");
  freeReplyObject(reply);

  reply = redisCommand(c, "HGETSET user:1 lang %s", "C++"); /* the previous value */
  expect(reply->type == REDIS_REPLY_STRING && strcmp(reply->str, "C") == 0, "HGETSET");
  freeReplyObject(reply);

  /* Pipelined: queue the requests, then read the replies in order. */
  redisAppendCommand(c, "MULTI");
  redisAppendCommand(c, "HINCRBY user:1 visits 1");
  redisAppendCommand(c, "EXPIRE user:1 60");
  redisAppendCommand(c, "EXEC");
  for (int i = 0; i < 4; i++) {
    expect(redisGetReply(c, (void **)&reply) == REDIS_OK, "the pipeline");
    if (i == 3) expect(reply->type == REDIS_REPLY_ARRAY && reply->elements == 2, "EXEC");
    freeReplyObject(reply);
  }
  redisFree(c);
  puts("hiredis example: OK");
  return 0;
}
