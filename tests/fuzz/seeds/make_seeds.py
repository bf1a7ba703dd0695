#!/usr/bin/env python3
"""Writes the hand-made seed inputs of tests/fuzz/corpus/<target>/ (run from anywhere).

The corpus directories also hold inputs that fuzzing found interesting (merged with -merge=1);
this script only (re)creates the named seeds, seed-*.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(HERE), "corpus")
SEP = b"\xff\xfe"


def mb(*args):
    """A multibulk request."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# --- resp_parser_fuzz: 4 header bytes (flags, bulk limit, inline limit, split seed) ----------
P = {
    "multibulk": mb("HSET", "h", "f", "v"),
    "inline": b"HSET h f v\r\n",
    "inline-lf": b"PING\n",
    "inline-quotes": b'SET "a b" \'c\\\'d\' "\\x41\\n"\r\n',
    "inline-unbalanced": b'SET "abc\r\n',
    "inline-closing-quote": b'SET "a"b\r\n',
    "pipeline": mb("PING") + b"PING\r\n" + mb("HGET", "h", "f") + b"\r\n" + b"*0\r\n" + b"*-1\r\n",
    "empty-lines": b"\r\n\n \r\n\t\n",
    "partial": mb("HSET", "h", "f", "value")[:-3],
    "bad-dollar": b"*1\r\nX3\r\nabc\r\n",
    "bad-dollar-cr": b"*1\r\n\r\n",
    "bad-count": b"*abc\r\n",
    "bad-count-zero": b"*01\r\n",
    "bad-bulk": b"*1\r\n$-5\r\n",
    "big-bulk": b"*1\r\n$536870913\r\n",
    "big-count": b"*2147483648\r\n",
    "big-bulk-ok": b"*1\r\n$536870912\r\nxyz",
    "nul-in-line": b"*1\x00\r\n$1\r\na\r\n",
    "nul-inline": b"PI\x00NG\r\n",
    "no-crlf-check": b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n",
    "cr-only": b"*1\r$4\rPING\r\r",
    "bulk-binary": mb(b"ECHO", bytes(range(256))),
    "unauth-many": mb(*["a"] * 11),
    "unauth-bulk": b"*1\r\n$16385\r\n",
    "long-inline": b"A" * 300 + b"\r\n",
    "long-header": b"*1\r\n$" + b"1" * 200 + b"\r\n",
}
for name, data in P.items():
    write("resp_parser_fuzz", name, bytes([0, 255, 255, 7]) + data)
write("resp_parser_fuzz", "unauth", bytes([1, 255, 255, 3]) + P["unauth-many"])
write("resp_parser_fuzz", "small-limits-inline", bytes([2, 8, 8, 9]) + P["long-inline"])
write("resp_parser_fuzz", "small-limits-bulk", bytes([2, 8, 8, 200]) + mb("ECHO", "x" * 40))
write("resp_parser_fuzz", "small-limits-header", bytes([3, 16, 4, 1]) + P["long-header"])

# --- engine_fuzz: 2 header bytes (flags, listpack thresholds), segments split by \xff\xfe ----
E = {}
E["hash-basic"] = (mb("HSET", "h", "f1", "v1", "f2", "v2") + mb("HGET", "h", "f1") +
                   mb("HMGET", "h", "f1", "nope") + mb("HGETALL", "h") + mb("HLEN", "h") +
                   mb("HKEYS", "h") + mb("HVALS", "h") + mb("HEXISTS", "h", "f2") +
                   mb("HSTRLEN", "h", "f1") + mb("HSETNX", "h", "f1", "x") + mb("HDEL", "h", "f1") +
                   mb("HMSET", "h", "a", "1") + mb("HINCRBY", "h", "a", "9223372036854775807") +
                   mb("HINCRBYFLOAT", "h", "b", "1e308") + mb("HINCRBYFLOAT", "h", "b", "inf") +
                   mb("HGETSET", "h", "a", "2"))
E["hash-random"] = (mb("HSET", "h", "a", "1", "b", "2", "c", "3") + mb("HRANDFIELD", "h") +
                    mb("HRANDFIELD", "h", "-5", "WITHVALUES") + mb("HRANDFIELD", "h", "2") +
                    mb("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES") +
                    mb("HRANDFIELD", "h", "-9223372036854775808") +
                    mb("HSCAN", "h", "0", "MATCH", "*a*", "COUNT", "1000") +
                    mb("HSCAN", "h", "18446744073709551615"))
