# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016,SC2119
# scripts/lib.sh - shared functions for scripts/up, scripts/down, scripts/test.
#
# Sourced, never executed.  Everything that brings a stack up or down lives
# here so that `up` and `test` run exactly the same code.
#
# Inputs (environment):
#   AUTHZD_VAR         state directory            (default <repo>/var)
#   AUTHZD_BUILD_DIR   where src/authzd lives      (default <repo>/build)
#   AUTHZD_HTTP_PORT   nginx http port             (default 8080)
#   AUTHZD_HTTPS_PORT  nginx https port            (default 8443)
#   AUTHZD_PG_PORT     private PostgreSQL port     (default 5439)
#   AUTHZD_DATABASE_URL  use this database instead of a private cluster
#   AUTHZD_WORKERS, AUTHZD_LOG_LEVEL, AUTHZD_MAX_BODY_BYTES,
#   AUTHZD_ACCESS_TOKEN_TTL_SECONDS  values written into the generated config

AUTHZD_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

PG_BINDIR="${AUTHZD_PG_BINDIR:-/usr/lib/postgresql/15/bin}"

# Debian packages needed to build, test and run.  The first line is the
# project's list; the second is what the scripts themselves call (prometheus
# for its promtool, which checks /metrics; its server is never started).
AUTHZD_PACKAGES=(
    libfcgi-dev libjansson-dev libpq-dev libcunit1-dev libssl-dev libargon2-dev
    clang-14 libfuzzer-14-dev libclang-rt-14-dev llvm-14
    libcurl4-openssl-dev postgresql nginx wrk autoconf automake libtool pkg-config
    build-essential curl jq openssl python3 iproute2 procps util-linux postgresql-client
    prometheus chromium
)

# ---------------------------------------------------------------- helpers

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root (sudo only when we are not root already).
as_root() {
    if is_root; then "$@"; else sudo -n "$@"; fi
}

# Run a command as the owner of the private PostgreSQL cluster.
# PostgreSQL refuses to run as root, so root delegates to user postgres.
as_pg() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pid_alive PID: true when PID exists and is not a zombie.
pid_alive() {
    local pid="$1" state
    [ -n "$pid" ] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
    [ "$state" != "Z" ]
}

