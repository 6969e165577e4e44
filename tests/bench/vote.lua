-- Vote POSTs as htmx sends them: each wrk thread is one logged-in voter (its own session),
-- voting up (70 %) or down on random frameworks. Arguments: CSRF secret, session keys, slugs
-- (comma-separated). Prints how many answers were not 200 (a redirect or a 403 casts nothing, and
-- wrk counts only 4xx and 5xx as failures).
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("voter", #threads)
end

local function split(text)
  local items = {}
  for item in string.gmatch(text, "[^,]+") do items[#items + 1] = item end
  return items
end

function init(args)
  local csrf = args[1]
  local sessions = split(args[2])
  slugs = split(args[3])
  math.randomseed(voter * 7919 + os.time())
  wrk.headers["Cookie"] = "sessionid=" .. sessions[(voter - 1) % #sessions + 1] .. "; csrftoken=" .. csrf
  -- As the browser sends it over HTTPS (the requests come as from the TLS proxy): CSRF checks it.
  wrk.headers["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port
  wrk.headers["HX-Request"] = "true"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  body_up = "value=up&csrfmiddlewaretoken=" .. csrf
  body_down = "value=down&csrfmiddlewaretoken=" .. csrf
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

request = function()
  local slug = slugs[math.random(#slugs)]
  local body = math.random() < 0.7 and body_up or body_down
  return wrk.format("POST", "/frameworks/" .. slug .. "/vote/", nil, body)
end
