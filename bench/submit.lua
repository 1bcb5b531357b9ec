-- wrk: POST help requests from signs as a phone does: JSON, a fresh Idempotency-Key each.
-- Each argument is a sign's token and the pass its page carries (GET /api/v1/signs/TOKEN).
-- wrk -s bench/submit.lua URL -- SIGN_TOKEN:PASS [SIGN_TOKEN:PASS …]
local signs, passes, counter, prefix = {}, {}, 0, ""

function init(args)
  for i = 1, #args do
    signs[i], passes[i] = string.match(args[i], "([^:]+):(.+)")
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  prefix = string.format("bench-%08x-", math.random(0, 0x7fffffff))
end

function request()
  counter = counter + 1
  local n = counter % #signs + 1
  return wrk.format("POST", "/api/v1/signs/" .. signs[n] .. "/help-requests",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. counter},
    '{"need":"find_size","size":"9","sign_pass":"' .. passes[n] .. '"}')
end