E["keys"] = (mb("HSET", "k1", "f", "v") + mb("HSET", "k2", "f", "v") + mb("KEYS", "*") +
             mb("KEYS", "k[0-9]") + mb("SCAN", "0", "MATCH", "k*", "COUNT", "1", "TYPE", "hash") +
             mb("EXISTS", "k1", "k2", "k3") + mb("TYPE", "k1") + mb("RENAME", "k1", "k3") +
             mb("RENAMENX", "k2", "k3") + mb("COPY", "k3", "k4", "DB", "2", "REPLACE") +
             mb("MOVE", "k4", "3") + mb("SWAPDB", "0", "3") + mb("SELECT", "3") + mb("DBSIZE") +
             mb("RANDOMKEY") + mb("DEL", "k3") + mb("UNLINK", "k4") + mb("TOUCH", "k1") +
             mb("FLUSHDB", "ASYNC") + mb("FLUSHALL"))
E["expire"] = (mb("HSET", "e", "f", "v") + mb("EXPIRE", "e", "100", "NX") + mb("TTL", "e") +
               mb("PEXPIRE", "e", "9223372036854775807") + mb("EXPIREAT", "e", "1", "GT") +
               mb("PEXPIREAT", "e", "-1") + mb("PTTL", "e") + mb("EXPIRETIME", "e") +
               mb("PEXPIRETIME", "e") + mb("PERSIST", "e") + mb("OBJECT", "ENCODING", "e") +
               mb("OBJECT", "IDLETIME", "e") + mb("OBJECT", "FREQ", "e") + mb("DEBUG", "OBJECT", "e"))
E["controls"] = (mb("HASHKV.CLOCK", "FREEZE") + mb("HSET", "x", "f", "v") + mb("PEXPIRE", "x", "10") +
                 mb("HASHKV.CLOCK", "ADVANCE", "11") + mb("EXISTS", "x") +
                 mb("HASHKV.CLOCK", "SET", "253402300799999") + mb("HASHKV.CLOCK", "GET") +
                 mb("HASHKV.ERROR", "SET", "hget", "LOADING busy") + mb("HGET", "x", "f") +
                 mb("HASHKV.ERROR", "SET", "boom") + mb("PING") + mb("HASHKV.ERROR", "CLEAR") +
                 mb("HASHKV.LOG", "GET", "2") + mb("HASHKV.LOG", "LEN") + mb("HASHKV.RESET") +
                 mb("HASHKV.CLOCK", "REALTIME"))
E["multi"] = (mb("WATCH", "w") + mb("MULTI") + mb("HSET", "w", "f", "v") + mb("HGET", "w", "f") +
              mb("EXEC") + mb("MULTI") + mb("NOSUCH") + mb("EXEC") + mb("MULTI") + mb("DISCARD") +
              mb("UNWATCH") + mb("EXEC"))
E["resp3"] = (mb("HELLO", "3", "SETNAME", "me") + mb("HSET", "h", "f", "1.5") + mb("HGETALL", "h") +
              mb("HRANDFIELD", "h", "-2", "WITHVALUES") + mb("CONFIG", "GET", "hash*") +
              mb("CLIENT", "INFO") + mb("HELLO", "2") + mb("HGETALL", "h"))
E["client"] = (mb("CLIENT", "SETNAME", "a") + mb("CLIENT", "GETNAME") + mb("CLIENT", "ID") +
               mb("CLIENT", "LIST") + mb("CLIENT", "SETINFO", "LIB-NAME", "x") +
               mb("CLIENT", "NO-EVICT", "on") + mb("CLIENT", "REPLY", "SKIP") + mb("PING") +
               mb("CLIENT", "REPLY", "OFF") + mb("PING") + mb("CLIENT", "REPLY", "ON") +
               mb("CLIENT", "KILL", "ID", "2") + mb("CLIENT", "KILL", "127.0.0.1:40001"))
E["server"] = (mb("INFO") + mb("INFO", "commandstats") + mb("CONFIG", "SET", "hash-max-listpack-entries", "1") +
               mb("HSET", "h", "a", "1", "b", "2") + mb("OBJECT", "ENCODING", "h") +
               mb("CONFIG", "SET", "proto-max-bulk-len", "1mb") + mb("CONFIG", "RESETSTAT") +
               mb("COMMAND", "COUNT") + mb("COMMAND", "INFO", "hset") + mb("COMMAND", "DOCS", "hget") +
               mb("COMMAND", "GETKEYS", "HSET", "h", "f", "v") + mb("SLOWLOG", "GET", "-1") +
               mb("LATENCY", "HISTOGRAM", "hset") + mb("MEMORY", "USAGE", "h") + mb("TIME") +
               mb("ECHO", "x") + mb("DEBUG", "SLEEP", "0") + mb("DEBUG", "SET-ACTIVE-EXPIRE", "0") +
               mb("LASTSAVE") + mb("ROLE") + mb("WAIT", "0", "0") + mb("SHUTDOWN", "ABORT"))
