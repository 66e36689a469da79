#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (Debian's `postgresql` package).
#
#   scripts/pg-test-server.sh start         start (or reuse) it; prints DATABASE_URL_TEST=...
#   scripts/pg-test-server.sh url           print the URL of the running server
#   scripts/pg-test-server.sh stop          stop it (the cluster files are kept for reuse)
#   scripts/pg-test-server.sh run CMD...    start (or reuse), run CMD with DATABASE_URL_TEST
#                                           exported, stop again if this call started it;
#                                           exits with CMD's status (`make test` uses this)
#
# The cluster lives in $PG_TEST_DIR (default: $TMPDIR or /tmp, one directory per checkout),
# listens on 127.0.0.1 only, on the first free port from $PG_TEST_PORT (default 55432),
# with trust authentication and fsync off: for local tests only, never for real data.
# Database `atlas_test`, superuser `postgres`. As root, the server runs as the `postgres`
# OS user (initdb refuses root). If DATABASE_URL_TEST is already set, `start`/`run` use
# that server and start nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=atlas_test
log() { echo "pg-test-server: $*" >&2; }

default_dir() {
    local base=${TMPDIR:-/tmp} tag
    tag=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
    # The postgres OS user must be able to reach the directory.
    if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 \
        && ! runuser -u postgres -- test -w "$base" 2>/dev/null; then
        base=/tmp
    fi
    echo "$base/atlas-pg-test-$(id -u)-$tag"
}
DIR=${PG_TEST_DIR:-$(default_dir)}
DATA=$DIR/data
PORT_FILE=$DIR/port
LOGFILE=$DIR/server.log

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && echo "$bin"
}

install_postgresql() {
    pg_bin >/dev/null && return 0
    log "installing Debian package postgresql"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        postgresql >&2
    pg_bin >/dev/null || { log "postgresql installed but initdb not found"; exit 1; }
}

# Run a PostgreSQL program as the cluster owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_running() {
    [ -f "$DATA/PG_VERSION" ] && [ -f "$PORT_FILE" ] \
        && as_owner "$(pg_bin)/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

url() { echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$PORT_FILE")/$DB"; }

init_cluster() {
    log "initialising a test cluster in $DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    chmod 700 "$DIR"
    as_owner "$(pg_bin)/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<'EOF'
# atlas test cluster: loopback only, no Unix socket, durability off (throwaway data)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
}

start() {
    install_postgresql
    if is_running; then
        log "reusing the server on port $(cat "$PORT_FILE") ($DIR)"
        return 0
    fi
    [ -f "$DATA/PG_VERSION" ] || init_cluster
    local port=${PG_TEST_PORT:-55432}
    while port_in_use "$port"; do port=$((port + 1)); done
    echo "$port" | as_owner tee "$PORT_FILE" >/dev/null
    as_owner "$(pg_bin)/pg_ctl" start -D "$DATA" -l "$LOGFILE" -w -t 60 -o "-p $port" >&2 \
        || { as_owner tail -n 30 "$LOGFILE" >&2 || true; exit 1; }
    if ! as_owner "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
        as_owner "$(pg_bin)/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB"
    fi
    log "started on 127.0.0.1:$port ($DIR)"
    STARTED=1
}

stop() {
    if [ -f "$DATA/PG_VERSION" ] && pg_bin >/dev/null; then
        as_owner "$(pg_bin)/pg_ctl" stop -D "$DATA" -m fast -w >&2 2>/dev/null \
            && log "stopped ($DIR)" || log "not running ($DIR)"
    else
        log "no test cluster in $DIR"
    fi
}

STARTED=0
case "${1:-}" in
start)
    if [ -n "${DATABASE_URL_TEST:-}" ]; then echo "DATABASE_URL_TEST=$DATABASE_URL_TEST"; exit 0; fi
    start
    echo "DATABASE_URL_TEST=$(url)"
    ;;
url)
    is_running || { log "not running"; exit 1; }
    url
    ;;
stop) stop ;;
run)
    shift
    [ $# -gt 0 ] || { log "usage: $0 run CMD..."; exit 2; }
    if [ -z "${DATABASE_URL_TEST:-}" ]; then
        start
        [ "$STARTED" = 1 ] && trap stop EXIT
        DATABASE_URL_TEST=$(url)
        export DATABASE_URL_TEST
    fi
    log "DATABASE_URL_TEST=$DATABASE_URL_TEST"
    rc=0
    "$@" || rc=$?
    exit "$rc"
    ;;
*)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
