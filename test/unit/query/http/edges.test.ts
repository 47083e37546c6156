import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { wellEscaped } from "../../../../src/query/http/guard.js"
import { InstantParam, LastDuration } from "../../../../src/query/http/schemas.js"
import { formatDuration, parseDuration } from "../../../../src/window/duration.js"

const millis = (text: string) => Option.map(parseDuration(text), Duration.toMillis)

describe("parseDuration: one syntax for the API and the CLI", () => {
  it.each([
    ["1h", 3_600_000], ["1 hour", 3_600_000], ["2 hours", 7_200_000], ["90m", 5_400_000], ["90 minutes", 5_400_000],
    ["45s", 45_000], ["7d", 604_800_000], ["1w", 604_800_000], ["250ms", 250], ["1h30m", 5_400_000],
    ["1 hour 30 minutes", 5_400_000], ["1.5h", 5_400_000], [" 1H ", 3_600_000], ["1 Day", 86_400_000]
  ])("%s is %d ms", (text, expected) => {
    expect(millis(text)).toEqual(Option.some(expected))
  })

  it.each(["", "h", "1", "0h", "0 seconds", "-1h", "1 fortnight", "1h30", "one hour", "1e3s", "1h,30m", "Infinity h"])("%j is not a duration", (text) => {
    expect(parseDuration(text)).toEqual(Option.none())
  })

  it("formats in the largest exact unit, and reads back what it writes", () => {
    for (const [ms, text] of [[3_600_000, "1 hour"], [5_400_000, "90 minutes"], [604_800_000, "7 days"], [1_500, "1500 millis"], [2_000, "2 seconds"]] as const) {
      expect(formatDuration(Duration.millis(ms))).toBe(text)
      expect(millis(text)).toEqual(Option.some(ms))
    }
  })

  it("is what ?last= decodes", () => {
    const decode = Schema.decodeUnknownOption(LastDuration)
    expect(Option.map(decode("1h"), Duration.toMillis)).toEqual(Option.some(3_600_000))
    expect(Option.map(decode("1 hour"), Duration.toMillis)).toEqual(Option.some(3_600_000))
    expect(decode("banana")).toEqual(Option.none())
  })
})

describe("InstantParam: strict ISO-8601 instants", () => {
  const decode = (text: string) => Option.map(Schema.decodeUnknownOption(InstantParam)(text), (date) => date.getTime())
  it.each([
    ["2025-03-01T10:00:00Z", Date.UTC(2025, 2, 1, 10)],
    ["2025-03-01T11:30:00+01:30", Date.UTC(2025, 2, 1, 10)],
    ["2025-03-01t10:00:00.250z", Date.UTC(2025, 2, 1, 10, 0, 0, 250)],
    ["2024-02-29T23:59:59-00:00", Date.UTC(2024, 1, 29, 23, 59, 59)],
    // Years 0–99 are years 0–99 (Date.UTC would read them as 1900–1999).
    ["0050-01-01T00:00:00Z", -60589296000000]
  ])("%s", (text, expected) => {
    expect(decode(text)).toEqual(Option.some(expected))
  })

  it.each(["0", "2025", "2025-03-01", "2025-03-01T10:00Z", "2025-03-01T10:00:00", "2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z",
    "2025-03-01T24:00:00Z", "2025-03-01T10:60:00Z", "2025-03-01T10:00:60Z", "2025-03-01T10:00:00+24:00", "2025-03-01T10:00:00+01:60",
    "Sat, 01 Mar 2025 10:00:00 GMT", "2025-03-01 10:00:00Z", " 2025-03-01T10:00:00Z"])("%j is refused", (text) => {
    expect(decode(text)).toEqual(Option.none())
  })
})

describe("wellEscaped", () => {
  it.each(["/pipelines/a/value?key=%2Fhome", "/p?key=%C3%A9", "/p?key=a+b&key=c", "/plain", "/p?x=%25"])("%s is fine", (url) => {
    expect(wellEscaped(url)).toBe(true)
  })
  it.each(["/p?key=%ff", "/p?key=%", "/p?key=%zz", "/p/%c3/value", "/p?key=%ED%A0%80", "/p?%ff=1"])("%s is not", (url) => {
    expect(wellEscaped(url)).toBe(false)
  })
})
