#!/usr/bin/env bash
# A private PostgreSQL server for the cluster script and the tests: its own folder, its own port, TLS on with a
# CA generated in the folder (clients connect with sslmode=verify-full), a `portcullis` role with a generated
# password. Installs the Debian package when missing. Sourced; needs setup.sh's portcullis_apt.
#   portcullis_pg_start DIR PORT   -> starts (or finds running) and prints the DSN on stdout
#   portcullis_pg_stop DIR
#   portcullis_pg_ctl DIR ARGS...  -> pg_ctl on that server (restart, stop -m immediate, ...)

portcullis_pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$bin" ] || { echo "postgres: no server binaries under /usr/lib/postgresql" >&2; return 1; }
    echo "$bin"
}

# Runs a command as the server's owner: the `postgres` user when we are root (initdb refuses root).
portcullis_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

portcullis_pg_ctl() {
    local dir=$1; shift
    portcullis_pg_as_owner "$(portcullis_pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w "$@" >/dev/null
}

portcullis_pg_start() {
    local dir=$1 port=$2
    portcullis_apt postgresql openssl >&2
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        # The server runs as `postgres`: it must be able to pass through the folders above its own (a mktemp
        # folder is 0700). Only the search bit is added, and only where it is missing.
        local d=$dir
        while [ "$d" != "/" ]; do
            d=$(dirname "$d")
            runuser -u postgres -- test -x "$d" 2>/dev/null || chmod o+x "$d"
        done
    fi
    local bin
    bin=$(portcullis_pg_bin)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        # TLS: a CA and a server certificate for localhost / 127.0.0.1.
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=Portcullis test database CA" \
            -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
            -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$dir/server.ext"
        openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
            -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
        openssl rand -hex 24 > "$dir/password"
        chmod 600 "$dir/server.key" "$dir/password"
        if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; chmod 755 "$dir"; chmod 644 "$dir/ca.pem"; fi
        portcullis_pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=reject -E UTF8 >/dev/null
        cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.pem'
ssl_key_file = '$dir/server.key'
max_connections = 200
fsync = on
synchronous_commit = on
CONF
        # TLS only over TCP, password (SCRAM) authentication; local socket for administration.
        printf 'local all postgres trust\nhostssl all portcullis 127.0.0.1/32 scram-sha-256\n' > "$dir/data/pg_hba.conf"
        portcullis_pg_ctl "$dir" start
        local password
        password=$(cat "$dir/password")
        portcullis_pg_as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE portcullis LOGIN CREATEDB PASSWORD '$password'" -c "CREATE DATABASE portcullis OWNER portcullis" >/dev/null
    elif ! portcullis_pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        portcullis_pg_ctl "$dir" start
    fi
    echo "postgres://portcullis:$(cat "$dir/password")@localhost:$port/portcullis?sslmode=verify-full&sslrootcert=$dir/ca.pem"
}

portcullis_pg_stop() {
    local dir=$1
    [ -f "$dir/data/PG_VERSION" ] || return 0
    portcullis_pg_ctl "$dir" stop -m fast 2>/dev/null || true
}
