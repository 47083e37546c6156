/** How the dashboard writes numbers, durations and aggregate values. */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 })

/** `12,345`, `0.125`; a dash for nothing. */
export const formatNumber = (value: number | null | undefined): string =>
  value === null || value === undefined ? "–" : Number.isInteger(value) ? integer.format(value) : decimal.format(value)

/** Milliseconds behind the stream's tip: `0 ms`, `1.2 s`, `3 min`. */
export const formatLag = (ms: number | null): string => {
  if (ms === null) return "–"
  if (ms < 1_000) return `${integer.format(ms)} ms`
  if (ms < 120_000) return `${decimal.format(Math.round(ms / 100) / 10)} s`
  return `${integer.format(Math.round(ms / 60_000))} min`
}

/** A retention in words: `7 days`, `36 hours`, `forever`. */
export const formatRetention = (ms: number | null): string => {
  if (ms === null) return "forever"
  for (const [unit, size] of [["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000]] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? "" : "s"}`
  }
  return `${integer.format(ms)} ms`
}

/** An aggregate as text: numbers formatted, sets by size and members, top-K items with counts, estimates as ≈n, `{ at, value }` by value. */
export const formatValue = (value: unknown): string => {
  if (typeof value === "number") return formatNumber(value)
  if (value === null || value === undefined) return "–"
  // Exact decimal sums too long for a double are text: shown digit for digit.
  if (typeof value === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return value
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v: unknown) =>
      typeof v === "object" && v !== null && "item" in v ? `${String(v.item)} ${formatNumber(Number((v as { count?: unknown }).count))}` : String(v)
    )
    return `${value.length} (${shown.join(", ")}${value.length > 5 ? ", …" : ""})`
  }
  if (typeof value === "object" && "estimate" in value) return `≈${formatNumber((value as { estimate: number | null }).estimate)}`
  if (typeof value === "object" && "value" in value) return JSON.stringify((value as { value: unknown }).value)
  return JSON.stringify(value)
}

/** A time of day in UTC, `14:05:09Z`, as the API's instants are UTC. */
export const formatClock = (iso: string): string => `${iso.slice(11, 19)}Z`

/** A bucket start as a short UTC label: `Mar 1 10:00`. */
export const formatBucket = (iso: string): string => {
  const date = new Date(iso)
  return `${date.toLocaleString("en-US", { month: "short", day: "numeric", timeZone: "UTC" })} ${iso.slice(11, 16)}`
}
