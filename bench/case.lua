-- One benchmark case for wrk, described by environment variables so bench/run can drive
-- every case with this one script:
--   BENCH_METHOD   GET, POST, PUT, DELETE ...
--   BENCH_PATH     path; "{id}" is replaced per request
--   BENCH_BODY     optional body, sent as it is (JSON, or a form: "grant_type=...&scope=...",
--                  "token=<jwt>"); "{id}" and "{n}" (a per-thread counter) are replaced
--   BENCH_HEADERS  optional "Name: value" lines separated by "|" (a body's Content-Type, an
--                  "Authorization: Basic ..." or "Bearer ..."; no value may hold a "|")
--   BENCH_ID_MIN, BENCH_ID_MAX   the id range
--   BENCH_ID_MODE  "random" (default) or "sequence": each id once, threads interleaved,
--                  and a thread stops when its ids run out (deletes)
-- done() prints one JSON line: requests, seconds, rps, p50/p99 (ms), non-2xx, socket errors.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local method, path, body, headers, id_min, id_max, mode, nthreads, next_id, n

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH") or "/"
  body = os.getenv("BENCH_BODY")
  headers = {}
  local h = os.getenv("BENCH_HEADERS") or ""
  for line in string.gmatch(h, "[^|]+") do
    local name, value = string.match(line, "^%s*([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  id_min = tonumber(os.getenv("BENCH_ID_MIN") or "1")
  id_max = tonumber(os.getenv("BENCH_ID_MAX") or "1")
  mode = os.getenv("BENCH_ID_MODE") or "random"
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  next_id = id_min + tid
  n = 0
  math.randomseed(os.time() + tid * 7919)
end

function request()
  local id
  if mode == "sequence" then
    id = next_id
    next_id = next_id + nthreads
    if id > id_max then
      wrk.thread:stop()
      id = id_max
    end
  else
    id = math.random(id_min, id_max)
  end
  n = n + 1
  local p = string.gsub(path, "{id}", tostring(id))
  local b = nil
  if body then
    b = string.gsub(string.gsub(body, "{id}", tostring(id)), "{n}", tid .. "-" .. n)
  end
  return wrk.format(method, p, headers, b)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
