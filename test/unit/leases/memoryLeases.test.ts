import { describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MemoryLeases } from "../../../src/state/memory/index.js"
import { type LeaseTable, oldOwnersAreFenced, takesAreConditional } from "./leaseContract.js"

const table = (): LeaseTable => {
  const leases = MemoryLeases.make()
  return { service: leases.service, row: (shardId) => Effect.sync(() => leases.rows("views", "clicks").get(shardId)) }
}

describe("MemoryLeases (the conditions every lease layer keeps)", () => {
  it.effect("take is conditional on the row as observed; the counter rises on every take", () =>
    takesAreConditional(table(), "shardId-000000000000"))

  it.effect("the old owner can neither renew, release nor checkpoint after a take", () =>
    oldOwnersAreFenced(table(), "shardId-000000000000"))
})
