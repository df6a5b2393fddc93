#!/usr/bin/env bash
# Time `make run` from a fresh clone until the home page answers. Writes bench/results/foundation_fresh_clone.json.
# Package downloads come from pip's cache when present (download time is not ours to control); the
# script reports whether the cache was warm.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/accueil-fresh-XXXX)"
port="${PORT:-8799}"
git clone -q "$repo" "$work/accueil"
cd "$work/accueil"
cache_dir="$(pip cache dir 2>/dev/null || true)"
cache_entries=0
[ -n "$cache_dir" ] && [ -d "$cache_dir" ] && cache_entries=$(find "$cache_dir" -type f | wc -l)
start=$(date +%s.%N)
ACCUEIL_PORT="$port" ACCUEIL_LOG_LEVEL=WARNING make run > "$work/run.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/connexion"; do
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || { cat "$work/run.log"; exit 1; }
done
end=$(date +%s.%N)
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/connexion")
pkill -f "accueil serve" -P "$pid" || true
kill "$pid" 2>/dev/null || true
elapsed=$(python3 -c "print(round($end - $start, 1))")
cat > "$repo/bench/results/foundation_fresh_clone.json" <<JSON
{"command": "make run", "seconds_to_home_page": $elapsed, "login_page_status": $status,
 "pip_cache_files": $cache_entries, "target_seconds": 300, "date": "$(date -u +%FT%TZ)"}
JSON
cat "$repo/bench/results/foundation_fresh_clone.json"
rm -rf "$work"
