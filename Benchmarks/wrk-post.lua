-- wrk script for Benchmarks/serve-load.sh (CLIENT=wrk): POSTs the file named by WRK_BODY as a raw
-- application/octet-stream body on every request and prints one JSON line shaped like
-- ../shared/tools/bench_http.py's output (requests/s, p50/p99 latency, failed requests).
local file = assert(io.open(assert(os.getenv("WRK_BODY"), "set WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/octet-stream"

done = function(summary, latency, requests)
    local failed = summary.errors.status + summary.errors.connect + summary.errors.read
        + summary.errors.write + summary.errors.timeout
    io.write(string.format(
        '{"requests_per_s": %.2f, "latency_ms": {"p50": %.2f, "p99": %.2f}, "errors": %d}\n',
        (summary.requests - failed) / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
