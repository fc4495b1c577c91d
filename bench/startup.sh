#!/usr/bin/env bash
# Start-up benchmark (issue 7, target <= 3 s): time from process start to the first 200 from /health and from the
# sign-in page, on a fresh SQLite database (created, migrated, seeded, a month of slots generated), for the
# ReadyToRun publish that ./forward.sh run uses and, as the baseline in the same run, the plain JIT build.
# Prints "name: value (ratio to baseline)" lines. Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
r2r=$(mktemp -d); jit=$(mktemp -d)
dotnet publish src/Forward.Web/Forward.Web.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$r2r" -nologo -v q -clp:ErrorsOnly
dotnet publish src/Forward.Web/Forward.Web.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=false -o "$jit" -nologo -v q -clp:ErrorsOnly

measure() { # dir port → seconds to /health and to the sign-in page
  local dir=$1 port=$2 data; data=$(mktemp -d)
  local start; start=$(date +%s.%N)
  ( cd "$dir" && ASPNETCORE_ENVIRONMENT=Development Forward__DataDirectory=$data exec dotnet Forward.Web.dll --urls "http://127.0.0.1:$port" >/dev/null 2>&1 ) &
  local pid=$!
  local healthy="" page=""
  for _ in $(seq 1 1200); do
    if [ -z "$healthy" ] && curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then healthy=$(date +%s.%N); fi
    if [ -n "$healthy" ] && curl -sf "http://127.0.0.1:$port/Account/SignIn" >/dev/null 2>&1; then page=$(date +%s.%N); break; fi
    sleep 0.05
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  echo "$(echo "$healthy - $start" | bc) $(echo "$page - $start" | bc)"
}

best() { sort -n | head -n1; }
r2r_page=(); jit_page=()
for i in $(seq 1 "$runs"); do
  read -r _ p < <(measure "$r2r" 5190); r2r_page+=("$p")
  read -r _ p < <(measure "$jit" 5191); jit_page+=("$p")
done
r=$(printf '%s\n' "${r2r_page[@]}" | best); j=$(printf '%s\n' "${jit_page[@]}" | best)
echo "startup_to_first_page_readytorun: ${r}s ($(echo "scale=2; $r / $j" | bc) of baseline)"
echo "startup_to_first_page_jit_baseline: ${j}s (1.00)"
rm -rf "$r2r" "$jit"