read_pid() { if [ -s "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# port_in_use PORT: something listens on 127.0.0.1/0.0.0.0/:: tcp PORT.
port_in_use() {
    ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# free_port PREFERRED: print PREFERRED if free, else the next free port.
free_port() {
    local p="$1" n=0
    while port_in_use "$p"; do
        p=$((p + 1)); n=$((n + 1))
        [ "$n" -lt 200 ] || die "no free tcp port near $1"
    done
    echo "$p"
}

# wait_for SECONDS CMD...: poll CMD every 0.2s until it succeeds.
wait_for() {
    local secs="$1"; shift
    local i tries=$((secs * 5))
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

show_logs() {
    local f
    for f in "$VAR/log/authzd.log" "$VAR/log/nginx-error.log" "$VAR/log/postgres.log"; do
        [ -f "$f" ] || continue
        printf '\n----- tail %s -----\n' "$f" >&2
        tail -n 60 "$f" >&2 || true
    done
}

# world_searchable DIR: every directory from / down to DIR lets others through (o+x), so
# user postgres can reach what is inside.
world_searchable() {
    local d="$1" perm
    while :; do
        perm="$(stat -Lc %A "$d" 2>/dev/null)" || return 1
        case "${perm:9:1}" in x | t) ;; *) return 1 ;; esac
        [ "$d" != / ] || return 0
        d="$(dirname "$d")"
    done
}

# ---------------------------------------------------------------- settings

# authzd_setup: compute every path/port from the environment.  Call again
# after changing AUTHZD_VAR / ports (scripts/test does).
authzd_setup() {
    VAR="${AUTHZD_VAR:-$AUTHZD_REPO/var}"
    mkdir -p "$VAR"
    VAR="$(cd "$VAR" && pwd)"
    BUILD_DIR="${AUTHZD_BUILD_DIR:-$AUTHZD_REPO/build}"
    case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$AUTHZD_REPO/$BUILD_DIR" ;; esac
    HTTP_PORT="${AUTHZD_HTTP_PORT:-8080}"
    HTTPS_PORT="${AUTHZD_HTTPS_PORT:-8443}"
    PG_PORT="${AUTHZD_PG_PORT:-5439}"
    WORKERS="${AUTHZD_WORKERS:-$(( $(nproc 2>/dev/null || echo 2) * 4 ))}"
    LOG_LEVEL="${AUTHZD_LOG_LEVEL:-info}"
    MAX_BODY_BYTES="${AUTHZD_MAX_BODY_BYTES:-1048576}"
    TOKEN_TTL="${AUTHZD_ACCESS_TOKEN_TTL_SECONDS:-36000}"

    RUN_DIR="$VAR/run"
    LOG_DIR="$VAR/log"
    # The private cluster (data, socket, server log) lives in var/ when user postgres can
    # reach it. As root in a checkout it cannot reach (inside /root, a 0700 home, a umask
    # 077 clone), it lives in /var/tmp/authzd-<hash of $VAR>/ instead, var/pg and
    # var/log/postgres.log being links to it; a user other than root runs its own cluster.
    PG_HOME="$VAR"
    if is_root && ! world_searchable "$VAR"; then
        PG_HOME="/var/tmp/authzd-$(printf '%s' "$VAR" | sha256sum | cut -c1-12)"
    fi
    PGDATA_DIR="$PG_HOME/pg"
    PGSOCK_DIR="$PG_HOME/pgsock"
    if [ "$PG_HOME" = "$VAR" ]; then PG_LOG="$LOG_DIR/postgres.log"; else PG_LOG="$PG_HOME/postgres.log"; fi
    TLS_DIR="$VAR/tls"
    NGINX_PREFIX="$VAR/nginx"
    CONFIG_FILE="$VAR/authzd.conf"
    ENV_FILE="$VAR/authzd.env"
    SECRET_KEY_FILE="$VAR/secret.key"
    SOCKET="$RUN_DIR/authzd.sock"
    PID_FILE="$RUN_DIR/authzd.pid"
    NGINX_PID_FILE="$RUN_DIR/nginx.pid"
    NGINX_CONF="$NGINX_PREFIX/nginx.conf"
    LOG_FILE="$LOG_DIR/authzd.log"
    NGINX_ERROR_LOG="$LOG_DIR/nginx-error.log"
    CERT="$TLS_DIR/cert.pem"
    KEY="$TLS_DIR/key.pem"
    URL="http://127.0.0.1:$HTTP_PORT"
    HTTPS_URL="https://127.0.0.1:$HTTPS_PORT"

    # A database URL that points at one of our own private clusters (e.g.
    # left in the environment by `source var/authzd.env`) is not "external".
    USE_PRIVATE_PG=1
    if [ -n "${AUTHZD_DATABASE_URL:-}" ]; then
        case "$AUTHZD_DATABASE_URL" in
            *"host=$AUTHZD_REPO/var"* | *"host=$VAR/pgsock&"* | *"host=$PGSOCK_DIR&"* | *"host=/var/tmp/authzd-"*) ;;
            *) USE_PRIVATE_PG=0; DATABASE_URL="$AUTHZD_DATABASE_URL" ;;
        esac
    fi
    if [ "$USE_PRIVATE_PG" = 1 ]; then
        DATABASE_URL="postgresql:///authzd?host=$PGSOCK_DIR&port=$PG_PORT&user=authzd"
    fi

    # authzd reads AUTHZD_<KEY> overrides: keep them consistent with this
    # stack, whatever a previously sourced authzd.env left behind.
    export AUTHZD_DATABASE_URL="$DATABASE_URL"
    export AUTHZD_CONFIG="$CONFIG_FILE"
    export AUTHZD_PID_FILE="$PID_FILE"
    export AUTHZD_LOG_FILE="$LOG_FILE"
    unset AUTHZD_SOCKET AUTHZD_SQL_DIR AUTHZD_SECRET_KEY_FILE

    if [ "${#SOCKET}" -gt 100 ] || [ "$((${#PGSOCK_DIR} + 18))" -gt 100 ]; then
        die "state dir path too long for unix sockets: $VAR (set AUTHZD_VAR to a shorter path)"
    fi
}

# ---------------------------------------------------------------- packages

