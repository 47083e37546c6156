import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { maxRegisters, maxWithWords, registerMaxUsesSimd } from "../../../src/monoid/sketch/registerMax.js"

const bytewiseMax = (left: Uint8Array, right: Uint8Array) => left.map((x, i) => Math.max(x, right[i]!))

// Register arrays of precisions 4 … 14 (16 has its own test below), ranks 0 … 63 (Redis stores 6 bits).
const registerPairs = fc
  .integer({ min: 4, max: 16 })
  .chain((precision) =>
    fc.tuple(
      fc.uint8Array({ minLength: 1 << precision, maxLength: 1 << precision, max: 63 }),
      fc.uint8Array({ minLength: 1 << precision, maxLength: 1 << precision, max: 63 })
    )
  )

describe("register max", () => {
  it("runs on WebAssembly SIMD on this Node (else the bench's dense-merge figure is the word loop's)", () => {
    expect(registerMaxUsesSimd()).toBe(true)
  })

  it("is the bytewise max, on SIMD and on the word loop, at precisions 4 … 14", () => {
    fc.assert(
      fc.property(registerPairs, ([left, right]) => {
        const expected = bytewiseMax(left, right)
        expect(maxRegisters(left, right)).toEqual(expected)
        expect(maxWithWords(left, right)).toEqual(expected)
      }),
      { numRuns: 60 }
    )
  })

  it("leaves both operands as they were and returns a new array", () => {
    const left = Uint8Array.from({ length: 16384 }, (_, i) => i % 64)
    const right = Uint8Array.from({ length: 16384 }, (_, i) => 63 - (i % 64))
    const [leftBefore, rightBefore] = [left.slice(), right.slice()]
    const out = maxRegisters(left, right)
    expect(out).not.toBe(left)
    expect(out.buffer).not.toBe(left.buffer)
    expect(left).toEqual(leftBefore)
    expect(right).toEqual(rightBefore)
    // A later merge reuses the module's memory: the first answer must not change with it.
    maxRegisters(new Uint8Array(16384), new Uint8Array(16384))
    expect(out).toEqual(bytewiseMax(leftBefore, rightBefore))
  })

  it("accepts operands at unaligned offsets (views into a decoded row)", () => {
    const backing = new Uint8Array(16 * 2 + 3)
    backing.forEach((_, i) => (backing[i] = (i * 7) % 64))
    const left = backing.subarray(1, 17)
    const right = backing.subarray(17, 33)
    expect(maxWithWords(left, right)).toEqual(bytewiseMax(left, right))
    expect(maxRegisters(left, right)).toEqual(bytewiseMax(left, right))
  })

  it("grows the module's memory for the largest precision after a small one", () => {
    const small = maxRegisters(new Uint8Array(16).fill(3), new Uint8Array(16).fill(5))
    expect(small).toEqual(new Uint8Array(16).fill(5))
    const big = maxRegisters(new Uint8Array(1 << 16).fill(9), new Uint8Array(1 << 16).fill(2))
    expect(big).toEqual(new Uint8Array(1 << 16).fill(9))
  })
})
