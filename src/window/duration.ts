/**
 * The one duration syntax of the HTTP API and the CLI: `1h`, `90m`, `1 hour`, `2 days`, `1h30m`,
 * `1.5 hours`. A low module so every face of the library reads durations the same way.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
const unitMillis: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {}
  const add = (ms: number, names: ReadonlyArray<string>) => names.forEach((name) => (table[name] = ms))
  add(1, ["ms", "milli", "millis", "millisecond", "milliseconds"])
  add(1_000, ["s", "sec", "secs", "second", "seconds"])
  add(60_000, ["m", "min", "mins", "minute", "minutes"])
  add(3_600_000, ["h", "hr", "hrs", "hour", "hours"])
  add(86_400_000, ["d", "day", "days"])
  add(604_800_000, ["w", "week", "weeks"])
  return table
})()

// One part: an amount and a unit, with or without a space between them.
const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy

/**
 * Reads a positive, finite duration: one or more `<amount><unit>` parts, the unit short (`ms`,
 * `s`, `m`, `h`, `d`, `w`) or spelled out (`minute`, `hours`, …), with or without a space; case
 * and surrounding spaces do not matter. Anything else, or a total of zero, is `None`.
 *
 * @example
 * parseDuration("1h")          // Some(1 hour)
 * parseDuration("1 hour 30m")  // Some(90 minutes)
 * parseDuration("banana")      // None
 */
export const parseDuration = (text: string): Option.Option<Duration.Duration> => {
  const source = text.trim().toLowerCase()
  if (source === "") return Option.none()
  let total = 0
  part.lastIndex = 0
  while (part.lastIndex < source.length) {
    const start = part.lastIndex
    const match = part.exec(source)
    if (match === null || match.index !== start) return Option.none()
    const unit = unitMillis[match[2]!]
    if (unit === undefined) return Option.none()
    total += Number(match[1]) * unit
  }
  const millis = Math.round(total)
  return Number.isFinite(millis) && millis > 0 ? Option.some(Duration.millis(millis)) : Option.none()
}

const spelled = [["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000], ["second", 1_000]] as const

/**
 * The inverse of `parseDuration`, spelled out in the largest unit that divides the duration
 * exactly: `1 hour`, `90 minutes`, `7 days`, `1500 millis`.
 *
 * @example
 * formatDuration(Duration.minutes(90)) // "90 minutes"
 */
export const formatDuration = (duration: Duration.DurationInput): string => {
  const ms = Duration.toMillis(Duration.decode(duration))
  const unit = spelled.find(([, size]) => ms % size === 0)
  if (unit === undefined) return `${ms} millis`
  const amount = ms / unit[1]
  return `${amount} ${unit[0]}${amount === 1 ? "" : "s"}`
}

/** What `parseDuration` accepts, for error messages and help texts. */
export const durationSyntax = `a duration above zero such as "1h", "90m", "1 hour" or "7 days"`
