-- W4: 90% reads of a random user, 10% PATCH merge patches of data.phone (as W1).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local plain = headers(nil)
local json = headers("application/merge-patch+json")

function request()
    if math.random() < 0.1 then
        return wrk.format("PATCH", "/users/" .. random_user_id(), json,
            '{"data":{"phone":"' .. random_phone() .. '"}}')
    end
    return wrk.format("GET", "/users/" .. random_user_id(), plain)
end
