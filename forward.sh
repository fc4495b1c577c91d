#!/usr/bin/env bash
# Forward's run command. `./forward.sh run` starts the web app on http://127.0.0.1:5080 with an embedded SQLite
# database under ./data (created, migrated and seeded on first start). Extra arguments go to the app, e.g.
#   ./forward.sh run --urls http://127.0.0.1:8080
# `./forward.sh history [--months 12] [--seed 20260401]` writes the synthetic demo history into that same database.
# `./forward.sh compliance-rebuild` makes the compliance day summaries again from every slot and appointment.
set -euo pipefail
cd "$(dirname "$0")"

command=${1:-run}
shift || true

# Starts the app with the given arguments. Published ReadyToRun (precompiled) rather than `dotnet run`: start-up is about
# three times faster because EF Core and the app are not JIT-compiled on every start. Falls back to `dotnet run` if
# publishing fails.
start_app() {
  export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
  # Keep the database beside this script unless told otherwise.
  export Forward__DataDirectory=${Forward__DataDirectory:-$PWD/data}
  rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
  out="$PWD/artifacts/forward"
  if dotnet publish src/Forward.Web/Forward.Web.csproj -c Release -r "$rid" --self-contained false \
       -p:PublishReadyToRun=true -o "$out" -nologo -v q -clp:ErrorsOnly; then
    cd "$out"
    exec dotnet Forward.Web.dll "$@"
  fi
  echo "ReadyToRun publish failed; starting with dotnet run instead." >&2
  exec dotnet run --project src/Forward.Web/Forward.Web.csproj -c Release --no-launch-profile -- "$@"
}

case "$command" in
  run)
    export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}
    start_app "$@"
    ;;
  history)
    # Synthetic (not real) sessions, patients and appointments for the last N months, for the dashboards. Does nothing
    # if the database already has them.
    start_app history "$@"
    ;;
  compliance-rebuild)
    # Makes the compliance day summaries again from every slot and appointment (after rows were changed outside Forward).
    start_app compliance-rebuild "$@"
    ;;
  *)
    echo "usage: ./forward.sh run [--urls URL] | ./forward.sh history [--months 12] [--seed 20260401] | ./forward.sh compliance-rebuild" >&2
    exit 2
    ;;
esac
