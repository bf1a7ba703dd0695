#!/usr/bin/env bash
# redis-cli against hashkv; the output (raw, as when piped) is in redis_cli_example.expected.
cli="redis-cli -p ${REDIS_PORT:-6379}"
$cli DEL user:1
$cli HSET user:1 name Ada lang C
$cli HGETSET user:1 lang C++
$cli -3 --no-raw HGETALL user:1
printf 'MULTI\nHINCRBY user:1 visits 1\nEXPIRE user:1 60\nEXEC\n' | $cli
