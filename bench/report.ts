/**
 * The bench registry and report: each bench registers a function returning its figures, each
 * figure is printed as a ratio to a same-run baseline, and `bench/results.md` records them with
 * the machine they ran on.
 */
import { writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"

/** One timed contender, in milliseconds (a median). */
export interface Figure {
  readonly name: string
  readonly ms: number
  /** A ratio to the baseline this must stay at or under, when there is one. */
  readonly target?: number
  /**
   * The ratio to report and check, when the bench measured it better than `ms / baseline.ms`
   * (e.g. the median of per-round ratios on a loaded machine).
   */
  readonly ratio?: number
}

/** What one bench measured: a baseline and the figures compared with it. */
export interface BenchResult {
  readonly title: string
  readonly baseline: Figure
  readonly figures: ReadonlyArray<Figure>
  readonly notes?: ReadonlyArray<string>
}

export interface Bench {
  readonly name: string
  readonly run: () => Promise<BenchResult>
}

const benches: Array<Bench> = []

/** Adds a bench to `npm run bench` (call it at the top level of a `*.bench.ts` file). */
export const registerBench = (bench: Bench): void => {
  benches.push(bench)
}

export const registeredBenches = (): ReadonlyArray<Bench> => benches

/** Median of samples (the upper one for an even count). */
export const median = (samples: ReadonlyArray<number>): number =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

/** The machine, for the record: CPU model, cores, Node version, platform. */
export const machine = (): string => {
  const cores = cpus()
  return `${cores[0]?.model.trim() ?? "unknown CPU"}, ${cores.length} cores, Node ${process.version}, ${process.platform}/${process.arch}`
}

const ratio = (figure: Figure, baseline: Figure) => figure.ratio ?? figure.ms / baseline.ms

/** Formats one result as Markdown lines (a table of figures with their ratio to the baseline). */
export const formatResult = (result: BenchResult): Array<string> => {
  const lines = [`## ${result.title}`, "", "| contender | median ms | ratio to baseline | target |", "|---|---:|---:|---:|"]
  for (const figure of [result.baseline, ...result.figures]) {
    const r = ratio(figure, result.baseline)
    // Three significant digits: targets like 1/3 or 5 ms as a ratio are not worth sixteen.
    const target = figure.target === undefined ? "" : `≤ ${Number(figure.target.toPrecision(3))}× ${r <= figure.target ? "met" : "MISSED"}`
    lines.push(`| ${figure.name} | ${figure.ms.toFixed(2)} | ${r.toFixed(2)}× | ${target} |`)
  }
  for (const note of result.notes ?? []) lines.push("", note)
  return [...lines, ""]
}

/** Prints results and writes `bench/results.md`. */
export const writeReport = (results: ReadonlyArray<BenchResult>): string => {
  const file = fileURLToPath(new URL("./results.md", import.meta.url))
  const text = [
    "# Bench results",
    "",
    `Machine: ${machine()}. Written by \`npm run bench\` on ${new Date().toISOString()}, one run of every bench.`,
    "What these mean against the issues' goals, and what profiles showed: [findings.md](findings.md), kept by hand.",
    "",
    ...results.flatMap(formatResult)
  ].join("\n")
  writeFileSync(file, text)
  return file
}

/** Whether a module is the process's entry point (so a bench file can also run alone). */
export const isMain = (moduleUrl: string): boolean =>
  process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1]
