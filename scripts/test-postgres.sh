#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the server tests (loopback, a free port, trust auth, no fsync).
#   eval "$(scripts/test-postgres.sh start)"   # installs Debian's postgresql if absent; exports DATAPERF_TEST_PG_URL and DATAPERF_TEST_PG_DIR
#   scripts/test-postgres.sh stop "$DATAPERF_TEST_PG_DIR"
# As root the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
cmd=${1:-start}
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
case "$cmd" in
  start)
    if [ -z "$(pgbin)" ]; then
      if [ "$(id -u)" != 0 ]; then echo "PostgreSQL is not installed (apt-get install postgresql as root)" >&2; exit 1; fi
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    fi
    BIN=$(pgbin)
    DIR=$(mktemp -d /tmp/dataperf-pg-XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_pg "'$BIN/initdb' -D '$DIR/data' -A trust -U postgres >'$DIR/initdb.log' 2>&1" || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_pg "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w -o \"-p $PORT -k '$DIR' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off\" start >/dev/null" || { cat "$DIR/server.log" >&2; exit 1; }
    echo "export DATAPERF_TEST_PG_URL=postgres://postgres@127.0.0.1:$PORT/postgres DATAPERF_TEST_PG_DIR=$DIR"
    ;;
  stop)
    DIR=${2:?the cluster folder}
    as_pg "'$(pgbin)/pg_ctl' -D '$DIR/data' -m immediate stop >/dev/null 2>&1" || true
    rm -rf "$DIR"
    ;;
esac
