/**
 * The bytewise max of two HyperLogLog register arrays, the whole cost of merging dense sketches.
 * WebAssembly's `i8x16.max_u` takes 16 registers per instruction: with the copies in and out a
 * 16,384-register merge takes 4.4–5.4 µs in bench/sketch.bench.ts, against about 15.7 µs for the
 * best JavaScript loop, whose time goes on the 4,096 word steps. Where WebAssembly SIMD is
 * missing, the word loop runs instead.
 */

/**
 * One function, `max(n)`: for i in [0, n) step 16, `mem[i..i+16) = max_u(mem[i..i+16), mem[n+i..n+i+16))`,
 * written out as bytes because it is all the module there is (no build step for 95 bytes).
 *
 * ```wat
 * (module
 *   (memory (export "memory") 1)
 *   (func (export "max") (param $n i32) (local $i i32)
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
 *       (v128.store (local.get $i)
 *         (i8x16.max_u (v128.load (local.get $i)) (v128.load (i32.add (local.get $i) (local.get $n)))))
 *       (local.set $i (i32.add (local.get $i) (i32.const 16)))
 *       (br 0)))))
 * ```
 */
const MAX_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00, // types: (i32) -> ()
  0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: one, at least one 64 KiB page
  0x07, 0x10, 0x02, // exports: two
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // "memory" = memory 0
  0x03, 0x6d, 0x61, 0x78, 0x00, 0x00, // "max" = function 0
  0x0a, 0x33, 0x01, 0x31, // code: one body of 49 bytes
  0x01, 0x01, 0x7f, // one i32 local ($i)
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, // br_if 1 (i >= n)
  0x20, 0x01, // store address: i
  0x20, 0x01, 0xfd, 0x00, 0x04, 0x00, // v128.load [i]
  0x20, 0x01, 0x20, 0x00, 0x6a, 0xfd, 0x00, 0x04, 0x00, // v128.load [i + n]
  0xfd, 0x79, // i8x16.max_u
  0xfd, 0x0b, 0x04, 0x00, // v128.store
  0x20, 0x01, 0x41, 0x10, 0x6a, 0x21, 0x01, // i += 16
  0x0c, 0x00, // br 0
  0x0b, 0x0b, 0x0b // end loop, block, function
])

interface SimdMax {
  readonly memory: WebAssembly.Memory
  readonly max: (n: number) => void
}

const PAGE = 65536

const instantiate = (): SimdMax | undefined => {
  try {
    // Synchronous compile: the module is tiny, and a sketch merge cannot wait for a promise.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(MAX_MODULE))
    return instance.exports as unknown as SimdMax
  } catch {
    return undefined // no WebAssembly, or no SIMD: the word loop below does the same job
  }
}

let simd: SimdMax | undefined | null = null

const simdMax = (): SimdMax | undefined => {
  if (simd === null) simd = instantiate()
  return simd
}

/** Both operands side by side in the module's memory, the max over the left one, copied out. */
const maxWithSimd = (module: SimdMax, left: Uint8Array, right: Uint8Array): Uint8Array => {
  const n = left.length
  const missing = 2 * n - module.memory.buffer.byteLength
  if (missing > 0) module.memory.grow(Math.ceil(missing / PAGE))
  // A view per call: growing the memory detaches the previous buffer.
  const heap = new Uint8Array(module.memory.buffer, 0, 2 * n)
  heap.set(left, 0)
  heap.set(right, n)
  module.max(n)
  return heap.slice(0, n)
}

/**
 * Four registers per step: registers are below 64, so `(a | 0x80) − b` never borrows across
 * bytes and its high bit says `a ≥ b`; that bit spread to the whole byte picks `a` or `b`.
 */
export const maxWithWords = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  if (left.byteOffset % 4 !== 0) left = left.slice() // word views need aligned offsets
  if (right.byteOffset % 4 !== 0) right = right.slice()
  const out = new Int32Array(left.length >>> 2)
  const a = new Int32Array(left.buffer, left.byteOffset, out.length)
  const b = new Int32Array(right.buffer, right.byteOffset, out.length)
  // Two words per step (about a fifth faster than one); lengths are powers of two from 16.
  for (let i = 0; i < out.length; i += 2) {
    const x0 = a[i]!
    const y0 = b[i]!
    const x1 = a[i + 1]!
    const y1 = b[i + 1]!
    // `Math.imul` keeps every step in int32 (a double on the way halves the speed): each high
    // bit becomes 0x01, times 255 a 0xff byte, and `y ^ ((x ^ y) & mask)` picks per byte.
    const high0 = ((x0 | 0x80808080) - y0) & 0x80808080
    const high1 = ((x1 | 0x80808080) - y1) & 0x80808080
    out[i] = y0 ^ ((x0 ^ y0) & Math.imul(high0 >>> 7, 255))
    out[i + 1] = y1 ^ ((x1 ^ y1) & Math.imul(high1 >>> 7, 255))
  }
  return new Uint8Array(out.buffer)
}

/** Whether merges run on WebAssembly SIMD here (the bench reports it). */
export const registerMaxUsesSimd = (): boolean => simdMax() !== undefined

/**
 * A new array holding, per register, the larger of `left` and `right` (same length, a power of
 * two from 16, every value below 64).
 */
export const maxRegisters = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const module = simdMax()
  return module !== undefined && left.length % 16 === 0 ? maxWithSimd(module, left, right) : maxWithWords(left, right)
}
