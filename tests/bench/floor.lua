-- The vote's floor (tests/bench/wsgi.py, FLOOR_PATH): each wrk thread is one logged-in voter (its
-- own session, as tests/bench/vote.lua) sending the POST a vote sends, with its CSRF token and
-- htmx's headers, to a view that does nothing else. Arguments: CSRF secret, session keys,
-- comma-separated. Prints how many answers were not 200, as vote.lua does.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("voter", #threads)
end

function init(args)
  local csrf = args[1]
  local sessions = {}
  for item in string.gmatch(args[2], "[^,]+") do sessions[#sessions + 1] = item end
  wrk.method = "POST"
  wrk.body = "value=up&csrfmiddlewaretoken=" .. csrf
  wrk.headers["Cookie"] = "sessionid=" .. sessions[(voter - 1) % #sessions + 1] .. "; csrftoken=" .. csrf
  wrk.headers["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port
  wrk.headers["HX-Request"] = "true"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  not_ok = 0
end

response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("not 200: %d\n", total))
end
