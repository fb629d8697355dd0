#pragma once

#include <string>
#include <string_view>

namespace yihu::store::redis_scripts {

// The Redis store's writes, as Lua scripts: Redis runs a script atomically (no other client's command runs in the
// middle), which gives WriteBatch its all-or-nothing meaning. A script cannot roll back, so each one checks
// everything that could fail before its first write.
//
// Key layout under the prefix P (e.g. "yihu:{dongguan}"; the braces keep every key in one Redis Cluster hash slot):
//   P:epoch                 string   the store's epoch
//   P:alerts                hash     number -> alert record
//   P:alert_ids             hash     public id -> number
//   P:alert_num_id          hash     number -> public id (to drop an id an alert no longer has)
//   P:alerts_active         zset     numbers of active alerts (score = number)
//   P:rcpt:<number>         hash     volunteer -> recipient snapshot
//   P:audit:<number>        hash     index -> audit record;  P:auditz:<number> zset of indexes
//   P:dlvh:<volunteer>      hash     seq -> delivery record; P:dlvz:<volunteer> zset of seqs
//   P:dlv_time              zset     "<seq>:<volunteer>" scored by created_at ms (for trim)
//   P:cursor:<volunteer>    hash     last, acked, trimmed;   P:cursors set of volunteers with a cursor
//   P:devices               hash     id -> snapshot
//   P:idem                  hash     key -> idempotency record; P:idem_time zset of keys by created_at ms
//   P:outbox                hash     "<peer> <message id>" -> outbox record (federation, until acknowledged)
//
// Every script starts with the fence: when ARGV[2] names a key, the script refuses to run unless that key holds
// ARGV[3]. A cluster's leader passes its lease there, so a node that lost the lease (paused, partitioned) cannot
// write after another node took over.

// Every script starts here: P is the key prefix, and the fence is checked before anything else.
inline constexpr std::string_view kFencePrologue = R"lua(
local P = ARGV[1]
if ARGV[2] ~= '' and redis.call('GET', ARGV[2]) ~= ARGV[3] then
  return redis.error_reply('FENCED the lease ' .. ARGV[2] .. ' is not held by this node')
end
)lua";

// A script's full text: the fence prologue, then its body.
inline std::string with_fence(std::string_view body) {
    std::string script(kFencePrologue);
    script += body;
    return script;
}

// ARGV: prefix, fence key, fence value, then nine sections, each a row count followed by its rows:
//   alerts (number, id, "1"/"0" active, record), recipients (number, volunteer, snapshot),
//   audit (number, index, record), deliveries (volunteer, seq, created ms, record), acks (volunteer, seq),
//   devices (id, snapshot), idempotency keys (key, created ms, record), outbox puts (field, record),
//   outbox removals (field).
// Replies OK, or an error starting with CONFLICT (a contradiction: nothing written) or FENCED.
inline constexpr std::string_view kApplyBody = R"lua(
local i = 4
local function section(width)
  local n = tonumber(ARGV[i]); i = i + 1
  local rows = {}
  for r = 1, n do
    local row = {}
    for c = 1, width do row[c] = ARGV[i]; i = i + 1 end
    rows[r] = row
  end
  return rows
end
local alerts, recipients, audit = section(4), section(3), section(3)
local deliveries, acks, devices, keys = section(4), section(2), section(2), section(3)
local outbox, outbox_done = section(2), section(1)

local owner = {}
for _, a in ipairs(alerts) do
  local number, id = a[1], a[2]
  if owner[id] ~= nil and owner[id] ~= number then
    return redis.error_reply('CONFLICT alert id ' .. id .. ' is given to two alert numbers in one batch')
  end
  owner[id] = number
  local stored = redis.call('HGET', P .. ':alert_ids', id)
  if stored and stored ~= number then
    return redis.error_reply('CONFLICT alert id ' .. id .. ' already belongs to alert ' .. stored)
  end
end
local seen = {}
for _, d in ipairs(deliveries) do
  local k = d[2] .. ':' .. d[1]
  if seen[k] then
    return redis.error_reply('CONFLICT delivery seq ' .. d[2] .. ' appears twice in one batch')
  end
  seen[k] = true
  if redis.call('HEXISTS', P .. ':dlvh:' .. d[1], d[2]) == 1 then
    return redis.error_reply('CONFLICT delivery seq ' .. d[2] .. ' is already stored for this volunteer')
  end
end

