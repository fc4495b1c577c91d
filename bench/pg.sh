# Sourced by bench/*.sh: starts a private PostgreSQL on loopback (as test.sh does: initdb into a temp folder, trust
# auth, as the postgres user when run as root); pg_stop stops it (call it from the caller's EXIT trap). Sets PG_BIN,
# PG_PORT, PG_CONN.
pg_start() {
  PG_PORT=${BENCH_PG_PORT:-55433}
  PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)")
  [ -x "$PG_BIN/initdb" ] || PG_BIN=$(dirname "$(command -v initdb)")
  pg_dir=$(mktemp -d /tmp/forward-bench-pg.XXXXXX)
  as_pg=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home "$pg_dir" postgres
    chown postgres "$pg_dir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log"; return 1; }
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pg_dir -c max_connections=300 -c shared_buffers=256MB" start >/dev/null \
    || { cat "$pg_dir/server.log"; return 1; }
  PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=unused"
}

pg_stop() {
  [ -n "${pg_dir:-}" ] || return 0
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  pg_dir=""
}
