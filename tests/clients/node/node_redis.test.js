// node-redis, the current major ("redis" in package.json), over RESP3 (HELLO 3), against the
// server run_against.sh started.
"use strict";

const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const { host, port, restartServer, sleep, versionOf } = require("./support");
const { createClient, WatchError } = require("redis");

console.log(`redis (node-redis) ${versionOf("redis")} (RESP3) against ${process.env.CLIENTS_SERVER}`);

// Every test ends within 10 s even when a server never answers (a hang is a failure, not a stall).
const T = { timeout: 10000 };
const clients = [];
const errors = [];
async function connect() {
  const client = createClient({ socket: { host, port }, RESP: 3, name: "hashkv-matrix" });
  // node-redis reports a dropped connection as an "error" event; without a listener it throws.
  client.on("error", (err) => errors.push(err));
  clients.push(client);
  await client.connect();
  return client;
}
let r;

before(async () => {
  r = await connect();
});
after(() => clients.forEach((client) => client.isOpen && client.destroy()));
beforeEach(() => r.flushAll());

async function rejectsWith(promise, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.message, message);
    return true;
  });
}

test("handshake", T, async () => {
  assert.equal(await r.clientGetName(), "hashkv-matrix");
  assert.match(await r.sendCommand(["CLIENT", "INFO"]), / resp=3\b/);
});

test("hash family", T, async () => {
  assert.equal(await r.hSet("h", "f1", "v1"), 1);
  assert.equal(await r.hSet("h", { f2: "v2", f3: "v3" }), 2);
  assert.equal(await r.hSet("h", [["f1", "v1b"], ["f4", "v4"]]), 1);
  assert.equal(await r.hSetNX("h", "f1", "x"), 0);
  assert.equal(await r.hSetNX("h", "f5", "v5"), 1);
  assert.equal(await r.sendCommand(["HMSET", "h", "f6", "v6", "f7", "v7"]), "OK");
  assert.equal(await r.hGet("h", "f1"), "v1b");
  assert.equal(await r.hGet("h", "nope"), null);
  assert.equal(await r.hGet("nokey", "f1"), null);
  assert.deepEqual(await r.hmGet("h", ["f1", "nope", "f2"]), ["v1b", null, "v2"]);
  const fields = ["f1", "f2", "f3", "f4", "f5", "f6", "f7"];
  const values = ["v1b", "v2", "v3", "v4", "v5", "v6", "v7"];
  // HGETALL is a RESP3 map; insertion order while the hash is small, on both servers.
  assert.deepEqual(Object.entries(await r.hGetAll("h")), fields.map((f, i) => [f, values[i]]));
  assert.deepEqual(await r.hGetAll("nokey"), {});
  assert.deepEqual(await r.hKeys("h"), fields);
  assert.deepEqual(await r.hVals("h"), values);
  assert.equal(await r.hLen("h"), 7);
  assert.equal(await r.hStrLen("h", "f1"), 3);
  assert.equal(await r.hStrLen("h", "nope"), 0);
  assert.equal(await r.hExists("h", "f1"), 1);
  assert.equal(await r.hExists("h", "nope"), 0);
  assert.equal(await r.hDel("h", ["f6", "f7", "nope"]), 2);
  assert.equal(await r.type("h"), "hash");
  assert.equal(await r.hIncrBy("h", "n", 5), 5);
  assert.equal(await r.hIncrBy("h", "n", -7), -2);
  await rejectsWith(r.hIncrBy("h", "f1", 1), "ERR hash value is not an integer");
  // HINCRBYFLOAT stays a bulk string under RESP3, as in Redis 7.
  assert.equal(await r.hIncrByFloat("h", "fl", 10.5), "10.5");
  assert.equal(await r.hIncrByFloat("h", "fl", 0.1), "10.6");
  assert.equal(await r.sendCommand(["HINCRBYFLOAT", "h", "fl", "5.0e3"]), "5010.60000000000000009");
  await rejectsWith(r.hIncrByFloat("h", "f1", 1), "ERR hash value is not a float");
  await rejectsWith(r.sendCommand(["HGET", "h"]), "ERR wrong number of arguments for 'hget' command");
  assert.equal(await r.hDel("h", await r.hKeys("h")), 7);
  assert.equal(await r.exists("h"), 0);
});

test("hrandfield", T, async () => {
  await r.hSet("h", { a: "1", b: "2", c: "3" });
  assert.ok(["a", "b", "c"].includes(await r.hRandField("h")));
  const two = await r.hRandFieldCount("h", 2);
  assert.equal(new Set(two).size, 2);
  const repeated = await r.hRandFieldCount("h", -10);
  assert.equal(repeated.length, 10);
  for (const f of repeated) assert.ok(["a", "b", "c"].includes(f));
  assert.deepEqual(await r.hRandFieldCount("h", 10), ["a", "b", "c"]);
  // WITHVALUES answers [field, value] pairs under RESP3.
  const raw = await r.sendCommand(["HRANDFIELD", "h", "2", "WITHVALUES"]);
  assert.equal(raw.length, 2);
  for (const pair of raw) {
    assert.equal(pair.length, 2);
    assert.equal(await r.hGet("h", pair[0]), pair[1]);
  }
  const pairs = await r.hRandFieldCountWithValues("h", 10);
  assert.deepEqual(pairs, [
    { field: "a", value: "1" },
    { field: "b", value: "2" },
    { field: "c", value: "3" },
  ]);
  assert.equal(await r.hRandField("nokey"), null);
  assert.deepEqual(await r.hRandFieldCount("nokey", 3), []);
});

