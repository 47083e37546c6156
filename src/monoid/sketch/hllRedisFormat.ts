/**
 * Redis's HyperLogLog string (what PFADD, PFCOUNT and PFMERGE work on), read from the layout
 * described in Redis's `src/hyperloglog.c`:
 *
 * - 16-byte header: `"HYLL"`, one encoding byte (0 dense, 1 sparse), three zero bytes, and a
 *   cached cardinality (u64 LE) whose top bit marks it stale.
 * - dense: 6-bit registers packed LSB-first, 12,288 bytes at precision 14.
 * - sparse: run-length opcodes `00xxxxxx` (ZERO: 1–64 zero registers), `01xxxxxx yyyyyyyy`
 *   (XZERO: 1–16384 zero registers) and `1vvvvvxx` (VAL: 1–4 registers of value 1–32).
 *
 * We write a canonical form, a function of the registers alone, so exactly-once can be checked
 * byte for byte: sparse (ZERO for runs up to 64, XZERO above, VAL runs of up to 4) while every
 * register is ≤ 32 and the string stays within Redis's default `hll-sparse-max-bytes` (3000),
 * dense otherwise; the cached cardinality is always marked stale, so PFCOUNT computes it. We read
 * any valid opcode sequence Redis writes.
 */
import { MalformedValue } from "../MalformedValue.js"
import { forEachSet, fromEntries, fromRegisters, type Hll, registerCount } from "./hllRegisters.js"

export const HEADER_BYTES = 16
const DENSE = 0
const SPARSE = 1
/** Redis's default `hll-sparse-max-bytes`: past it Redis itself turns a sketch dense. */
export const SPARSE_MAX_BYTES = 3000
const VAL_MAX_VALUE = 32
const VAL_MAX_RUN = 4
const ZERO_MAX_RUN = 64
const XZERO_MAX_RUN = 16384

/** Dense string size: 16-byte header plus 6 bits per register (12,304 bytes at precision 14). */
export const denseBytes = (precision: number): number => HEADER_BYTES + (registerCount(precision) * 6) / 8

const header = (length: number, encoding: number): Uint8Array => {
  const out = new Uint8Array(length)
  out.set([0x48, 0x59, 0x4c, 0x4c, encoding]) // "HYLL"
  out[15] = 0x80 // cached cardinality stale
  return out
}

/** Sparse opcodes for the registers, or `undefined` when the sketch must be dense. */
const sparseOpcodes = (value: Hll): Array<number> | undefined => {
  const ops: Array<number> = []
  let runValue = 0
  let runLength = 0
  let tooBig = false
  const flush = () => {
    let left = runLength
    while (left > 0) {
      if (runValue === 0) {
        const n = Math.min(left, XZERO_MAX_RUN)
        if (n > ZERO_MAX_RUN) ops.push(0x40 | ((n - 1) >> 8), (n - 1) & 0xff)
        else ops.push(n - 1)
        left -= n
      } else {
        const n = Math.min(left, VAL_MAX_RUN)
        ops.push(0x80 | ((runValue - 1) << 2) | (n - 1))
        left -= n
      }
    }
  }
  const push = (rank: number, length: number) => {
    if (rank === runValue) {
      runLength += length
      return
    }
    flush()
    runValue = rank
    runLength = length
  }
  let next = 0
  forEachSet(value, (index, rank) => {
    if (rank > VAL_MAX_VALUE) tooBig = true
    if (index > next) push(0, index - next)
    push(rank, 1)
    next = index + 1
  })
  if (tooBig) return undefined
  push(0, registerCount(value.precision) - next)
  flush()
  return HEADER_BYTES + ops.length <= SPARSE_MAX_BYTES ? ops : undefined
}

const denseString = (value: Hll): Uint8Array => {
  const m = registerCount(value.precision)
  const out = header(denseBytes(value.precision), DENSE)
  const registers = value.dense ?? new Uint8Array(m)
  if (value.sparse !== undefined) for (const entry of value.sparse) registers[entry >>> 6] = entry & 63
  // Four 6-bit registers fill three bytes, least significant bits first.
  for (let i = 0, at = HEADER_BYTES; i < m; i += 4, at += 3) {
    const bits = registers[i]! | (registers[i + 1]! << 6) | (registers[i + 2]! << 12) | (registers[i + 3]! << 18)
    out[at] = bits & 0xff
    out[at + 1] = (bits >>> 8) & 0xff
    out[at + 2] = bits >>> 16
  }
  return out
}

/** The canonical Redis string of a sketch. */
export const encodeRedisHll = (value: Hll): Uint8Array => {
  const ops = sparseOpcodes(value)
  if (ops === undefined) return denseString(value)
  const out = header(HEADER_BYTES + ops.length, SPARSE)
  out.set(ops, HEADER_BYTES)
  return out
}

/** Reads a Redis HyperLogLog string (dense or any valid sparse form) at `precision`. */
export const decodeRedisHll = (bytes: Uint8Array, precision: number, monoid: string): Hll => {
  const fail = (message: string) => new MalformedValue({ monoid, message })
  if (bytes.length < HEADER_BYTES || bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) {
    throw fail("not a HyperLogLog string (no HYLL header)")
  }
  const m = registerCount(precision)
  if (bytes[4] === DENSE) {
    if (bytes.length !== denseBytes(precision)) {
      throw fail(`dense HyperLogLog of ${bytes.length} bytes; precision ${precision} needs ${denseBytes(precision)}`)
    }
    const registers = new Uint8Array(m)
    for (let i = 0, at = HEADER_BYTES; i < m; i += 4, at += 3) {
      const bits = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)
      registers[i] = bits & 63
      registers[i + 1] = (bits >>> 6) & 63
      registers[i + 2] = (bits >>> 12) & 63
      registers[i + 3] = bits >>> 18
    }
    return fromRegisters(precision, registers)
  }
  if (bytes[4] !== SPARSE) throw fail(`unknown HyperLogLog encoding ${bytes[4]}`)
  const entries: Array<number> = []
  let index = 0
  for (let at = HEADER_BYTES; at < bytes.length; at++) {
    const op = bytes[at]!
    if ((op & 0xc0) === 0) {
      index += (op & 0x3f) + 1
    } else if ((op & 0xc0) === 0x40) {
      if (at + 1 >= bytes.length) throw fail("truncated XZERO opcode")
      index += (((op & 0x3f) << 8) | bytes[++at]!) + 1
    } else {
      const run = (op & 3) + 1
      const rank = ((op >> 2) & 0x1f) + 1
      if (index + run > m) break
      for (let k = 0; k < run; k++) entries.push(((index + k) << 6) | rank)
      index += run
    }
  }
  if (index !== m) throw fail(`sparse HyperLogLog covers ${index} registers; precision ${precision} has ${m}`)
  return fromEntries(precision, Uint32Array.from(entries))
}
