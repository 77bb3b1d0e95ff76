import BuraqRedis

/// The Lua scripts that make Buraq's multi-key steps atomic. Each touches only keys of one
/// queue (one hash tag); `promote` derives the per-task hash keys from the prefix it is given.
enum QueueScripts {
    /// Stores a task for later: KEYS scheduled, taskHash; ARGV dueMs, id, field, value, ...
    static let schedule = RedisScript(name: "schedule", source: """
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], unpack(ARGV, 3))
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """)

    /// Moves due tasks to the stream: KEYS scheduled, stream; ARGV nowMs, limit, taskKeyPrefix.
    /// Returns the number of tasks moved.
    static let promote = RedisScript(name: "promote", source: """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
            local key = ARGV[3] .. id
            local fields = redis.call('HGETALL', key)
            if #fields > 0 then
                redis.call('XADD', KEYS[2], '*', unpack(fields))
            end
            redis.call('DEL', key)
            redis.call('ZREM', KEYS[1], id)
        end
        return #ids
        """)

    /// Acks a failed entry and schedules its retry in one step: KEYS stream, scheduled, taskHash;
    /// ARGV group, entryID, dueMs, id, field, value, ... Returns 0 if the entry was no longer pending.
    static let retry = RedisScript(name: "retry", source: """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('XDEL', KEYS[1], ARGV[2])
        redis.call('DEL', KEYS[3])
        redis.call('HSET', KEYS[3], unpack(ARGV, 5))
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
        return 1
        """)

    /// Acks an entry and appends it to the dead-letter stream in one step: KEYS stream, dlq;
    /// ARGV group, entryID, maxLength (0 = unbounded), field, value, ...
    /// Returns 0 if the entry was no longer pending.
    static let deadLetter = RedisScript(name: "deadLetter", source: """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('XDEL', KEYS[1], ARGV[2])
        local maxlen = tonumber(ARGV[3])
        if maxlen > 0 then
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, 4))
        else
            redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
        end
        return 1
        """)
}
