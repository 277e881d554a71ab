-- W2: change data.phone of a random user through POST /phone-number/update/{id}.
-- Also the classic service's phone update, with BENCH_PHONE_PATH=/v2w/phone-number/update/.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local path = os.getenv("BENCH_PHONE_PATH") or "/phone-number/update/"
local json = headers("application/json")

function request()
    return wrk.format("POST", path .. random_user_id(), json,
        '{"phonenumber":"' .. random_phone() .. '"}')
end
