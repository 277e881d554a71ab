# shellcheck shell=bash
# The results table and file. Sourced by bench/run.

field() { # field KEY N: the Nth value of a result (1 rps, 2 p50, 3 p99, 4 failed, 5 other, 6 CPU)
    local values
    read -ra values <<<"${RESULT[$1]}"
    echo "${values[$(($2 - 1))]}"
}

# ratio NUMERATOR DENOMINATOR OP TARGET: "0.82 (≥ 0.7: met)".
ratio() {
    awk -v n="$1" -v d="$2" -v op="${3:-}" -v t="${4:-}" 'BEGIN {
        if (d == 0) { print "n/a"; exit }
        r = n / d
        text = sprintf(r >= 10 ? "%.1f" : "%.2f", r)
        if (op == "") { print text; exit }
        met = (op == ">=") ? r >= t : r <= t
        printf "%s (target %s %s: %s)\n", text, op == ">=" ? "≥" : "≤", t, met ? "met" : "**missed**"
    }'
}

check() { # check VALUE OP TARGET UNIT
    awk -v v="$1" -v op="$2" -v t="$3" -v u="$4" 'BEGIN {
        met = (op == ">=") ? v >= t : v <= t
        printf "%s%s (target %s %s%s: %s)\n", v, u, op == ">=" ? "≥" : "≤", t, u, met ? "met" : "**missed**"
    }'
}

table_row() { # table_row KEY COMPARISON
    local key=$1 workload measured errors rss=""
    workload=${LABEL[$key]%% | *}
    measured=${LABEL[$key]#* | }
    errors="$(field "$key" 4) / $(field "$key" 5)"
    [[ $errors == "0 / 0" ]] || errors="**$errors**"
    [[ -n ${RSS_MB[$key]:-} ]] && rss=${RSS_MB[$key]}
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$workload" "$measured" \
        "$(printf '%.0f' "$(field "$key" 1)")" "$(field "$key" 2)" "$(field "$key" 3)" "$errors" \
        "$(field "$key" 6)" "$rss" "$2"
}

results_table() {
    echo '| workload | measured | req/s | p50 ms | p99 ms | errors | CPU ms/req | RSS MB | ratio |'
    echo '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
    table_row w1.custodian "p99 $(check "$(field w1.custodian 3)" "<=" 25 " ms")"
    table_row w1.a "Custodian ÷ (a) = $(ratio "$(field w1.custodian 1)" "$(field w1.a 1)" ">=" 0.85)"
    table_row w1.b "(a) ÷ (b) = $(ratio "$(field w1.a 1)" "$(field w1.b 1)" ">=" 0.6)"
    table_row w1.classic "Custodian ÷ classic = $(ratio "$(field w1.custodian 1)" "$(field w1.classic 1)" ">=" 3)"
    table_row w2.custodian "÷ classic phone update = $(ratio "$(field w2.custodian 1)" "$(field w1.classic 1)")"
    table_row w3.custodian ""
    table_row w3.a "Custodian ÷ (a) = $(ratio "$(field w3.custodian 1)" "$(field w3.a 1)" ">=" 0.5)"
    table_row w3.b "(a) ÷ (b) = $(ratio "$(field w3.a 1)" "$(field w3.b 1)")"
    table_row w3.classic "Custodian ÷ classic = $(ratio "$(field w3.custodian 1)" "$(field w3.classic 1)" ">=" 5)"
    table_row w4.custodian ""
    table_row w5.custodian "÷ W3 current read = $(ratio "$(field w5.custodian 1)" "$(field w3.custodian 1)"); resident memory after the run $(check "${RSS_MB[w5.custodian]}" "<=" 300 " MB")"
    table_row w6.a ""
    table_row w6.b "(a) ÷ (b) = $(ratio "$(field w6.a 1)" "$(field w6.b 1)")"
}

every_run() {
    local key run line
    for key in w1.custodian w1.a w1.b w1.classic w2.custodian w3.custodian w3.a w3.b w3.classic w4.custodian w5.custodian w6.a w6.b; do
        line=""
        for ((run = 1; run <= RUNS; run++)); do
            line+="${line:+, }$(cut -d' ' -f1 "$WORK/runs/$key.$run")"
        done
        echo "- ${LABEL[$key]/ | /, }: $line"
    done
}

# The ratio of two measurements round by round, and its median: the runs of one round ran
# back to back, so a round's ratio depends less on what else the machine was doing.
round_ratios() {
    local run line=""
    for ((run = 1; run <= RUNS; run++)); do
        line+=" $(cut -d' ' -f1 "$WORK/runs/$1.$run") $(cut -d' ' -f1 "$WORK/runs/$2.$run")"
    done
    awk -v values="$line" 'BEGIN {
        n = split(values, v, " ")
        for (i = 1; i < n; i += 2) { r[++k] = v[i + 1] ? v[i] / v[i + 1] : 0; text = text sprintf("%s%.2f", k > 1 ? ", " : "", r[k]) }
        asort(r)
        printf "%s (median %.2f)\n", text, r[int((k + 1) / 2)]
    }'
}

