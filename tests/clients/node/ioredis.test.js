// ioredis against the server run_against.sh started. IOREDIS_PACKAGE picks the version from
// package.json ("ioredis" is the current major, which negotiates RESP3 with HELLO 3 by default;
// "ioredis-v5" speaks RESP2 and checks INFO for loading:0 before it is ready).
"use strict";

const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const { host, port, restartServer, sleep, versionOf } = require("./support");

const pkg = process.env.IOREDIS_PACKAGE || "ioredis";
const Redis = require(pkg);
const resp = versionOf(pkg).startsWith("5.") ? 2 : 3;
console.log(`${pkg} ${versionOf(pkg)} (RESP${resp}) against ${process.env.CLIENTS_SERVER}`);

// Every client is closed after the tests, also those of a failed test: an open socket would
// keep node running.
const clients = [];
function connect() {
  const client = new Redis({ host, port, connectionName: "hashkv-matrix" });
  clients.push(client);
  return client;
}
// Every test ends within 10 s even when a server never answers (a hang is a failure, not a stall).
const T = { timeout: 10000 };
let r;

before(async () => {
  r = connect();
  await r.ping();
});
after(() => clients.forEach((client) => client.disconnect()));
beforeEach(() => r.flushall());

async function rejectsWith(promise, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.message, message);
    return true;
  });
}

test("handshake", T, async () => {
  assert.equal(await r.client("GETNAME"), "hashkv-matrix");
  assert.match(await r.client("INFO"), new RegExp(` resp=${resp}\\b`));
});

test("hash family", T, async () => {
  assert.equal(await r.hset("h", "f1", "v1"), 1);
  assert.equal(await r.hset("h", { f2: "v2", f3: "v3" }), 2);
  assert.equal(await r.hset("h", "f1", "v1b", "f4", "v4"), 1);
  assert.equal(await r.hsetnx("h", "f1", "x"), 0);
  assert.equal(await r.hsetnx("h", "f5", "v5"), 1);
  assert.equal(await r.hmset("h", { f6: "v6", f7: "v7" }), "OK");
  assert.equal(await r.hget("h", "f1"), "v1b");
  assert.equal(await r.hget("h", "nope"), null);
  assert.equal(await r.hget("nokey", "f1"), null);
  assert.deepEqual(await r.hmget("h", "f1", "nope", "f2"), ["v1b", null, "v2"]);
  const fields = ["f1", "f2", "f3", "f4", "f5", "f6", "f7"];
  const values = ["v1b", "v2", "v3", "v4", "v5", "v6", "v7"];
  // Insertion order while the hash is small, on both servers.
  assert.deepEqual(Object.entries(await r.hgetall("h")), fields.map((f, i) => [f, values[i]]));
  assert.deepEqual(await r.hgetall("nokey"), {});
  assert.deepEqual(await r.hkeys("h"), fields);
  assert.deepEqual(await r.hvals("h"), values);
  assert.equal(await r.hlen("h"), 7);
  assert.equal(await r.hstrlen("h", "f1"), 3);
  assert.equal(await r.hstrlen("h", "nope"), 0);
  assert.equal(await r.hexists("h", "f1"), 1);
  assert.equal(await r.hexists("h", "nope"), 0);
  assert.equal(await r.hdel("h", "f6", "f7", "nope"), 2);
  assert.equal(await r.type("h"), "hash");
  assert.equal(await r.hincrby("h", "n", 5), 5);
  assert.equal(await r.hincrby("h", "n", -7), -2);
  await rejectsWith(r.hincrby("h", "f1", 1), "ERR hash value is not an integer");
  assert.equal(await r.hincrbyfloat("h", "fl", 10.5), "10.5");
  assert.equal(await r.hincrbyfloat("h", "fl", 0.1), "10.6");
  assert.equal(await r.hincrbyfloat("h", "fl", "5.0e3"), "5010.60000000000000009");
  await rejectsWith(r.hincrbyfloat("h", "f1", 1), "ERR hash value is not a float");
  await rejectsWith(r.call("HGET", "h"), "ERR wrong number of arguments for 'hget' command");
  assert.equal(await r.hdel("h", ...(await r.hkeys("h"))), 7);
  assert.equal(await r.exists("h"), 0);
});

test("hrandfield", T, async () => {
  await r.hset("h", { a: "1", b: "2", c: "3" });
  assert.ok(["a", "b", "c"].includes(await r.hrandfield("h")));
  const two = await r.hrandfield("h", 2);
  assert.equal(new Set(two).size, 2);
  const repeated = await r.hrandfield("h", -10);
  assert.equal(repeated.length, 10);
  for (const f of repeated) assert.ok(["a", "b", "c"].includes(f));
  assert.deepEqual(await r.hrandfield("h", 10), ["a", "b", "c"]);
  // WITHVALUES: RESP3 sends [field, value] pairs, which ioredis flattens like RESP2's array.
  const pairs = await r.hrandfield("h", 2, "WITHVALUES");
  assert.equal(pairs.length, 4);
  for (let i = 0; i < pairs.length; i += 2) assert.equal(await r.hget("h", pairs[i]), pairs[i + 1]);
  assert.equal(await r.hrandfield("nokey"), null);
  assert.deepEqual(await r.hrandfield("nokey", 3), []);
});

