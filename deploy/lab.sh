#!/usr/bin/env bash
# Autoencoder Lab for a class, on one machine: PostgreSQL, two `streamlit run app.py` replicas
# and nginx in front of them (deploy/nginx.conf).
#
#   deploy/lab.sh start     # then open http://HOST:8080
#   deploy/lab.sh stop
#
# Needs Debian's `postgresql` and `nginx` packages and the app's Python (`pip install -r
# requirements.txt "psycopg[binary]>=3.2"`). Everything it makes lives in AELIB_DEPLOY_DIR
# (default /tmp/aelib-deploy): the database's data directory, the replicas' logs, nginx's files.
# Settings, from the environment: PYTHON (default python3), PROXY_PORT (8080), REPLICA_PORTS
# ("8501 8502"), PG_PORT (5433); the app's own AELIB_* settings (AELIB_PRIVATE_WORKSPACES=1
# for a class, AELIB_MAX_TRAININGS: the limit holds per replica) pass through to the replicas.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR=${AELIB_DEPLOY_DIR:-/tmp/aelib-deploy}
PYTHON=${PYTHON:-python3}
PROXY_PORT=${PROXY_PORT:-8080}
REPLICA_PORTS=${REPLICA_PORTS:-"8501 8502"}
PG_PORT=${PG_PORT:-5433}
PG_DATA="$RUN_DIR/postgres"
export AELIB_RUNS_URL="postgresql://postgres@127.0.0.1:$PG_PORT/aelib"

pg_bin() {  # Debian keeps initdb and pg_ctl off PATH, under /usr/lib/postgresql/VERSION/bin
  if command -v initdb >/dev/null; then dirname "$(readlink -f "$(command -v initdb)")"
  else find /usr/lib/postgresql -name initdb -path '*/bin/*' 2>/dev/null | sort -V | tail -1 |
       xargs -r dirname; fi
}

as_postgres() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {  # URL: until it answers, for up to two minutes
  for _ in $(seq 240); do
    if "$PYTHON" -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" \
        2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$1 did not answer; see the logs in $RUN_DIR" >&2
  return 1
}

start() {
  local bin
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
  mkdir -p "$RUN_DIR/nginx"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" != 0 ] || chown postgres:postgres "$PG_DATA"
    # trust on 127.0.0.1 only: for a try-out on one machine. Give the role a password and
    # use scram-sha-256 in pg_hba.conf when replicas run on other machines.
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1" start >/dev/null
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'aelib'" | grep -q 1 ||
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres aelib
  echo "PostgreSQL on 127.0.0.1:$PG_PORT (AELIB_RUNS_URL=$AELIB_RUNS_URL)"

  local servers="" port
  for port in $REPLICA_PORTS; do
    nohup "$PYTHON" -m streamlit run app.py --server.headless true --server.port "$port" \
      --server.address 127.0.0.1 --browser.gatherUsageStats false \
      >"$RUN_DIR/replica-$port.log" 2>&1 &
    echo $! >"$RUN_DIR/replica-$port.pid"
    servers="$servers        server 127.0.0.1:$port max_fails=1 fail_timeout=10s;\n"
  done
  for port in $REPLICA_PORTS; do
    wait_for "http://127.0.0.1:$port/_stcore/health"
    echo "replica on 127.0.0.1:$port (log: $RUN_DIR/replica-$port.log)"
  done

  # deploy/nginx.conf with this run's ports: its two `server` lines become one per replica.
  grep -v "server 127.0.0.1:" deploy/nginx.conf |
    sed -e "s|        ip_hash;.*|&\n$servers|" -e "s|listen 8080;|listen $PROXY_PORT;|" \
    >"$RUN_DIR/nginx/nginx.conf"
  nginx -p "$RUN_DIR/nginx" -c nginx.conf -e error.log
  wait_for "http://127.0.0.1:$PROXY_PORT/_stcore/health"
  echo "nginx on port $PROXY_PORT: open http://$(hostname):$PROXY_PORT"
}

stop() {
  local pid_file bin
  if [ -f "$RUN_DIR/nginx/nginx.pid" ]; then
    nginx -p "$RUN_DIR/nginx" -c nginx.conf -e error.log -s quit || true
  fi
  for pid_file in "$RUN_DIR"/replica-*.pid; do
    [ -f "$pid_file" ] || continue
    kill "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
  done
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
  echo "stopped (the runs stay in $PG_DATA)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: deploy/lab.sh start|stop" >&2; exit 2 ;;
esac
