-- wrk: POST help requests from signs as a phone does: JSON, a fresh Idempotency-Key each.
-- wrk -s bench/submit.lua URL -- SIGN_TOKEN [SIGN_TOKEN …]
local signs, counter, prefix = {}, 0, ""

function init(args)
  for i = 1, #args do signs[i] = args[i] end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  prefix = string.format("bench-%08x-", math.random(0, 0x7fffffff))
end

function request()
  counter = counter + 1
  local sign = signs[counter % #signs + 1]
  return wrk.format("POST", "/api/v1/signs/" .. sign .. "/help-requests",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. counter},
    '{"need":"find_size","size":"9"}')
end
