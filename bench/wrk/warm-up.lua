-- JVM warm-up: every request path the workloads use, in equal parts, so the JIT compiler
-- has compiled them all before anything is measured.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local plain = headers(nil)
local merge = headers("application/merge-patch+json")
local json = headers("application/json")

function request()
    local pick = math.random(3)
    if pick == 1 then
        return wrk.format("PATCH", "/users/" .. random_user_id(), merge,
            '{"data":{"phone":"' .. random_phone() .. '"}}')
    elseif pick == 2 then
        return wrk.format("POST", "/phone-number/update/" .. random_user_id(), json,
            '{"phonenumber":"' .. random_phone() .. '"}')
    end
    return wrk.format("GET", "/users/" .. random_user_id(), plain)
end
