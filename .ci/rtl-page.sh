#!/usr/bin/env bash
# rtl-page.sh: the Arabic review page (anefbot messages --html ar) checked in
# a real browser's bidi engine. It builds the page, injects a small
# JavaScript check into a copy, loads it in headless Chromium and reads the
# verdict from the dumped DOM: it fails when an isolate (U+2066–U+2069) is
# left open or closed twice, holds half a pair of brackets or quotes, or
# opens left to right around right-to-left text. The check is first run on
# a page with one deliberately broken row, which it must reject.
#
# Not a CI step (it needs Chromium): run it by hand after changing the
# right-to-left messages or the isolation in locales/locales.go.
#
#   .ci/rtl-page.sh [lang] [screenshot.png]
set -euo pipefail
cd "$(dirname "$0")/.."
lang=${1:-ar}
shot=${2:-}

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "rtl-page: installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./cmd/anefbot messages --html "$lang" -o "$work/page.html" >/dev/null

# The check, run once the page is loaded: every translated cell is scanned
# for isolates; the verdict is written into the page for --dump-dom.
# Appended after the page, the script lands in its body.
cat >"$work/check.js" <<'EOF'
<script>
window.addEventListener("load", function () {
  var LRI = "\u2066", RLI = "\u2067", FSI = "\u2068", PDI = "\u2069";
  var pairs = { "(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "（": "）" };
  var closers = {};
  for (var o in pairs) closers[pairs[o]] = o;
  var rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  function balanced(s) {
    var stack = [];
    for (var i = 0; i < s.length; i++) {
      var c = s[i];
      if (pairs[c]) stack.push(c);
      else if (closers[c]) { if (stack.pop() !== closers[c]) return false; }
    }
    return stack.length === 0;
  }
  function check(text) {
    var open = [];
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (c === LRI || c === RLI || c === FSI) open.push({ kind: c, at: i });
      else if (c === PDI) {
        var iso = open.pop();
        if (!iso) return "a PDI closes nothing";
        var inside = text.slice(iso.at + 1, i);
        if (!balanced(inside)) return "half a pair inside an isolate: " + JSON.stringify(inside);
        if (iso.kind === LRI && rtl.test(inside)) return "right-to-left text in a left-to-right isolate: " + JSON.stringify(inside);
      }
    }
    return open.length ? "an isolate is never closed" : "";
  }
  var cells = document.querySelectorAll("td.tr"), bad = [];
  for (var k = 0; k < cells.length; k++) {
    var why = check(cells[k].textContent);
    if (why) bad.push(cells[k].parentNode.querySelector("td.id").textContent + ": " + why);
  }
  // The marker is built, so that the script's own text never matches it.
  var mark = "RTL" + "-CHECK";
  var out = document.createElement("pre");
  out.textContent = bad.length
    ? mark + " FAIL " + bad.length + ": " + bad.join(" | ")
    : mark + " OK " + cells.length + " cells";
  document.body.appendChild(out);
});
</script>
EOF

# verdict FILE: loads FILE with the check and prints its verdict.
verdict() {
  cat "$1" "$work/check.js" >"$1.checked.html" # parsed into the body, run at load
  "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
    --dump-dom "file://$1.checked.html" 2>/dev/null | grep -o 'RTL-CHECK [^<]*' || true
}

# The check must see a broken isolate, or its OK means nothing.
sed "s#</table>#<tr><td class=\"id\">broken</td><td></td><td class=\"tr\">شهادة $(printf '\u2066')attestation » (API$(printf '\u2069') هنا</td></tr></table>#" \
  "$work/page.html" >"$work/broken.html"
if ! verdict "$work/broken.html" | grep -q "RTL-CHECK FAIL"; then
  echo "rtl-page: the check did not catch a broken isolate" >&2
  exit 1
fi

result=$(verdict "$work/page.html")
echo "$result"
if [[ -n $shot ]]; then
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1400 \
    --screenshot="$shot" "file://$work/page.html" 2>/dev/null
  echo "rtl-page: screenshot in $shot"
fi
grep -q "^RTL-CHECK OK" <<<"$result"
