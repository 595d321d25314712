-- wrk script for bench/run.py: residents posting the survey form. Each request carries a submission token of its
-- own (the portal stores a token once and treats a repeat as a double submit). Arguments: the file holding the
-- form body with TOKEN where the token goes, the Cookie header and the Referer.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("index", #threads)
end

function init(args)
   local file = assert(io.open(args[1], "r"))
   template = file:read("*a")
   file:close()
   headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = args[2],
      ["Referer"] = args[3],
   }
   started = os.time() % 0x7fffffff
   counter = 0
   accepted = 0
   refused = 0
end

function request()
   counter = counter + 1
   local token = string.format("%08x-%04x-4000-8000-%012x", started, index, counter)
   return wrk.format("POST", nil, headers, (template:gsub("TOKEN", token)))
end

function response(status, headers, body)
   -- Stored answers are redirected to the thank-you page; anything else was not stored.
   if status == 302 then
      accepted = accepted + 1
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local total_accepted, total_refused = 0, 0
   for _, thread in ipairs(threads) do
      total_accepted = total_accepted + thread:get("accepted")
      total_refused = total_refused + thread:get("refused")
   end
   io.write(string.format("accepted %d refused %d\n", total_accepted, total_refused))
end
