#!/usr/bin/env bash
# Access-compliance report (issue 7, benchmark 3): for each size (default 1 and 10 million appointments, an ICS-year),
# a fresh database holding the largest ICS's year of synthetic slots and appointments; Forward's own ICS report over that
# year (ComplianceQueries.ReportAsync, the code behind /api/v1/compliance) timed best of N, against DuckDB's SQL over the
# same rows exported to Parquet, on the same 2 cores; the figures are compared and any difference fails the run.
# Prints "name: value (ratio)" lines. Usage: bench/compliance.sh [sqlite|postgres|both] [appointments, e.g. 1000000,10000000]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-sqlite}
sizes=${2:-1000000,10000000}
runs=${BENCH_RUNS:-3}
source bench/pg.sh
bench=$(mktemp -d)
cleanup() { pg_stop; rm -rf "$bench"; }
trap cleanup EXIT
dotnet build bench/Forward.Bench/Forward.Bench.csproj -c Release -o "$bench" -nologo -v q -clp:ErrorsOnly >/dev/null

status=0
pg_ready=no
if [ "$which" != sqlite ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    pg_start
    pg_ready=yes
  else
    echo "compliance_report_postgres: skipped (PostgreSQL is not installed)"
  fi
fi
for size in ${sizes//,/ }; do
  if [ "$which" != postgres ]; then
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, $size appointments, before)"
    dotnet "$bench/Forward.Bench.dll" compliance --provider sqlite --appointments "$size" --runs "$runs" || status=1
  fi
  if [ "$pg_ready" = yes ]; then
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, $size appointments, before)"
    dotnet "$bench/Forward.Bench.dll" compliance --provider postgres --connection "$PG_CONN" --appointments "$size" --runs "$runs" || status=1
  fi
done
exit $status
