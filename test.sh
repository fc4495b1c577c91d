#!/usr/bin/env bash
# Forward's test command: builds everything (warnings are errors) and runs every test project, first on SQLite, then
# the database-backed suites again on PostgreSQL. Installs PostgreSQL and Chromium when missing and it can (root +
# apt-get), starts a private PostgreSQL on loopback unless FORWARD_TEST_PG names a server, and ends with the line
# "N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

log() { printf '\n== %s\n' "$*"; }

# --- prerequisites -------------------------------------------------------------------------------------------------
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium fonts-liberation)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null || { echo "apt-get install failed"; exit 1; }
  else
    echo "Missing ${need[*]}: install them (Debian: apt-get install -y ${need[*]}) and run again." >&2
    exit 1
  fi
fi

# --- PostgreSQL on loopback ----------------------------------------------------------------------------------------
pg_started=""
pg_dir=""
cleanup() {
  if [ -n "$pg_started" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
    else "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; fi
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
}
trap cleanup EXIT

if [ -z "${FORWARD_TEST_PG:-}" ]; then
  pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)")
  [ -x "$pg_bin/initdb" ] || pg_bin=$(dirname "$(command -v initdb)")
  pg_dir=$(mktemp -d /tmp/forward-pg.XXXXXX)
  pg_port=${FORWARD_TEST_PG_PORT:-55432}
  as_pg=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home "$pg_dir" postgres
    chown postgres "$pg_dir"
    as_pg=(runuser -u postgres --)
  fi
  log "starting PostgreSQL on 127.0.0.1:$pg_port"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log"; exit 1; }
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir -c max_connections=300 -c fsync=off -c shared_buffers=256MB" start >/dev/null \
    || { cat "$pg_dir/server.log"; exit 1; }
  pg_started=1
  export FORWARD_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=unused;Maximum Pool Size=100"
fi

# --- build ---------------------------------------------------------------------------------------------------------
log "building (warnings are errors)"
dotnet build Forward.slnx -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# --- run -----------------------------------------------------------------------------------------------------------
status=0
run_tests() { # name project provider [time zone of the test process]
  local name=$1 project=$2 provider=$3 zone=${4:-}
  log "$name ($provider${zone:+, TZ=$zone})"
  env ${zone:+TZ=$zone} FORWARD_TEST_PROVIDER=$provider dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$results/$name-$provider.trx" --logger "console;verbosity=normal" \
    2>&1 | grep -vE '^\s*$' | grep -E 'Passed |Failed |Skipped |Error Message|Assert|Expected|Actual|error|Exception|at Forward|Total tests|Passed!|Failed!' | grep -vE '^\s+Passed ' | head -300
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
}

# The domain tests and the SQLite pass run with the process in a time zone far from London and UTC (its dates differ
# from London's for half of every day), so anything that reads the server's own zone instead of Europe/London or UTC
# fails a test.
run_tests domain tests/Forward.Domain.Tests/Forward.Domain.Tests.csproj sqlite Pacific/Auckland
for provider in sqlite postgres; do
  zone=""; [ "$provider" = sqlite ] && zone=Pacific/Auckland
  run_tests web tests/Forward.Web.Tests/Forward.Web.Tests.csproj "$provider" $zone
  run_tests browser tests/Forward.Browser.Tests/Forward.Browser.Tests.csproj "$provider"
done

# --- summary -------------------------------------------------------------------------------------------------------
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
expected_runs=5
runs=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$runs" -lt "$expected_runs" ]; then
  echo "only $runs of $expected_runs test runs produced results"
  status=1; failed=$((failed + expected_runs - runs))
fi
[ "$failed" = 0 ] || status=1
echo
echo "$passed passed, $failed failed"
exit $status
