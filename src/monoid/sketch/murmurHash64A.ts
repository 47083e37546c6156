/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit), as Redis hashes HyperLogLog elements:
 * little-endian 8-byte blocks, endian-neutral. Written on 32-bit halves with `Math.imul`, every
 * 64-bit product inlined on locals, so a hash allocates nothing (no BigInt) and V8 keeps it in
 * registers: the result lands in a caller-owned `Hash64`.
 */

/** A 64-bit hash as two unsigned 32-bit halves, reused between calls. */
export interface Hash64 {
  hi: number
  lo: number
}

// m = 0xc6a4a7935bd1e995: its halves, and the low half's 16-bit limbs for the exact high product.
const M_HI = 0xc6a4a793
const M_LO = 0x5bd1e995
const M0 = M_LO & 0xffff
const M1 = M_LO >>> 16

/** High 32 bits of the unsigned product `a · M_LO` (16-bit limbs keep every step below 2^53). */
const mulHi = (a: number): number => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const mid1 = a1 * M0 + ((a0 * M0) >>> 16)
  const mid2 = a0 * M1 + (mid1 & 0xffff)
  return a1 * M1 + (mid1 >>> 16) + (mid2 >>> 16)
}

/**
 * Hashes `data[0, length)` with `seed` (an unsigned 32-bit value) into `out`.
 *
 * @example
 * const out = { hi: 0, lo: 0 }
 * murmurHash64A(new TextEncoder().encode("a"), 1, 0xadc83b19, out)
 */
export const murmurHash64A = (data: Uint8Array, length: number, seed: number, out: Hash64): void => {
  // h = seed ^ (len · m); each "x · m" below is hi' = hi·M_LO + lo·M_HI + mulHi(lo), lo' = lo·M_LO.
  let hHi = (Math.imul(length, M_HI) + mulHi(length)) | 0
  let hLo = Math.imul(length, M_LO) ^ seed
  const blocks = length - (length & 7)
  let i = 0
  for (; i < blocks; i += 8) {
    let kLo = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    let kHi = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)
    // k *= m
    kHi = (Math.imul(kHi, M_LO) + Math.imul(kLo, M_HI) + mulHi(kLo >>> 0)) | 0
    kLo = Math.imul(kLo, M_LO)
    // k ^= k >> 47
    kLo ^= kHi >>> 15
    // k *= m
    kHi = (Math.imul(kHi, M_LO) + Math.imul(kLo, M_HI) + mulHi(kLo >>> 0)) | 0
    kLo = Math.imul(kLo, M_LO)
    // h ^= k; h *= m
    hHi ^= kHi
    hLo ^= kLo
    hHi = (Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI) + mulHi(hLo >>> 0)) | 0
    hLo = Math.imul(hLo, M_LO)
  }
  const tail = length & 7
  if (tail > 0) {
    if (tail >= 7) hHi ^= data[i + 6]! << 16
    if (tail >= 6) hHi ^= data[i + 5]! << 8
    if (tail >= 5) hHi ^= data[i + 4]!
    if (tail >= 4) hLo ^= data[i + 3]! << 24
    if (tail >= 3) hLo ^= data[i + 2]! << 16
    if (tail >= 2) hLo ^= data[i + 1]! << 8
    hLo ^= data[i]!
    hHi = (Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI) + mulHi(hLo >>> 0)) | 0
    hLo = Math.imul(hLo, M_LO)
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  hLo ^= hHi >>> 15
  hHi = (Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI) + mulHi(hLo >>> 0)) | 0
  hLo = Math.imul(hLo, M_LO)
  hLo ^= hHi >>> 15
  out.hi = hHi >>> 0
  out.lo = hLo >>> 0
}
