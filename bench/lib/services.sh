# shellcheck shell=bash
# Databases and the two services under test. Sourced by bench/run, bench/sql-run and bench/write-cost.

# The server's address with another database: url_for DATABASE [SCHEME].
url_for() {
    local authority=${SERVER_URL#*://}
    authority=${authority%%/*}
    printf '%s://%s/%s' "${2:-postgresql}" "$authority" "$1"
}

# Custodian's tables live in the schema custodian (docs/operations.md): psql and pgbench sessions
# on Custodian's database resolve it first, as the service's connections do, so the statements
# pgbench runs are the service's word for word. Set per command: the classic service's database
# has no such schema, and node-postgres would read PGOPTIONS too.
readonly CUSTODIAN_PGOPTIONS="-c search_path=custodian"

create_database() {
    psql "$SERVER_URL" -XqAc "CREATE DATABASE \"$1\"" >/dev/null
    DATABASES+=("$1")
}

drop_databases() {
    local db
    for db in "${DATABASES[@]}"; do
        psql "$SERVER_URL" -XqAc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
            say "could not drop database $db; drop it by hand"
    done
    DATABASES=()
}

stop_process() {
    local pid=$1 waited=0
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_process "$CHILD_PID"
    stop_process "$CLASSIC_PID"
    stop_process "$CUSTODIAN_PID"
    drop_databases
    if [[ -n $WORK ]]; then
        if ((status == 1)) || [[ -n ${BENCH_KEEP:-} ]]; then
            say "logs kept in $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$status"
}

free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

# Waits until URL answers HTTP at all, while the process PID is alive; LOG explains a failure.
wait_for_http() {
    local url=$1 pid=$2 log=$3 deadline=$((SECONDS + 120))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "$url") != 000 ]]; do
        kill -0 "$pid" 2>/dev/null || die "$(basename "$log" .log) exited while starting; its log ends with:
$(tail -n 20 "$log")"
        ((SECONDS < deadline)) || die "$url did not answer within 120 s; see $log"
        sleep 0.5
    done
}

# Fails with the response when a request does not answer 2xx: a broken route or token shows
# here, not as a table full of errors.
expect_ok() {
    local status
    status=$(curl -s -o "$WORK/smoke.out" -w '%{http_code}' "$@")
    [[ $status == 2?? ]] || die "smoke test $* answered $status: $(head -c 500 "$WORK/smoke.out")"
}

# --- Custodian -------------------------------------------------------------------------------

build_custodian() {
    if [[ -n ${BENCH_SKIP_BUILD:-} ]]; then
        say "BENCH_SKIP_BUILD set: using the jar already in target/"
        return
    fi
    say "building Custodian (mvn package)"
    touch "$WORK/build-started"
    (cd "$REPO" && mvn -B -q -DskipTests package) >"$WORK/build.log" 2>&1 ||
        die "the build failed; its log ends with:
$(tail -n 30 "$WORK/build.log")"
}

# The runnable jar: target/custodian.jar as the README names it. A build that writes the shaded
# jar under another name is reported and used, as long as this build wrote it.
custodian_jar() {
    local jar=$REPO/target/custodian.jar fallback=$REPO/target/custodian-thin.jar
    if [[ -f $jar && ( -n ${BENCH_SKIP_BUILD:-} || $jar -nt $WORK/build-started ) ]]; then
        echo "$jar"
    elif [[ -f $fallback && ( -n ${BENCH_SKIP_BUILD:-} || $fallback -nt $WORK/build-started ) ]]; then
        say "target/custodian.jar was not built; using target/custodian-thin.jar"
        echo "$fallback"
    else
        die "no runnable jar in $REPO/target after the build"
    fi
}

# Each service runs in a session of its own. Where the kernel groups tasks by session for
# scheduling (/proc/sys/kernel/sched_autogroup_enabled), a busy machine shares CPU between
# sessions first: in the benchmark's session a service would share one slice with wrk, while
# PostgreSQL's backends, in the server's session, have one of their own.
start_custodian() {
    local jar=$1
    CUSTODIAN_PORT=$(free_port 18080)
    CUSTODIAN_DB=custodian_bench_$$
    create_database "$CUSTODIAN_DB"
    local settings=(CUSTODIAN_DATABASE_URL="$(url_for "$CUSTODIAN_DB")" CUSTODIAN_DATA_DIR="$WORK/custodian-data"
        CUSTODIAN_HTTP_PORT="$CUSTODIAN_PORT")
    if [[ -n $POOL_SIZE ]]; then
        settings+=(CUSTODIAN_DB_POOL_SIZE="$POOL_SIZE")
    fi
    say "starting Custodian on port $CUSTODIAN_PORT (database $CUSTODIAN_DB, JVM options: $JAVA_OPTS)"
    # env and setsid exec java, so $! is the JVM itself and stopping it needs no process tree.
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    env "${settings[@]}" setsid java $JAVA_OPTS -jar "$jar" serve >"$WORK/custodian.log" 2>&1 &
    CUSTODIAN_PID=$!
    wait_for_http "http://127.0.0.1:$CUSTODIAN_PORT/health" "$CUSTODIAN_PID" "$WORK/custodian.log"
    # Started without heap options, serve runs in a child JVM with its memory defaults: that
    # child does the work whose CPU is measured.
    SERVICE_PID=$(pgrep -P "$CUSTODIAN_PID" -f dev.custodian.Main || true)
    SERVICE_PID=${SERVICE_PID:-$CUSTODIAN_PID}
    BENCH_TOKEN=$(env "${settings[@]}" java -jar "$jar" token create --name bench --role write \
        2>>"$WORK/custodian.log" | tail -n 1) || true
    [[ $BENCH_TOKEN == cus_* ]] || die "could not create a token; see $WORK/custodian.log"
    export BENCH_TOKEN
    # The connections Custodian took (its default for this machine unless CUSTODIAN_DB_POOL_SIZE
    # set them), from the pool's own gauge: the classic service gets as many.
    POOL_SIZE=$(curl -s -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$CUSTODIAN_PORT/metrics" |
        sed -n 's/^hikaricp_connections_max{pool="custodian"} \([0-9]*\).*/\1/p')
    [[ -n $POOL_SIZE ]] || die "Custodian's /metrics does not give hikaricp_connections_max of its pool"
    CLASSIC_POOL_MAX=${CLASSIC_POOL_MAX:-$POOL_SIZE}
}

seed_custodian() {
    say "seeding $USERS users and $WIDE_USERS users with 10,000 keys into $CUSTODIAN_DB, and the bare copy for pgbench (b)"
    PGOPTIONS="$CUSTODIAN_PGOPTIONS" psql "$(url_for "$CUSTODIAN_DB")" -Xq -v ON_ERROR_STOP=1 -v users="$USERS" \
        -v wide_users="$WIDE_USERS" -v classic=false -f "$BENCH_DIR/sql/seed.sql" -f "$BENCH_DIR/sql/wide-users.sql" \
        -f "$BENCH_DIR/sql/bare-tables.sql" >"$WORK/seed-custodian.log" 2>&1 ||
        die "seeding Custodian's database failed: $(tail -n 5 "$WORK/seed-custodian.log")"
    local url=http://127.0.0.1:$CUSTODIAN_PORT auth=(-H "Authorization: Bearer $BENCH_TOKEN")
    expect_ok "${auth[@]}" -X PATCH -H 'Content-Type: application/merge-patch+json' \
        -d '{"data":{"phone":"+14155550100"}}' "$url/users/1"
    expect_ok "${auth[@]}" -H 'Content-Type: application/json' -d '{"phonenumber":"+14155550101"}' \
        "$url/phone-number/update/1"
    expect_ok "${auth[@]}" "$url/users/$USERS"
    say "giving user $DEEP_USER 10,000 versions for W5"
    PGOPTIONS="$CUSTODIAN_PGOPTIONS -c bench.deep_user=$DEEP_USER" psql "$(url_for "$CUSTODIAN_DB")" -Xq -v ON_ERROR_STOP=1 \
        -f "$BENCH_DIR/sql/deep-history.sql" >>"$WORK/seed-custodian.log" 2>&1 ||
        die "seeding the deep history failed: $(tail -n 5 "$WORK/seed-custodian.log")"
    expect_ok "${auth[@]}" "$url/users/$DEEP_USER?version=1"
}

# --- the classic service ---------------------------------------------------------------------

start_classic() {
    say "installing the classic service (npm install)"
    cp -R "$CLASSIC_SOURCE" "$WORK/classic"
    chmod -R u+w "$WORK/classic"
    (cd "$WORK/classic" && npm install --no-audit --no-fund --loglevel=error) >"$WORK/npm.log" 2>&1 ||
        die "npm install of the classic service failed: $(tail -n 10 "$WORK/npm.log")"
    CLASSIC_PORT=$(free_port 13000)
    CLASSIC_DB=classic_bench_$$
    create_database "$CLASSIC_DB"
    say "starting the classic service on port $CLASSIC_PORT (database $CLASSIC_DB, pool $CLASSIC_POOL_MAX)"
    (cd "$WORK/classic" && exec env RESET=1 DATABASE_URL="$(url_for "$CLASSIC_DB" postgres)" PORT="$CLASSIC_PORT" \
        POOL_MAX="$CLASSIC_POOL_MAX" setsid node server.js) >"$WORK/classic.log" 2>&1 &
    CLASSIC_PID=$!
    wait_for_http "http://127.0.0.1:$CLASSIC_PORT/users/1" "$CLASSIC_PID" "$WORK/classic.log"
}

seed_classic() {
    say "seeding $USERS users into $CLASSIC_DB"
    psql "$(url_for "$CLASSIC_DB")" -Xq -v ON_ERROR_STOP=1 -v users="$USERS" -v classic=true \
        -f "$BENCH_DIR/sql/seed.sql" >"$WORK/seed-classic.log" 2>&1 ||
        die "seeding the classic database failed: $(tail -n 5 "$WORK/seed-classic.log")"
    local url=http://127.0.0.1:$CLASSIC_PORT
    expect_ok -H 'Content-Type: application/json' -d '{"phonenumber":"+14155550101"}' \
        "$url/v2w/phone-number/update/1"
    expect_ok "$url/users/$USERS"
}

# --- a database without the service (bench/sql-run, bench/write-cost) -----------------------

# The migrations as Flyway applies them: into the schema custodian, versioned files by version,
# then repeatable ones by description, then the afterMigrate callback, each in a transaction of
# its own, with Flyway's placeholders replaced.
migrate() {
    local url=$1 file
    psql "$url" -XqAc 'CREATE SCHEMA custodian' >>"$WORK/migrate.log" 2>&1 || die "could not create schema custodian"
    {
        find "$REPO/src/main/resources/db/migration" -name 'V*__*.sql' -printf '%f\n' | sort -t_ -k1.2,1n
        find "$REPO/src/main/resources/db/migration" -name 'R__*.sql' -printf '%f\n' | sort
        echo afterMigrate.sql
    } | while read -r file; do
        sed -e 's/\${flyway:defaultSchema}/custodian/g' -e 's/\${flyway:table}/flyway_schema_history/g' \
            -e 's/\${ddlGuardInstaller}/a superuser/g' "$REPO/src/main/resources/db/migration/$file" |
            PGOPTIONS="$CUSTODIAN_PGOPTIONS -c custodian.allow_ddl=on" psql "$url" -Xq -1 -v ON_ERROR_STOP=1 -f - \
                >>"$WORK/migrate.log" 2>&1 || die "migration $file failed: $(tail -n 5 "$WORK/migrate.log")"
    done
}

seed() {
    local url=$1
    say "seeding $USERS users and $WIDE_USERS users with 10,000 keys, and the bare copy for (b)"
    PGOPTIONS="$CUSTODIAN_PGOPTIONS" psql "$url" -Xq -v ON_ERROR_STOP=1 -v users="$USERS" -v wide_users="$WIDE_USERS" -v classic=false \
        -f "$BENCH_DIR/sql/seed.sql" -f "$BENCH_DIR/sql/wide-users.sql" -f "$BENCH_DIR/sql/bare-tables.sql" \
        >"$WORK/seed.log" 2>&1 || die "seeding failed: $(tail -n 5 "$WORK/seed.log")"
}