ensure_packages() {
    local missing=() p st
    for p in "${AUTHZD_PACKAGES[@]}"; do
        st="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
        case "$st" in *" installed") ;; *) missing+=("$p") ;; esac
    done
    if ! is_root && ! command -v sudo >/dev/null 2>&1 && [ "${#missing[@]}" -gt 0 ]; then
        die "missing packages (${missing[*]}) and not root / no sudo"
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}" </dev/null >&2
    fi
    [ -x "$PG_BINDIR/initdb" ] || die "PostgreSQL 15 binaries not found in $PG_BINDIR"
    # The vendor-client tests need Node.js 18+ and npm; Debian's own serve if none is present.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        log "installing nodejs and npm"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm </dev/null >&2
    fi
}

# ---------------------------------------------------------------- build

# build_in DIR [CONFIGURE_ARGS...]: out-of-tree autotools build in DIR.
# The top itself is never configured, so the plain build (build/) and the
# sanitizer build (build-asan/) live side by side from one source tree.
build_in() {
    local dir="$1" top="$AUTHZD_REPO"
    shift
    [ -f "$top/configure.ac" ] || die "no configure.ac in $top"
    [ ! -f "$top/config.status" ] ||
        die "$top is configured in-tree; run 'make distclean' there (builds live in build/ and build-asan/)"
    if [ ! -x "$top/configure" ] ||
        [ -n "$(find "$top/configure.ac" "$top/Makefile.am" -newer "$top/configure" 2>/dev/null)" ]; then
        log "autoreconf -fi"
        mkdir -p "$top/m4"
        (cd "$top" && autoreconf -fi)
    fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.configure-args" 2>/dev/null)" != "$*" ]; then
        log "configure $* ($dir)"
        (cd "$dir" && "$top/configure" "$@")
        echo "$*" >"$dir/.configure-args"
    fi
    log "make -j2 ($dir)"
    make -C "$dir" -j2
}

# ---------------------------------------------------------------- postgres

pg_psql_super() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_running() {
    [ -f "$PGDATA_DIR/PG_VERSION" ] && as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

pg_init() {
    [ "$USE_PRIVATE_PG" = 1 ] || return 0
    mkdir -p "$LOG_DIR"
    if [ "$PG_HOME" != "$VAR" ]; then
        # made by root, never followed through someone else's link (/var/tmp is shared)
        mkdir -p -m 0755 "$PG_HOME"
        { [ ! -L "$PG_HOME" ] && [ "$(stat -c %u "$PG_HOME")" = 0 ]; } ||
            die "$PG_HOME is a link or not owned by root; remove it"
        chmod 0755 "$PG_HOME"
        [ -e "$VAR/pg" ] && [ ! -L "$VAR/pg" ] || ln -sfn "$PGDATA_DIR" "$VAR/pg"
        [ -e "$LOG_DIR/postgres.log" ] && [ ! -L "$LOG_DIR/postgres.log" ] ||
            ln -sfn "$PG_LOG" "$LOG_DIR/postgres.log"
    fi
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "initdb $PGDATA_DIR"
        rm -rf "$PGDATA_DIR"
        mkdir -p "$PGDATA_DIR"
        if is_root; then chown postgres:postgres "$PGDATA_DIR"; fi
        chmod 0700 "$PGDATA_DIR"
        as_pg "$PG_BINDIR/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust \
            -E UTF8 --locale=C >"$LOG_DIR/initdb.log" 2>&1 ||
            { cat "$LOG_DIR/initdb.log" >&2; die "initdb failed"; }
        echo "include_if_exists = 'authzd-runtime.conf'" >>"$PGDATA_DIR/postgresql.conf"
    fi
    # Runtime settings (rewritten each time: the port may change).
    cat >"$PGDATA_DIR/authzd-runtime.conf" <<EOF
# generated by scripts/lib.sh -- do not edit
listen_addresses = ''
unix_socket_directories = '$PGSOCK_DIR'
unix_socket_permissions = 0777
port = $PG_PORT
max_connections = 100
shared_buffers = 128MB
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    if is_root; then chown postgres:postgres "$PGDATA_DIR/authzd-runtime.conf"; fi
    mkdir -p "$PGSOCK_DIR"
    if is_root; then chown postgres:postgres "$PGSOCK_DIR"; fi
    chmod 0755 "$PGSOCK_DIR"
    touch "$PG_LOG"
    if is_root; then chown postgres:postgres "$PG_LOG"; fi
}

pg_start() {
    [ "$USE_PRIVATE_PG" = 1 ] || return 0
    pg_init
    if pg_running; then
        if [ -S "$PGSOCK_DIR/.s.PGSQL.$PG_PORT" ]; then
            log "PostgreSQL already running ($PGDATA_DIR)"
        else
            log "PostgreSQL running on another port; restarting on $PG_PORT"
            as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 restart -m fast >/dev/null ||
                { show_logs; die "pg_ctl restart failed"; }
        fi
    else
        log "starting PostgreSQL (unix socket $PGSOCK_DIR, port $PG_PORT)"
        as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 start >/dev/null ||
            { show_logs; die "pg_ctl start failed"; }
    fi
    pg_psql_super <<'EOF'
SELECT 'CREATE ROLE authzd LOGIN'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authzd') \gexec
SELECT 'CREATE DATABASE authzd OWNER authzd'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'authzd') \gexec
-- The reporting role (sql/0009_reporting.sql) is the cluster's; making it needs CREATEROLE,
-- which authzd's own role does not get. authzd is a member so tests can SET ROLE to it.
SELECT 'CREATE ROLE authzd_reporting NOLOGIN'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authzd_reporting') \gexec
GRANT authzd_reporting TO authzd;
-- authzd's functions raise a client's 404, 409 and 412 as errors (SQLSTATE class AZ); the
-- worker answers them, so the server log need not hold one line for each.
ALTER ROLE authzd SET log_min_messages = 'log';
EOF
}

