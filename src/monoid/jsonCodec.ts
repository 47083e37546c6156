const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** JSON text as UTF-8 bytes, the binary encoding of the non-numeric built-in monoids. */
export const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))

export const parseJsonBytes = (bytes: Uint8Array): unknown => JSON.parse(decoder.decode(bytes))
