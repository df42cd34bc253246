#!/usr/bin/env bash
# Fuzz the whole update path (raw Bot API JSON -> adapter -> middlewares ->
# engine -> store -> rendering) for a bounded time. A failing input is
# written to cmd/anefbot/testdata/fuzz/FuzzUpdate/ and fails the step;
# commit it with the fix so it is replayed by every later `go test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
go test ./cmd/anefbot -run '^$' -fuzz '^FuzzUpdate$' -fuzztime "${FUZZ_TIME:-45s}" -parallel 2
