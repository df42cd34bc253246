#!/usr/bin/env bash
# Checks the deployment files that can be checked without Docker or a
# Kubernetes cluster: every YAML document parses, and the systemd unit
# passes systemd-analyze verify (each when the tool is installed).
set -euo pipefail
cd "$(dirname "$0")/../.."

if python3 -c 'import yaml' 2>/dev/null; then
  python3 - <<'PY'
import glob, yaml
files = ["deploy/docker-compose.yml"] + sorted(glob.glob("deploy/kubernetes/*.yaml"))
for f in files:
    docs = [d for d in yaml.safe_load_all(open(f)) if d]
    assert docs, f + ": empty"
    for d in docs:
        if f.startswith("deploy/kubernetes/"):
            assert d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name"), f + ": not a Kubernetes object"
    print("yaml ok:", f, [d.get("kind", "compose") for d in docs])
PY
else
  echo "python3 yaml not available: YAML not parsed"
fi

if command -v systemd-analyze >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  go build -o "$tmp/anefbot" ./cmd/anefbot
  sed -e "s#^ExecStart=.*#ExecStart=$tmp/anefbot#" -e 's#^EnvironmentFile=#EnvironmentFile=-#' \
    deploy/systemd/anefbot.service >"$tmp/anefbot.service"
  systemd-analyze verify "$tmp/anefbot.service"
  echo "systemd unit ok"
else
  echo "systemd-analyze not available: unit not verified"
fi
