import { createHash } from "node:crypto"
import { fitsKey } from "../../record/index.js"

/**
 * The `pk` a claim is stored under: the claim id itself, or, when it is longer than a partition
 * key may be (a long entity plus pipeline and event id), its first 400 characters plus a
 * SHA-256 of the whole id, so distinct ids stay distinct.
 */
export const claimKey = (id: string): string =>
  fitsKey(id)
    ? id
    : `${id.slice(0, 400)}#sha256:${createHash("sha256").update(id, "utf8").digest("hex")}`
