// Shared by the Node client tests: the server run_against.sh started, and its restart helper.
"use strict";

const { exec } = require("node:child_process");
const { promisify } = require("node:util");

const host = process.env.REDIS_HOST;
const port = Number(process.env.REDIS_PORT);
if (!host || !port) throw new Error("run me through tests/clients/run_against.sh");

// Stops the server and starts it again on the same port. Asynchronous, so the client's event
// loop sees the connection drop while it happens, as it would in a real outage.
async function restartServer() {
  await promisify(exec)(process.env.CLIENTS_RESTART);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function versionOf(pkg) {
  return require(`${pkg}/package.json`).version;
}

module.exports = { host, port, restartServer, sleep, versionOf };
