/// <reference lib="dom" />
/** One key's value across its window's buckets, from `/pipelines/{name}/series`, as a bar chart. */
import { errorText, getJson, pipelinePath, type SeriesAnswer, withParams } from "./api.js"
import { bucketChart } from "./charts.js"
import { byId, fill, h } from "./dom.js"
import { formatBucket, formatNumber } from "./format.js"

const numeric = (value: unknown): number | null => {
  if (typeof value === "number") return value
  // Exact sums past a double's precision arrive as decimal text; a chart only needs the double.
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value)
  if (Array.isArray(value)) return value.length
  const estimate = (value as { readonly estimate?: unknown } | null)?.estimate // hll, bloom
  return typeof estimate === "number" ? estimate : null
}

/** Wires the chart form; `pick` charts a key (the top-keys buttons), `refresh` redraws the current one. */
export const seriesView = () => {
  const form = byId<HTMLFormElement>("series-form")
  const pipeline = byId<HTMLSelectElement>("series-pipeline")
  const key = byId<HTMLInputElement>("series-key")
  const last = byId<HTMLInputElement>("series-last")
  const summary = byId("series-summary")
  const chart = bucketChart(byId("series-chart"))
  const show = async () => {
    if (key.value === "") return
    const answer = await getJson<SeriesAnswer>(withParams(pipelinePath(pipeline.value, "series"), { key: key.value, last: last.value }))
    if (answer.status !== 200) {
      fill(summary, h("span", { class: "error" }, errorText(answer)))
      return
    }
    const values = answer.body.buckets.map((bucket) => numeric(bucket.value))
    chart.show(key.value, answer.body.buckets.map((bucket) => Date.parse(bucket.start)), values)
    const total = values.reduce<number>((sum, value) => sum + (value ?? 0), 0)
    let peak = -1
    values.forEach((value, i) => {
      if (value !== null && (peak < 0 || value > values[peak]!)) peak = i
    })
    fill(
      summary,
      `${answer.body.key} in ${answer.body.pipeline}: ${answer.body.buckets.length} buckets, sum `,
      h("strong", { "data-field": "total" }, formatNumber(total)),
      peak < 0 ? "" : `, peak ${formatNumber(values[peak])} at ${formatBucket(answer.body.buckets[peak]!.start)} UTC`
    )
    summary.dataset["values"] = JSON.stringify(values)
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    void show()
  })
  return {
    pick: (pipelineName: string, keyName: string) => {
      pipeline.value = pipelineName
      key.value = keyName
      void show()
    },
    refresh: show
  }
}
