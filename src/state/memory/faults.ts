import { StoreError } from "../../errors.js"

/**
 * A fault a test injects into a memory service call. `before`: the call fails and changes nothing.
 * `after`: the write is applied, then the call fails (an unknown outcome, like a lost response).
 */
export interface Fault {
  readonly phase: "before" | "after"
  /** Default true: the processor retries it. */
  readonly transient?: boolean
  readonly message?: string
}

/** Decides, per call (1-based, counted since creation), whether to inject a fault. */
export type FaultHook<R> = (call: number, request: R) => Fault | undefined

/** A per-call fault plan: faults pinned to call numbers, plus an optional hook. */
export class FaultPlan<R> {
  private readonly pinned = new Map<number, Fault>()
  private hook: FaultHook<R> | undefined = undefined

  /** Injects `fault` on the `call`-th call. */
  failCall(call: number, fault: Fault): void {
    this.pinned.set(call, fault)
  }

  /** Replaces the hook (`undefined` removes it). */
  setHook(hook: FaultHook<R> | undefined): void {
    this.hook = hook
  }

  /** Removes every pinned fault and the hook. */
  clear(): void {
    this.pinned.clear()
    this.hook = undefined
  }

  faultFor(call: number, request: R): Fault | undefined {
    const pinned = this.pinned.get(call)
    if (pinned !== undefined) return pinned
    return this.hook === undefined ? undefined : this.hook(call, request)
  }
}

/** The error a fault raises. */
export const faultError = (operation: string, call: number, fault: Fault): StoreError =>
  new StoreError({
    operation,
    transient: fault.transient ?? true,
    message: fault.message ?? `injected ${fault.phase}-write fault on ${operation} call ${call}`
  })
