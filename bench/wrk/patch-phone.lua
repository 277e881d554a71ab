-- W1: change data.phone of a random user with a PATCH merge patch.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local json = headers("application/merge-patch+json")

function request()
    return wrk.format("PATCH", "/users/" .. random_user_id(), json,
        '{"data":{"phone":"' .. random_phone() .. '"}}')
end
