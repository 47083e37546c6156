/**
 * Keys as DynamoDB can hold them: an aggregate row's entity, a claim id. Checked here once, for
 * the planner (record keys), the query API (requested keys) and the claims table.
 */

/** DynamoDB's limit on a partition key value, in UTF-8 bytes. */
export const maxKeyBytes = 2048

/**
 * The UTF-8 length of a string, without encoding it (a lone surrogate counts as the 3 bytes of
 * the replacement character it becomes).
 *
 * @example
 * utf8Length("né") // 3
 */
export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/**
 * Whether a string fits a partition key (at most `maxKeyBytes` UTF-8 bytes). Three bytes per
 * UTF-16 unit at most, so short strings need no count.
 *
 * @example
 * fitsKey("page:home") // true
 */
export const fitsKey = (text: string): boolean => text.length * 3 <= maxKeyBytes || utf8Length(text) <= maxKeyBytes

/**
 * Why a key cannot address a row, or `undefined` when it can: it must be a non-empty string of at
 * most 2048 UTF-8 bytes.
 *
 * @example
 * keyProblem("") // "a key must not be empty"
 * keyProblem("home") // undefined
 */
export const keyProblem = (key: unknown): string | undefined => {
  if (typeof key !== "string") return `a key must be a string, got ${typeof key}`
  if (key === "") return "a key must not be empty"
  if (!fitsKey(key)) return `a key must be at most ${maxKeyBytes} UTF-8 bytes, got ${utf8Length(key)}`
  return undefined
}
