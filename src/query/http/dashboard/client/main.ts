/// <reference lib="dom" />
/**
 * The dashboard's script, bundled by the server with esbuild (uPlot and its CSS included), so the
 * page loads nothing from anywhere but this server.
 */
import "uplot/dist/uPlot.min.css"
import "./style.css"
import { errorText, getJson, type LiveSnapshot, type PipelineInfo } from "./api.js"
import { consoleView } from "./console.js"
import { byId } from "./dom.js"
import { liveView } from "./live.js"
import { fillPipelineSelect, renderPipelines } from "./pipelines.js"
import { seriesView } from "./series.js"
import { refreshTop } from "./top.js"

const liveIntervalMs = 1_000
const topIntervalMs = 5_000

/** Runs `task`, then again `intervalMs` after it finished (never two at once). */
const every = (intervalMs: number, task: () => Promise<void>) => {
  const loop = async () => {
    try {
      await task()
    } finally {
      setTimeout(loop, intervalMs)
    }
  }
  void loop()
}

const start = async () => {
  const answer = await getJson<ReadonlyArray<PipelineInfo>>("/pipelines")
  if (answer.status !== 200) {
    byId("live-status").textContent = `cannot list the pipelines (${errorText(answer)})`
    return
  }
  const pipelines = answer.body
  renderPipelines(pipelines)
  const windowed = pipelines.filter((pipeline) => pipeline.granularity !== null)
  fillPipelineSelect(byId("series-pipeline"), windowed)
  fillPipelineSelect(byId("console-pipeline"), pipelines)
  const chart = seriesView()
  consoleView()

  const showLive = liveView()
  every(liveIntervalMs, async () => showLive(await getJson<LiveSnapshot>("/live")))

  const topLast = byId<HTMLSelectElement>("top-last")
  let charted = false
  const top = () =>
    refreshTop(pipelines, topLast.value, chart.pick).then(() => {
      // Chart the first windowed pipeline's top key at first, so the chart is never empty;
      // afterwards redraw whatever is charted, so it follows the data like the tables.
      const first = windowed[0] === undefined ? null : document.querySelector(`.top-table[data-pipeline="${CSS.escape(windowed[0].name)}"] tr[data-key]`)
      if (charted) return chart.refresh()
      if (first instanceof HTMLElement && first.dataset["key"] !== undefined) {
        charted = true
        chart.pick(windowed[0]!.name, first.dataset["key"])
      }
    })
  topLast.addEventListener("change", () => void top())
  every(topIntervalMs, top)
  document.body.dataset["ready"] = "true"
}

void start()