pg_stop() {
    [ -f "$PGDATA_DIR/PG_VERSION" ] || return 0
    if pg_running; then
        log "stopping PostgreSQL ($PGDATA_DIR)"
        as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -w -t 60 stop -m fast >/dev/null || warn "pg_ctl stop failed"
    fi
}

# pg_recreate_db: empty database for a fresh run (authzd must be stopped).
pg_recreate_db() {
    if [ "$USE_PRIVATE_PG" = 1 ]; then
        log "re-creating database authzd"
        pg_psql_super -c 'DROP DATABASE IF EXISTS authzd WITH (FORCE)'
        pg_psql_super -c 'CREATE DATABASE authzd OWNER authzd'
    else
        # External database: we may not be allowed to drop it; reset the
        # public schema instead (migrations are expected to live there).
        log "resetting schema public in external database"
        psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" \
            -c 'DROP SCHEMA IF EXISTS public CASCADE' -c 'CREATE SCHEMA public'
    fi
}

# ---------------------------------------------------------------- files

gen_secret_key() {
    if [ ! -s "$SECRET_KEY_FILE" ]; then
        log "generating $SECRET_KEY_FILE"
        (umask 077 && openssl rand -hex 32 >"$SECRET_KEY_FILE")
    fi
    chmod 0600 "$SECRET_KEY_FILE"
}

gen_cert() {
    mkdir -p "$TLS_DIR"
    if [ ! -s "$CERT" ] || [ ! -s "$KEY" ]; then
        log "generating self-signed certificate $CERT"
        (umask 077 && openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -keyout "$KEY" -out "$CERT" -days 3650 -subj "/CN=localhost" \
            -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
            -addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1) ||
            die "openssl req failed"
        chmod 0644 "$CERT"
    fi
}

write_config() {
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    local tmp="$CONFIG_FILE.tmp"
    cat >"$tmp" <<EOF
# authzd configuration, generated by scripts/up (scripts/lib.sh).
# Regenerated on every run: override with AUTHZD_<KEY> environment variables.
database_url = $DATABASE_URL
socket = $SOCKET
socket_mode = 0666
workers = $WORKERS
max_body_bytes = $MAX_BODY_BYTES
log_level = $LOG_LEVEL
log_file = $LOG_FILE
# nginx listens on 127.0.0.1 only; the tests call from 127.0.0.2 to see a refusal
metrics_allow = ${AUTHZD_METRICS_ALLOW:-127.0.0.1 ::1}
pid_file = $PID_FILE
sql_dir = $AUTHZD_REPO/sql
secret_key_file = $SECRET_KEY_FILE
access_token_ttl_seconds = $TOKEN_TTL
public_url = $HTTPS_URL
EOF
    mv "$tmp" "$CONFIG_FILE"
}

