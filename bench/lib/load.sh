# shellcheck shell=bash
# pgbench scripts, load generators and the workloads. Sourced by bench/run.

# Custodian's statement from FILE with each ? replaced, in order, by the given SQL: the text the
# service runs, so a changed statement is measured as it is. A changed parameter list stops
# the run rather than measuring something else.
substitute_parameters() {
    local file=$1 text out=""
    shift
    text=$(grep -v '^[[:space:]]*--' "$file")
    local count=${text//[^?]/}
    ((${#count} == $#)) || die "$file now has ${#count} parameters; bench/run substitutes $#.
  Update the values passed to substitute_parameters in bench/run (the file's comment gives their order)."
    local value
    for value in "$@"; do
        out+=${text%%\?*}$value
        text=${text#*\?}
    done
    printf '%s%s;\n' "$out" "$text"
}

write_custodian_scripts() {
    local users_sql=$REPO/src/main/resources/dev/custodian/users
    {
        echo "-- W1 (a): ${users_sql#"$REPO"/}/merge-patch.sql, parameters substituted by bench/run."
        echo '\set id random(1, :users)'
        echo '\set phone random(1000, 9999)'
        # name and email (not in the patch), the patch of data, user id, If-Match (twice), actor,
        # request id, allow_removal, named removals, the data keys of the patch.
        # The actor is split after its colon, or pgbench would read ':bench' as a variable.
        local w1_patch="('{\"phone\": \"+1415555' || :phone::text || '\"}')"
        substitute_parameters "$users_sql/merge-patch.sql" NULL NULL "$w1_patch" :id NULL NULL \
            "('token:' || 'bench')" "'$REQUEST_ID'" "'off'" "'[]'" "'{phone}'"
    } >"$WORK/w1-custodian.sql"
    {
        echo "-- W3 (a): ${users_sql#"$REPO"/}/read.sql, parameters substituted by bench/run."
        echo '\set id random(1, :users)'
        substitute_parameters "$users_sql/read.sql" :id
    } >"$WORK/w3-custodian.sql"
    {
        echo "-- W6 (a): ${users_sql#"$REPO"/}/merge-patch.sql on a wide user, parameters substituted by bench/run."
        echo '\set id random(:users + 1, :users + :wide_users)'
        echo '\set key 10 * random(0, 999) + random(1, 9)'
        echo '\set value random(1, 1000000)'
        local w6_patch="(jsonb_build_object('k' || lpad(:key::text, 5, '0'), 'changed ' || :value::text))"
        substitute_parameters "$users_sql/merge-patch.sql" NULL NULL "$w6_patch" :id NULL NULL \
            "('token:' || 'bench')" "'$REQUEST_ID'" "'off'" "'[]'" "ARRAY['k' || lpad(:key::text, 5, '0')]"
    } >"$WORK/w6-custodian.sql"
}

# --- load generators -------------------------------------------------------------------------
# Each writes one line to OUT: requests per second, p50 ms, p99 ms, failed requests (non-2xx
# responses, or failed transactions), other errors (socket errors, or aborted clients), and the
# CPU time the service process used per request in ms ("-" for pgbench). CPU time per request
# depends far less on what else the machine runs than the rate does.

# Runs a command in the background and waits, so a signal reaches the trap at once.
run_child() {
    "$@" &
    CHILD_PID=$!
    local status=0
    wait "$CHILD_PID" || status=$?
    CHILD_PID=""
    return "$status"
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

http_load() {
    local seconds=$1 out=$2 url=$3 script=$4 service_pid=$5 status=0 ticks
    ticks=$(cpu_ticks "$service_pid")
    run_child wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" -s "$BENCH_DIR/wrk/$script" "$url" \
        >"$out.log" 2>&1 || status=$?
    ((status == 0)) || die "wrk failed ($status): $(tail -n 5 "$out.log")"
    ticks=$(($(cpu_ticks "$service_pid") - ticks))
    awk -v ticks="$ticks" -v hz="$(getconf CLK_TCK)" '/^BENCH_RESULT/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%.1f %.2f %.2f %d %d %.3f\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000,
               v["p99_us"] / 1000, v["non2xx"], v["connect"] + v["read"] + v["write"] + v["timeout"],
               v["requests"] ? ticks / hz * 1000 / v["requests"] : 0
    }' "$out.log" >"$out"
    [[ -s $out ]] || die "wrk printed no result line: $(tail -n 5 "$out.log")"
}

sql_load() {
    local seconds=$1 out=$2 db=$3 script=$4 status=0 ticks
    mkdir -p "$out.latency"
    ticks=$(server_cpu_ticks)
    run_child env PGOPTIONS="$CUSTODIAN_PGOPTIONS" pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$seconds" -D users="$USERS" \
        -D wide_users="$WIDE_USERS" -f "$script" -l --log-prefix="$out.latency/tx" "$(url_for "$db")" \
        >"$out.log" 2>&1 || status=$?
    ((status == 0 || status == 2)) || die "pgbench failed ($status): $(tail -n 5 "$out.log")"
    wait_for_backends_to_end "$db"
    ticks=$(cpu_ticks_since "$ticks")
    local tps failed aborted transactions
    tps=$(awk '/^tps = / { print $3 }' "$out.log")
    transactions=$(awk '/^number of transactions actually processed:/ { print $NF }' "$out.log")
    failed=$(awk '/^number of failed transactions:/ { print $5 }' "$out.log")
    aborted=$(grep -c 'aborted in command' "$out.log" || true)
    [[ -n $tps ]] || die "pgbench printed no tps: $(tail -n 5 "$out.log")"
    cat "$out.latency"/tx.* | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk -v tps="$tps" \
        -v failed="${failed:-0}" -v aborted="$aborted" -v ticks="$ticks" -v hz="$(getconf CLK_TCK)" \
        -v transactions="${transactions:-0}" '
        { latency[NR] = $1 }
        END {
            p50 = NR ? latency[int(NR * 0.50 + 0.5) > 0 ? int(NR * 0.50 + 0.5) : 1] : 0
            p99 = NR ? latency[int(NR * 0.99 + 0.5) > 0 ? int(NR * 0.99 + 0.5) : 1] : 0
            cpu = (ticks == "-" || !transactions) ? "-" : sprintf("%.3f", ticks / hz * 1000 / transactions)
            printf "%.1f %.2f %.2f %d %d %s\n", tps, p50 / 1000, p99 / 1000, failed, aborted, cpu
        }' >"$out"
    rm -rf "$out.latency"
}

# CPU time, in clock ticks, of every process of the PostgreSQL server the benchmark runs on: the
# postmaster, its live children and the children it has reaped (pgbench's backends are gone by
# the time a run is counted). "-" when the server is not a local process this user can read.
server_cpu_ticks() {
    [[ -n ${POSTMASTER_PID:-} && -r /proc/$POSTMASTER_PID/stat ]] || { echo -; return; }
    local child
    {
        awk '{ print $14 + $15 + $16 + $17 }' "/proc/$POSTMASTER_PID/stat"
        for child in $(pgrep -P "$POSTMASTER_PID"); do
            awk '{ print $14 + $15 }' "/proc/$child/stat" 2>/dev/null || true
        done
    } | awk '{ sum += $1 } END { print sum }'
}

cpu_ticks_since() {
    local now
    now=$(server_cpu_ticks)
    [[ $1 == - || $now == - ]] && echo - || echo $((now - $1))
}

# The server's postmaster, for server_cpu_ticks: read from its data directory when the role may
# see it (a superuser, or a member of pg_read_all_settings) and the server runs on this machine.
find_postmaster() {
    local dir
    dir=$(psql "$SERVER_URL" -XAtqc 'SHOW data_directory' 2>/dev/null) || return 0
    [[ -r $dir/postmaster.pid ]] || return 0
    POSTMASTER_PID=$(head -n 1 "$dir/postmaster.pid")
}

# pgbench has exited; its backends end a moment later. Waits (at most 10 s) until they are gone,
# so that their CPU time has been reaped into the postmaster's count.
wait_for_backends_to_end() {
    local deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)) && (($(psql "$(url_for "$1")" -XAtqc "SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND application_name = 'pgbench'") > 0)); do
        sleep 0.1
    done
}

# --- workloads -------------------------------------------------------------------------------

define_measurements() {
    LABEL[w1.custodian]="W1 change data.phone | Custodian, PATCH merge patch"
    LABEL[w1.a]="W1 change data.phone | (a) pgbench, Custodian's statement"
    LABEL[w1.b]="W1 change data.phone | (b) pgbench, bare UPDATE + history INSERT"
    LABEL[w1.classic]="W1 change data.phone | classic, POST /v2w/phone-number/update/:id"
    LABEL[w2.custodian]="W2 phone route | Custodian, POST /phone-number/update/{id}"
    LABEL[w3.custodian]="W3 read a user | Custodian, GET /users/{id}"
    LABEL[w3.a]="W3 read a user | (a) pgbench, Custodian's statement"
    LABEL[w3.b]="W3 read a user | (b) pgbench, plain SELECT"
    LABEL[w3.classic]="W3 read a user | classic, GET /users/:id"
    LABEL[w4.custodian]="W4 90% reads, 10% writes | Custodian, GET and PATCH"
    LABEL[w5.custodian]="W5 read a past version | Custodian, GET /users/{id}?version=N, user with 10,000 versions"
    LABEL[w6.a]="W6 change one key of a 10,000-key user | (a) pgbench, Custodian's statement"
    LABEL[w6.b]="W6 change one key of a 10,000-key user | (b) pgbench, bare UPDATE + history INSERT"
}

# measure KEY SECONDS OUT: one run of one measurement.
measure() {
    local key=$1 seconds=$2 out=$3
    local custodian=http://127.0.0.1:$CUSTODIAN_PORT classic=http://127.0.0.1:$CLASSIC_PORT
    case $key in
        w1.custodian) http_load "$seconds" "$out" "$custodian" patch-phone.lua "$SERVICE_PID" ;;
        w1.a) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$WORK/w1-custodian.sql" ;;
        w1.b) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$BENCH_DIR/pgbench/w1-bare.sql" ;;
        w1.classic) BENCH_PHONE_PATH=/v2w/phone-number/update/ \
            http_load "$seconds" "$out" "$classic" phone-route.lua "$CLASSIC_PID" ;;
        w2.custodian) http_load "$seconds" "$out" "$custodian" phone-route.lua "$SERVICE_PID" ;;
        w3.custodian) http_load "$seconds" "$out" "$custodian" read.lua "$SERVICE_PID" ;;
        w3.a) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$WORK/w3-custodian.sql" ;;
        w3.b) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$BENCH_DIR/pgbench/w3-bare.sql" ;;
        w6.a) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$WORK/w6-custodian.sql" ;;
        w6.b) sql_load "$seconds" "$out" "$CUSTODIAN_DB" "$BENCH_DIR/pgbench/w6-bare.sql" ;;
        w3.classic) http_load "$seconds" "$out" "$classic" read.lua "$CLASSIC_PID" ;;
        w4.custodian) http_load "$seconds" "$out" "$custodian" mixed.lua "$SERVICE_PID" ;;
        w5.custodian) BENCH_DEEP_USER=$DEEP_USER \
            http_load "$seconds" "$out" "$custodian" past-version.lua "$SERVICE_PID" ;;
        *) die "unknown measurement $key" ;;
    esac
}

