#!/usr/bin/env bash
# Records the HTTP exchanges snapd 2.57's own store client has with snapd's fakestore for a
# snap action (install, download, refresh) and an assertion fetch, as snapd's debug log prints
# them (SNAPD_DEBUG_HTTP=7), into store/tests/data/snapd-requests/: each request and response
# head (`*.head`) and body (`*.body`). They seed the store_requests fuzz target with real
# peer input. Regenerate (needs ../shared/oracle/build.sh's outputs in /tmp):
#
#     bash store/tests/data/snapd-requests.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=store/tests/data/snapd-requests
TMP=$(mktemp -d)
trap 'kill $FS 2>/dev/null || true; rm -rf "$TMP"' EXIT
bash ../shared/oracle/fakestore-setup.sh "$TMP/fx" >/dev/null 2>&1
/tmp/snapd-fakestore run --dir "$TMP/fx/fs" --addr 127.0.0.1:11091 >/dev/null 2>&1 &
FS=$!
sleep 1
core_id=$(awk '$1=="core"{print $2}' "$TMP/fx/snaps.tsv")
export SNAPD_DEBUG=1 SNAPD_DEBUG_HTTP=7
/tmp/snapd-oracle store-refresh --store http://127.0.0.1:11091/ install:hello-oracle@beta \
    download:core "refresh:core:$core_id:1" >/dev/null 2>"$TMP/refresh.log" || true
/tmp/snapd-oracle store-assertion --store http://127.0.0.1:11091/ snap-declaration 16 "$core_id" \
    >/dev/null 2>"$TMP/assertion.log" || true
/tmp/snapd-oracle store-assertion --store http://127.0.0.1:11091/ account no-such-account \
    >/dev/null 2>"$TMP/notfound.log" || true
rm -rf "$OUT"
mkdir -p "$OUT"
python3 - "$TMP" "$OUT" <<'PY'
import json, re, sys
tmp, out = sys.argv[1], sys.argv[2]
for name in ["refresh", "assertion", "notfound"]:
    n = 0
    for line in open(f"{tmp}/{name}.log", encoding="utf-8"):
        m = re.search(r'DEBUG: ([<>]) (".*")$', line.rstrip("\n"))
        if not m:
            continue
        text = json.loads(m.group(2))  # Go's %q of ASCII text reads as JSON
        head, _, body = text.partition("\r\n\r\n")
        head = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", head)
        head = re.sub(r"(?m)^(Date|User-Agent): .*$", r"\1: X", head.replace("\r\n", "\n"))
        kind = "request" if m.group(1) == ">" else "response"
        n += 1
        base = f"{out}/{name}-{n}-{kind}"
        open(base + ".head", "w").write(head + "\n")
        if "chunked" in head.lower():
            plain, rest = "", body
            while rest:
                size, _, rest = rest.partition("\r\n")
                k = int(size or "0", 16)
                if k == 0:
                    break
                plain, rest = plain + rest[:k], rest[k + 2:]
            body = plain
        if body:
            open(base + ".body", "w").write(re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", body))
PY
ls "$OUT"
