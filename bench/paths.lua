-- wrk: GET the paths listed in a file (one a line), round robin, with a session cookie.
-- wrk -s bench/paths.lua URL -- PATHS_FILE COOKIE
local paths, cookie, n = {}, nil, 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  cookie = args[2]
  n = math.random(#paths)
end

function request()
  n = n % #paths + 1
  local headers = {}
  if cookie and #cookie > 0 then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[n], headers)
end
