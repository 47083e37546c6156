/**
 * Every in-memory state service at once (Store, Cache, Deduper, Checkpoints), the Store and the
 * Deduper sharing one claims book, with the instrumentation of each for tests.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import { Cache } from "../Cache.js"
import { Checkpoints } from "../Checkpoints.js"
import { Deduper } from "../Deduper.js"
import { Store } from "../Store.js"
import { makeClaimBook } from "./claims.js"
import * as MemoryCache from "./MemoryCache.js"
import * as MemoryCheckpoints from "./MemoryCheckpoints.js"
import * as MemoryDeduper from "./MemoryDeduper.js"
import * as MemoryStore from "./MemoryStore.js"

/** The memory services of one state, their handles, and a layer providing all four. */
export interface MemoryState {
  readonly store: MemoryStore.MemoryStore
  readonly cache: MemoryCache.MemoryCache
  readonly checkpoints: MemoryCheckpoints.MemoryCheckpoints
  readonly layer: Layer.Layer<Store | Cache | Deduper | Checkpoints>
}

/**
 * A memory state whose handles a test keeps while providing its layer.
 *
 * @example
 * const state = MemoryState.make()
 * program.pipe(Effect.provide(state.layer))
 * state.store.control.commitCalls()
 */
export const make = (): MemoryState => {
  const claims = makeClaimBook()
  const store = MemoryStore.make(claims)
  const cache = MemoryCache.make()
  const checkpoints = MemoryCheckpoints.make()
  const context = Context.make(Store, store.service).pipe(
    Context.add(Cache, cache.service),
    Context.add(Deduper, MemoryDeduper.make(claims)),
    Context.add(Checkpoints, checkpoints.service)
  )
  return { store, cache, checkpoints, layer: Layer.succeedContext(context) }
}

/** Fresh memory Store, Cache, Deduper and Checkpoints (one shared claims book) per layer build. */
export const layer: Layer.Layer<Store | Cache | Deduper | Checkpoints> = Layer.suspend(() => make().layer)
