/**
 * Test hooks, for your own tests of code built on Murmur (entry `murmur-ts/testing`): fault plans
 * the in-memory services obey (`MemoryStore.make().control.commitFaults`,
 * `MemoryCache.make().control.mergeFaults`), and claim books to share one set of dedup claims
 * between a memory store and a memory deduper. Not needed in production code.
 *
 * @example
 * import { MemoryStore } from "murmur-ts"
 * const store = MemoryStore.make()
 * store.control.commitFaults.failCall(2, { phase: "after" }) // the 2nd commit applies, then fails
 */
export { type ClaimBook, makeClaimBook } from "./state/memory/claims.js"
export { type Fault, type FaultHook, FaultPlan } from "./state/memory/faults.js"
