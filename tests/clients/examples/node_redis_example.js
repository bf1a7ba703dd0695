// node-redis against hashkv, over RESP3: only the URL differs from a Redis set-up.
const assert = require("node:assert/strict");
const { createClient } = require("redis");

(async () => {
  const client = createClient({
    url: `redis://127.0.0.1:${process.env.REDIS_PORT || 6379}`,
    RESP: 3,
  }).on("error", (err) => console.error(err));
  await client.connect();
  await client.del("user:1");
  await client.hSet("user:1", { name: "Ada", lang: "C" });
  assert.equal(await client.sendCommand(["HGETSET", "user:1", "lang", "C++"]), "C");
  assert.deepEqual(await client.hGetAll("user:1"), { name: "Ada", lang: "C++" });

  const replies = await client.multi().hIncrBy("user:1", "visits", 1).expire("user:1", 60).exec();
  assert.deepEqual(replies, [1, 1]);
  client.destroy();
  console.log("node-redis example: OK");
})();
