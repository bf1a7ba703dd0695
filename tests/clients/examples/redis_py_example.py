# redis-py against hashkv: the client is created as for Redis; only the port differs.
import os

import redis

r = redis.Redis(port=int(os.environ.get("REDIS_PORT", 6379)), decode_responses=True)
r.delete("user:1")
r.hset("user:1", mapping={"name": "Ada", "lang": "C"})
assert r.execute_command("HGETSET", "user:1", "lang", "C++") == "C"  # the previous value
assert r.hgetall("user:1") == {"name": "Ada", "lang": "C++"}

with r.pipeline(transaction=True) as tx:  # MULTI ... EXEC
    tx.hincrby("user:1", "visits", 1)
    tx.expire("user:1", 60)
    assert tx.execute() == [1, True]
assert 0 < r.ttl("user:1") <= 60
print("redis-py example: OK")
