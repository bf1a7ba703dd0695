// node-redis v4 ("redis-v4" in package.json, RESP2 only) against the server run_against.sh
// started. v4 answers booleans where v5+ answer integers, and WATCH needs an isolated connection.
"use strict";

const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const { host, port, restartServer, sleep, versionOf } = require("./support");
const { createClient, WatchError } = require("redis-v4");

console.log(`redis (node-redis) ${versionOf("redis-v4")} (RESP2) against ${process.env.CLIENTS_SERVER}`);

// Every test ends within 10 s even when a server never answers (a hang is a failure, not a stall).
const T = { timeout: 10000 };
const clients = [];
const errors = [];
async function connect() {
  const client = createClient({ socket: { host, port }, name: "hashkv-matrix" });
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
after(() => clients.forEach((client) => client.isOpen && client.disconnect()));
beforeEach(() => r.flushAll());

// v4 builds hashes as objects without a prototype; compare them as plain objects.
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
const deepEqual = (actual, expected) => assert.deepEqual(plain(actual), expected);

async function rejectsWith(promise, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.message, message);
    return true;
  });
}

test("handshake", T, async () => {
  assert.equal(await r.clientGetName(), "hashkv-matrix");
  assert.match(await r.sendCommand(["CLIENT", "INFO"]), / resp=2\b/);
});

test("hash family", T, async () => {
  assert.equal(await r.hSet("h", "f1", "v1"), 1);
  assert.equal(await r.hSet("h", { f2: "v2", f3: "v3" }), 2);
  assert.equal(await r.hSet("h", [["f1", "v1b"], ["f4", "v4"]]), 1);
  assert.equal(await r.hSetNX("h", "f1", "x"), false);
  assert.equal(await r.hSetNX("h", "f5", "v5"), true);
  assert.equal(await r.sendCommand(["HMSET", "h", "f6", "v6", "f7", "v7"]), "OK");
  assert.equal(await r.hGet("h", "f1"), "v1b");
  assert.equal(await r.hGet("h", "nope"), null);
  assert.equal(await r.hGet("nokey", "f1"), null);
  deepEqual(await r.hmGet("h", ["f1", "nope", "f2"]), ["v1b", null, "v2"]);
  const fields = ["f1", "f2", "f3", "f4", "f5", "f6", "f7"];
  const values = ["v1b", "v2", "v3", "v4", "v5", "v6", "v7"];
  // Insertion order while the hash is small, on both servers.
  deepEqual(Object.entries(await r.hGetAll("h")), fields.map((f, i) => [f, values[i]]));
  deepEqual(await r.hGetAll("nokey"), {});
  deepEqual(await r.hKeys("h"), fields);
  deepEqual(await r.hVals("h"), values);
  assert.equal(await r.hLen("h"), 7);
  assert.equal(await r.hStrLen("h", "f1"), 3);
  assert.equal(await r.hStrLen("h", "nope"), 0);
  assert.equal(await r.hExists("h", "f1"), true);
  assert.equal(await r.hExists("h", "nope"), false);
  assert.equal(await r.hDel("h", ["f6", "f7", "nope"]), 2);
  assert.equal(await r.type("h"), "hash");
  assert.equal(await r.hIncrBy("h", "n", 5), 5);
  assert.equal(await r.hIncrBy("h", "n", -7), -2);
  await rejectsWith(r.hIncrBy("h", "f1", 1), "ERR hash value is not an integer");
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
  deepEqual(await r.hRandFieldCount("h", 10), ["a", "b", "c"]);
  // WITHVALUES answers a flat field, value, ... array under RESP2.
  const raw = await r.sendCommand(["HRANDFIELD", "h", "2", "WITHVALUES"]);
  assert.equal(raw.length, 4);
  for (let i = 0; i < raw.length; i += 2) assert.equal(await r.hGet("h", raw[i]), raw[i + 1]);
  deepEqual(await r.hRandFieldCountWithValues("h", 10), { a: "1", b: "2", c: "3" });
  assert.equal(await r.hRandField("nokey"), null);
  deepEqual(await r.hRandFieldCount("nokey", 3), []);
});