# Sends every request path to Custodian in rounds of 5 s until the JIT compiler has little
# left to do (under half a second of compilation in a round), at most JIT_WARMUP_MAX seconds.
# A fixed warm-up is not enough on a busy machine: starved compiler threads take minutes, and
# a workload measured meanwhile pays for the compilation in CPU and in rate.
warm_up_jit() {
    local started=$SECONDS before after
    JIT_WARMUP_STARTED=$SECONDS
    say "warming up Custodian's JIT compiler (at most ${JIT_WARMUP_MAX}s)"
    while ((SECONDS - started < JIT_WARMUP_MAX)); do
        before=$(jit_seconds)
        http_load 5 "$WORK/runs/jit-warmup" "http://127.0.0.1:$CUSTODIAN_PORT" warm-up.lua "$SERVICE_PID"
        after=$(jit_seconds)
        say "  $(cut -d' ' -f1 "$WORK/runs/jit-warmup") req/s, CPU $(cut -d' ' -f6 "$WORK/runs/jit-warmup") ms/req," \
            "$(awk -v before="$before" -v after="$after" 'BEGIN { printf "%.1f", after - before }') s compiling"
        if awk -v before="$before" -v after="$after" 'BEGIN { exit !(after - before < 0.5) }'; then
            say "the JIT compiler settled after $((SECONDS - started))s ($after s of compilation)"
            JIT_SETTLED="after $((SECONDS - started)) s"
            return
        fi
    done
    say "the JIT compiler was still busy after ${JIT_WARMUP_MAX}s: the first workloads may pay for it"
    JIT_SETTLED="not within $JIT_WARMUP_MAX s"
}

