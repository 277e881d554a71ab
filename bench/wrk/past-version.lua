-- W5: read a random past version (1..10,000) of the user with 10,000 versions.
-- Environment: BENCH_DEEP_USER (its id).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local plain = headers(nil)
local user = os.getenv("BENCH_DEEP_USER") or "1"

function request()
    return wrk.format("GET", "/users/" .. user .. "?version=" .. math.random(1, 10000), plain)
end
