/**
 * In-memory state layers: each module has `make()` (the service plus a `control` for tests)
 * and `layer`. Fault plans and claim books for tests are in `murmur-ts/testing`.
 */
export * as MemoryCache from "./MemoryCache.js"
export * as MemoryCheckpoints from "./MemoryCheckpoints.js"
export * as MemoryDeduper from "./MemoryDeduper.js"
export * as MemoryLeases from "./MemoryLeases.js"
export * as MemoryState from "./MemoryState.js"
export * as MemoryStore from "./MemoryStore.js"