# The classic service gets as long a warm-up as Custodian's JIT compiler took (at least 10 s),
# so that neither is measured while it still optimises.
warm_up_classic() {
    local seconds=$((SECONDS - JIT_WARMUP_STARTED))
    ((seconds >= 10)) || seconds=10
    say "warming up the classic service for ${seconds}s"
    http_load "$seconds" "$WORK/runs/classic-warmup" "http://127.0.0.1:$CLASSIC_PORT" classic-warm-up.lua "$CLASSIC_PID"
}

# Seconds the JVM's JIT compiler has spent compiling so far.
jit_seconds() {
    jstat -compiler "$SERVICE_PID" | awk 'NR == 2 { print $4 }'
}

# Warms each measurement of a group up, then runs the group round-robin RUNS times, so the
# compared rows share the machine's conditions as closely as possible.
run_group() {
    local key run rps p50 p99 failed other cpu
    for key in "$@"; do
        say "warm-up ${WARMUP}s: ${LABEL[$key]}"
        measure "$key" "$WARMUP" "$WORK/runs/$key.warmup"
        report_errors "$key" warm-up "$WORK/runs/$key.warmup"
    done
    for ((run = 1; run <= RUNS; run++)); do
        for key in "$@"; do
            measure "$key" "$DURATION" "$WORK/runs/$key.$run"
            read -r rps p50 p99 failed other cpu <"$WORK/runs/$key.$run"
            say "run $run/$RUNS ${LABEL[$key]}: $rps/s, p50 $p50 ms, p99 $p99 ms, errors $failed/$other, CPU/request $cpu ms"
            report_errors "$key" "run $run" "$WORK/runs/$key.$run"
        done
    done
    for key in "$@"; do
        RESULT[$key]=$(median "$key")
        if [[ $key == *.custodian ]]; then
            RSS_MB[$key]=$(service_rss_mb rss_mb)
        fi
    done
}

report_errors() {
    local failed other
    read -r _ _ _ failed other _ <"$3"
    if ((failed + other)); then
        say "  ERRORS in ${LABEL[$1]} ($2): $failed failed, $other other; see $3.log"
    fi
}

# The run with the median rate, with failures and other errors summed over all measured runs.
median() {
    local key=$1 run files=()
    for ((run = 1; run <= RUNS; run++)); do files+=("$WORK/runs/$key.$run"); done
    sort -n -k1,1 "${files[@]}" | awk -v middle=$(((RUNS + 1) / 2)) '
        NR == middle { rps = $1; p50 = $2; p99 = $3; cpu = $6 }
        { failed += $4; other += $5 }
        END { print rps, p50, p99, failed, other, cpu }'
}

rss_mb() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# Resident memory of the service: the JVM started, plus the JVM serving when serve runs itself in
# a child JVM with its memory defaults (started without heap options, as the README starts it).
service_rss_mb() {
    local total
    total=$("$1" "$CUSTODIAN_PID")
    if [[ $SERVICE_PID != "$CUSTODIAN_PID" ]]; then
        total=$((total + $("$1" "$SERVICE_PID")))
    fi
    echo "$total"
}

peak_rss_mb() {
    awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}
