/**
 * Compare-and-set of a few cached blocks of one entity (one hash slot), atomically: Lua runs
 * alone on the server. KEYS are the blocks; ARGV[1] is the row's expiry in epoch ms (0 = none),
 * then per key an action ("s" set, "d" delete), the value read before (compared byte for byte) and
 * the new value. Returns 1 when applied, 0 when a block changed or vanished since it was read (the
 * caller reads again). A set keeps the block's expiry, lowered to the row's when that is earlier.
 */
export const mergeScript = `
local rowExpiry = tonumber(ARGV[1])
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[3 * i] then return 0 end
end
for i = 1, #KEYS do
  if ARGV[3 * i - 1] == 'd' then
    redis.call('DEL', KEYS[i])
  else
    redis.call('SET', KEYS[i], ARGV[3 * i + 1], 'KEEPTTL')
    if rowExpiry > 0 then
      local expiry = redis.call('PEXPIRETIME', KEYS[i])
      if expiry < 0 or expiry > rowExpiry then redis.call('PEXPIREAT', KEYS[i], rowExpiry) end
    end
  end
end
return 1
`
