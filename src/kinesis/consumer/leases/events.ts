/** What happened to a lease, as this worker saw it (logs, tests, dashboards). */
export type LeaseEvent =
  | {
    readonly _tag: "LeaseTaken"
    readonly workerId: string
    readonly shardId: string
    readonly counter: number
    /**
     * `new`: no row yet; `released`: given up by its last owner; `expired`: its owner stopped
     * renewing; `stolen`: taken from a live owner to balance; `recovered`: the row already named
     * this worker (a take whose reply was lost).
     */
    readonly reason: "new" | "released" | "expired" | "stolen" | "recovered"
    /** The previous owner, when there was one. */
    readonly from: string | undefined
  }
  | {
    readonly _tag: "LeaseLost"
    readonly workerId: string
    readonly shardId: string
    /** The new owner, when known; `undefined` when our lease expired while renewals failed. */
    readonly holder: string | undefined
  }
  | {
    readonly _tag: "LeaseReleased"
    readonly workerId: string
    readonly shardId: string
    /** `finished`: the shard was read to its end; `shutdown`: the worker is stopping. */
    readonly reason: "finished" | "shutdown"
  }
