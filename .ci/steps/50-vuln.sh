#!/usr/bin/env bash
# Known vulnerabilities, checked offline with govulncheck against a
# vulnerability database built here from the golang.org/x/vulndb module
# (every report as OSV under data/osv, served by the Go module proxy like
# any module), indexed as its cmd/indexdb does (see index_osv).
#
# A reachable vulnerability in a third-party module fails the step. A
# reachable one in the standard library is reported with the Go release
# that fixes it, without failing: it is fixed by building with that
# release (deploy/Dockerfile pins the Go image), not by changing the code.
#
# The tools and the database are cached by version in $ANEFBOT_CI_CACHE
# (default ~/.cache/anefbot-ci). Optional argument: the directory to scan
# (default: the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$(cd "${1:-.}" && pwd)
cache=${ANEFBOT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/anefbot-ci}
mkdir -p "$cache/bin"
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.10.0

echo "vuln: govulncheck ($GOVULNCHECK)"
GOBIN="$cache/bin" GOFLAGS=-mod=mod go install "$GOVULNCHECK"

# index_osv writes the database layout govulncheck reads (index/db.json,
# index/modules.json, index/vulns.json, ID/<id>.json) from vulndb's OSV
# files, as vulndb's cmd/indexdb does, without building it (it pulls in
# about a hundred modules). It leaves out the optional "fixed" hint of
# modules.json: govulncheck then reads every entry of a module, which
# changes nothing to the findings (checked against cmd/indexdb's output:
# the same findings, traces included; ANEFBOT_VULNDB_INDEXDB=1 uses it).
index_osv() {
  python3 - "$1" "$2" <<'PY'
import json, os, sys

src, out = sys.argv[1], sys.argv[2]
zero = "0001-01-01T00:00:00Z"
os.makedirs(os.path.join(out, "ID"))
os.makedirs(os.path.join(out, "index"))
modules, vulns, newest = {}, [], zero
for name in sorted(os.listdir(src)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(src, name)) as f:
        entry = json.load(f)
    vid, modified = entry["id"], entry.get("modified") or zero
    newest = max(newest, modified)
    vuln = {"id": vid, "modified": modified}
    if entry.get("aliases"):
        vuln["aliases"] = entry["aliases"]
    vulns.append(vuln)
    for affected in entry.get("affected", []):
        modules.setdefault(affected["package"]["name"], []).append({"id": vid, "modified": modified})
    with open(os.path.join(out, "ID", vid + ".json"), "w") as f:
        json.dump(entry, f, separators=(",", ":"))
index = [{"path": p, "vulns": sorted(v, key=lambda x: x["id"])} for p, v in sorted(modules.items())]
for name, data in (("db.json", {"modified": newest}), ("modules.json", index), ("vulns.json", vulns)):
    with open(os.path.join(out, "index", name), "w") as f:
        json.dump(data, f, separators=(",", ":"))
PY
}

read -r vdir vversion < <(go mod download -json golang.org/x/vulndb@latest |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["Dir"], m["Version"])')
db="$cache/vulndb-$vversion"
if [ ! -f "$db/index/modules.json" ]; then
  echo "vuln: building the database from golang.org/x/vulndb@$vversion"
  rm -rf "$db.tmp"
  if [ "${ANEFBOT_VULNDB_INDEXDB:-}" = 1 ]; then
    # vulndb's own indexer; building it downloads its many dependencies.
    (cd "$vdir" && GOFLAGS=-mod=mod go build -o "$cache/bin/indexdb" ./cmd/indexdb)
    "$cache/bin/indexdb" -vulns "$vdir/data/osv" -out "$db.tmp"
  else
    index_osv "$vdir/data/osv" "$db.tmp"
  fi
  mv "$db.tmp" "$db"
fi
echo "vuln: database golang.org/x/vulndb@$vversion ($(ls "$db/ID" | grep -c '\.json$') reports), Go $(go env GOVERSION)"

report=$(mktemp)
trap 'rm -f "$report"' EXIT
(cd "$target" && "$cache/bin/govulncheck" -db "file://$db" -format json ./...) >"$report"

# Reachable findings are those whose trace reaches a function; the first
# frame names the module (stdlib for the standard library).
python3 - "$report" <<'PY'
import json, sys

def objects(text):
    dec, i = json.JSONDecoder(), 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        obj, i = dec.raw_decode(text, i)
        yield obj

summary, reachable = {}, {}
for obj in objects(open(sys.argv[1]).read()):
    if "osv" in obj:
        summary[obj["osv"]["id"]] = obj["osv"].get("summary", "")
    f = obj.get("finding")
    if f and f.get("trace") and f["trace"][0].get("function"):
        top = f["trace"][0]
        reachable[f["osv"]] = (top.get("module", "?"), top.get("version", "?"), top.get("package", ""), f.get("fixed_version", ""))

third, std = [], []
for vid, (mod, ver, pkg, fixed) in sorted(reachable.items()):
    fix = "fixed in " + (fixed.replace("v", "go", 1) if mod == "stdlib" else fixed) if fixed else "no fix yet"
    line = f"  {vid} {pkg if mod == 'stdlib' else mod + '@' + ver} ({fix}): {summary.get(vid, '')}"
    (std if mod == "stdlib" else third).append((line, fixed))

if std:
    newest = max((f for _, f in std if f), key=lambda v: [int(x) for x in v.lstrip("v").split(".")], default="")
    print(f"vuln: {len(std)} reachable in the standard library of this Go; build with go{newest.lstrip('v')} or later (deploy/Dockerfile):")
    for line, _ in std:
        print(line)
if third:
    print(f"vuln: {len(third)} reachable in third-party modules: upgrade them (go get module@fixed-version):")
    for line, _ in third:
        print(line)
    sys.exit(1)
print("vuln: no reachable vulnerability in a third-party module")
PY
