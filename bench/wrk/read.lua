-- W3: read a random user (Custodian and the classic service share the route).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local plain = headers(nil)

function request()
    return wrk.format("GET", "/users/" .. random_user_id(), plain)
end
