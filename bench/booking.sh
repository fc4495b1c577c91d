#!/usr/bin/env bash
# Booking throughput and memory under load (issue 7, benchmarks 1 and 4): publishes Forward (Release, ReadyToRun, as
# ./forward.sh run does), starts it as a separate process on loopback over a fresh database, and drives 32 concurrent
# clients booking through POST /api/v1/appointments for BENCH_SECONDS (20) seconds, a fifth of them racing for the
# same slot. Baseline in the same run, on the same database engine and disk, before Forward starts: one-row INSERT
# transactions per second (SQLite: a Microsoft.Data.Sqlite loop with 32 writers on a separate one-table file in the same
# folder; PostgreSQL: pgbench -c 32 -j 2 into a separate database on the same server). After the load it counts double bookings straight from the database and prints the
# server's peak RSS, then times the same clients reading one slot each by key (the ceiling of any API call on this
# machine). Prints "name: value (ratio to baseline)" lines. Usage: bench/booking.sh [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
seconds=${BENCH_SECONDS:-20}
clients=32
source bench/pg.sh

rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
app=$(mktemp -d); bench=$(mktemp -d)
cleanup() { pg_stop; [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$app" "$bench" "${data:-}"; }
trap cleanup EXIT
dotnet publish src/Forward.Web/Forward.Web.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$app" -nologo -v q -clp:ErrorsOnly
dotnet build bench/Forward.Bench/Forward.Bench.csproj -c Release -o "$bench" -nologo -v q -clp:ErrorsOnly
run_bench() { dotnet "$bench/Forward.Bench.dll" "$@"; }

# Forward as it runs in production, plus: demo users seeded (the nhs111 client signs in), the sign-in rate limit raised
# for 32 clients' token requests, the slot horizon widened to 150 days and the NHS 111 booking window from 48
# hours to match it (a window longer than the horizon stops the start), so the clients do not run out of slots in the
# timed part (the window check itself still runs on every booking).
start_forward() { # port, then extra VAR=value settings
  local port=$1; shift
  ( cd "$app" && exec env ASPNETCORE_ENVIRONMENT=Production Forward__DataDirectory="$data" \
      Forward__Demo__SeedUsers=true Forward__Demo__Password=forward-demo Forward__RateLimits__SignInPerMinute=100000 \
      Forward__Notifications__PublicBaseUrl=https://forward.example.nhs.uk \
      Forward__Slots__HorizonDays=150 Forward__Booking__Windows__Nhs111__MaximumAhead=150.00:00:00 "$@" \
      dotnet Forward.Web.dll --urls "http://127.0.0.1:$port" >"$data/server.log" 2>&1 ) &
  server=$!
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$data/server.log"; return 1; }
    sleep 0.1
  done
  echo "Forward did not become healthy" >&2; cat "$data/server.log" >&2; return 1
}

stop_forward() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; server=""; }

bench_sqlite() {
  data=$(mktemp -d)
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, before)"
  local out; out=$(run_bench sqlite-baseline --file "$data/bench-insert.db" --writers "$clients" --seconds "$seconds")
  echo "$out"
  local baseline; baseline=$(sed -n 's/^insert_baseline_sqlite: \([0-9.]*\)\/s.*/\1/p' <<<"$out")
  start_forward 5290
  run_bench load --url http://127.0.0.1:5290 --provider sqlite --connection "Data Source=$data/forward.db" \
    --clients "$clients" --seconds "$seconds" --days 149 --pid "$server" --baseline "$baseline" || status=1
  stop_forward
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (sqlite, after)"
  rm -rf "$data"; data=""
}

bench_postgres() {
  data=$(mktemp -d)
  pg_start
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, before)"
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bench_insert" >/dev/null
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench_insert \
    -c "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, writer int NOT NULL, at timestamptz NOT NULL, payload text NOT NULL)" >/dev/null
  echo "INSERT INTO bench_insert (writer, at, payload) VALUES (:client_id, now(), 'one booking-sized row of text, about a hundred bytes long, to stand in for an appointment');" >"$data/insert.sql"
  local tps; tps=$("$PG_BIN/pgbench" -n -f "$data/insert.sql" -c "$clients" -j 2 -T "$seconds" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench_insert 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -n1)
  echo "insert_baseline_postgres: ${tps%.*}/s (pgbench -n -c $clients -j 2 -T $seconds, one INSERT per transaction, same server)"
  local conn="$PG_CONN;Database=forward_bench"
  start_forward 5291 Forward__Database__Provider=Postgres ConnectionStrings__Forward="$conn"
  run_bench load --url http://127.0.0.1:5291 --provider postgres --connection "$conn" \
    --clients "$clients" --seconds "$seconds" --days 149 --pid "$server" --baseline "$tps" || status=1
  stop_forward
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (postgres, after)"
  pg_stop
  rm -rf "$data"; data=""
}

status=0
case "$which" in
  sqlite) bench_sqlite ;;
  postgres) bench_postgres ;;
  both) bench_sqlite; bench_postgres ;;
  *) echo "usage: bench/booking.sh [sqlite|postgres|both]" >&2; exit 2 ;;
esac
exit $status
