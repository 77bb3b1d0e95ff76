import BuraqRedis

/// The Lua scripts that make Buraq's multi-key steps atomic. Each touches only keys of one
/// queue (one hash tag); `promote` derives the per-task hash keys from the prefix it is given.
///
/// Fencing: every step that finishes an entry (ack, retry, dead-letter) first checks, in the same
/// script, that the entry is still pending *for this consumer*. A worker that stalled past the
/// visibility timeout and whose entry was reclaimed by another worker is refused.
enum QueueScripts {
    /// Stores a task for later: KEYS scheduled, taskHash; ARGV dueMs, id, field, value, ...
    static let schedule = RedisScript(name: "schedule", source: """
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], unpack(ARGV, 3))
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """)

    /// Enqueues a task unless its idempotency key already names one: KEYS idemKey, stream,
    /// scheduled, taskHash; ARGV ttlMs, id, dueMs (0: now), field, value, ... Returns
    /// {id, 1} when enqueued, {firstID, 0} when the key was taken (nothing added).
    static let enqueueOnce = RedisScript(name: "enqueueOnce", source: """
        local first = redis.call('GET', KEYS[1])
        if first then return {first, 0} end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
        if tonumber(ARGV[3]) > 0 then
            redis.call('DEL', KEYS[4])
            redis.call('HSET', KEYS[4], unpack(ARGV, 4))
            redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
        else
            redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
        end
        return {ARGV[2], 1}
        """)

    /// Enqueues one tick of a cron schedule exactly once: KEYS cron, cronLastRun, stream; ARGV
    /// name, tick, field, value, ... Refused (0) when the schedule was removed or a run at this
    /// tick or a later one was already enqueued (by any worker); 1 when enqueued.
    static let cronFire = RedisScript(name: "cronFire", source: """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '')
        if last and last >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('XADD', KEYS[3], '*', unpack(ARGV, 3))
        return 1
        """)

    /// Moves dead letters back to their stream as fresh tasks: KEYS dlq, stream; ARGV entryID, ...
    /// Drops the dead-letter fields, resets `attempt` to 0, honours `priority`. Returns how many moved.
    static let requeueDead = RedisScript(name: "requeueDead", source: """
        local drop = {error = true, reason = true, attempts = true, failed_at = true, worker = true, original_id = true}
        local n = 0
        for i = 1, #ARGV do
            local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
            if e[1] then
                local f = e[1][2]
                local out = {}
                local stream = KEYS[2]
                for j = 1, #f, 2 do
                    local k, v = f[j], f[j + 1]
                    if k == 'attempt' then v = '0' end
                    if k == 'priority' and v ~= '' and v ~= 'default' then stream = KEYS[2] .. ':' .. v end
                    if not drop[k] then
                        out[#out + 1] = k
                        out[#out + 1] = v
                    end
                end
                if #out > 0 then redis.call('XADD', stream, '*', unpack(out)) end
                redis.call('XDEL', KEYS[1], ARGV[i])
                n = n + 1
            end
        end
        return n
        """)

    /// Moves due tasks to their stream: KEYS scheduled, defaultStream; ARGV nowMs, limit,
    /// taskKeyPrefix, streamPrefix. A task hash with a `priority` field goes to `<stream>:<priority>`.
    /// Returns the number of tasks moved.
    static let promote = RedisScript(name: "promote", source: """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
            local key = ARGV[3] .. id
            local fields = redis.call('HGETALL', key)
            if #fields > 0 then
                local stream = KEYS[2]
                for i = 1, #fields, 2 do
                    if fields[i] == 'priority' and fields[i + 1] ~= '' then stream = KEYS[2] .. ':' .. fields[i + 1] end
                end
                redis.call('XADD', stream, '*', unpack(fields))
            end
            redis.call('DEL', key)
            redis.call('ZREM', KEYS[1], id)
        end
        return #ids
        """)

    /// Acknowledges and deletes the entries this consumer still owns: KEYS stream; ARGV group,
    /// consumer, id, ... Returns the number refused (owned by another consumer or no longer pending).
    static let ack = RedisScript(name: "ack", source: """
        local owned = {}
        for i = 3, #ARGV do
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
            if p[1] and p[1][2] == ARGV[2] then owned[#owned + 1] = ARGV[i] end
        end
        if #owned > 0 then
            redis.call('XACK', KEYS[1], ARGV[1], unpack(owned))
            redis.call('XDEL', KEYS[1], unpack(owned))
        end
        return (#ARGV - 2) - #owned
        """)

