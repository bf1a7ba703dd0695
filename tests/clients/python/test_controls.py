"""The wire test-control commands (HASHKV.CLOCK/ERROR/LOG/RESET) through redis-py.

hashkv only: redis-server has no such commands. HASHKV_CONTROLS says how run_against.sh started
hashkv-server (HASHKV_EXTRA_ARGS): "enabled" (with --enable-test-controls) runs the tests of every
command and subcommand; "disabled" (no flag) checks that the commands do not exist. Each test
asserts what an application sees through redis-py, and the exact reply bytes where redis-py
rewrites them (it drops the "ERR " of an error). Run:
HASHKV_EXTRA_ARGS='--enable-test-controls yes' HASHKV_CONTROLS=enabled \
    run_against.sh hashkv /usr/bin/python3 test_controls.py
"""

import os
import socket
import sys
import time
import unittest

import redis

HOST = os.environ["REDIS_HOST"]
PORT = int(os.environ["REDIS_PORT"])
HOUR_MS = 3600 * 1000
# 2001-09-09T01:46:40Z: far from today, so a clock that ignored SET cannot pass by accident.
PAST_MS = 1_000_000_000_123


def connect(**kwargs):
    # No client_name: a reconnect after an injected error must not send CLIENT SETNAME, which
    # would answer that error too.
    return redis.Redis(host=HOST, port=PORT, decode_responses=True, socket_timeout=5, **kwargs)


def now_ms():
    return int(time.time() * 1000)