test("hscan", T, async () => {
  await r.hset("small", { a: "1", b: "2" });
  assert.deepEqual(await r.hscan("small", 0), ["0", ["a", "1", "b", "2"]]);
  assert.deepEqual(await r.hscan("nokey", 0), ["0", []]);
  const big = {};
  for (let i = 0; i < 1000; i++) big[`field:${i}`] = String(i);
  assert.equal(await r.hset("big", big), 1000);
  const seen = {};
  let batches = 0;
  for await (const batch of r.hscanStream("big", { count: 100 })) {
    for (let i = 0; i < batch.length; i += 2) seen[batch[i]] = batch[i + 1];
    batches++;
  }
  assert.deepEqual(seen, big);
  assert.ok(batches > 1);
  const matched = [];
  for await (const batch of r.hscanStream("big", { match: "field:99*" })) {
    for (let i = 0; i < batch.length; i += 2) matched.push(batch[i]);
  }
  assert.deepEqual(matched.sort(), Object.keys(big).filter((f) => f.startsWith("field:99")).sort());
});

test("hgetset through call()", T, async () => {
  assert.equal(await r.call("HGETSET", "h", "f", "x"), null);
  assert.equal(await r.call("HGETSET", "h", "f", "y"), "x");
  assert.equal(await r.hget("h", "f"), "y");
});

test("pipeline", T, async () => {
  const results = await r
    .pipeline()
    .hset("p", "a", "1")
    .hincrby("p", "a", 2)
    .call("HGETSET", "p", "a", "x")
    .hget("p", "a")
    .hincrby("p", "a", 1)
    .hgetall("p")
    .exec();
  assert.deepEqual(results.slice(0, 4), [[null, 1], [null, 3], [null, "3"], [null, "x"]]);
  assert.equal(results[4][0].message, "ERR hash value is not an integer");
  assert.deepEqual(results[5], [null, { a: "x" }]);
});

test("transaction", T, async () => {
  const results = await r
    .multi()
    .hset("t", { a: "1", b: "2" })
    .hincrby("t", "a", 5)
    .call("HGETSET", "t", "a", "z")
    .hgetall("t")
    .exec();
  assert.deepEqual(results, [[null, 2], [null, 6], [null, "6"], [null, { a: "z", b: "2" }]]);
});

test("transaction: a run-time error does not roll back", T, async () => {
  const results = await r.multi().hset("t", "a", "x").hincrby("t", "a", 1).hset("t", "b", "y").exec();
  assert.deepEqual(results[0], [null, 1]);
  assert.equal(results[1][0].message, "ERR hash value is not an integer");
  assert.deepEqual(results[2], [null, 1]);
  assert.deepEqual(await r.hgetall("t"), { a: "x", b: "y" });
});

test("transaction: a queue-time error aborts EXEC", T, async () => {
  await assert.rejects(r.multi().hset("t", "a", "1").call("HGET", "t").exec(), (err) => {
    assert.equal(err.message, "EXECABORT Transaction discarded because of previous errors.");
    assert.equal(err.previousErrors[0].message, "ERR wrong number of arguments for 'hget' command");
    return true;
  });
  assert.equal(await r.exists("t"), 0);
});

test("watch", T, async () => {
  await r.hset("w", "n", "1");
  assert.equal(await r.watch("w"), "OK");
  const n = Number(await r.hget("w", "n"));
  assert.deepEqual(await r.multi().hset("w", "n", n + 1).exec(), [[null, 0]]);
  assert.equal(await r.hget("w", "n"), "2");
});

test("watch: a conflicting write makes EXEC answer null", T, async () => {
  const other = connect();
  await r.hset("w", "n", "1");
  await r.watch("w");
  assert.equal(await r.hget("w", "n"), "1");
  await other.hset("w", "n", "100");
  assert.equal(await r.multi().hset("w", "n", "2").exec(), null);
  assert.equal(await r.hget("w", "n"), "100");
});

test("expiry", T, async () => {
  await r.hset("e", "f", "v");
  assert.equal(await r.ttl("e"), -1);
  assert.equal(await r.expire("e", 100), 1);
  const ttl = await r.ttl("e");
  assert.ok(ttl >= 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.pexpire("e", 5000), 1);
  const pttl = await r.pttl("e");
  assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
  assert.equal(await r.ttl("nokey"), -2);
  await r.hset("kept", "f", "v");
  await r.expire("kept", 100);
  assert.equal(await r.persist("kept"), 1);
  assert.equal(await r.ttl("kept"), -1);
  assert.equal(await r.pexpire("e", 100), 1);  // gone 100 ms from now
  await sleep(300);
  assert.equal(await r.exists("e"), 0);
  assert.equal(await r.hget("e", "f"), null);
  assert.deepEqual(await r.hgetall("e"), {});
  assert.equal(await r.ttl("e"), -2);
});

test("reconnect after the server restarts", T, async () => {
  await r.hset("before", "f", "v");
  let reconnected = false;
  r.once("ready", () => (reconnected = true));
  await restartServer();
  // ioredis reconnects by itself (retryStrategy) and queues commands until it is ready again.
  assert.equal(await r.ping(), "PONG");
  assert.ok(reconnected);
  assert.equal(await r.client("GETNAME"), "hashkv-matrix");
  assert.equal(await r.exists("before"), 0);
  assert.equal(await r.call("HGETSET", "after", "f", "v"), null);
  assert.deepEqual(await r.hgetall("after"), { f: "v" });
});
