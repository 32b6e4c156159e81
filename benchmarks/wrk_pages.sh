#!/usr/bin/env bash
# Requests per second of the pages under load, side by side with a one-line view, through the
# real server: gunicorn started by bin/start-web (its 2 workers), production settings,
# Postgres and Redis. The database is bench_pages.py's (seed it with that first).
#
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bazaar_bench benchmarks/wrk_pages.sh
#
# Options through the environment: PORT (8101), DURATION (20s), CONNECTIONS (16), REDIS_URL
# (redis://127.0.0.1:6379/1). docs/benchmarks.md ("Issue 17") has a run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${PORT:-8101}
duration=${DURATION:-20s}
connections=${CONNECTIONS:-16}
python=${PYTHON:-$root/.venv/bin/python}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)." >&2; exit 1; }

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bazaar_bench}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export DJANGO_SETTINGS_MODULE=wrk_settings
export PYTHONPATH="$root/benchmarks:$root"
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-wrk-pages-benchmark-only-not-a-secret-0123456789}
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export DJANGO_MEDIA_ROOT="$root/benchmarks/results/media"
export LOG_LEVEL=WARNING

listing=$("$python" - <<'PY'
import django
django.setup()
from marketplace.models import Listing
print(Listing.objects.active().order_by("pk")[100].get_absolute_url())
PY
)

PYTHON="$python" BIND="127.0.0.1:$port" bin/start-web >"$root/benchmarks/results/wrk_server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/__bench__/ping/" 2>/dev/null && break
  sleep 1
done

base="http://127.0.0.1:$port"
printf '%-16s %10s %10s %10s  %s\n' page "req/s" "p50" "p99" url
for entry in \
  "baseline /__bench__/ping/" \
  "home /" \
  "search_text /search/?q=iphone" \
  "search_filters /search/?category=phones&min_price=100&max_price=400&city=Berlin" \
  "category /c/phones/" \
  "detail $listing"; do
  name=${entry%% *}
  path=${entry#* }
  curl -fsS -o /dev/null "$base$path"  # warm: each worker fills its caches on first use
  out=$(wrk --latency -t2 -c"$connections" -d"$duration" "$base$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  printf '%-16s %10s %10s %10s  %s %s\n' "$name" "$rps" "$p50" "$p99" "$path" "$errors"
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs."
