"""redis-py (Debian's python3-redis, RESP2) against the server run_against.sh started.

The same assertions run against redis-server (with the tutorial HGETSET module) and hashkv, so a
line that holds only on hashkv fails the redis run. Run: run_against.sh redis|hashkv
/usr/bin/python3 test_redis_py.py
"""

import os
import subprocess
import sys
import time
import unittest
import warnings

import redis

CLIENT_NAME = "hashkv-matrix"


def connect():
    return redis.Redis(
        host=os.environ["REDIS_HOST"],
        port=int(os.environ["REDIS_PORT"]),
        decode_responses=True,
        client_name=CLIENT_NAME,
        socket_timeout=5,
    )


class RedisPyTest(unittest.TestCase):
    def setUp(self):
        self.r = connect()
        self.r.flushall()

    def tearDown(self):
        self.r.close()

    def assertError(self, text, fn, *args, **kwargs):
        with self.assertRaises(redis.ResponseError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(str(cm.exception), text)

    def test_handshake(self):
        self.assertEqual(self.r.client_getname(), CLIENT_NAME)
        self.assertTrue(self.r.ping())

    def test_hash_family(self):
        r = self.r
        self.assertEqual(r.hset("h", "f1", "v1"), 1)
        self.assertEqual(r.hset("h", mapping={"f2": "v2", "f3": "v3"}), 2)
        self.assertEqual(r.hset("h", "f1", "v1b", items=["f4", "v4"]), 1)
        self.assertEqual(r.hsetnx("h", "f1", "x"), 0)
        self.assertEqual(r.hsetnx("h", "f5", "v5"), 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.assertIs(r.hmset("h", {"f6": "v6", "f7": "v7"}), True)
        self.assertEqual(r.hget("h", "f1"), "v1b")
        self.assertIsNone(r.hget("h", "nope"))
        self.assertIsNone(r.hget("nokey", "f1"))
        self.assertEqual(r.hmget("h", ["f1", "nope", "f2"]), ["v1b", None, "v2"])
        self.assertEqual(r.hmget("nokey", "a", "b"), [None, None])
        fields = ["f1", "f2", "f3", "f4", "f5", "f6", "f7"]
        values = ["v1b", "v2", "v3", "v4", "v5", "v6", "v7"]
        # A small hash answers in insertion order on both servers.
        self.assertEqual(list(r.hgetall("h").items()), list(zip(fields, values)))
        self.assertEqual(r.hgetall("nokey"), {})
        self.assertEqual(r.hkeys("h"), fields)
        self.assertEqual(r.hvals("h"), values)
        self.assertEqual(r.hlen("h"), 7)
        self.assertEqual(r.hlen("nokey"), 0)
        self.assertEqual(r.hstrlen("h", "f1"), 3)
        self.assertEqual(r.hstrlen("h", "nope"), 0)
        self.assertIs(r.hexists("h", "f1"), True)
        self.assertIs(r.hexists("h", "nope"), False)
        self.assertEqual(r.hdel("h", "f6", "f7", "nope"), 2)
        self.assertEqual(r.hlen("h"), 5)
        self.assertEqual(r.type("h"), "hash")

        self.assertEqual(r.hincrby("h", "n", 5), 5)
        self.assertEqual(r.hincrby("h", "n", -7), -2)
        self.assertError("hash value is not an integer", r.hincrby, "h", "f1", 1)
        self.assertError("value is not an integer or out of range", r.hincrby, "h", "n", "x")
        self.assertEqual(r.hincrbyfloat("h", "fl", 10.5), 10.5)
        self.assertEqual(r.hincrbyfloat("h", "fl", 0.1), 10.6)
        self.assertEqual(r.hget("h", "fl"), "10.6")
        self.assertEqual(r.hincrbyfloat("h", "fl", "5.0e3"), 5010.6)
        self.assertError("hash value is not a float", r.hincrbyfloat, "h", "f1", 1)

        self.assertEqual(r.hdel("h", *r.hkeys("h")), 7)
        self.assertEqual(r.exists("h"), 0)

    def test_hrandfield(self):
        r = self.r
        r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
        self.assertIn(r.hrandfield("h"), ["a", "b", "c"])
        picked = r.hrandfield("h", 2)
        self.assertEqual(len(picked), 2)
        self.assertEqual(len(set(picked)), 2)
        self.assertLessEqual(set(picked), {"a", "b", "c"})
        repeated = r.hrandfield("h", -10)
        self.assertEqual(len(repeated), 10)
        self.assertLessEqual(set(repeated), {"a", "b", "c"})
        # A count covering the whole hash returns all of it, in insertion order while small.
        self.assertEqual(r.hrandfield("h", 10), ["a", "b", "c"])
        pairs = r.hrandfield("h", 2, withvalues=True)
        self.assertEqual(len(pairs), 4)
        for field, value in zip(pairs[::2], pairs[1::2]):
            self.assertEqual(r.hget("h", field), value)
        self.assertIsNone(r.hrandfield("nokey"))
        self.assertEqual(r.hrandfield("nokey", 3), [])

    def test_hscan(self):
        r = self.r
        r.hset("small", mapping={"a": "1", "b": "2"})
        self.assertEqual(r.hscan("small"), (0, {"a": "1", "b": "2"}))
        self.assertEqual(r.hscan("nokey"), (0, {}))
        # 1,000 fields make a hashtable, so iteration takes several calls with real cursors.
        big = {f"field:{i}": str(i) for i in range(1000)}
        self.assertEqual(r.hset("big", mapping=big), 1000)
        cursor, first = r.hscan("big", 0, count=10)
        self.assertNotEqual(cursor, 0)
        self.assertGreater(len(first), 0)
        self.assertEqual(dict(r.hscan_iter("big", count=100)), big)
        matched = dict(r.hscan_iter("big", match="field:99*"))
        self.assertEqual(matched, {f: v for f, v in big.items() if f.startswith("field:99")})

    def test_hgetset(self):
        r = self.r
        self.assertIsNone(r.execute_command("HGETSET", "h", "f", "x"))
        self.assertEqual(r.execute_command("HGETSET", "h", "f", "y"), "x")
        self.assertEqual(r.hget("h", "f"), "y")
        self.assertEqual(r.hgetall("h"), {"f": "y"})
        with self.assertRaises(redis.ResponseError) as cm:
            r.execute_command("HGETSET", "h", "f")
        # Redis's module prints the name as registered ('HGETSET'), hashkv as Redis's built-ins.
        self.assertEqual(
            str(cm.exception).lower(), "wrong number of arguments for 'hgetset' command"
        )

    def test_pipeline(self):
        r = self.r
        p = r.pipeline(transaction=False)
        p.hset("p", "a", "1")
        p.hincrby("p", "a", 2)
        p.execute_command("HGETSET", "p", "a", "x")
        p.hget("p", "a")
        p.hincrby("p", "a", 1)
        p.hgetall("p")
        result = p.execute(raise_on_error=False)
        self.assertEqual(result[:4], [1, 3, "3", "x"])
        self.assertIsInstance(result[4], redis.ResponseError)
        self.assertEqual(str(result[4]), "hash value is not an integer")
        self.assertEqual(result[5], {"a": "x"})

    def test_transaction(self):
        r = self.r
        with r.pipeline(transaction=True) as p:
            p.hset("t", mapping={"a": "1", "b": "2"})
            p.hincrby("t", "a", 5)
            p.execute_command("HGETSET", "t", "a", "z")
            p.hgetall("t")
            self.assertEqual(p.execute(), [2, 6, "6", {"a": "z", "b": "2"}])

    def test_transaction_runtime_error_does_not_roll_back(self):
        r = self.r
        with r.pipeline(transaction=True) as p:
            p.hset("t", "a", "x")
            p.hincrby("t", "a", 1)
            p.hset("t", "b", "y")
            result = p.execute(raise_on_error=False)
        self.assertEqual(result[0], 1)
        self.assertIsInstance(result[1], redis.ResponseError)
        self.assertEqual(result[2], 1)
        self.assertEqual(r.hgetall("t"), {"a": "x", "b": "y"})

    def test_transaction_queue_error_aborts(self):
        r = self.r
        with r.pipeline(transaction=True) as p:
            p.hset("t", "a", "1")
            p.execute_command("HGET", "t")  # wrong arity: rejected when queued, EXEC aborts
            with self.assertRaises(redis.ResponseError) as cm:
                p.execute()
        self.assertIn("wrong number of arguments for 'hget' command", str(cm.exception))
        self.assertEqual(r.exists("t"), 0)

    def test_watch(self):
        r = self.r
        r.hset("w", "n", "1")
        with r.pipeline() as p:
            p.watch("w")
            n = int(p.hget("w", "n"))
            p.multi()
            p.hset("w", "n", n + 1)
            self.assertEqual(p.execute(), [0])
        self.assertEqual(r.hget("w", "n"), "2")

    def test_watch_conflict_aborts_exec(self):
        r = self.r
        other = connect()
        r.hset("w", "n", "1")
        with r.pipeline() as p:
            p.watch("w")
            self.assertEqual(p.hget("w", "n"), "1")
            other.hset("w", "n", "100")  # another client changes the watched key
            p.multi()
            p.hset("w", "n", "2")
            with self.assertRaises(redis.WatchError):
                p.execute()
        self.assertEqual(r.hget("w", "n"), "100")
        other.close()

        # The retrying helper: the first attempt conflicts, the second commits.
        attempts = []

        def incr(pipe):
            n = int(pipe.hget("w", "n"))
            attempts.append(n)
            if len(attempts) == 1:
                connect().hset("w", "n", "200")
            pipe.multi()
            pipe.hset("w", "n", n + 1)

        self.assertEqual(r.transaction(incr, "w"), [0])
        self.assertEqual(attempts, [100, 200])
        self.assertEqual(r.hget("w", "n"), "201")

    def test_expiry(self):
        r = self.r
        r.hset("e", "f", "v")
        self.assertEqual(r.ttl("e"), -1)
        self.assertIs(r.expire("e", 100), True)
        self.assertTrue(90 <= r.ttl("e") <= 100)
        self.assertIs(r.pexpire("e", 5000), True)
        self.assertTrue(0 < r.pttl("e") <= 5000)
        self.assertEqual(r.ttl("nokey"), -2)
        self.assertIs(r.expire("nokey", 10), False)
        r.hset("kept", "f", "v")
        r.expire("kept", 100)
        self.assertIs(r.persist("kept"), True)
        self.assertEqual(r.ttl("kept"), -1)
        self.assertIs(r.pexpire("e", 100), True)  # gone 100 ms from now
        time.sleep(0.3)
        self.assertEqual(r.exists("e"), 0)
        self.assertIsNone(r.hget("e", "f"))
        self.assertEqual(r.hgetall("e"), {})
        self.assertEqual(r.ttl("e"), -2)
        self.assertEqual(r.hgetall("kept"), {"f": "v"})

    def test_reconnect_after_restart(self):
        r = self.r
        r.hset("before", "f", "v")
        subprocess.run(os.environ["CLIENTS_RESTART"], shell=True, check=True)
        # The pool finds its connection dead on the next command and reconnects by itself.
        self.assertIs(r.ping(), True)
        self.assertEqual(r.client_getname(), CLIENT_NAME)
        self.assertEqual(r.exists("before"), 0)  # neither server persists in these runs
        self.assertEqual(r.execute_command("HGETSET", "after", "f", "v"), None)
        self.assertEqual(r.hgetall("after"), {"f": "v"})


if __name__ == "__main__":
    print(f"redis-py {redis.__version__} against {os.environ.get('CLIENTS_SERVER')}", flush=True)
    sys.exit(0 if unittest.main(verbosity=2, exit=False).result.wasSuccessful() else 1)
