-- Cold pass: every request carries a query parameter never seen before, so the page cache never
-- answers (the site ignores parameters it does not know).
local counter = 0
local prefix = tostring(math.random(1, 1e9)) .. "-"

request = function()
  counter = counter + 1
  local path = wrk.path
  local sep = string.find(path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, path .. sep .. "bench=" .. prefix .. counter)
end
