import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Runtime from "effect/Runtime"
/**
 * One `ManagedRuntime` per container: built at the first invocation, reused by the next ones.
 * `ManagedRuntime` remembers a failed build, so after a failure this drops it and the next
 * invocation builds afresh (the store may have been unreachable only for a moment).
 */
export interface LazyRuntime<R> {
  /** The built runtime; rejects with the build's cause when building fails. */
  readonly get: () => Promise<Runtime.Runtime<R>>
  readonly dispose: () => Promise<void>
}

/** Makes a lazy runtime over a layer (the layer is not built until `get` is called). */
export const lazyRuntime = <R>(layer: () => Layer.Layer<R, unknown>): LazyRuntime<R> => {
  let current: ManagedRuntime.ManagedRuntime<R, unknown> | undefined
  let built: Promise<Runtime.Runtime<R>> | undefined
  return {
    get: () => {
      if (built !== undefined) return built
      const managed = ManagedRuntime.make(layer())
      current = managed
      built = managed.runtime().catch(async (error: unknown) => {
        if (current === managed) {
          current = undefined
          built = undefined
        }
        await managed.dispose().catch(() => undefined)
        throw error
      })
      return built
    },
    dispose: async () => {
      const managed = current
      current = undefined
      built = undefined
      if (managed !== undefined) await managed.dispose()
    }
  }
}