test("hscan", T, async () => {
  await r.hSet("small", { a: "1", b: "2" });
  assert.deepEqual(await r.hScan("small", "0"), {
    cursor: "0",
    entries: [
      { field: "a", value: "1" },
      { field: "b", value: "2" },
    ],
  });
  assert.deepEqual(await r.hScan("nokey", "0"), { cursor: "0", entries: [] });
  const big = {};
  for (let i = 0; i < 1000; i++) big[`field:${i}`] = String(i);
  assert.equal(await r.hSet("big", big), 1000);
  const seen = {};
  let batches = 0;
  for await (const entries of r.hScanIterator("big", { COUNT: 100 })) {
    for (const { field, value } of entries) seen[field] = value;
    batches++;
  }
  assert.deepEqual(seen, big);
  assert.ok(batches > 1);
  const matched = [];
  for await (const entries of r.hScanIterator("big", { MATCH: "field:99*" })) {
    for (const { field } of entries) matched.push(field);
  }
  assert.deepEqual(matched.sort(), Object.keys(big).filter((f) => f.startsWith("field:99")).sort());
});

test("hgetset through sendCommand()", T, async () => {
  assert.equal(await r.sendCommand(["HGETSET", "h", "f", "x"]), null);
  assert.equal(await r.sendCommand(["HGETSET", "h", "f", "y"]), "x");
  assert.equal(await r.hGet("h", "f"), "y");
});

test("pipeline", T, async () => {
  const replies = await r
    .multi()
    .hSet("p", "a", "1")
    .hIncrBy("p", "a", 2)
    .addCommand(["HGETSET", "p", "a", "x"])
    .hGet("p", "a")
    .hGetAll("p")
    .execAsPipeline();
  assert.deepEqual(replies, [1, 3, "3", "x", { a: "x" }]);
  // Commands issued in the same tick are pipelined too; each promise settles on its own.
  const settled = await Promise.allSettled([
    r.hIncrBy("p", "a", 1),
    r.sendCommand(["HGETSET", "p", "a", "y"]),
    r.hGet("p", "a"),
  ]);
  assert.equal(settled[0].reason.message, "ERR hash value is not an integer");
  assert.deepEqual(settled.slice(1).map((s) => s.value), ["x", "y"]);
});

test("transaction", T, async () => {
  const replies = await r
    .multi()
    .hSet("t", { a: "1", b: "2" })
    .hIncrBy("t", "a", 5)
    .addCommand(["HGETSET", "t", "a", "z"])
    .hGetAll("t")
    .exec();
  assert.deepEqual(replies, [2, 6, "6", { a: "z", b: "2" }]);
});

test("transaction: a run-time error does not roll back", T, async () => {
  await assert.rejects(r.multi().hSet("t", "a", "x").hIncrBy("t", "a", 1).hSet("t", "b", "y").exec(), (err) => {
    assert.deepEqual(err.errorIndexes, [1]);
    assert.equal(err.replies[1].message, "ERR hash value is not an integer");
    assert.deepEqual([err.replies[0], err.replies[2]], [1, 1]);
    return true;
  });
  assert.deepEqual(await r.hGetAll("t"), { a: "x", b: "y" });
});

test("transaction: a queue-time error aborts EXEC", T, async () => {
  // node-redis reports the first queueing error rather than EXECABORT.
  await rejectsWith(
    r.multi().hSet("t", "a", "1").addCommand(["HGET", "t"]).exec(),
    "ERR wrong number of arguments for 'hget' command",
  );
  assert.equal(await r.exists("t"), 0);
});

test("watch", T, async () => {
  await r.hSet("w", "n", "1");
  assert.equal(await r.watch("w"), "OK");
  const n = Number(await r.hGet("w", "n"));
  assert.deepEqual(await r.multi().hSet("w", "n", String(n + 1)).exec(), [0]);
  assert.equal(await r.hGet("w", "n"), "2");
});

test("watch: a conflicting write makes EXEC answer null", T, async () => {
  const other = await connect();
  await r.hSet("w", "n", "1");
  await r.watch("w");
  assert.equal(await r.hGet("w", "n"), "1");
  await other.hSet("w", "n", "100");
  await assert.rejects(r.multi().hSet("w", "n", "2").exec(), WatchError);
  assert.equal(await r.hGet("w", "n"), "100");
});

test("expiry", T, async () => {
  await r.hSet("e", "f", "v");
  assert.equal(await r.ttl("e"), -1);
  assert.equal(await r.expire("e", 100), 1);
  const ttl = await r.ttl("e");
  assert.ok(ttl >= 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.pExpire("e", 5000), 1);
  const pttl = await r.pTTL("e");
  assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
  assert.equal(await r.ttl("nokey"), -2);
  await r.hSet("kept", "f", "v");
  await r.expire("kept", 100);
  assert.equal(await r.persist("kept"), 1);
  assert.equal(await r.ttl("kept"), -1);
  assert.equal(await r.pExpire("e", 100), 1);  // gone 100 ms from now
  await sleep(300);
  assert.equal(await r.exists("e"), 0);
  assert.equal(await r.hGet("e", "f"), null);
  assert.deepEqual(await r.hGetAll("e"), {});
  assert.equal(await r.ttl("e"), -2);
});

test("reconnect after the server restarts", T, async () => {
  await r.hSet("before", "f", "v");
  const reconnected = new Promise((resolve) => r.once("ready", resolve));
  await restartServer();
  await reconnected;  // node-redis reconnects by itself (reconnectStrategy), redoing HELLO 3
  assert.ok(errors.length > 0);  // and said so through the "error" event
  assert.equal(await r.ping(), "PONG");
  assert.equal(await r.clientGetName(), "hashkv-matrix");
  assert.equal(await r.exists("before"), 0);
  assert.equal(await r.sendCommand(["HGETSET", "after", "f", "v"]), null);
  assert.deepEqual(await r.hGetAll("after"), { f: "v" });
});
