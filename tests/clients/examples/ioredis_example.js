// ioredis against hashkv: the client is created as for Redis; only the port differs.
const assert = require("node:assert/strict");
const Redis = require("ioredis");

(async () => {
  const redis = new Redis({ port: Number(process.env.REDIS_PORT || 6379) });
  await redis.del("user:1");
  await redis.hset("user:1", { name: "Ada", lang: "C" });
  assert.equal(await redis.call("HGETSET", "user:1", "lang", "C++"), "C");
  assert.deepEqual(await redis.hgetall("user:1"), { name: "Ada", lang: "C++" });

  const results = await redis.multi().hincrby("user:1", "visits", 1).expire("user:1", 60).exec();
  assert.deepEqual(results, [[null, 1], [null, 1]]);
  redis.disconnect();
  console.log("ioredis example: OK");
})();
