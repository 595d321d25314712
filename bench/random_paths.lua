-- wrk script for bench/run.py: what visitors (or a crawler) can make the page cache store, each request new:
-- a random search, or a random slug where a kommun's address would be. Arguments: "search" or "slug", and how many
-- requests each thread sends before it stops.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("index", #threads)
end

function init(args)
   kind = args[1]
   limit = tonumber(args[2])
   math.randomseed(os.time() * 100 + index)
   counter = 0
end

local function word()
   local letters = {}
   for i = 1, 10 do
      letters[i] = string.char(math.random(97, 122))
   end
   return table.concat(letters)
end

function request()
   counter = counter + 1
   local path
   if kind == "search" then
      path = "/sok/?q=" .. word() .. "+" .. counter
   else
      path = "/" .. word() .. "-" .. index .. "-" .. counter .. "/"
   end
   return wrk.format("GET", path)
end

function response(status, headers, body)
   if counter >= limit then
      wrk.thread:stop()
   end
end
