#!/usr/bin/env bash
# Starts a Redis Sentinel watching the CI's Redis (127.0.0.1:6379) as
# master "anefbot-ci" and runs the bot's Sentinel test through it. With no
# replica there is nothing to fail over to: only the discovery is tested.
set -euo pipefail
cd "$(dirname "$0")/../.."

port=26390
dir=$(mktemp -d)
cleanup() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
logfile $dir/sentinel.log
dir $dir
sentinel monitor anefbot-ci 127.0.0.1 6379 1
sentinel down-after-milliseconds anefbot-ci 60000
CONF
redis-server "$dir/sentinel.conf" --sentinel
for _ in $(seq 1 50); do
  redis-cli -p "$port" sentinel get-master-addr-by-name anefbot-ci 2>/dev/null | grep -q 6379 && break
  sleep 0.1
done

REDIS_SENTINEL_ADDRS=127.0.0.1:$port go test -race -count=1 -run 'TestRedisSentinel' ./cmd/anefbot/
