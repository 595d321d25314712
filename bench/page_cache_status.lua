-- wrk script for bench/run.py: counts the answers by their X-Page-Cache header (hit, miss, or whatever else the
-- page cache says, e.g. a previous page served during renewal), for the stampede figure.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   counts = {}
end

function response(status, headers, body)
   local value = headers["X-Page-Cache"] or headers["x-page-cache"] or "none"
   value = tostring(status) .. ":" .. value
   counts[value] = (counts[value] or 0) + 1
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("counts")
      for value, count in pairs(counts) do
         totals[value] = (totals[value] or 0) + count
      end
   end
   for value, count in pairs(totals) do
      io.write(string.format("page-cache %s %d\n", value, count))
   end
end
