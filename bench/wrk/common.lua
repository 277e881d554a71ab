-- Shared by every workload script: per-thread random seeds, random user ids and phone
-- numbers, the Authorization header, and a done() that prints one parseable line.
-- Environment: BENCH_TOKEN (bearer token; optional), BENCH_USERS (ids are 1..N, default 10000).

local users = tonumber(os.getenv("BENCH_USERS") or "10000")
local token = os.getenv("BENCH_TOKEN") or ""

local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

function init(args)
    -- Each thread has its own Lua state; without distinct seeds they would send the same ids.
    math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function random_user_id()
    return math.random(1, users)
end

function random_phone()
    return string.format("+1415555%04d", math.random(1000, 9999))
end

function headers(content_type)
    local h = {}
    if token ~= "" then
        h["Authorization"] = "Bearer " .. token
    end
    if content_type then
        h["Content-Type"] = content_type
    end
    return h
end

-- One line the runner parses: counts, microseconds, and every kind of error wrk counts
-- (non2xx: responses with status >= 400; the rest are socket errors).
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        e.status, e.connect, e.read, e.write, e.timeout))
end