test("hscan", T, async () => {
  await r.hSet("small", { a: "1", b: "2" });
  deepEqual(await r.hScan("small", 0), {
    cursor: 0,
    tuples: [
      { field: "a", value: "1" },
      { field: "b", value: "2" },
    ],
  });
  deepEqual(await r.hScan("nokey", 0), { cursor: 0, tuples: [] });
  const big = {};
  for (let i = 0; i < 1000; i++) big[`field:${i}`] = String(i);
  assert.equal(await r.hSet("big", big), 1000);
  const seen = {};
  for await (const { field, value } of r.hScanIterator("big", { COUNT: 100 })) seen[field] = value;
  deepEqual(seen, big);
  const { cursor } = await r.hScan("big", 0, { COUNT: 10 });
  assert.notEqual(cursor, 0);
  const matched = [];
  for await (const { field } of r.hScanIterator("big", { MATCH: "field:99*" })) matched.push(field);
  deepEqual(matched.sort(), Object.keys(big).filter((f) => f.startsWith("field:99")).sort());
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
  deepEqual(replies, [1, 3, "3", "x", { a: "x" }]);
  // Commands issued in the same tick are pipelined too; each promise settles on its own.
  const settled = await Promise.allSettled([
    r.hIncrBy("p", "a", 1),
    r.sendCommand(["HGETSET", "p", "a", "y"]),
    r.hGet("p", "a"),
  ]);
  assert.equal(settled[0].reason.message, "ERR hash value is not an integer");
  deepEqual(settled.slice(1).map((s) => s.value), ["x", "y"]);
});

test("transaction", T, async () => {
  const replies = await r
    .multi()
    .hSet("t", { a: "1", b: "2" })
    .hIncrBy("t", "a", 5)
    .addCommand(["HGETSET", "t", "a", "z"])
    .hGetAll("t")
    .exec();
  deepEqual(replies, [2, 6, "6", { a: "z", b: "2" }]);
});

test("transaction: a run-time error does not roll back", T, async () => {
  await assert.rejects(r.multi().hSet("t", "a", "x").hIncrBy("t", "a", 1).hSet("t", "b", "y").exec(), (err) => {
    deepEqual(err.errorIndexes, [1]);
    assert.equal(err.replies[1].message, "ERR hash value is not an integer");
    deepEqual([err.replies[0], err.replies[2]], [1, 1]);
    return true;
  });
  deepEqual(await r.hGetAll("t"), { a: "x", b: "y" });
});

test("transaction: a queue-time error aborts EXEC", T, async () => {
  await rejectsWith(
    r.multi().hSet("t", "a", "1").addCommand(["HGET", "t"]).exec(),
    "EXECABORT Transaction discarded because of previous errors.",
  );
  assert.equal(await r.exists("t"), 0);
});

test("watch", T, async () => {
  await r.hSet("w", "n", "1");
  await r.executeIsolated(async (isolated) => {
    assert.equal(await isolated.watch("w"), "OK");
    const n = Number(await isolated.hGet("w", "n"));
    deepEqual(await isolated.multi().hSet("w", "n", String(n + 1)).exec(), [0]);
  });
  assert.equal(await r.hGet("w", "n"), "2");
});

test("watch: a conflicting write makes EXEC answer null", T, async () => {
  await r.hSet("w", "n", "1");
  await r.executeIsolated(async (isolated) => {
    await isolated.watch("w");
    assert.equal(await isolated.hGet("w", "n"), "1");
    await r.hSet("w", "n", "100");  // the main connection is another client
    await assert.rejects(isolated.multi().hSet("w", "n", "2").exec(), WatchError);
  });
  assert.equal(await r.hGet("w", "n"), "100");
});

test("expiry", T, async () => {
  await r.hSet("e", "f", "v");
  assert.equal(await r.ttl("e"), -1);
  assert.equal(await r.expire("e", 100), true);
  const ttl = await r.ttl("e");
  assert.ok(ttl >= 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.pExpire("e", 5000), true);
  const pttl = await r.pTTL("e");
  assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
  assert.equal(await r.ttl("nokey"), -2);
  await r.hSet("kept", "f", "v");
  await r.expire("kept", 100);
  assert.equal(await r.persist("kept"), true);
  assert.equal(await r.ttl("kept"), -1);
  assert.equal(await r.pExpire("e", 100), true);  // gone 100 ms from now
  await sleep(300);
  assert.equal(await r.exists("e"), 0);
  assert.equal(await r.hGet("e", "f"), null);
  deepEqual(await r.hGetAll("e"), {});
  assert.equal(await r.ttl("e"), -2);
});

test("reconnect after the server restarts", T, async () => {
  await r.hSet("before", "f", "v");
  const reconnected = new Promise((resolve) => r.once("ready", resolve));
  await restartServer();
  await reconnected;  // node-redis reconnects by itself (reconnectStrategy), redoing CLIENT SETNAME
  assert.ok(errors.length > 0);  // and said so through the "error" event
  assert.equal(await r.ping(), "PONG");
  assert.equal(await r.clientGetName(), "hashkv-matrix");
  assert.equal(await r.exists("before"), 0);
  assert.equal(await r.sendCommand(["HGETSET", "after", "f", "v"]), null);
  deepEqual(await r.hGetAll("after"), { f: "v" });
});
