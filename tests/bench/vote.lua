-- Vote POSTs as htmx sends them: each wrk thread is one logged-in voter (its own session) clicking
-- the widget on random frameworks: with no vote, up (70 %) or down; on a vote, taking it back (half
-- the time) or the other way. Every vote sent is a change, as the widget sends them (its button for
-- the vote already cast takes it back); run.next_vote does the same in Python. Arguments: CSRF
-- secret, session keys, slugs, and each voter's votes on those slugs as a letter per slug (u, d or
-- -), all comma-separated. Prints how many answers were not 200 (a redirect or a 403 casts nothing, and
-- wrk counts only 4xx and 5xx as failures), and each voter's votes after the run, in the same form.
-- Given a path instead of the slugs (and no votes), the same voters send the same POST to that path
-- alone: the vote's floor (tests/bench/wsgi.py), a view that does nothing but check who is logged in.
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
  wrk.headers["Cookie"] = "sessionid=" .. sessions[(voter - 1) % #sessions + 1] .. "; csrftoken=" .. csrf
  -- As the browser sends it over HTTPS (the requests come as from the TLS proxy): CSRF checks it.
  wrk.headers["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port
  wrk.headers["HX-Request"] = "true"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  suffix = "&csrfmiddlewaretoken=" .. csrf
  not_ok = 0
  if string.sub(args[3], 1, 1) == "/" then  -- the vote's floor: one path, no votes to keep
    floor = args[3]
    return
  end
  slugs = split(args[3])
  math.randomseed(voter * 7919 + os.time())
  -- this voter's votes, by slug: given as a letter per slug (u, d or -), then as cast
  local names = {u = "up", d = "down"}
  local all = split(args[4])
  local letters = all[(voter - 1) % #all + 1]
  cast = {}
  for i = 1, #slugs do cast[slugs[i]] = names[string.sub(letters, i, i)] end
end

response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  local total = 0
  local letters = {up = "u", down = "d"}
  local votes = {}
  local floor = threads[1]:get("floor")
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_ok")
    if not floor then
      -- each voter's votes as they now stand, a letter per slug, for the next pass's arguments
      local cast, names, row = thread:get("cast"), thread:get("slugs"), {}
      for i = 1, #names do row[i] = letters[cast[names[i]]] or "-" end
      votes[#votes + 1] = table.concat(row)
    end
  end
  io.write(string.format("not 200: %d\n", total))
  if not floor then io.write("votes: " .. table.concat(votes, ",") .. "\n") end
end

local function next_vote(current, draw)
  if current == nil or current == "clear" then return draw < 0.7 and "up" or "down" end
  if draw < 0.5 then return "clear" end
  return current == "up" and "down" or "up"
end

request = function()
  if floor then return wrk.format("POST", floor, nil, "value=up" .. suffix) end
  local slug = slugs[math.random(#slugs)]
  local value = next_vote(cast[slug], math.random())
  cast[slug] = value
  return wrk.format("POST", "/frameworks/" .. slug .. "/vote/", nil, "value=" .. value .. suffix)
end
