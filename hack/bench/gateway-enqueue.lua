-- wrk script: POST one task per request to the gateway's enqueue endpoint (keep-alive),
-- then print accepted tasks/s and latency percentiles.
-- Usage: wrk -t2 -c64 -d20s -s hack/bench/gateway-enqueue.lua http://127.0.0.1:8088/v1/queues/bench/tasks
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"noop","payload":"{\\"user\\":42,\\"action\\":\\"resize\\"}"}'

accepted = 0
local counters = {}

function setup(thread)
  table.insert(counters, thread)
end

function init(args)
  accepted = 0
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(counters) do total = total + (thread:get("accepted") or 0) end
  local seconds = summary.duration / 1e6
  io.write(string.format("accepted: %d tasks in %.1f s = %.0f tasks/s\n", total, seconds, total / seconds))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
