-- wrk script for the scan endpoint: each request scans one of the seeded
-- people's signed payloads (read from PAYLOADS) with a fresh idempotency key,
-- as a real scanner would. CHECKPOINT, TOKEN and RUN (unique per run, part
-- of every key) come from the environment.

local payloads = {}
local checkpoint = os.getenv("CHECKPOINT")
local token = os.getenv("TOKEN")
local run = os.getenv("RUN") or "run"
local thread_counter = 0

function setup(thread)
    thread_counter = thread_counter + 1
    thread:set("thread_id", thread_counter)
end

function init(args)
    for line in io.lines(os.getenv("PAYLOADS")) do
        payloads[#payloads + 1] = line
    end
    math.randomseed(os.time() + (thread_id or 0) * 7919)
    sent = 0
    wrk.method = "POST"
    wrk.path = "/api/v1/checkpoints/" .. checkpoint .. "/scans"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. token
end

local function json_string(text)
    return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function request()
    sent = sent + 1
    local payload = payloads[math.random(#payloads)]
    local key = string.format("wrk-%s-%d-%d", run, thread_id or 0, sent)
    local body = '{"payload":' .. json_string(payload) .. ',"idempotency_key":"' .. key .. '"}'
    return wrk.format(nil, nil, nil, body)
end
