/**
 * `npm run bench`: runs every registered bench in turn, prints each figure as a ratio to its
 * same-run baseline, and writes bench/results.md. Add a bench by importing its file below.
 */
import { formatResult, machine, registeredBenches, writeReport, type BenchResult } from "./report.js"
import "./processor.bench.js"
import "./lambda.bench.js"
import "./coldStart.bench.js"
import "./consumer.bench.js"
import "./leases.bench.js"
import "./query.bench.js"
import "./sketch.bench.js"

const results: Array<BenchResult> = []
console.log(`# Bench on ${machine()}`)
for (const bench of registeredBenches()) {
  const result = await bench.run()
  results.push(result)
  console.log(formatResult(result).join("\n"))
}
console.log(`written ${writeReport(results)}`)