render_nginx_conf() {
    local tmpl="$AUTHZD_REPO/nginx/authzd.conf.in" user_line
    [ -f "$tmpl" ] || die "missing $tmpl"
    mkdir -p "$NGINX_PREFIX" "$NGINX_PREFIX/tmp" "$NGINX_PREFIX/cache" "$LOG_DIR" "$RUN_DIR"
    cp "$AUTHZD_REPO/nginx/fastcgi_params" "$NGINX_PREFIX/fastcgi_params"
    "$BUILD_DIR/src/authzd" --nginx-errors >"$NGINX_PREFIX/authzd-errors.conf.tmp" ||
        die "authzd --nginx-errors failed"
    mv "$NGINX_PREFIX/authzd-errors.conf.tmp" "$NGINX_PREFIX/authzd-errors.conf"
    if is_root; then
        user_line="user $(id -un) $(id -gn);"
    else
        user_line="# user: not running as root, workers run as $(id -un)"
    fi
    sed -e "s|^user @USER@;|$user_line|" \
        -e "s|@USER@|$(id -un)|g" \
        -e "s|@PREFIX@|$NGINX_PREFIX|g" \
        -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
        -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
        -e "s|@SOCKET@|$SOCKET|g" \
        -e "s|@CERT@|$CERT|g" \
        -e "s|@KEY@|$KEY|g" \
        -e "s|@CONSOLE@|$AUTHZD_REPO/console|g" \
        -e "s|@LOGDIR@|$LOG_DIR|g" \
        -e "s|@RUNDIR@|$RUN_DIR|g" \
        "$tmpl" >"$NGINX_CONF.tmp"
    mv "$NGINX_CONF.tmp" "$NGINX_CONF"
}

# shq_export NAME VALUE: print a POSIX-sh `export NAME='VALUE'` line.
shq_export() {
    local v="$2"
    v="${v//\'/\'\\\'\'}"
    printf "export %s='%s'\n" "$1" "$v"
}

