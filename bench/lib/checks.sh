# shellcheck shell=bash
# Prerequisites: tools, the server, settings. Sourced by bench/run.

check_tools() {
    local missing=() tool hint
    for tool in wrk pgbench psql java jstat mvn node npm curl git awk; do
        if ! command -v "$tool" >/dev/null; then
            case $tool in
                wrk) hint="apt-get install -y wrk" ;;
                pgbench) hint="apt-get install -y postgresql-contrib" ;;
                psql) hint="apt-get install -y postgresql-client" ;;
                java | jstat) hint="apt-get install -y openjdk-17-jdk-headless" ;;
                mvn) hint="apt-get install -y maven" ;;
                node) hint="apt-get install -y nodejs" ;;
                npm) hint="apt-get install -y npm" ;;
                *) hint="apt-get install -y $tool" ;;
            esac
            missing+=("  $tool: $hint")
        fi
    done
    if command -v java >/dev/null && (($(java_major) < 17)); then
        missing+=("  Java 17 or later (found $(java_major)): apt-get install -y openjdk-17-jdk-headless")
    fi
    if ((${#missing[@]})); then
        say "missing tools; install them and run again:"
        printf '%s\n' "${missing[@]}" >&2
        exit 1
    fi
}

java_major() {
    java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit }'
}

check_server() {
    [[ $SERVER_URL =~ ^postgres(ql)?://[^/]+(/[^/?]*)?$ ]] ||
        die "CUSTODIAN_BENCH_DATABASE_URL must look like postgresql://user[:password]@host[:port][/database], got '$SERVER_URL'"
    local error
    if ! error=$(psql "$SERVER_URL" -XAtqc 'SELECT 1' 2>&1 >/dev/null); then
        die "cannot reach PostgreSQL at $SERVER_URL: $error
  start the local server (pg_ctlcluster 15 main start) or point CUSTODIAN_BENCH_DATABASE_URL at one"
    fi
    [[ $(psql "$SERVER_URL" -XAtqc 'SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user') == t ]] ||
        die "the role in $SERVER_URL may not create databases; the benchmark creates two and drops them"
    # Custodian's default pool is at most 16 connections.
    local needed=$((${POOL_SIZE:-16} + ${CLASSIC_POOL_MAX:-${POOL_SIZE:-16}} + CONNECTIONS + 5)) free
    free=$(psql "$SERVER_URL" -XAtqc "SELECT current_setting('max_connections')::int
            - current_setting('superuser_reserved_connections')::int
            - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')")
    ((free >= needed)) || die "the server has $free free connections; the benchmark needs $needed" \
        "(Custodian's pool, the classic pool, $CONNECTIONS pgbench clients); stop other clients or raise max_connections"
    [[ -f $CLASSIC_SOURCE/server.js ]] ||
        die "the classic implementation is not at $CLASSIC_SOURCE (set BENCH_CLASSIC_DIR)"
}

check_settings() {
    local name value
    for name in BENCH_WARMUP BENCH_DURATION BENCH_RUNS BENCH_USERS BENCH_WIDE_USERS BENCH_JIT_WARMUP_MAX CUSTODIAN_DB_POOL_SIZE \
        BENCH_CLASSIC_POOL_MAX; do
        value=${!name:-}
        [[ -z $value || $value =~ ^[1-9][0-9]*$ ]] || die "$name must be a whole number above 0, got '$value'"
    done
}
