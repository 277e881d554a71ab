-- The classic service's warm-up: its phone update and its read, in equal parts.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local plain = headers(nil)
local json = headers("application/json")

function request()
    if math.random(2) == 1 then
        return wrk.format("POST", "/v2w/phone-number/update/" .. random_user_id(), json,
            '{"phonenumber":"' .. random_phone() .. '"}')
    end
    return wrk.format("GET", "/users/" .. random_user_id(), plain)
end