write_env_file() {
    local tmp="$ENV_FILE.tmp" pgline
    {
        echo "# authzd stack environment, generated by scripts/up. Use: source $ENV_FILE"
        shq_export AUTHZD_DATABASE_URL "$DATABASE_URL"
        shq_export AUTHZD_HTTP_PORT "$HTTP_PORT"
        shq_export AUTHZD_HTTPS_PORT "$HTTPS_PORT"
        shq_export AUTHZD_URL "$URL"
        shq_export AUTHZD_HTTPS_URL "$HTTPS_URL"
        shq_export AUTHZD_PUBLIC_URL "$HTTPS_URL"
        shq_export AUTHZD_CA "$CERT"
        shq_export AUTHZD_CONFIG "$CONFIG_FILE"
        shq_export AUTHZD_PID_FILE "$PID_FILE"
        shq_export AUTHZD_LOG_FILE "$LOG_FILE"
        shq_export AUTHZD_VAR "$VAR"
        shq_export AUTHZD_ADMIN_CREDENTIAL "$ADMIN_CREDENTIAL_FILE"
        if [ "$USE_PRIVATE_PG" = 1 ]; then
            shq_export AUTHZD_PG_PORT "$PG_PORT"
            shq_export AUTHZD_PGDATA "$PGDATA_DIR"
            shq_export AUTHZD_PG_LOG "$PG_LOG"
            shq_export PGHOST "$PGSOCK_DIR"
            shq_export PGPORT "$PG_PORT"
            shq_export PGUSER "authzd"
            shq_export PGDATABASE "authzd"
        else
            # external database: let libpq parse the URL (psql "$AUTHZD_DATABASE_URL")
            pgline="$(psql -X -At "$DATABASE_URL" -c "select coalesce(inet_server_addr()::text, current_setting('unix_socket_directories')), current_setting('port'), current_user, current_database()" 2>/dev/null || true)"
            if [ -n "$pgline" ]; then
                IFS='|' read -r h p u d <<<"$pgline"
                h="${h%%,*}"; h="${h%/32}"
                shq_export PGHOST "$h"; shq_export PGPORT "$p"
                shq_export PGUSER "$u"; shq_export PGDATABASE "$d"
            fi
        fi
    } >"$tmp"
    mv "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- authzd

authzd_pid() {
    local pid
    pid="$(read_pid "$PID_FILE")"
    if [ -z "$pid" ] || ! pid_alive "$pid"; then
        pid="$(read_pid "$RUN_DIR/authzd.launcher.pid")"
    fi
    if [ -n "$pid" ] && pid_alive "$pid" &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'authzd'; then
        echo "$pid"
    fi
}

run_migrate() {
    local ctl="$BUILD_DIR/src/authzctl"
    [ -x "$ctl" ] || die "$ctl not built"
    log "migrate ($ctl)"
    "$ctl" -c "$CONFIG_FILE" migrate
}

# authzd_start [extra env assignments...]: start in the background (own
# session), wait for the FastCGI socket.  Sets AUTHZD_CHILD_PID.
authzd_start() {
    local bin="$BUILD_DIR/src/authzd" pid
    [ -x "$bin" ] || die "$bin not built"
    pid="$(authzd_pid)"
    if [ -n "$pid" ] && [ "$bin" -nt "$PID_FILE" ]; then
        log "authzd (pid $pid) runs an older build; restarting it"
        authzd_stop
        pid=""
    fi
    if [ -n "$pid" ]; then
        if [ -S "$SOCKET" ]; then log "authzd already running (pid $pid)"; return 0; fi
        log "authzd (pid $pid) has no socket yet; waiting"
    else
        rm -f "$SOCKET" "$PID_FILE"
        mkdir -p "$LOG_DIR" "$RUN_DIR"
        log "starting $bin (log $LOG_FILE)"
        printf '\n===== %s starting %s =====\n' "$(date -Is)" "$bin" >>"$LOG_FILE"
        # shellcheck disable=SC2094
        env "$@" setsid nohup "$bin" -c "$CONFIG_FILE" </dev/null >>"$LOG_FILE" 2>&1 &
        pid=$!
        AUTHZD_CHILD_PID=$pid
        echo "$pid" >"$RUN_DIR/authzd.launcher.pid"
    fi
    local i
    for ((i = 0; i < 150; i++)); do
        [ -S "$SOCKET" ] && return 0
        if ! pid_alive "$pid"; then
            show_logs; die "authzd exited during startup"
        fi
        sleep 0.2
    done
    show_logs
    die "authzd did not create $SOCKET within 30s"
}

# authzd_stop: SIGTERM, wait up to 15 s, then SIGKILL the process group.
# Sets AUTHZD_EXIT_STATUS when the exit status is known (child of this shell).
authzd_stop() {
    local pid i
    AUTHZD_EXIT_STATUS=""
    pid="$(authzd_pid)"
    if [ -z "$pid" ]; then
        rm -f "$RUN_DIR/authzd.launcher.pid"
        return 0
    fi
    log "stopping authzd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 75; i++)); do
        pid_alive "$pid" || break
        sleep 0.2
    done
    if pid_alive "$pid"; then
        warn "authzd did not exit within 15s; sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    if [ "${AUTHZD_CHILD_PID:-}" = "$pid" ]; then
        local rc=0
        wait "$pid" 2>/dev/null || rc=$?
        AUTHZD_EXIT_STATUS=$rc
        AUTHZD_CHILD_PID=""
    fi
    # workers left behind by a killed supervisor share its process group
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/authzd.launcher.pid"
}

# ---------------------------------------------------------------- nginx

nginx_cmd() {
    nginx -p "$NGINX_PREFIX/" -c "$NGINX_CONF" -e "$NGINX_ERROR_LOG" "$@"
}

nginx_pid() {
    local pid
    pid="$(read_pid "$NGINX_PID_FILE")"
    if [ -n "$pid" ] && pid_alive "$pid"; then echo "$pid"; fi
}

nginx_start() {
    nginx_cmd -t -q || { show_logs; die "nginx config test failed ($NGINX_CONF)"; }
    if [ -n "$(nginx_pid)" ]; then
        log "nginx already running; reloading config"
        nginx_cmd -s reload
        return 0
    fi
    local p
    for p in "$HTTP_PORT" "$HTTPS_PORT"; do
        port_in_use "$p" && die "tcp port $p is already in use (set AUTHZD_HTTP_PORT / AUTHZD_HTTPS_PORT)"
    done
    log "starting nginx on $URL and $HTTPS_URL"
    nginx_cmd || { show_logs; die "nginx failed to start"; }
}

nginx_stop() {
    local pid i
    pid="$(nginx_pid)"
    [ -n "$pid" ] || return 0
    log "stopping nginx (pid $pid)"
    if [ -f "$NGINX_CONF" ]; then
        nginx_cmd -s quit 2>/dev/null || kill -QUIT "$pid" 2>/dev/null || true
    else
        kill -QUIT "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" || break
        sleep 0.2
    done
    if pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 0.5
        if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$NGINX_PID_FILE"
}

wait_healthy() {
    log "waiting for $URL/healthz"
    if ! wait_for 20 curl -fsS --max-time 2 "$URL/healthz"; then
        show_logs
        die "$URL/healthz did not answer within 20s"
    fi
    if ! curl -fsS --max-time 5 --cacert "$CERT" "$HTTPS_URL/healthz" >/dev/null 2>&1; then
        show_logs
        die "$HTTPS_URL/healthz failed (TLS)"
    fi
}

# ---------------------------------------------------------------- hooks

# bootstrap_admin_credential: on the first run against a database, mint a
# "Manage All" credential for tenant "default" and keep it in
# var/admin-credential.json (mode 0600). The secret exists nowhere else.
bootstrap_admin_credential() {
    ADMIN_CREDENTIAL_FILE="$VAR/admin-credential.json"
    if [ ! -s "$ADMIN_CREDENTIAL_FILE" ]; then
        log "creating the bootstrap admin credential ($ADMIN_CREDENTIAL_FILE)"
        (umask 077 && "$BUILD_DIR/src/authzctl" -c "$CONFIG_FILE" credentials create \
            --tenant default --scope "Manage All" --description "bootstrap admin" \
            --json >"$ADMIN_CREDENTIAL_FILE.tmp") ||
            { rm -f "$ADMIN_CREDENTIAL_FILE.tmp"; die "could not create the admin credential"; }
        mv "$ADMIN_CREDENTIAL_FILE.tmp" "$ADMIN_CREDENTIAL_FILE"
    fi
    chmod 0600 "$ADMIN_CREDENTIAL_FILE"
}

# ---------------------------------------------------------------- whole stack

stack_up() {
    pg_start
    gen_secret_key
    gen_cert
    write_config
    render_nginx_conf
    run_migrate
    bootstrap_admin_credential
    authzd_start "$@"
    nginx_start
    wait_healthy
    write_env_file
}

stack_down() {
    nginx_stop
    authzd_stop
    if [ "$USE_PRIVATE_PG" = 1 ]; then pg_stop; fi
}

print_usage_info() {
    cat <<EOF

authzd is up.
  HTTP   $URL
  HTTPS  $HTTPS_URL   (self-signed; CA file $CERT)
  log    $LOG_FILE
  env    $ENV_FILE

Admin credential ("Manage All", tenant default; made on the first run):
$(cat "$ADMIN_CREDENTIAL_FILE")
  (kept in $ADMIN_CREDENTIAL_FILE, mode 0600)

Try:
  curl -fsS $URL/healthz
  curl -fsS $URL/readyz
  curl -fsS --cacert $CERT $HTTPS_URL/healthz
  ID=\$(jq -r .client_id $ADMIN_CREDENTIAL_FILE); SECRET=\$(jq -r .client_secret $ADMIN_CREDENTIAL_FILE)
  TOKEN=\$(curl -sS -u "\$ID:\$SECRET" -H 'Content-Type: application/json' \\
       -d '{"grant_type":"client_credentials"}' $URL/auth/oauth2/v2/token | jq -r .access_token)
  curl -sS -X POST $URL/api/2/api_authorizations \\
       -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"name": "Example API", "description": "demo",
            "configuration": {"resource_identifier": "https://api.example.com",
                              "audiences": ["https://api.example.com"],
                              "access_token_expiration_minutes": 10,
                              "refresh_token_expiration_minutes": 60}}'
  curl -sS -H "Authorization: Bearer \$TOKEN" $URL/api/2/api_authorizations

Database shell:
  source $ENV_FILE; psql

Stop everything:  scripts/down
EOF
}
