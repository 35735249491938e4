-- wrk script for the soak benchmark (test/bench/soak.ts): the paths after `--`
-- requested in turn, as a resident's browser; done() prints how many requests
-- took more than 1 s, socket timeouts included (wrk drops those from its
-- latency histogram, so they are added here: a timeout is never lost).
local paths = {}
local n = 0

function init(args)
  for i = 1, #args do paths[i] = args[i] end
  -- Spread the threads over the paths.
  n = math.random(#paths)
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

function done(summary, latency, requests)
  -- The share of requests at or under 1 s, by bisecting the percentile (wrk
  -- exposes its histogram only through percentiles); the rest took longer.
  local over = 0
  if latency.max > 1000000 then
    local lo, hi = 0, 100
    for _ = 1, 60 do
      local mid = (lo + hi) / 2
      local v = latency:percentile(mid)
      if v == 0 or v > 1000000 then hi = mid else lo = mid end
    end
    over = math.floor(summary.requests * (100 - lo) / 100 + 0.5)
  end
  io.write(string.format("SOAK over_1s=%d timeouts=%d max_us=%d\n", over + summary.errors.timeout, summary.errors.timeout, latency.max))
end