every_round() {
    echo "- W1 Custodian ÷ (a): $(round_ratios w1.custodian w1.a)"
    echo "- W1 (a) ÷ (b): $(round_ratios w1.a w1.b)"
    echo "- W1 Custodian ÷ classic: $(round_ratios w1.custodian w1.classic)"
    echo "- W3 Custodian ÷ (a): $(round_ratios w3.custodian w3.a)"
    echo "- W3 (a) ÷ (b): $(round_ratios w3.a w3.b)"
    echo "- W3 Custodian ÷ classic: $(round_ratios w3.custodian w3.classic)"
    echo "- W6 (a) ÷ (b): $(round_ratios w6.a w6.b)"
}

error_warning() {
    local key
    for key in "${!RESULT[@]}"; do
        if (($(field "$key" 4) + $(field "$key" 5))); then
            echo "**Some measurements had errors (the errors column): their rates are not comparable.**"
            echo
            return
        fi
    done
}

versions() {
    echo "- PostgreSQL $(psql "$SERVER_URL" -XAtqc 'SHOW server_version'), $(java -version 2>&1 | head -n 1)," \
        "Node.js $(node --version), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $(pgbench --version)"
}

write_report() {
    local file=$1 commit dirty=""
    commit=$(short_commit)
    [[ -z $(git -C "$REPO" status --porcelain -- src pom.xml bench ':!bench/results' 2>/dev/null) ]] ||
        dirty=" (with uncommitted changes)"
    {
        echo "# Benchmark $(date -u +%Y-%m-%dT%H:%MZ), commit $commit$dirty"
        echo
        echo "- $USERS users; wrk and pgbench with $CONNECTIONS connections, $THREADS threads;" \
            "${WARMUP} s warm-up, median of $RUNS runs of ${DURATION} s each, measurements of a workload run in turn"
        echo "- $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), shared with whatever" \
            "else runs; load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after"
        echo "- Custodian: JVM options \`$JAVA_OPTS\`, $POOL_SIZE database connections, JIT compiler settled" \
            "$JIT_SETTLED of warm-up; peak resident memory ${PEAK_RSS} MB. Classic: pool of $CLASSIC_POOL_MAX" \
            "connections, warmed up as long as Custodian's JIT compiler took"
        versions
        echo "- errors: failed / other, summed over the measured runs (wrk: non-2xx responses / socket" \
            "errors; pgbench: failed transactions / aborted clients); CPU ms/req: CPU time of the service" \
            "process (the JVM, or node) per request, or for pgbench rows of the PostgreSQL server's processes" \
            "per transaction, in the median run"
        echo
        results_table
        echo
        error_warning
        echo "What each row means: \"Performance\" in README.md. Requests per second of every measured run:"
        echo
        every_run
        echo
        echo "The ratios round by round:"
        echo
        every_round
        echo
        echo "The statements pgbench ran for (a):"
        echo
        echo '```sql'
        cat "$WORK/w1-custodian.sql"
        echo
        cat "$WORK/w3-custodian.sql"
        echo
        cat "$WORK/w6-custodian.sql"
        echo '```'
    } >"$file"
}

short_commit() {
    git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown
}

results_file() {
    local name
    name=$(date +%Y-%m-%d)-$(short_commit)
    if [[ $WARMUP != 10 || $DURATION != 15 || $RUNS != 3 || $USERS != 10000 ]]; then
        name+=-quick
    fi
    echo "$BENCH_DIR/results/$name.md"
}
