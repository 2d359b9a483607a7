#!/usr/bin/env bash
# Throwaway PostgreSQL and MariaDB servers for mgen's integration tests.
#
#   eval "$(scripts/dbs.sh start)"   # starts both (or reuses running ones), prints export lines
#   scripts/dbs.sh status            # says what is running, prints the export lines
#   scripts/dbs.sh stop              # stops both and removes the folder
#
# Everything lives in $MGEN_DBS_DIR (default: ${TMPDIR:-/tmp}/mgen-dbs). Both servers listen on
# 127.0.0.1 only, on free ports chosen at first start, with no passwords (trust / empty root
# password): never point this at anything but a scratch folder.
# Only the export lines go to stdout; progress and errors go to stderr, so `eval` stays safe.
set -euo pipefail

DIR="${MGEN_DBS_DIR:-${TMPDIR:-/tmp}/mgen-dbs}"
DIR="${DIR%/}"
MARKER="$DIR/.mgen-dbs"
PG_DIR="$DIR/pg"
MY_DIR="$DIR/mysql"

log() { echo "dbs.sh: $*" >&2; }
die() { echo "dbs.sh: error: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the owner of the PostgreSQL cluster: initdb and postgres refuse to run as root.
as_pg() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() {
    # Succeeds when something accepts connections on 127.0.0.1:$1.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local p i
    for i in $(seq 1 200); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! port_in_use "$p" && ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"; return 0
        fi
    done
    die "could not find a free TCP port on 127.0.0.1"
}

# ---------------------------------------------------------------- PostgreSQL

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] \
        || die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: apt-get install postgresql"
    echo "$d"
}

pg_running() {
    [ -f "$PG_DIR/data/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

pg_start() {
    local bin port
    bin=$(pg_bin)
    if is_root; then
        id postgres >/dev/null 2>&1 \
            || die "running as root needs the 'postgres' user to own the cluster: apt-get install postgresql"
    fi
    mkdir -p "$PG_DIR"
    if is_root; then chown postgres: "$PG_DIR"; fi
    as_pg test -w "$PG_DIR" \
        || die "$PG_DIR is not writable by the postgres user; set MGEN_DBS_DIR to a folder it can reach (e.g. /tmp/mgen-dbs)"
    if pg_running; then
        log "PostgreSQL already running on port $(cat "$PG_DIR/port")"
        return 0
    fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        log "initdb in $PG_DIR/data"
        as_pg "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale \
            >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    port=$(cat "$PG_DIR/port" 2>/dev/null || true)
    if [ -z "$port" ] || port_in_use "$port"; then port=$(free_port); fi
    echo "$port" >"$PG_DIR/port"
    log "starting PostgreSQL on 127.0.0.1:$port"
    # fsync off: a throwaway cluster, speed matters more than durability.
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { tail -n 30 "$PG_DIR/server.log" >&2 || true; die "PostgreSQL did not start"; }
    # pg_ctl -w already waited; make sure TCP answers too.
    for _ in $(seq 1 50); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && return 0
        sleep 0.1
    done
    die "PostgreSQL does not accept connections on 127.0.0.1:$port (see $PG_DIR/server.log)"
}

pg_stop() {
    if [ -f "$PG_DIR/data/PG_VERSION" ]; then
        local bin
        bin=$(pg_bin)
        if pg_running; then
            log "stopping PostgreSQL"
            as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
                || log "pg_ctl stop failed (see $PG_DIR/server.log)"
        fi
    fi
}

# ---------------------------------------------------------------- MariaDB

my_bins() {
    command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] \
        || die "mariadbd not found: apt-get install mariadb-server"
    command -v mariadb-install-db >/dev/null 2>&1 \
        || die "mariadb-install-db not found: apt-get install mariadb-server"
    command -v mariadb-admin >/dev/null 2>&1 \
        || die "mariadb-admin not found: apt-get install mariadb-client"
}

mariadbd_path() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

my_running() {
    local pid
    pid=$(cat "$MY_DIR/mariadbd.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

my_ping() {
    mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$1" -u root --connect-timeout=1 ping >/dev/null 2>&1
}

my_start() {
    my_bins
    mkdir -p "$MY_DIR"
    local userflag=()
    if is_root; then userflag=(--user=root); fi
    if my_running; then
        log "MariaDB already running on port $(cat "$MY_DIR/port")"
        return 0
    fi
    if [ ! -d "$MY_DIR/data/mysql" ]; then
        log "mariadb-install-db in $MY_DIR/data"
        # normal root authentication: root with an empty password, reachable over TCP.
        mariadb-install-db --no-defaults "${userflag[@]}" --datadir="$MY_DIR/data" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$MY_DIR/install.log" 2>&1 || { cat "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
    fi
    local port
    port=$(cat "$MY_DIR/port" 2>/dev/null || true)
    if [ -z "$port" ] || port_in_use "$port"; then port=$(free_port); fi
    echo "$port" >"$MY_DIR/port"
    log "starting MariaDB on 127.0.0.1:$port"
    # setsid + nohup: the server outlives this script and the shell that eval'd it.
    setsid nohup "$(mariadbd_path)" --no-defaults "${userflag[@]}" \
        --datadir="$MY_DIR/data" --port="$port" --bind-address=127.0.0.1 \
        --socket="$MY_DIR/mysql.sock" --pid-file="$MY_DIR/mariadbd.pid" \
        --log-error="$MY_DIR/server.log" --skip-log-bin \
        --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 150); do
        if my_ping "$port"; then return 0; fi
        sleep 0.1
    done
    tail -n 30 "$MY_DIR/server.log" >&2 || true
    die "MariaDB does not accept connections on 127.0.0.1:$port (see $MY_DIR/server.log)"
}

my_stop() {
    if my_running; then
        local pid
        pid=$(cat "$MY_DIR/mariadbd.pid")
        log "stopping MariaDB (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        log "MariaDB did not stop in 10s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# ---------------------------------------------------------------- commands

print_exports() {
    local pg_port my_port
    pg_port=$(cat "$PG_DIR/port")
    my_port=$(cat "$MY_DIR/port")
    echo "export MGEN_TEST_PG_URL='postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable'"
    echo "export MGEN_TEST_MYSQL_URL='mysql://root@127.0.0.1:$my_port/mysql'"
}

cmd_start() {
    if [ -e "$DIR" ] && [ ! -f "$MARKER" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
        die "$DIR exists and was not made by dbs.sh; choose another MGEN_DBS_DIR"
    fi
    mkdir -p "$DIR"
    touch "$MARKER"
    # The postgres user must be able to traverse into $DIR.
    chmod 755 "$DIR"
    pg_start
    my_start
    print_exports
}

cmd_stop() {
    if [ ! -e "$DIR" ]; then log "nothing to stop ($DIR does not exist)"; return 0; fi
    [ -f "$MARKER" ] || die "$DIR was not made by dbs.sh; refusing to remove it"
    pg_stop
    my_stop
    rm -rf -- "$DIR"
    log "removed $DIR"
}

cmd_status() {
    local ok=0
    if pg_running; then log "PostgreSQL running on port $(cat "$PG_DIR/port")"; else log "PostgreSQL not running"; ok=1; fi
    if my_running; then log "MariaDB running on port $(cat "$MY_DIR/port")"; else log "MariaDB not running"; ok=1; fi
    if [ "$ok" -eq 0 ]; then print_exports; fi
    return "$ok"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status   (folder: \$MGEN_DBS_DIR, default \${TMPDIR:-/tmp}/mgen-dbs)" >&2; exit 2 ;;
esac
