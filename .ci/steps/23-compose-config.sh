#!/usr/bin/env bash
# Validates deploy/docker-compose.yml as Docker Compose reads it, with the
# example settings file in place of anefbot.env, when Docker Compose is
# installed (the v2 plugin or the standalone docker-compose). It needs no
# Docker daemon. Building the image is not done here: it needs the golang
# and alpine images from a registry.
set -euo pipefail
cd "$(dirname "$0")/../.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  echo "docker compose not installed: compose file not validated"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r deploy "$tmp/deploy"
cp deploy/anefbot.env.example "$tmp/deploy/anefbot.env"
"${compose[@]}" -f "$tmp/deploy/docker-compose.yml" config --quiet
echo "compose ok: deploy/docker-compose.yml (${compose[*]})"
