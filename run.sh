#!/usr/bin/env bash
# One command per job on a fresh machine:
#   bash run.sh dashboard   install speech-tracker into .venv (once) and start the dashboard (SQLite,
#                           seed loaded); options go to `speechtrack dashboard`, e.g. --port 8502
#   bash run.sh test        install everything the tests need and run the whole test suite, then
#                           (given no pytest options) the main tests again with the oldest versions
#                           pyproject.toml allows (.ci/lowest-versions; SPEECHTRACK_LOWEST=0 skips)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV=${SPEECHTRACK_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}

venv() {
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # shellcheck disable=SC1091
  . "$VENV/bin/activate"
}

install_once() {
  # Install (editable, so the checkout's code is what runs) only when the venv is new, when
  # pyproject.toml changed since, or when the test tools are wanted and missing: later starts need
  # neither network nor time. $1 is "." or ".[dev]".
  local stamp="$VENV/.speechtrack-installed" hash have
  hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
  have=$(cat "$stamp" 2>/dev/null || true)
  if [ "$have" = "$hash .[dev]" ] || [ "$have" = "$hash $1" ]; then
    return 0
  fi
  python -m pip install -q --upgrade pip
  python -m pip install -q -e "$1"
  echo "$hash $1" >"$stamp"
}

system_packages() {
  # Chromium for the browser tests, PostgreSQL for the store tests on a real server.
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need[*]} from Debian's packages..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Not installing ${need[*]} (needs root and apt-get); the tests that need them will be skipped."
  fi
}

stop_postgres() {
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_DIR"
}

start_postgres() {
  # A throwaway PostgreSQL cluster on loopback, stopped when this script ends.
  [ -n "${SPEECHTRACK_TEST_PG_URL:-}" ] && return 0
  PG_BIN=$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -n 1) || return 0
  [ -x "$PG_BIN/postgres" ] || return 0
  PGDATA_DIR=$(mktemp -d /tmp/speechtrack-pg.XXXXXX)
  local port
  port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PGDATA_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w \
    -o "-p $port -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap stop_postgres EXIT
  export SPEECHTRACK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL test server on 127.0.0.1:$port"
}

case "${1:-}" in
  dashboard)
    venv
    install_once .
    exec speechtrack dashboard "${@:2}"
    ;;
  test)
    system_packages
    venv
    install_once ".[dev]"
    start_postgres
    ruff format --check . && ruff check . && mypy corpus models cli dashboard streamlit_app.py
    python -m pytest -q "${@:2}"
    if [ $# -eq 1 ] && [ "${SPEECHTRACK_LOWEST:-1}" != 0 ]; then
      UV="$VENV/bin/uv" bash .ci/lowest-versions
    fi
    ;;
  *)
    echo "usage: bash run.sh dashboard | bash run.sh test [pytest options]" >&2
    exit 2
    ;;
esac
