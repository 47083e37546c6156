/** Little helpers for the binary codecs: UTF-8 into reused buffers, code-point order, growable writers. */

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * A reusable UTF-8 buffer: `encode` writes a string's bytes into `bytes` and returns their
 * length, so hashing a string allocates nothing (ASCII is copied by hand; the rest uses
 * `encodeInto`, which writes lone surrogates as U+FFFD, as every UTF-8 encoder does).
 */
export class Utf8Scratch {
  bytes = new Uint8Array(256)

  encode(text: string): number {
    const n = text.length
    if (n * 3 > this.bytes.length) this.bytes = new Uint8Array(Math.max(n * 3, this.bytes.length * 2))
    const out = this.bytes
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) return encoder.encodeInto(text, out).written
      out[i] = c
    }
    return n
  }
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text)

/** Strict UTF-8 decoding: invalid bytes throw instead of becoming U+FFFD. */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

/**
 * Orders strings by code point, which is the order of their UTF-8 bytes (what Go's `<` on
 * strings uses), unlike JavaScript's `<`, which compares UTF-16 units.
 */
export const compareCodePoints = (left: string, right: string): number => {
  const n = Math.min(left.length, right.length)
  for (let i = 0; i < n; i++) {
    const l = left.charCodeAt(i)
    const r = right.charCodeAt(i)
    if (l === r) continue
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: they sort after 0xE000-0xFFFF.
    if (l >= 0xd800 && r >= 0xd800) return surrogateFirst(l) - surrogateFirst(r)
    return l - r
  }
  return left.length - right.length
}

const surrogateFirst = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000)

/** An append-only little-endian byte writer that grows as needed. */
export class ByteWriter {
  private buffer: Uint8Array
  private view: DataView
  length = 0

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity)
    this.view = new DataView(this.buffer.buffer)
  }

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n))
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  u8(value: number): this {
    this.room(1)
    this.buffer[this.length++] = value
    return this
  }

  u32(value: number): this {
    this.room(4)
    this.view.setUint32(this.length, value, true)
    this.length += 4
    return this
  }

  u64(value: number): this {
    this.room(8)
    this.view.setBigUint64(this.length, BigInt(value), true)
    this.length += 8
    return this
  }

  f64(value: number): this {
    this.room(8)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
    return this
  }

  bytes(value: Uint8Array): this {
    this.room(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
    return this
  }

  /** A length-prefixed (u32) byte string. */
  chunk(value: Uint8Array): this {
    return this.u32(value.length).bytes(value)
  }

  done(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/** A little-endian reader over bytes; `ok` turns false instead of reading past the end. */
export class ByteReader {
  private readonly view: DataView
  offset = 0
  ok = true

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  private take(n: number): number {
    if (!this.ok || this.remaining < n) {
      this.ok = false
      return -1
    }
    const at = this.offset
    this.offset += n
    return at
  }

  u8(): number {
    const at = this.take(1)
    return at < 0 ? 0 : this.bytes[at]!
  }

  u32(): number {
    const at = this.take(4)
    return at < 0 ? 0 : this.view.getUint32(at, true)
  }

  /** A u64 as a number; turns `ok` false past 2^53, where a number stops being exact. */
  u64(): number {
    const at = this.take(8)
    if (at < 0) return 0
    const value = this.view.getBigUint64(at, true)
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.ok = false
    return Number(value)
  }

  f64(): number {
    const at = this.take(8)
    return at < 0 ? 0 : this.view.getFloat64(at, true)
  }

  bytesOf(n: number): Uint8Array {
    const at = this.take(n)
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n)
  }

  chunk(): Uint8Array {
    return this.bytesOf(this.u32())
  }

  /** True when every read succeeded and nothing is left over. */
  get finished(): boolean {
    return this.ok && this.remaining === 0
  }
}
