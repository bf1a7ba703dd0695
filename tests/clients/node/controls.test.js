// The wire test controls through ioredis (RESP3), against hashkv-server started by run_against.sh
// with --enable-test-controls: a fast-forward expires a key, an injected error rejects the app's
// promise with its exact text, and HASHKV.LOG lists what the app sent. hashkv only.
"use strict";

const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const { host, port, versionOf } = require("./support");
const Redis = require("ioredis");

console.log(`ioredis ${versionOf("ioredis")} against ${process.env.CLIENTS_SERVER} (controls)`);

const clients = [];
function connect() {
  const client = new Redis({ host, port });
  clients.push(client);
  return client;
}
const T = { timeout: 10000 };
let ctl; // sends the controls
let app; // the application under test

before(async () => {
  ctl = connect();
  app = connect();
  await Promise.all([ctl.ping(), app.ping()]); // connected before any error is injected
}, T);
after(() => clients.forEach((client) => client.disconnect()));
beforeEach(async () => {
  await ctl.call("HASHKV.RESET");
}, T);

test("CLOCK ADVANCE expires a key with a TTL of an hour", T, async () => {
  await app.hset("session", "user", "ann");
  assert.equal(await app.expire("session", 3600), 1);
  assert.ok((await app.ttl("session")) > 3590);
  await ctl.call("HASHKV.CLOCK", "FREEZE");
  const t0 = await ctl.call("HASHKV.CLOCK", "GET");
  assert.equal(await ctl.call("HASHKV.CLOCK", "ADVANCE", "3600001"), t0 + 3600001);
  assert.equal(await app.hget("session", "user"), null);
  assert.equal(await app.exists("session"), 0);
  assert.equal(await app.ttl("session"), -2);
});

test("ERROR SET rejects the app's promise with the exact message", T, async () => {
  await app.hset("h", "f", "v");
  assert.equal(await ctl.call("HASHKV.ERROR", "SET", "hget", "boom"), "OK");
  await assert.rejects(app.hget("h", "f"), (err) => {
    assert.equal(err.name, "ReplyError");
    assert.equal(err.message, "ERR boom");
    return true;
  });
  assert.deepEqual(await app.hgetall("h"), { f: "v" }); // only HGET fails
  assert.equal(await ctl.call("HASHKV.ERROR", "SET", "LOADING Redis is loading the dataset"), "OK");
  await assert.rejects(app.hlen("h"), { message: "LOADING Redis is loading the dataset" });
  assert.equal(await ctl.call("HASHKV.ERROR", "CLEAR"), "OK");
  assert.equal(await app.hget("h", "f"), "v");
});

test("LOG GET lists the commands the app sent, oldest first", T, async () => {
  await app.hset("h", "f", "v");
  await app.hget("h", "f");
  await app.expire("h", 100);
  await ctl.call("HASHKV.CLOCK", "GET"); // never logged
  assert.deepEqual(await ctl.call("HASHKV.LOG", "GET"), [
    ["hset", "h", "f", "v"],
    ["hget", "h", "f"],
    ["expire", "h", "100"],
  ]);
  assert.deepEqual(await ctl.call("HASHKV.LOG", "GET", "1"), [["expire", "h", "100"]]);
  assert.equal(await ctl.call("HASHKV.LOG", "LEN"), 3);
});
