#!/usr/bin/env bash
# Access-compliance report (issue 7, benchmark 3, first part): for 3, 12 and 36 months of the deterministic synthetic
# history (about 0.08, 0.3 and 1 million appointments), a fresh database each, times Forward's own ICS report over the
# last year (ComplianceQueries.ReportAsync, the code behind /api/v1/compliance) and the memory it allocates, so the cost
# can be seen growing with the appointments. The DuckDB baseline the issue asks for is not written yet and says so.
# Prints "name: value" lines. Usage: bench/compliance.sh [sqlite|postgres|both] [months, e.g. 3,12,36]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-sqlite}
months=${2:-3,12,36}
runs=${BENCH_RUNS:-3}
source bench/pg.sh
bench=$(mktemp -d)
cleanup() { pg_stop; rm -rf "$bench"; }
trap cleanup EXIT
dotnet build bench/Forward.Bench/Forward.Bench.csproj -c Release -o "$bench" -nologo -v q -clp:ErrorsOnly >/dev/null

if [ "$which" != postgres ]; then
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, before)"
  dotnet "$bench/Forward.Bench.dll" compliance --provider sqlite --months "$months" --runs "$runs"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, after)"
fi
if [ "$which" != sqlite ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    pg_start
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, before)"
    dotnet "$bench/Forward.Bench.dll" compliance --provider postgres --connection "$PG_CONN" --months "$months" --runs "$runs"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, after)"
  else
    echo "compliance_report_postgres: skipped (PostgreSQL is not installed)"
  fi
fi
