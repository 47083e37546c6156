/**
 * `murmur-ts/redis`: a Redis / Valkey read-through cache for queries (see docs/cache.md).
 *
 * @example
 * import { RedisCache } from "murmur-ts/redis"
 * const cache = RedisCache.layer({ url: "redis://127.0.0.1:6379" })
 */
export * as RedisCache from "./RedisCache.js"
export type { RedisCacheLayerOptions, RedisCacheOptions, RedisClient } from "./RedisCache.js"
export { blockKey } from "./keys.js"
export { decodeCached, encodeCached } from "./encoding.js"
