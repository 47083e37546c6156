/**
 * `bloom(capacity, falsePositiveRate)`: set membership with no false negatives, merged by
 * bitwise OR.
 *
 * Binary format (little-endian), a function of the bits alone:
 * - bytes 0–3 `"MBLM"`, byte 4 format version (1), byte 5 encoding (0 dense, 1 sparse),
 *   bytes 6–7 hash count k (u16), bytes 8–11 bit count m (u32);
 * - dense: ⌈m/8⌉ bytes, bit i in byte ⌊i/8⌋ at position i mod 8 (least significant first);
 * - sparse: the set bits' positions as ascending deltas (the first from 0), each a LEB128
 *   varint; written whenever shorter than dense, so a filter holding few elements costs a few
 *   bytes per element instead of the whole bit array in every row write.
 *
 * Element i's bit positions are (h1 + j·h2) mod m for j < k (Kirsch–Mitzenmacher), where h1 and
 * h2 are the low and high halves of MurmurHash64A of the element's UTF-8 bytes, seed 0x9747b28c.
 */
import { InvalidConfig } from "../../errors.js"
import type { Monoid } from "../Monoid.js"
import { dynamoItemLimitBytes } from "../budget.js"
import { Utf8Scratch } from "../bytes.js"
import { MalformedValue } from "../MalformedValue.js"
import { type Hash64, murmurHash64A } from "./murmurHash64A.js"

/** A Bloom filter's set bits: sorted positions while few, the bit array once many. Treat as immutable. */
export interface Bloom {
  readonly _tag: "Bloom"
  readonly bits: number
  readonly hashes: number
  readonly sparse: Uint32Array | undefined
  readonly dense: Uint8Array | undefined
}

const SEED = 0x9747b28c
const HEADER_BYTES = 12
const VERSION = 1

/** The optimal shape for `capacity` elements at `rate`: m = −n·ln p / ln²2 bits, k = m/n·ln 2 hashes. */
export const bloomShape = (capacity: number, rate: number): { readonly bits: number; readonly hashes: number } => {
  const bits = Math.ceil((-capacity * Math.log(rate)) / (Math.LN2 * Math.LN2))
  return { bits, hashes: Math.max(1, Math.round((bits / capacity) * Math.LN2)) }
}

// Sparse while the positions take less memory than the bit array (4 bytes each against m/8).
const sparseLimit = (bits: number) => bits >>> 5

const make = (bits: number, hashes: number, positions: Uint32Array): Bloom => {
  if (positions.length <= sparseLimit(bits)) return { _tag: "Bloom", bits, hashes, sparse: positions, dense: undefined }
  const dense = new Uint8Array(Math.ceil(bits / 8))
  for (const p of positions) dense[p >>> 3]! |= 1 << (p & 7)
  return { _tag: "Bloom", bits, hashes, sparse: undefined, dense }
}

const popCount = (bytes: Uint8Array): number => {
  let n = 0
  for (let b of bytes) {
    while (b !== 0) {
      b &= b - 1
      n++
    }
  }
  return n
}

const fromDense = (bits: number, hashes: number, dense: Uint8Array): Bloom => {
  if (popCount(dense) > sparseLimit(bits)) return { _tag: "Bloom", bits, hashes, sparse: undefined, dense }
  const positions: Array<number> = []
  for (let i = 0; i < bits; i++) if ((dense[i >>> 3]! >>> (i & 7)) & 1) positions.push(i)
  return { _tag: "Bloom", bits, hashes, sparse: Uint32Array.from(positions), dense: undefined }
}

const union = (left: Bloom, right: Bloom): Bloom => {
  if (left.sparse?.length === 0) return right
  if (right.sparse?.length === 0) return left
  if (left.dense !== undefined || right.dense !== undefined) {
    const dense = Uint8Array.from((left.dense ?? right.dense)!)
    const other = left.dense !== undefined ? right : left
    if (other.dense !== undefined) for (let i = 0; i < dense.length; i++) dense[i]! |= other.dense[i]!
    else for (const p of other.sparse!) dense[p >>> 3]! |= 1 << (p & 7)
    return { ...left, sparse: undefined, dense }
  }
  const l = left.sparse!
  const r = right.sparse!
  const out = new Uint32Array(l.length + r.length)
  let i = 0
  let j = 0
  let n = 0
  while (i < l.length || j < r.length) {
    const a = i < l.length ? l[i]! : Infinity
    const b = j < r.length ? r[j]! : Infinity
    out[n++] = Math.min(a, b)
    if (a <= b) i++
    if (b <= a) j++
  }
  return make(left.bits, left.hashes, out.slice(0, n))
}

const hasBit = (value: Bloom, position: number): boolean => {
  if (value.dense !== undefined) return ((value.dense[position >>> 3]! >>> (position & 7)) & 1) === 1
  const sparse = value.sparse!
  let lo = 0
  let hi = sparse.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sparse[mid]! < position) lo = mid + 1
    else hi = mid
  }
  return sparse[lo] === position
}

const scratch = new Utf8Scratch()
const hash: Hash64 = { hi: 0, lo: 0 }

/** Calls `visit` with each of the element's k bit positions. */
const positionsOf = (element: string, bits: number, hashes: number, visit: (position: number) => void): void => {
  const length = scratch.encode(element)
  murmurHash64A(scratch.bytes, length, SEED, hash)
  for (let j = 0; j < hashes; j++) visit((hash.lo + j * hash.hi) % bits)
}

/**
 * Whether the filter may contain `element`: `false` is certain, `true` is wrong with about the
 * filter's false-positive rate (at its capacity).
 *
 * @example
 * const seen = bloom()
 * bloomContains(seen.of("alice"), "alice") // true
 */
