/**
 * HyperLogLog registers in memory. A value keeps its set registers as a sorted list while few
 * (`index << 6 | rank`, 4 bytes each) and one byte per register once more than m/16 are set, so
 * a one-element delta costs a few bytes, not 16 KB. The form is a function of the contents,
 * so equal sketches have equal forms.
 */
import { type Hash64, murmurHash64A } from "./murmurHash64A.js"
import { maxRegisters } from "./registerMax.js"

/** A HyperLogLog sketch: `2^precision` registers; treat it as immutable. */
export interface Hll {
  readonly _tag: "Hll"
  readonly precision: number
  /** The set registers, while few: sorted `index << 6 | rank`. */
  readonly sparse: Uint32Array | undefined
  /** One byte per register, once more than m/16 are set. */
  readonly dense: Uint8Array | undefined
}

/** The seed Redis hashes HyperLogLog elements with. */
export const REDIS_HLL_SEED = 0xadc83b19

export const registerCount = (precision: number): number => 1 << precision

const sparseLimit = (precision: number): number => registerCount(precision) >> 4

export const emptyHll = (precision: number): Hll => ({ _tag: "Hll", precision, sparse: new Uint32Array(0), dense: undefined })

/** A sketch from sorted, unique-index entries (the array is kept, not copied). */
export const fromEntries = (precision: number, entries: Uint32Array): Hll => {
  if (entries.length <= sparseLimit(precision)) return { _tag: "Hll", precision, sparse: entries, dense: undefined }
  const dense = new Uint8Array(registerCount(precision))
  for (const entry of entries) dense[entry >>> 6] = entry & 63
  return { _tag: "Hll", precision, sparse: undefined, dense }
}

/** A sketch from one byte per register (the array is kept, not copied). */
export const fromRegisters = (precision: number, registers: Uint8Array): Hll => {
  let set = 0
  for (let i = 0; i < registers.length; i++) if (registers[i] !== 0) set++
  if (set > sparseLimit(precision)) return { _tag: "Hll", precision, sparse: undefined, dense: registers }
  const entries = new Uint32Array(set)
  let n = 0
  for (let i = 0; i < registers.length; i++) {
    const rank = registers[i]!
    if (rank !== 0) entries[n++] = (i << 6) | rank
  }
  return { _tag: "Hll", precision, sparse: entries, dense: undefined }
}

/** Whether a sketch has no register set. */
export const isEmptyHll = (value: Hll): boolean => value.sparse !== undefined && value.sparse.length === 0

const trailingZeros = (x: number): number => 31 - Math.clz32(x & -x)

/**
 * Hashes `bytes[0, length)` to `index << 6 | rank` as Redis does: the low `precision` bits pick
 * the register, the rank is one plus the count of trailing zeros of the rest (capped at 64 − p).
 */
export const hashToEntry = (bytes: Uint8Array, length: number, precision: number, hash: Hash64): number => {
  murmurHash64A(bytes, length, REDIS_HLL_SEED, hash)
  const index = hash.lo & (registerCount(precision) - 1)
  const restLo = ((hash.lo >>> precision) | (hash.hi << (32 - precision))) >>> 0
  // The bit set at 64 − p ends the count there, as Redis does.
  const rank = restLo !== 0 ? trailingZeros(restLo) + 1 : trailingZeros((hash.hi >>> precision) | (1 << (32 - precision))) + 33
  return (index << 6) | rank
}

/** Sorts entries by index and keeps the largest rank per index. */
export const normalizeEntries = (entries: Uint32Array): Uint32Array => {
  entries.sort()
  let n = 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    // Sorted ascending, so a later entry with the same index has a larger or equal rank.
    if (n > 0 && entries[n - 1]! >>> 6 === entry >>> 6) entries[n - 1] = entry
    else entries[n++] = entry
  }
  return n === entries.length ? entries : entries.slice(0, n)
}

const mergeSparse = (precision: number, left: Uint32Array, right: Uint32Array): Hll => {
  const out = new Uint32Array(left.length + right.length)
  let i = 0
  let j = 0
  let n = 0
  while (i < left.length && j < right.length) {
    const l = left[i]!
    const r = right[j]!
    const li = l >>> 6
    const ri = r >>> 6
    if (li < ri) {
      out[n++] = l
      i++
    } else if (ri < li) {
      out[n++] = r
      j++
    } else {
      out[n++] = l > r ? l : r
      i++
      j++
    }
  }
  while (i < left.length) out[n++] = left[i++]!
  while (j < right.length) out[n++] = right[j++]!
  return fromEntries(precision, n === out.length ? out : out.slice(0, n))
}

/** The register-wise max of two sketches of the same precision. */
export const mergeHll = (left: Hll, right: Hll): Hll => {
  if (isEmptyHll(left)) return right
  if (isEmptyHll(right)) return left
  if (left.sparse !== undefined && right.sparse !== undefined) return mergeSparse(left.precision, left.sparse, right.sparse)
  if (left.dense !== undefined && right.dense !== undefined) {
    return { _tag: "Hll", precision: left.precision, sparse: undefined, dense: maxRegisters(left.dense, right.dense) }
  }
  const dense = Uint8Array.from((left.dense ?? right.dense)!)
  for (const entry of (left.sparse ?? right.sparse)!) {
    const index = entry >>> 6
    const rank = entry & 63
    if (rank > dense[index]!) dense[index] = rank
  }
  return { _tag: "Hll", precision: left.precision, sparse: undefined, dense }
}

/** `histogram[r]` = how many registers hold `r`. */
export const histogramOf = (value: Hll): Int32Array => {
  const histogram = new Int32Array(64)
  if (value.sparse !== undefined) {
    histogram[0] = registerCount(value.precision) - value.sparse.length
    for (const entry of value.sparse) histogram[entry & 63]!++
  } else {
    for (const rank of value.dense!) histogram[rank]!++
  }
  return histogram
}

/** Calls `visit(index, rank)` for every set register, in index order. */
export const forEachSet = (value: Hll, visit: (index: number, rank: number) => void): void => {
  if (value.sparse !== undefined) {
    for (const entry of value.sparse) visit(entry >>> 6, entry & 63)
    return
  }
  const dense = value.dense!
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) visit(i, dense[i]!)
}

export const equalHll = (left: Hll, right: Hll): boolean => {
  if (left.precision !== right.precision) return false
  const l = left.sparse ?? left.dense!
  const r = right.sparse ?? right.dense!
  if ((left.sparse === undefined) !== (right.sparse === undefined) || l.length !== r.length) return false
  for (let i = 0; i < l.length; i++) if (l[i] !== r[i]) return false
  return true
}
