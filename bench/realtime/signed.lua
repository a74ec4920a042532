-- wrk script: POSTs pre-signed webhook requests (signed.js write), each once, so that every change is a distinct
-- contact. Arguments after wrk's "--": <requests file> <threads>
-- Thread t of n takes lines t+1, t+1+n, ... of the file. When a thread has sent all of its lines it sends
-- GET /q/health/live instead (a connection must send something; these answer 200 and are counted apart).
-- Prints one WRKJSON line (as post.lua) plus accepted (202), refused (other answers to a POST), filler (health GETs)
-- and exhausted (threads that ran out of requests before the end: then the run measured less than it could).
local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("tid", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

local requests, next_request, filler
accepted, refused, fillers, exhausted = 0, 0, 0, 0
local posts

function init(args)
   local file, n = args[1], tonumber(args[2])
   requests = {}
   local line_no = 0
   for line in io.lines(file) do
      if line_no % n == tid then
         local id, timestamp, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
         requests[#requests + 1] = wrk.format("POST", nil, {
            ["Content-Type"] = "application/json",
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = signature,
         }, body)
      end
      line_no = line_no + 1
   end
   posts = #requests
   next_request = 1
   filler = wrk.format("GET", "/q/health/live", {}, nil)
end

function request()
   if next_request <= posts then
      next_request = next_request + 1
      return requests[next_request - 1]
   end
   if exhausted == 0 then
      exhausted = 1
      requests = nil
   end
   return filler
end

function response(status, headers, body)
   if status == 202 then
      accepted = accepted + 1
   elseif status == 200 then
      fillers = fillers + 1
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local a, r, f, x = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      a = a + thread:get("accepted")
      r = r + thread:get("refused")
      f = f + thread:get("fillers")
      x = x + thread:get("exhausted")
   end
   local e = summary.errors
   io.write(string.format(
      "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"rps\":%.1f," ..
      "\"lat_mean_ms\":%.3f,\"lat_p50_ms\":%.3f,\"lat_p90_ms\":%.3f,\"lat_p99_ms\":%.3f,\"lat_p999_ms\":%.3f,\"lat_max_ms\":%.3f," ..
      "\"err_connect\":%d,\"err_read\":%d,\"err_write\":%d,\"err_status\":%d,\"err_timeout\":%d," ..
      "\"accepted\":%d,\"refused\":%d,\"fillers\":%d,\"exhausted_threads\":%d}\n",
      summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
      latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
      e.connect, e.read, e.write, e.status, e.timeout, a, r, f, x))
end
