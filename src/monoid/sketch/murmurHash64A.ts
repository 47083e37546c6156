/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit), as Redis hashes HyperLogLog elements:
 * little-endian 8-byte blocks, endian-neutral. Written on 32-bit halves with `Math.imul` so a
 * hash allocates nothing (no BigInt): the result lands in a caller-owned `Hash64`.
 */

/** A 64-bit hash as two unsigned 32-bit halves, reused between calls. */
export interface Hash64 {
  hi: number
  lo: number
}

// m = 0xc6a4a7935bd1e995, split into halves and the low half into 16-bit limbs.
const M_HI = 0xc6a4a793
const M_LO = 0x5bd1e995
const M_LO_0 = M_LO & 0xffff
const M_LO_1 = M_LO >>> 16

/** High 32 bits of the unsigned 64-bit product `a · M_LO` (16-bit limbs keep every step exact). */
const mulHiMLo = (a: number): number => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const low = a0 * M_LO_0
  const mid1 = a1 * M_LO_0 + (low >>> 16)
  const mid2 = a0 * M_LO_1 + (mid1 & 0xffff)
  return a1 * M_LO_1 + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536)
}

let kHi = 0
let kLo = 0

/** (kHi, kLo) ← (kHi, kLo) · m mod 2^64. */
const mulM = (): void => {
  const lo = kLo
  kHi = (Math.imul(kHi, M_LO) + Math.imul(lo, M_HI) + mulHiMLo(lo)) >>> 0
  kLo = Math.imul(lo, M_LO) >>> 0
}

/** (kHi, kLo) ← k ^ (k >> 47): only the top 17 bits move, into the low half. */
const xorShift47 = (): void => {
  kLo = (kLo ^ (kHi >>> 15)) >>> 0
}

/**
 * Hashes `data[0, length)` with `seed` (an unsigned 32-bit value) into `out`.
 *
 * @example
 * const out = { hi: 0, lo: 0 }
 * murmurHash64A(new TextEncoder().encode("a"), 1, 0xadc83b19, out)
 */
export const murmurHash64A = (data: Uint8Array, length: number, seed: number, out: Hash64): void => {
  // h = seed ^ (len · m)
  kHi = 0
  kLo = length >>> 0
  mulM()
  let hHi = kHi
  let hLo = (kLo ^ seed) >>> 0
  const blocks = length - (length & 7)
  let i = 0
  for (; i < blocks; i += 8) {
    kLo = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0
    kHi = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0
    mulM()
    xorShift47()
    mulM()
    // h ^= k; h *= m
    kHi = (kHi ^ hHi) >>> 0
    kLo = (kLo ^ hLo) >>> 0
    mulM()
    hHi = kHi
    hLo = kLo
  }
  const tail = length & 7
  if (tail > 0) {
    let tHi = 0
    let tLo = 0
    if (tail >= 7) tHi ^= data[i + 6]! << 16
    if (tail >= 6) tHi ^= data[i + 5]! << 8
    if (tail >= 5) tHi ^= data[i + 4]!
    if (tail >= 4) tLo ^= data[i + 3]! << 24
    if (tail >= 3) tLo ^= data[i + 2]! << 16
    if (tail >= 2) tLo ^= data[i + 1]! << 8
    tLo ^= data[i]!
    kHi = (hHi ^ tHi) >>> 0
    kLo = (hLo ^ tLo) >>> 0
    mulM()
  } else {
    kHi = hHi
    kLo = hLo
  }
  xorShift47()
  mulM()
  xorShift47()
  out.hi = kHi
  out.lo = kLo
}
