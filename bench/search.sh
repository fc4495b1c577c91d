#!/usr/bin/env bash
# Free-slot search (issue 7, benchmark 2; target p95 <= 20 ms in process): for 10, 50 and 200 hubs, builds a fresh
# database with a year of slots from seeded rotas (a fifth booked) and times mixed searches through BookingService
# (the code behind GET /api/v1/slots), then prints the SQL EF sends and the database's plan for it. SQLite always;
# PostgreSQL too when its binaries are installed (a private server on loopback, stopped on exit).
# Prints "name: value (ratio to target)" lines. Usage: bench/search.sh [sqlite|postgres|both] [hubs, e.g. 10,50,200]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
hubs=${2:-10,50,200}
queries=${BENCH_QUERIES:-2000}
source bench/pg.sh
bench=$(mktemp -d)
cleanup() { pg_stop; rm -rf "$bench"; }
trap cleanup EXIT
dotnet build bench/Forward.Bench/Forward.Bench.csproj -c Release -o "$bench" -nologo -v q -clp:ErrorsOnly >/dev/null

if [ "$which" != postgres ]; then
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, before)"
  dotnet "$bench/Forward.Bench.dll" search --provider sqlite --hubs "$hubs" --queries "$queries"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, after)"
fi
if [ "$which" != sqlite ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    pg_start
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, before)"
    dotnet "$bench/Forward.Bench.dll" search --provider postgres --connection "$PG_CONN" --hubs "$hubs" --queries "$queries"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, after)"
  else
    echo "slot_search_postgres: skipped (PostgreSQL is not installed)"
  fi
fi
