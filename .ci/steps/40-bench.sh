#!/usr/bin/env bash
# Benchmarks, briefly, so they keep compiling and running; a few seconds
# of load through the real binary, so the load tool does too. Nothing here
# asserts on time: the figures in docs/performance.md are measured on a
# quiet machine. REDIS_URL is set by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Every package that has a benchmark.
mapfile -t pkgs < <(grep -rl --include='*_test.go' '^func Benchmark' . | xargs -n1 dirname | sort -u)

echo "-- benchmarks, 100 iterations each: ${pkgs[*]}"
go test -run '^$' -bench . -benchmem -benchtime=100x "${pkgs[@]}"

# The outbox's limits are raised, as for every load run: at Telegram's
# 30 messages/s the bot would spend the whole run waiting on them.
echo "-- load tool: 50 people for 2 s through the real binary"
go run ./cmd/anefbot-load -people 50 -think 200ms -warmup 2s -duration 2s \
  -env OUTBOX_RATE=10000 -env OUTBOX_CHAT_RATE=1000 -env OUTBOX_CHAT_BURST=100 \
  -strict -redis-url "${REDIS_URL:-redis://127.0.0.1:6379/0}"