E["auth"] = (mb("HGET", "h", "f") + mb("AUTH", "bad") + mb("HELLO", "3", "AUTH", "default", "pw") +
             mb("PING") + mb("AUTH", "default", "pw"))
E["inline"] = b"PING\r\nHSET h f v\r\nHGET h f\r\n\r\nhgetall \"h\"\r\nECHO 'a b'\n"
E["protocol-error"] = mb("PING") + b"*1\r\n$-7\r\n"
E["big-bulk"] = b"*2\r\n$4\r\nECHO\r\n$536870912\r\nabc"
E["quit"] = mb("PING") + mb("QUIT") + mb("PING")
E["shutdown"] = mb("HSET", "h", "f", "v") + mb("SHUTDOWN", "NOSAVE")
flags = {"hash-basic": 2, "hash-random": 0, "keys": 2 | 64, "expire": 1 | 128, "controls": 1,
         "multi": 0, "resp3": 2, "client": 4, "server": 8, "auth": 16, "inline": 32,
         "protocol-error": 32, "big-bulk": 0, "quit": 0, "shutdown": 0}
for name, data in E.items():
    write("engine_fuzz", name, bytes([flags[name], 0x11]) + data)
# Two connections: segments alternate.
write("engine_fuzz", "two-monitor", bytes([4 | 1, 0]) + mb("MONITOR") + SEP + mb("HSET", "h", "f", "v") +
      SEP + mb("PING") + SEP + mb("CLIENT", "LIST") + SEP + mb("PING") + SEP +
      mb("CLIENT", "KILL", "ID", "1") + SEP + mb("PING"))
write("engine_fuzz", "two-watch", bytes([4, 0]) + mb("WATCH", "k") + mb("MULTI") + SEP +
      mb("HSET", "k", "f", "v") + SEP + mb("HGET", "k", "f") + mb("EXEC"))
write("engine_fuzz", "split-request", bytes([32, 0]) + mb("HSET", "h", "f", "v")[:9] + SEP +
      mb("HSET", "h", "f", "v")[9:] + mb("HGET", "h", "f")[:3] + SEP + mb("HGET", "h", "f")[3:])

# Whole-buffer feeds with a 128-byte output budget: Feed stops early and is called again.
write("engine_fuzz", "whole-budget", bytes([32, 0x81]) + mb("HSET", "h", "f", "v" * 100) +
      mb("HGETALL", "h") * 3 + mb("COMMAND", "INFO", "hget") + mb("PING") + SEP + mb("HGET", "h", "f"))

# --- args_fuzz: byte 0 picks the check (mod 6) ------------------------------------------------
A = [
    (0, b"0"), (0, b"-9223372036854775808"), (0, b"9223372036854775808"), (0, b"-0"), (0, b"007"),
    (0, b"+1"), (0, b" 1"), (0, b"12345678901234567890"),
    (1, b""), (1, b"0"), (1, b"18446744073709551615"), (1, b"18446744073709551616"), (1, b"-1"),
    (1, b"+7"), (1, b" 1"), (1, b"1\x002"), (1, b"0x10"),
    (2, b"1.5"), (2, b"inf"), (2, b"-inf"), (2, b"nan"), (2, b"1e308"), (2, b"1e309"), (2, b"1e4932"),
    (2, b"5e-324"), (2, b"0x1p-1074"), (2, b" 1"), (2, b"1 "), (2, b"-0.0"), (2, b"3.0000000000000000001"),
    (2, struct.pack("<d", 1e300) + b"ab"), (2, b"\xff\xff\xff\xff\xff\xff\xff\xff\xfe\x7f"),
    (3, b"\x00\x01*" + b"abc"), (3, b"\x00\x05h?llo" + b"hello"), (3, b"\x00\x06h[ae]llo" + b"hallo"),
    (3, b"\x00\x07h[^e]llo" + b"hbllo"), (3, b"\x00\x07h[a-b]llo" + b"hbllo"),
    (3, b"\x01\x04[Z-a" + b"_"), (3, b"\x00\x03a\\*" + b"a*"), (3, b"\x00\x02[\\" + b"\\"),
    (3, b"\x00\x01[" + b"x"), (3, b"\x00\x02[^" + b"x"), (3, b"\x00\x03*a*" + b"a"),
    (3, b"\x01\x04\xe9[\xc0-\xff]" + b"\xc9\xd0"), (3, b"\x00\x09a*a*a*a*b" + b"a" * 60),
    (4, b"\x00\x03**?" + b"xy"), (4, b"\x00\x05[]-]x" + b"]x"),
    (5, b"*a" * 40 + b"a" * 80), (5, b"a*" * 100 + b"b" * 200),
]
for i, (mode, data) in enumerate(A):
    write("args_fuzz", "%02d" % i, bytes([mode]) + data)