export const bloomContains = (value: Bloom, element: string): boolean => {
  let all = true
  positionsOf(element, value.bits, value.hashes, (p) => {
    if (all && !hasBit(value, p)) all = false
  })
  return all
}

const encode = (value: Bloom): Uint8Array => {
  const positions = value.sparse
  const sparseBytes: Array<number> = []
  if (positions !== undefined) {
    let previous = 0
    for (const p of positions) {
      let delta = p - previous
      previous = p
      while (delta >= 0x80) {
        sparseBytes.push((delta & 0x7f) | 0x80)
        delta >>>= 7
      }
      sparseBytes.push(delta)
    }
  }
  const denseLength = Math.ceil(value.bits / 8)
  const sparse = positions !== undefined && sparseBytes.length < denseLength
  const out = new Uint8Array(HEADER_BYTES + (sparse ? sparseBytes.length : denseLength))
  out.set([0x4d, 0x42, 0x4c, 0x4d, VERSION, sparse ? 1 : 0])
  const view = new DataView(out.buffer)
  view.setUint16(6, value.hashes, true)
  view.setUint32(8, value.bits, true)
  if (sparse) out.set(sparseBytes, HEADER_BYTES)
  else if (value.dense !== undefined) out.set(value.dense, HEADER_BYTES)
  else for (const p of positions!) out[HEADER_BYTES + (p >>> 3)]! |= 1 << (p & 7)
  return out
}

const decodeWith = (name: string, bits: number, hashes: number) => (bytes: Uint8Array): Bloom => {
  const fail = (message: string) => new MalformedValue({ monoid: name, message })
  if (bytes.length < HEADER_BYTES || bytes[0] !== 0x4d || bytes[1] !== 0x42 || bytes[2] !== 0x4c || bytes[3] !== 0x4d) {
    throw fail("not a Bloom filter (no MBLM header)")
  }
  if (bytes[4] !== VERSION) throw fail(`unknown Bloom format version ${bytes[4]}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint16(6, true) !== hashes || view.getUint32(8, true) !== bits) {
    throw fail(`filter of ${view.getUint32(8, true)} bits and ${view.getUint16(6, true)} hashes; ${name} has ${bits} and ${hashes}`)
  }
  if (bytes[5] === 0) {
    if (bytes.length !== HEADER_BYTES + Math.ceil(bits / 8)) throw fail(`dense filter of ${bytes.length} bytes`)
    return fromDense(bits, hashes, bytes.slice(HEADER_BYTES))
  }
  if (bytes[5] !== 1) throw fail(`unknown Bloom encoding ${bytes[5]}`)
  const positions: Array<number> = []
  let position = 0
  for (let at = HEADER_BYTES; at < bytes.length;) {
    let delta = 0
    let shift = 0
    let byte: number
    do {
      if (at >= bytes.length || shift > 28) throw fail("truncated varint")
      byte = bytes[at++]!
      delta += (byte & 0x7f) * 2 ** shift
      shift += 7
    } while (byte & 0x80)
    position += delta
    if (position >= bits || (positions.length > 0 && delta === 0)) throw fail("bit positions out of range or order")
    positions.push(position)
  }
  return make(bits, hashes, Uint32Array.from(positions))
}

/** The Bloom monoid, with helpers to build and read its values. */
export interface BloomMonoid extends Monoid<Bloom> {
  readonly bits: number
  readonly hashes: number
  /** A filter holding these elements: a value extractor's delta. */
  readonly of: (...elements: ReadonlyArray<string>) => Bloom
}

/**
 * A Bloom filter sized for `capacity` elements at `falsePositiveRate` (default 100,000 at 1 %:
 * 958,506 bits, 7 hashes, 119,826 bytes dense). Sparse while few bits are set. Merging is a
 * bitwise OR: lawful, commutative, idempotent. Read with `bloomContains`.
 *
 * @throws InvalidConfig when capacity is not a positive integer or the rate is not in (0, 1).
 * @example
 * const seen = bloom(10_000, 0.01)
 * bloomContains(seen.combine(seen.of("a"), seen.of("b")), "b") // true
 */
export const bloom = (capacity = 100_000, falsePositiveRate = 0.01): BloomMonoid => {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new InvalidConfig({ field: "capacity", message: `bloom capacity must be a positive integer, got ${capacity}` })
  }
  if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
    throw new InvalidConfig({ field: "falsePositiveRate", message: `bloom falsePositiveRate must be in (0, 1), got ${falsePositiveRate}` })
  }
  const { bits, hashes } = bloomShape(capacity, falsePositiveRate)
  if (HEADER_BYTES + bits / 8 > dynamoItemLimitBytes) {
    throw new InvalidConfig({ field: "capacity", message: `a bloom of ${bits} bits does not fit in a 400 KB row` })
  }
  const name = `bloom(${capacity}, ${falsePositiveRate})`
  return {
    kind: "bloom",
    name,
    bits,
    hashes,
    empty: { _tag: "Bloom", bits, hashes, sparse: new Uint32Array(0), dense: undefined },
    combine: union,
    commutative: true,
    additive: true,
    nativeAdd: false,
    equals: (left, right) => {
      const l = left.sparse ?? left.dense!
      const r = right.sparse ?? right.dense!
      return (left.sparse === undefined) === (right.sparse === undefined) && l.length === r.length && l.every((x, i) => x === r[i])
    },
    codec: { storage: "binary", encode, decode: decodeWith(name, bits, hashes) },
    maxEncodedBytes: HEADER_BYTES + Math.ceil(bits / 8),
    of: (...elements) => {
      const positions: Array<number> = []
      for (const element of elements) positionsOf(element, bits, hashes, (p) => positions.push(p))
      const sorted = Uint32Array.from(new Set(positions)).sort()
      return make(bits, hashes, sorted)
    }
  }
}
