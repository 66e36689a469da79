#!/usr/bin/env bash
# A throwaway Redis server for the test suite (Debian's `redis-server` package).
#
#   scripts/redis-test-server.sh start       start (or reuse) it; prints REDIS_URL_TEST=...
#   scripts/redis-test-server.sh url         print the URL of the running server
#   scripts/redis-test-server.sh stop        stop it
#   scripts/redis-test-server.sh run CMD...  start (or reuse), run CMD with REDIS_URL_TEST
#                                            exported, stop again if this call started it;
#                                            exits with CMD's status (`make test` uses this)
#
# The server runs in $REDIS_TEST_DIR (default: $TMPDIR or /tmp, one directory per
# checkout), listens on 127.0.0.1 only, on the first free port from $REDIS_TEST_PORT
# (default 56379), with no persistence (no RDB snapshots, no AOF): for local tests only.
# If REDIS_URL_TEST is already set, `start`/`run` use that server and start nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "redis-test-server: $*" >&2; }

DIR=${REDIS_TEST_DIR:-${TMPDIR:-/tmp}/atlas-redis-test-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}
PORT_FILE=$DIR/port
PID_FILE=$DIR/redis.pid
LOGFILE=$DIR/server.log

install_redis() {
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
    log "installing Debian package redis-server"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        redis-server >&2
    command -v redis-server >/dev/null || { log "redis-server installed but not found"; exit 1; }
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

is_running() {
    [ -f "$PORT_FILE" ] && [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null \
        && ping "$(cat "$PORT_FILE")"
}

url() { echo "redis://127.0.0.1:$(cat "$PORT_FILE")/0"; }

start() {
    install_redis
    if is_running; then
        log "reusing the server on port $(cat "$PORT_FILE") ($DIR)"
        return 0
    fi
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    local port=${REDIS_TEST_PORT:-56379}
    while port_in_use "$port"; do port=$((port + 1)); done
    echo "$port" >"$PORT_FILE"
    rm -f "$PID_FILE"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$DIR" --save "" --appendonly no \
        --daemonize yes --pidfile "$PID_FILE" --logfile "$LOGFILE" >&2 \
        || { tail -n 30 "$LOGFILE" >&2 || true; exit 1; }
    for _ in $(seq 100); do
        ping "$port" && break
        sleep 0.1
    done
    ping "$port" || { log "no answer on port $port"; tail -n 30 "$LOGFILE" >&2 || true; exit 1; }
    log "started on 127.0.0.1:$port ($DIR)"
    STARTED=1
}

stop() {
    if is_running; then
        redis-cli -h 127.0.0.1 -p "$(cat "$PORT_FILE")" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 50); do
            kill -0 "$(cat "$PID_FILE" 2>/dev/null || echo 0)" 2>/dev/null || break
            sleep 0.1
        done
        log "stopped ($DIR)"
    else
        log "not running ($DIR)"
    fi
}

STARTED=0
case "${1:-}" in
start)
    if [ -n "${REDIS_URL_TEST:-}" ]; then echo "REDIS_URL_TEST=$REDIS_URL_TEST"; exit 0; fi
    start
    echo "REDIS_URL_TEST=$(url)"
    ;;
url)
    is_running || { log "not running"; exit 1; }
    url
    ;;
stop) stop ;;
run)
    shift
    [ $# -gt 0 ] || { log "usage: $0 run CMD..."; exit 2; }
    if [ -z "${REDIS_URL_TEST:-}" ]; then
        start
        [ "$STARTED" = 1 ] && trap stop EXIT
        REDIS_URL_TEST=$(url)
        export REDIS_URL_TEST
    fi
    log "REDIS_URL_TEST=$REDIS_URL_TEST"
    rc=0
    "$@" || rc=$?
    exit "$rc"
    ;;
*)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
