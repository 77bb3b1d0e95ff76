-- wrk script: POST batches of 50 tasks to tasks:batch (keep-alive), then print accepted tasks/s.
-- Usage: wrk -t2 -c16 -d20s -s hack/bench/gateway-batch.lua http://127.0.0.1:8088/v1/queues/bench/tasks:batch
local size = 50
local tasks = {}
for i = 1, size do tasks[i] = '{"type":"noop","payload":"{\\"user\\":' .. i .. '}"}' end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"tasks":[' .. table.concat(tasks, ",") .. ']}'

accepted = 0
local threads = {}

function setup(thread) table.insert(threads, thread) end

function response(status, headers, body)
  if status == 202 then accepted = accepted + size end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("accepted") or 0) end
  local seconds = summary.duration / 1e6
  io.write(string.format("accepted: %d tasks in %.1f s = %.0f tasks/s (%d requests of %d)\n", total, seconds, total / seconds, total / size, size))
  io.write(string.format("latency ms per request: p50 %.2f  p99 %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