class Raw:
    """One plain socket: sends a command as a RESP array, returns the reply's exact bytes."""

    def __init__(self):
        self.sock = socket.create_connection((HOST, PORT), timeout=5)
        self.file = self.sock.makefile("rb")

    def close(self):
        self.file.close()
        self.sock.close()

    def __call__(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            arg = arg if isinstance(arg, bytes) else str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _reply(self):
        line = self.file.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError(f"connection closed mid-reply: {line!r}")
        kind, rest = line[:1], line[1:-2]
        if kind in b"+-:":
            return line
        if kind == b"$":
            n = int(rest)
            return line if n < 0 else line + self.file.read(n + 2)
        if kind == b"*":
            n = int(rest)
            return line + b"".join(self._reply() for _ in range(max(n, 0)))
        raise ValueError(f"unexpected reply {line!r}")


def raw_once(*args):
    conn = Raw()
    try:
        return conn(*args)
    finally:
        conn.close()


class ControlsTest(unittest.TestCase):
    """Shared set-up: `ctl` sends the controls, `app` is the application under test."""

    def setUp(self):
        self.ctl = connect()
        self.app = connect()
        self.ctl.execute_command("HASHKV.ERROR", "CLEAR")
        self.ctl.execute_command("HASHKV.CLOCK", "REALTIME")
        self.ctl.flushall()
        self.ctl.execute_command("HASHKV.LOG", "RESET")
        self.raws = []

    def tearDown(self):
        self.app.close()
        self.ctl.close()
        for conn in self.raws:
            conn.close()

    def raw(self):
        conn = Raw()
        self.raws.append(conn)
        return conn

    def clock(self, *args):
        return self.ctl.execute_command("HASHKV.CLOCK", *args)

    def error(self, *args):
        return self.ctl.execute_command("HASHKV.ERROR", *args)

    def log(self, *args):
        return self.ctl.execute_command("HASHKV.LOG", *args)

    def assertNear(self, got, before, after, slack=5):
        """got lies within [before, after] give or take slack ms (whole-ms rounding)."""
        self.assertGreaterEqual(got, before - slack)
        self.assertLessEqual(got, after + slack)

    def assertFails(self, exc_class, text, fn, *args, **kwargs):
        with self.assertRaises(exc_class) as cm:
            fn(*args, **kwargs)
        self.assertIs(type(cm.exception), exc_class)
        self.assertEqual(str(cm.exception), text)

    def assertGone(self, key, field="f"):
        self.assertIsNone(self.app.hget(key, field))
        self.assertEqual(self.app.hgetall(key), {})
        self.assertEqual(self.app.exists(key), 0)
        self.assertEqual(self.app.ttl(key), -2)


class ClockTest(ControlsTest):
    def test_get_is_real_time_by_default(self):
        before = now_ms()
        got = self.clock("GET")
        after = now_ms()
        self.assertIsInstance(got, int)
        self.assertNear(got, before, after)
        time.sleep(0.2)
        self.assertGreaterEqual(self.clock("GET"), got + 190)  # and it runs

    def test_advance_expires_a_key_with_a_ttl_of_an_hour(self):
        app = self.app
        app.hset("session", mapping={"f": "v", "user": "ann"})
        self.assertIs(app.expire("session", 3600), True)
        self.assertTrue(3590 <= app.ttl("session") <= 3600)
        # Redis expires a key once the time is past its deadline, not at it: let 1 ms go by.
        time.sleep(0.005)
        before = now_ms()
        new_time = self.clock("ADVANCE", HOUR_MS)
        after = now_ms()
        self.assertNear(new_time, before + HOUR_MS, after + HOUR_MS)
        self.assertGone("session")
        self.assertEqual(app.dbsize(), 0)

    def test_advance_a_frozen_clock_expires_a_key(self):
        app = self.app
        self.clock("FREEZE")
        app.hset("h", "f", "v")
        app.expire("h", 3600)
        self.assertEqual(app.pttl("h"), HOUR_MS)
        self.clock("ADVANCE", HOUR_MS - 1)
        self.assertEqual(app.pttl("h"), 1)
        self.clock("ADVANCE", 2)
        self.assertGone("h")

    def test_advance_short_of_the_ttl_keeps_the_key(self):
        app = self.app
        app.hset("h", "f", "v")
        app.hset("forever", "f", "v")
        app.expire("h", 3600)
        self.clock("ADVANCE", HOUR_MS - 10_000)
        self.assertEqual(app.hget("h", "f"), "v")
        self.assertTrue(0 < app.pttl("h") <= 10_000)
        # The clock runs: TTL rounds the ms left to whole seconds, so 9 once over 500 ms have
        # passed since the EXPIRE (a slow, loaded machine).
        self.assertIn(app.ttl("h"), (9, 10))
        self.clock("ADVANCE", 10_001)
        self.assertGone("h")
        self.assertEqual(app.hget("forever", "f"), "v")  # no TTL, never expires
        self.assertEqual(app.ttl("forever"), -1)

    def test_advance_a_running_clock_keeps_it_running(self):
        before = now_ms()
        new_time = self.clock("ADVANCE", 60_000)
        after = now_ms()
        self.assertNear(new_time, before + 60_000, after + 60_000)
        time.sleep(0.2)
        before = now_ms()
        got = self.clock("GET")
        after = now_ms()
        self.assertNear(got, before + 60_000, after + 60_000)
        self.assertGreaterEqual(self.clock("ADVANCE", 0), got)

    def test_advance_a_frozen_clock_keeps_it_frozen(self):
        self.assertEqual(self.clock("FREEZE"), "OK")
        t0 = self.clock("GET")
        self.assertEqual(self.clock("ADVANCE", 1500), t0 + 1500)
        self.assertEqual(self.clock("ADVANCE", 0), t0 + 1500)
        time.sleep(0.2)
        self.assertEqual(self.clock("GET"), t0 + 1500)

    def test_freeze_stops_ttls_across_a_real_sleep(self):
        app = self.app
        app.hset("frozen", "f", "v")
        app.pexpire("frozen", 100_000)
        self.assertEqual(self.clock("FREEZE"), "OK")
        t0 = self.clock("GET")
        p0 = app.pttl("frozen")
        time.sleep(1.1)
        self.assertEqual(app.pttl("frozen"), p0)
        self.assertEqual(self.clock("GET"), t0)
        # A key due in 300 ms of virtual time outlives 500 ms of real time.
        app.hset("soon", "f", "v")
        app.pexpire("soon", 300)
        time.sleep(0.5)
        self.assertEqual(app.hget("soon", "f"), "v")
        self.assertEqual(app.pttl("soon"), 300)
        self.clock("ADVANCE", 301)
        self.assertGone("soon")

    def test_ttls_run_in_real_time_without_freeze(self):
        app = self.app
        app.hset("running", "f", "v")
        app.pexpire("running", 100_000)
        p0 = app.pttl("running")
        time.sleep(1.1)
        self.assertLessEqual(app.pttl("running"), p0 - 1000)
        app.hset("soon", "f", "v")
        app.pexpire("soon", 300)
        time.sleep(0.5)
        self.assertGone("soon")

    def test_set_a_frozen_clock(self):
        self.clock("FREEZE")
        self.assertEqual(self.clock("SET", PAST_MS), "OK")
        self.assertEqual(self.clock("GET"), PAST_MS)
        time.sleep(0.2)
        self.assertEqual(self.clock("GET"), PAST_MS)  # frozen stays frozen

    def test_set_a_running_clock_keeps_it_running(self):
        self.assertEqual(self.clock("SET", PAST_MS), "OK")
        first = self.clock("GET")
        self.assertNear(first, PAST_MS, PAST_MS + 1000)
        time.sleep(0.2)
        self.assertGreaterEqual(self.clock("GET"), first + 190)
        self.assertLess(self.clock("GET"), PAST_MS + 60_000)

    def test_set_moves_expireat_keys(self):
        app = self.app
        self.clock("FREEZE")
        self.clock("SET", PAST_MS)
        due_s = PAST_MS // 1000 + 100
        app.hset("at", "f", "v")
        self.assertIs(app.expireat("at", due_s), True)
        self.assertEqual(app.ttl("at"), 100)
        self.clock("SET", due_s * 1000 - 1)
        self.assertEqual(app.hget("at", "f"), "v")
        self.assertEqual(app.pttl("at"), 1)
        self.clock("SET", due_s * 1000 + 1)
        self.assertGone("at")
        # An EXPIREAT in the virtual past deletes at once, though it is the real future.
        app.hset("past", "f", "v")
        app.expireat("past", due_s - 1)
        self.assertGone("past")

    def test_realtime_restores_the_real_clock(self):
        self.clock("FREEZE")
        self.clock("SET", PAST_MS)
        self.assertEqual(self.clock("REALTIME"), "OK")
        before = now_ms()
        got = self.clock("GET")
        after = now_ms()
        self.assertNear(got, before, after)
        time.sleep(0.2)
        self.assertGreaterEqual(self.clock("GET"), got + 190)  # running again
        self.clock("ADVANCE", HOUR_MS)  # a running clock put ahead comes back too
        self.assertEqual(self.clock("REALTIME"), "OK")
        before = now_ms()
        got = self.clock("GET")
        after = now_ms()
        self.assertNear(got, before, after)

    def test_time_follows_the_clock(self):
        self.clock("FREEZE")
        self.clock("SET", 1_700_000_000_123)
        secs, usecs = self.app.time()
        self.assertEqual(secs, 1_700_000_000)
        self.assertTrue(123_000 <= usecs < 124_000, usecs)
        self.clock("ADVANCE", 2_000)
        self.assertEqual(self.app.time()[0], 1_700_000_002)
        self.clock("REALTIME")
        self.assertLessEqual(abs(self.app.time()[0] - time.time()), 2)

    def test_object_idletime_follows_the_clock(self):
        self.app.hset("idle", "f", "v")
        self.clock("FREEZE")
        self.assertLessEqual(self.app.object("idletime", "idle"), 1)
        self.clock("ADVANCE", 100_000)
        self.assertTrue(99 <= self.app.object("idletime", "idle") <= 101)

    def test_clock_argument_errors(self):
        clock = self.clock
        for args, text in [
            (("ADVANCE", -1), "invalid milliseconds"),
            (("ADVANCE", "abc"), "value is not an integer or out of range"),
            (("ADVANCE", "1.5"), "value is not an integer or out of range"),
            (("ADVANCE", "99999999999999999999"), "value is not an integer or out of range"),
            (("SET", "soon"), "value is not an integer or out of range"),
            (("SET", -1), "invalid milliseconds"),
            # Past the end of year 9999, where hashkv caps the clock.
            (("ADVANCE", 2**63 - 1), "invalid milliseconds"),
            (("SET", 253402300800000), "invalid milliseconds"),
            (("ADVANCE",), "wrong number of arguments for 'hashkv.clock|advance' command"),
            (("SET",), "wrong number of arguments for 'hashkv.clock|set' command"),
            ((), "wrong number of arguments for 'hashkv.clock' command"),
            (("rewind", "5"), "unknown subcommand 'rewind'. Try HASHKV.CLOCK HELP."),
        ]:
            with self.subTest(args=args):
                self.assertFails(redis.ResponseError, text, clock, *args)
        # The exact bytes, as Redis words an unknown subcommand (the command upper-cased).
        self.assertEqual(
            raw_once("hashkv.clock", "rewind"),
            b"-ERR unknown subcommand 'rewind'. Try HASHKV.CLOCK HELP.\r\n",
        )
        self.assertEqual(
            raw_once("HASHKV.CLOCK", "ADVANCE", "-5"), b"-ERR invalid milliseconds\r\n"
        )
        # A rejected argument leaves the clock alone.
        before = now_ms()
        got = clock("GET")
        self.assertNear(got, before, now_ms())

    def test_subcommands_are_case_insensitive(self):
        self.assertEqual(raw_once("hashkv.clock", "freeze"), b"+OK\r\n")
        t0 = self.clock("GET")
        self.assertEqual(raw_once("Hashkv.Clock", "advance", "7"), b":%d\r\n" % (t0 + 7))

    def test_controls_are_registered_commands(self):
        # Raw: redis-py's COMMAND parser predates subcommands. Redis answers a null for a name
        # it does not know, an array for a registered one.
        info = raw_once("COMMAND", "INFO", "hashkv.clock", "hashkv.reset")
        self.assertTrue(info.startswith(b"*2\r\n*"), info)
        self.assertIn(b"hashkv.clock", info)
        self.assertIn(b"hashkv.reset", info)
        self.assertNotIn(b"$-1\r\n", info)


class ErrorTest(ControlsTest):
    def test_set_fails_every_command_with_the_message(self):
        app = self.app
        app.hset("h", "f", "v")
        self.assertEqual(self.error("SET", "boom"), "OK")
        # redis-py strips the "ERR " it is sent (see the raw bytes below).
        for fn, args in [
            (app.hget, ("h", "f")),
            (app.hset, ("h", "f", "w")),
            (app.hgetall, ("h",)),
            (app.exists, ("h",)),
            (app.ping, ()),
            (app.dbsize, ()),
        ]:
            with self.subTest(command=fn.__name__):
                self.assertFails(redis.ResponseError, "boom", fn, *args)
        raw = self.raw()
        self.assertEqual(raw("HSET", "h", "f", "w"), b"-ERR boom\r\n")
        self.assertEqual(raw("ping"), b"-ERR boom\r\n")
        # The controls themselves still answer, on the same connection.
        self.assertEqual(raw("HASHKV.LOG", "LEN")[:1], b":")
        self.assertEqual(self.app.execute_command("HASHKV.CLOCK", "FREEZE"), "OK")
        self.assertEqual(self.error("CLEAR"), "OK")
        self.assertEqual(app.hget("h", "f"), "v")  # the failed HSETs wrote nothing

    def test_a_capitalised_first_word_is_the_error_code(self):
        app = self.app
        raw = self.raw()
        cases = [
            ("LOADING Redis is loading the dataset in memory", redis.BusyLoadingError,
             "Redis is loading the dataset in memory"),
            ("READONLY You can't write against a read only replica.", redis.ReadOnlyError,
             "You can't write against a read only replica."),
            ("OOM command not allowed when used memory > 'maxmemory'.", redis.ResponseError,
             "OOM command not allowed when used memory > 'maxmemory'."),
            ("BUSY Redis is busy running a script.", redis.ResponseError,
             "BUSY Redis is busy running a script."),
            ("ERR custom failure", redis.ResponseError, "custom failure"),
            ("Boom at start-up", redis.ResponseError, "Boom at start-up"),
            ("boom", redis.ResponseError, "boom"),
        ]
        for message, exc_class, seen in cases:
            with self.subTest(message=message):
                self.error("SET", message)
                self.assertFails(exc_class, seen, app.hget, "h", "f")
                wire = message if message.split(" ")[0].isupper() else "ERR " + message
                self.assertEqual(raw("HGET", "h", "f"), b"-%s\r\n" % wire.encode())
        self.error("CLEAR")
        self.assertIsNone(app.hget("h", "f"))  # the pool reconnects after BusyLoadingError

    def test_set_for_one_command_fails_only_that_command(self):
        app = self.app
        app.hset("h", mapping={"f": "v", "g": "w"})
        self.assertEqual(self.error("SET", "hget", "no hget today"), "OK")
        self.assertFails(redis.ResponseError, "no hget today", app.hget, "h", "f")
        self.assertEqual(app.hmget("h", "f", "g"), ["v", "w"])
        self.assertEqual(app.hset("h", "x", "y"), 1)
        self.assertEqual(app.hgetall("h"), {"f": "v", "g": "w", "x": "y"})
        raw = self.raw()
        self.assertEqual(raw("hget", "h", "f"), b"-ERR no hget today\r\n")  # any case
        self.assertEqual(raw("HgEt", "h", "f"), b"-ERR no hget today\r\n")
        # Given upper-case, it matches the command sent in lower-case, and two live side by side.
        self.assertEqual(self.error("SET", "HLEN", "LOADING wait"), "OK")
        self.assertEqual(raw("hlen", "h"), b"-LOADING wait\r\n")
        self.assertEqual(raw("HGET", "h", "f"), b"-ERR no hget today\r\n")
        self.assertEqual(raw("HSTRLEN", "h", "f"), b":1\r\n")

    def test_clear_removes_every_injected_error(self):
        app = self.app
        app.hset("h", "f", "v")
        self.error("SET", "hget", "one")
        self.error("SET", "hlen", "two")
        self.error("SET", "everything")
        self.assertFails(redis.ResponseError, "everything", app.hset, "h", "g", "w")
        self.assertEqual(self.error("CLEAR"), "OK")
        self.assertEqual(app.hget("h", "f"), "v")
        self.assertEqual(app.hlen("h"), 1)
        self.assertEqual(app.hset("h", "g", "w"), 1)
        self.assertEqual(self.error("CLEAR"), "OK")  # nothing to clear is fine

    def test_inside_multi_the_error_aborts_exec(self):
        app = self.app
        self.error("SET", "hset", "boom")
        with app.pipeline(transaction=True) as p:
            p.hset("t", "a", "1")
            p.hlen("t")
            with self.assertRaises(redis.ResponseError) as cm:
                p.execute()
        # redis-py raises the queueing error in place of EXEC's EXECABORT, numbered.
        self.assertEqual(
            str(cm.exception), "Command # 1 (HSET t a 1) of pipeline caused error: boom"
        )
        self.assertEqual(app.exists("t"), 0)
        one = connect(single_connection_client=True)
        try:
            self.assertEqual(one.execute_command("MULTI"), "OK")
            self.assertFails(redis.ResponseError, "boom", one.hset, "t", "a", "1")
            self.assertEqual(one.execute_command("HGET", "t", "a"), "QUEUED")
            self.assertFails(
                redis.exceptions.ExecAbortError,
                "Transaction discarded because of previous errors.",
                one.execute_command,
                "EXEC",
            )
        finally:
            one.close()
        raw = self.raw()
        self.assertEqual(raw("MULTI"), b"+OK\r\n")
        self.assertEqual(raw("HSET", "t", "a", "1"), b"-ERR boom\r\n")
        self.assertEqual(
            raw("EXEC"), b"-EXECABORT Transaction discarded because of previous errors.\r\n"
        )
        self.assertEqual(app.exists("t"), 0)

    def test_error_argument_errors(self):
        for args, text in [
            (("SET",), "wrong number of arguments for 'hashkv.error|set' command"),
            (("SET", "hget", "boom", "extra"),
             "wrong number of arguments for 'hashkv.error|set' command"),
            ((), "wrong number of arguments for 'hashkv.error' command"),
            (("nope",), "unknown subcommand 'nope'. Try HASHKV.ERROR HELP."),
        ]:
            with self.subTest(args=args):
                self.assertFails(redis.ResponseError, text, self.error, *args)
        # hashkv's own check, beyond the spec: a misspelt command name is refused, not ignored.
        self.assertFails(
            redis.ResponseError, "no such command 'hgett'", self.error, "SET", "hgett", "boom"
        )
        self.assertEqual(self.app.ping(), True)

    def test_every_command_spares_connection_handling(self):
        # hashkv's choice, beyond the spec: AUTH, HELLO, QUIT and RESET still answer, so an app
        # can (re)connect and log in while every command fails; naming one fails it too.
        self.error("SET", "LOADING everything")
        raw = self.raw()
        self.assertTrue(raw("HELLO", "2").startswith(b"*14\r\n"))
        self.assertEqual(raw("RESET"), b"+RESET\r\n")
        self.assertEqual(raw("HGET", "h", "f"), b"-LOADING everything\r\n")
        # A client that logs in on connect reaches AUTH itself, which answers as it would anyway.
        fresh = connect(password="nopass")
        no_password = (
            "AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?"
        )
        self.assertFails(redis.ResponseError, no_password, fresh.hget, "h", "f")
        fresh.close()
        self.error("SET", "hello", "NOPROTO sorry")
        self.assertEqual(raw("HELLO", "3"), b"-NOPROTO sorry\r\n")
        self.assertEqual(raw("QUIT"), b"+OK\r\n")

    def test_controls_never_answer_an_injected_error(self):
        self.error("SET", "LOADING everything")
        self.ctl.execute_command("HASHKV.ERROR", "SET", "hashkv.clock", "not me")
        self.assertIsInstance(self.clock("GET"), int)
        self.assertEqual(self.clock("FREEZE"), "OK")
        self.assertEqual(self.log("LEN"), 0)
        self.assertEqual(self.error("CLEAR"), "OK")


class LogTest(ControlsTest):
    def test_starts_empty(self):
        self.assertEqual(AT_START, {"len": 0, "get": []})

    def test_get_returns_the_commands_as_sent_oldest_first(self):
        app = self.app
        app.hset("h", "f", "v")
        app.hget("h", "f")
        app.expire("h", 100)
        app.hset("h", mapping={"a": "1", "b": "2"})
        self.clock("GET")  # HASHKV.* commands are never logged
        self.log("LEN")
        self.assertEqual(
            self.log("GET"),
            [
                ["HSET", "h", "f", "v"],
                ["HGET", "h", "f"],
                ["EXPIRE", "h", "100"],
                ["HSET", "h", "a", "1", "b", "2"],
            ],
        )
        # Exactly as sent: the command's case, spaces and binary bytes kept.
        raw = self.raw()
        raw("hset", "k y", "f\r\n", b"\x00\xff")
        raw("Ping")
        self.assertEqual(
            raw("HASHKV.LOG", "GET", "2"),
            b"*2\r\n*4\r\n$4\r\nhset\r\n$3\r\nk y\r\n$3\r\nf\r\n\r\n$2\r\n\x00\xff\r\n"
            b"*1\r\n$4\r\nPing\r\n",
        )

    def test_commands_that_failed_are_logged_too(self):
        # The app sent them: a test of its retry logic counts the attempts.
        self.error("SET", "hget", "LOADING wait")
        for _ in range(3):
            with self.assertRaises(redis.exceptions.BusyLoadingError):
                self.app.hget("h", "f")
        self.error("CLEAR")
        self.assertIsNone(self.app.hget("h", "f"))
        self.assertEqual(self.log("GET"), [["HGET", "h", "f"]] * 4)

    def test_get_count_returns_the_newest(self):
        app = self.app
        for i in range(5):
            app.hset("h", f"f{i}", str(i))
        self.assertEqual(self.log("GET", 2), [["HSET", "h", "f3", "3"], ["HSET", "h", "f4", "4"]])
        self.assertEqual(self.log("GET", 1), [["HSET", "h", "f4", "4"]])
        self.assertEqual(len(self.log("GET", 100)), 5)
        self.assertEqual(self.log("GET", 100), self.log("GET"))
        self.assertEqual(self.log("GET", 0), [])
        self.assertFails(
            redis.ResponseError, "value is not an integer or out of range", self.log, "GET", "x"
        )

    def test_len(self):
        self.assertEqual(self.log("LEN"), 0)
        for i in range(3):
            self.app.hset("h", "f", str(i))
        self.assertEqual(self.log("LEN"), 3)
        self.app.ping()
        self.assertEqual(self.log("LEN"), 4)

    def test_reset_empties_it(self):
        self.app.hset("h", "f", "v")
        self.app.hget("h", "f")
        self.assertEqual(self.log("LEN"), 2)
        self.assertEqual(self.log("RESET"), "OK")
        self.assertEqual(self.log("LEN"), 0)
        self.assertEqual(self.log("GET"), [])
        self.app.hget("h", "f")
        self.assertEqual(self.log("GET"), [["HGET", "h", "f"]])

    def test_log_argument_errors(self):
        self.assertFails(
            redis.ResponseError,
            "unknown subcommand 'tail'. Try HASHKV.LOG HELP.",
            self.log,
            "tail",
        )


class ResetTest(ControlsTest):
    def test_reset_restores_a_fresh_server(self):
        ctl, app = self.ctl, self.app
        app.hset("h", "f", "v")
        db3 = connect(db=3)
        db3.hset("h3", "f", "v")
        self.error("SET", "hlen", "one")
        self.error("SET", "LOADING everything")
        self.clock("FREEZE")
        self.clock("SET", PAST_MS)
        self.assertGreater(self.log("LEN"), 0)

        self.assertEqual(ctl.execute_command("HASHKV.RESET"), "OK")
        self.assertEqual(self.log("LEN"), 0)
        self.assertEqual(self.log("GET"), [])
        before = now_ms()
        got = self.clock("GET")
        self.assertNear(got, before, now_ms())
        time.sleep(0.2)
        self.assertGreaterEqual(self.clock("GET"), got + 190)  # running, not frozen
        self.assertEqual(app.dbsize(), 0)  # no injected error any more
        self.assertIsNone(app.hget("h", "f"))
        self.assertEqual(app.hlen("h"), 0)
        self.assertEqual(db3.dbsize(), 0)
        self.assertIsNone(db3.hget("h3", "f"))
        db3.close()
        self.assertEqual(raw_once("hashkv.reset"), b"+OK\r\n")
        self.assertFails(
            redis.ResponseError,
            "wrong number of arguments for 'hashkv.reset' command",
            ctl.execute_command,
            "HASHKV.RESET",
            "now",
        )

    def test_controls_need_auth_when_a_password_is_set(self):
        self.ctl.config_set("requirepass", "secret")
        try:
            raw = self.raw()
            self.assertEqual(raw("HASHKV.CLOCK", "GET"), b"-NOAUTH Authentication required.\r\n")
            self.assertEqual(raw("HASHKV.RESET"), b"-NOAUTH Authentication required.\r\n")
            self.assertEqual(raw("AUTH", "secret"), b"+OK\r\n")
            self.assertEqual(raw("HASHKV.CLOCK", "GET")[:1], b":")
        finally:
            # The old connection stays authenticated.
            self.ctl.config_set("requirepass", "")


class DisabledTest(unittest.TestCase):
    """Started without --enable-test-controls: the controls are unknown commands."""

    def setUp(self):
        self.app = connect()
        self.app.flushall()

    def tearDown(self):
        self.app.close()

    def test_controls_are_unknown_commands(self):
        # The same text as any other unknown command.
        self.assertEqual(
            raw_once("NOSUCH.CLOCK", "GET"),
            b"-ERR unknown command 'NOSUCH.CLOCK', with args beginning with: 'GET' \r\n",
        )
        for args in [
            ("HASHKV.CLOCK", "GET"),
            ("HASHKV.CLOCK", "ADVANCE", "3600000"),
            ("hashkv.clock", "freeze"),
            ("HASHKV.ERROR", "SET", "boom"),
            ("HASHKV.ERROR", "CLEAR"),
            ("HASHKV.LOG", "GET"),
            ("HASHKV.RESET",),
        ]:
            with self.subTest(args=args):
                quoted = "".join(f"'{arg}' " for arg in args[1:])
                text = f"unknown command '{args[0]}', with args beginning with: {quoted}"
                with self.assertRaises(redis.ResponseError) as cm:
                    self.app.execute_command(*args)
                self.assertEqual(str(cm.exception), text)
                self.assertEqual(raw_once(*args), b"-ERR %s\r\n" % text.encode())

    def test_they_do_nothing(self):
        app = self.app
        app.hset("h", "f", "v")
        app.expire("h", 3600)
        for args in [("HASHKV.CLOCK", "ADVANCE", "3600000"), ("HASHKV.ERROR", "SET", "boom"),
                     ("HASHKV.RESET",)]:
            with self.assertRaises(redis.ResponseError):
                app.execute_command(*args)
        self.assertEqual(app.hget("h", "f"), "v")
        self.assertTrue(3590 <= app.ttl("h") <= 3600)

    def test_not_in_command_info(self):
        # As Redis answers COMMAND INFO for a name it does not know.
        self.assertEqual(
            raw_once("COMMAND", "INFO", "hashkv.clock", "hashkv.reset"), b"*2\r\n$-1\r\n$-1\r\n"
        )


# The log as the first connection finds it, before any test sends a command.
AT_START = {}


def main():
    mode = os.environ.get("HASHKV_CONTROLS")
    if mode == "enabled":
        ctl = connect()
        AT_START["len"] = ctl.execute_command("HASHKV.LOG", "LEN")
        AT_START["get"] = ctl.execute_command("HASHKV.LOG", "GET")
        ctl.close()
        classes = [ClockTest, ErrorTest, LogTest, ResetTest]
    elif mode == "disabled":
        classes = [DisabledTest]
    else:
        sys.exit("HASHKV_CONTROLS must be 'enabled' or 'disabled'")
    print(f"redis-py {redis.__version__}, controls {mode}: {os.environ.get('HASHKV_EXTRA_ARGS')!r}",
          flush=True)
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(c) for c in classes)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
