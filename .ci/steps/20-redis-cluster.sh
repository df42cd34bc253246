#!/usr/bin/env bash
# Starts a Redis Cluster of three masters on 127.0.0.1:7000-7002 and runs
# the tests that exercise the bot on it (a script or transaction touching
# keys of two slots would fail with CROSSSLOT). The cluster is removed
# afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

ports=(7000 7001 7002)
dir=$(mktemp -d)
cleanup() {
  for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

for p in "${ports[@]}"; do
  mkdir -p "$dir/$p"
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 5000 \
    --appendonly no --save "" --dir "$dir/$p" --daemonize yes --logfile "$dir/$p/redis.log"
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 \
  --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 1 100); do
  redis-cli -p 7000 cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.1
done
redis-cli -p 7000 cluster info | grep -q 'cluster_state:ok' || { echo "cluster not ready" >&2; exit 1; }

export REDIS_CLUSTER_ADDRS=127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002
# The bot end to end on the cluster, then every storage test of bot/…
# (redistest.Each adds a "cluster" backend when REDIS_CLUSTER_ADDRS is set).
go test -race -count=1 -run 'TestRedisCluster' ./cmd/anefbot/
REDIS_URL= ANEFBOT_REQUIRE_REDIS= go test -count=1 ./bot/...
