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
//   P:format                string   the layout's version ("2"; a prefix holding format-1 keys is refused)
//   P:rset:<number>         list     recipient sets of the alert, oldest first (store/record_sets.h)
//   P:aset:<number>         list     audit set records of the alert, oldest first
//   P:pg_next, P:pg_batch   string   the last push group number and commit number given; a group's id is
//                                    "<commit>:<number>" (a search needs to know which groups one commit wrote)
//   P:pgh                   hash     group id -> group header (created ms, alert id, kind, count, shared body)
//   P:pgm                   hash     group id -> the group's member index
//   P:pg_ids                zset     group ids by number;     P:pg_time zset of group ids by created_at ms
//   P:cursor:<volunteer>    hash     last (a floor: raised when groups are trimmed; the push groups hold the rest),
//                                    acked, trimmed;         P:cursors set of volunteers with a cursor
//   P:devices               hash     id -> snapshot
//   P:idem                  hash     key -> idempotency record; P:idem_time zset of keys by created_at ms
//   P:cap                   hash     (sender, identifier) -> CAP message record
//   P:outbox                hash     "<peer> <message id>" -> outbox record (federation, until acknowledged)
//   P:outbox_order          zset     the same fields by write order: the score is P:outbox_seq, a counter raised
//                                    once per message added (fields without a score predate it: written earlier)
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

// ARGV: prefix, fence key, fence value, then ten sections, each a row count followed by its rows:
//   alerts (number, id, "1"/"0" active, record), recipient sets (number, set), audit sets (number, record),
//   push groups (created ms, header, members), acks (volunteer, seq), devices (id, snapshot),
//   idempotency keys (key, created ms, record), CAP messages (field, record), outbox puts (field, record),
//   outbox removals (field).
// A commit is a few commands whatever the audience: a set or group is one value. Replies OK, or an error starting
// with CONFLICT (a contradiction: nothing written) or FENCED.
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
local alerts, rsets, asets = section(4), section(2), section(2)
local groups, acks, devices, keys = section(3), section(2), section(2), section(3)
local cap_messages = section(2)
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
for _, r in ipairs(rsets) do redis.call('RPUSH', P .. ':rset:' .. r[1], r[2]) end
for _, a in ipairs(asets) do redis.call('RPUSH', P .. ':aset:' .. a[1], a[2]) end
local batch = 0
if #groups > 0 then batch = redis.call('INCR', P .. ':pg_batch') end
for _, g in ipairs(groups) do
  local n = redis.call('INCR', P .. ':pg_next')
  local id = batch .. ':' .. n
  redis.call('HSET', P .. ':pgh', id, g[2])
  redis.call('HSET', P .. ':pgm', id, g[3])
  redis.call('ZADD', P .. ':pg_ids', n, id)
  redis.call('ZADD', P .. ':pg_time', g[1], id)
end
for _, a in ipairs(acks) do
  local key = P .. ':cursor:' .. a[1]
  if tonumber(a[2]) > tonumber(redis.call('HGET', key, 'acked') or '0') then redis.call('HSET', key, 'acked', a[2]) end
  redis.call('SADD', P .. ':cursors', a[1])
end
for _, d in ipairs(devices) do redis.call('HSET', P .. ':devices', d[1], d[2]) end
for _, k in ipairs(keys) do
  if redis.call('HSETNX', P .. ':idem', k[1], k[3]) == 1 then
    redis.call('ZADD', P .. ':idem_time', k[2], k[1])
  end
end
for _, m in ipairs(cap_messages) do redis.call('HSETNX', P .. ':cap', m[1], m[2]) end
for _, o in ipairs(outbox) do
  if redis.call('HSETNX', P .. ':outbox', o[1], o[2]) == 1 then
    redis.call('ZADD', P .. ':outbox_order', redis.call('INCR', P .. ':outbox_seq'), o[1])
  end
end
for _, o in ipairs(outbox_done) do
  redis.call('HDEL', P .. ':outbox', o[1])
  redis.call('ZREM', P .. ':outbox_order', o[1])
end
return redis.status_reply('OK')
)lua";

// ARGV: prefix, fence key, fence value, then a count and that many push group ids, then a count and that many
// (volunteer, top seq) pairs: the highest seq of each volunteer in those groups, read by the caller just before.
// Raises each volunteer's last (floor) and trimmed seq to its top, then removes the groups. Replies OK.
inline constexpr std::string_view kTrimGroupsBody = R"lua(
local n = tonumber(ARGV[4])
local i = 5
for g = 1, n do
  local id = ARGV[i]; i = i + 1
  redis.call('HDEL', P .. ':pgh', id)
  redis.call('HDEL', P .. ':pgm', id)
  redis.call('ZREM', P .. ':pg_ids', id)
  redis.call('ZREM', P .. ':pg_time', id)
end
local m = tonumber(ARGV[i]); i = i + 1
for p = 1, m do
  local v, seq = ARGV[i], ARGV[i + 1]; i = i + 2
  local key = P .. ':cursor:' .. v
  for _, field in ipairs({'last', 'trimmed'}) do
    if tonumber(seq) > tonumber(redis.call('HGET', key, field) or '0') then redis.call('HSET', key, field, seq) end
  end
  redis.call('SADD', P .. ':cursors', v)
end
return redis.status_reply('OK')
)lua";

// ARGV: prefix, fence key, fence value, keys_before ms, chunk. Removes at most `chunk` idempotency keys created
// strictly before that time. Replies the number removed; the caller repeats while it equals `chunk`, so no single
// script holds Redis (and every other client) for long.
inline constexpr std::string_view kTrimKeysBody = R"lua(
local old_keys = redis.call('ZRANGEBYSCORE', P .. ':idem_time', '-inf', '(' .. ARGV[4], 'LIMIT', 0, ARGV[5])
for _, k in ipairs(old_keys) do
  redis.call('HDEL', P .. ':idem', k)
  redis.call('ZREM', P .. ':idem_time', k)
end
return #old_keys
)lua";

// The texts Redis runs (built once, at start-up).
inline const std::string kApply = with_fence(kApplyBody);
inline const std::string kTrimGroups = with_fence(kTrimGroupsBody);
inline const std::string kTrimKeys = with_fence(kTrimKeysBody);

}  // namespace yihu::store::redis_scripts