local function raise(v, field, value)
  local key = P .. ':cursor:' .. v
  local current = tonumber(redis.call('HGET', key, field) or '0')
  if tonumber(value) > current then redis.call('HSET', key, field, value) end
  redis.call('SADD', P .. ':cursors', v)
end
for _, a in ipairs(alerts) do
  local number, id, active, record = a[1], a[2], a[3], a[4]
  local old_id = redis.call('HGET', P .. ':alert_num_id', number)
  if old_id and old_id ~= id then redis.call('HDEL', P .. ':alert_ids', old_id) end
  redis.call('HSET', P .. ':alert_num_id', number, id)
  redis.call('HSET', P .. ':alert_ids', id, number)
  redis.call('HSET', P .. ':alerts', number, record)
  if active == '1' then
    redis.call('ZADD', P .. ':alerts_active', number, number)
  else
    redis.call('ZREM', P .. ':alerts_active', number)
  end
end
for _, r in ipairs(recipients) do
  redis.call('HSET', P .. ':rcpt:' .. r[1], r[2], r[3])
end
for _, a in ipairs(audit) do
  if redis.call('HSETNX', P .. ':audit:' .. a[1], a[2], a[3]) == 1 then
    redis.call('ZADD', P .. ':auditz:' .. a[1], a[2], a[2])
  end
end
for _, d in ipairs(deliveries) do
  local v, seq, created, record = d[1], d[2], d[3], d[4]
  redis.call('HSET', P .. ':dlvh:' .. v, seq, record)
  redis.call('ZADD', P .. ':dlvz:' .. v, seq, seq)
  redis.call('ZADD', P .. ':dlv_time', created, seq .. ':' .. v)
  raise(v, 'last', seq)
end
for _, a in ipairs(acks) do raise(a[1], 'acked', a[2]) end
for _, d in ipairs(devices) do redis.call('HSET', P .. ':devices', d[1], d[2]) end
for _, k in ipairs(keys) do
  if redis.call('HSETNX', P .. ':idem', k[1], k[3]) == 1 then
    redis.call('ZADD', P .. ':idem_time', k[2], k[1])
  end
end
for _, o in ipairs(outbox) do redis.call('HSETNX', P .. ':outbox', o[1], o[2]) end
for _, o in ipairs(outbox_done) do redis.call('HDEL', P .. ':outbox', o[1]) end
return redis.status_reply('OK')
)lua";

// ARGV: prefix, fence key, fence value, deliveries_before ms, keys_before ms, chunk. Removes at most `chunk` pushes
// and `chunk` idempotency keys created strictly before those times, raising each volunteer's trimmed seq to the
// highest seq removed. Replies {pushes removed, keys removed}; the caller repeats while either equals `chunk`, so no
// single script holds Redis (and every other client) for long.
inline constexpr std::string_view kTrimBody = R"lua(
local removed = 0
local top = {}
local old = redis.call('ZRANGEBYSCORE', P .. ':dlv_time', '-inf', '(' .. ARGV[4], 'LIMIT', 0, ARGV[6])
for _, m in ipairs(old) do
  local colon = string.find(m, ':', 1, true)
  local seq, v = string.sub(m, 1, colon - 1), string.sub(m, colon + 1)
  redis.call('HDEL', P .. ':dlvh:' .. v, seq)
  redis.call('ZREM', P .. ':dlvz:' .. v, seq)
  redis.call('ZREM', P .. ':dlv_time', m)
  if top[v] == nil or tonumber(seq) > tonumber(top[v]) then top[v] = seq end
  removed = removed + 1
end
for v, seq in pairs(top) do
  local key = P .. ':cursor:' .. v
  if tonumber(seq) > tonumber(redis.call('HGET', key, 'trimmed') or '0') then
    redis.call('HSET', key, 'trimmed', seq)
  end
  redis.call('SADD', P .. ':cursors', v)
end
local old_keys = redis.call('ZRANGEBYSCORE', P .. ':idem_time', '-inf', '(' .. ARGV[5], 'LIMIT', 0, ARGV[6])
for _, k in ipairs(old_keys) do
  redis.call('HDEL', P .. ':idem', k)
  redis.call('ZREM', P .. ':idem_time', k)
end
return {removed, #old_keys}
)lua";

// The texts Redis runs (built once, at start-up).
inline const std::string kApply = with_fence(kApplyBody);
inline const std::string kTrim = with_fence(kTrimBody);

}  // namespace yihu::store::redis_scripts