    /// Acks a failed entry and schedules its retry in one step: KEYS stream, scheduled, taskHash;
    /// ARGV group, consumer, entryID, dueMs, id, field, value, ... Returns 0 if refused.
    static let retry = RedisScript(name: "retry", source: """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if not (p[1] and p[1][2] == ARGV[2]) then return 0 end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        redis.call('XDEL', KEYS[1], ARGV[3])
        redis.call('DEL', KEYS[3])
        redis.call('HSET', KEYS[3], unpack(ARGV, 6))
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
        return 1
        """)

    /// Acks an entry and appends it to the dead-letter stream in one step: KEYS stream, dlq;
    /// ARGV group, consumer, entryID, maxLength (0 = unbounded, -1 = drop instead), field, value, ...
    /// Returns 0 if refused.
    static let deadLetter = RedisScript(name: "deadLetter", source: """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if not (p[1] and p[1][2] == ARGV[2]) then return 0 end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        redis.call('XDEL', KEYS[1], ARGV[3])
        local maxlen = tonumber(ARGV[4])
        if maxlen > 0 then
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, 5))
        elseif maxlen == 0 then
            redis.call('XADD', KEYS[2], '*', unpack(ARGV, 5))
        end
        return 1
        """)

    /// Claims an entry idle for at least minIdle ms and moves it to the dead-letter stream
    /// (a poison pill): KEYS stream, dlq; ARGV group, consumer, minIdleMs, entryID, maxLength,
    /// extra field, value, ... Returns 1 if quarantined.
    static let quarantine = RedisScript(name: "quarantine", source: """
        local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
        if #c == 0 then return 0 end
        local fields = {}
        if c[1] and c[1][2] then fields = c[1][2] end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
        redis.call('XDEL', KEYS[1], ARGV[4])
        for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
        local maxlen = tonumber(ARGV[5])
        if maxlen > 0 then
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', unpack(fields))
        elseif maxlen == 0 then
            redis.call('XADD', KEYS[2], '*', unpack(fields))
        end
        return 1
        """)

    /// Resets the idle time of entries this consumer still owns (a lease extension for long
    /// handlers), without bumping their delivery count: KEYS stream; ARGV group, consumer, id, ...
    static let extend = RedisScript(name: "extend", source: """
        local n = 0
        for i = 3, #ARGV do
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
            if p[1] and p[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
                n = n + 1
            end
        end
        return n
        """)

    /// Fetches new entries under the queue's limits, highest priority first: KEYS rateLimitHash,
    /// stream, stream, ...; ARGV group, consumer, count, maxInFlight (0 = none), ratePerSecond
    /// (0 = none), burst. Returns entries in the shape of an XREADGROUP reply.
    static let fetch = RedisScript(name: "fetch", source: """
        local group, consumer = ARGV[1], ARGV[2]
        local want = tonumber(ARGV[3])
        local maxInFlight = tonumber(ARGV[4])
        local rate, burst = tonumber(ARGV[5]), tonumber(ARGV[6])
        if maxInFlight > 0 then
            local pending = 0
            for i = 2, #KEYS do
                local ok, s = pcall(redis.call, 'XPENDING', KEYS[i], group)
                if ok and s then pending = pending + tonumber(s[1]) end
            end
            want = math.min(want, maxInFlight - pending)
        end
        local tokens, now
        if rate > 0 then
            local t = redis.call('TIME')
            now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'updated_ms')
            tokens = tonumber(b[1]) or burst
            local updated = tonumber(b[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 1000)
            want = math.min(want, math.floor(tokens))
        end
        local out = {}
        local got = 0
        if want > 0 then
            for i = 2, #KEYS do
                if got >= want then break end
                local ok, r = pcall(redis.call, 'XREADGROUP', 'GROUP', group, consumer, 'COUNT', want - got, 'STREAMS', KEYS[i], '>')
                if ok and r and r[1] then
                    local entries = r[1][2]
                    if #entries > 0 then
                        out[#out + 1] = {KEYS[i], entries}
                        got = got + #entries
                    end
                end
            end
        end
        if rate > 0 then
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - got), 'updated_ms', now)
            redis.call('PEXPIRE', KEYS[1], 60000)
        end
        return out
        """)
}
