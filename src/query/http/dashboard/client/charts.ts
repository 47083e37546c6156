/// <reference lib="dom" />
/**
 * uPlot charts: the throughput of each driver over the last two minutes, and one key's value per
 * bucket. uPlot draws on a canvas, so each chart also gets a text summary for screen readers.
 */
import uPlot from "uplot"

const palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed"]

const widthOf = (element: HTMLElement) => Math.max(280, Math.floor(element.clientWidth))

/** Keeps a chart as wide as its container. */
const followWidth = (chart: uPlot, container: HTMLElement, height: number) =>
  new ResizeObserver(() => chart.setSize({ width: widthOf(container), height })).observe(container)

/** A live line chart of records per second per driver; `push` adds one reading. */
export const throughputChart = (container: HTMLElement) => {
  const height = 160
  const keep = 120
  let chart: uPlot | undefined
  let names: ReadonlyArray<string> = []
  const times: Array<number> = []
  const rows: Array<Array<number>> = []
  const build = () => {
    chart?.destroy()
    chart = new uPlot({
      width: widthOf(container),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
      axes: [{ stroke: "#475569" }, { stroke: "#475569", size: 60, label: "records/s" }],
      series: [{}, ...names.map((name, i) => ({ label: name, stroke: palette[i % palette.length]!, width: 2, points: { show: false } }))]
    }, [times, ...rows], container)
    followWidth(chart, container, height)
  }
  return {
    push: (
      at: number,
      perDriver: ReadonlyArray<{ readonly name: string; readonly pipeline: string; readonly recordsPerSecond: number }>
    ) => {
      // Named with the pipeline: several drivers of one kind ("consumer") would share a label.
      const current = perDriver.map((driver) => `${driver.name} · ${driver.pipeline}`)
      if (chart === undefined || current.join("\u0000") !== names.join("\u0000")) {
        names = current
        times.length = 0
        rows.length = 0
        names.forEach(() => rows.push([]))
        build()
      }
      times.push(at / 1000)
      perDriver.forEach((driver, i) => rows[i]!.push(driver.recordsPerSecond))
      if (times.length > keep) {
        times.shift()
        rows.forEach((row) => row.shift())
      }
      chart!.setData([times, ...rows])
    }
  }
}

/** A bar chart of one key's value in each bucket; `show` replaces what it draws. */
export const bucketChart = (container: HTMLElement) => {
  const height = 220
  let chart: uPlot | undefined
  return {
    show: (label: string, startsMs: ReadonlyArray<number>, values: ReadonlyArray<number | null>) => {
      chart?.destroy()
      container.replaceChildren()
      const bars = uPlot.paths.bars!({ size: [0.7, 60] })
      chart = new uPlot({
        width: widthOf(container),
        height,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{ stroke: "#475569" }, { stroke: "#475569", size: 60 }],
        series: [{}, { label, stroke: palette[0]!, fill: "rgba(37, 99, 235, 0.35)", width: 1, paths: bars, points: { show: false } }]
      }, [startsMs.map((ms) => ms / 1000), [...values]], container)
      followWidth(chart, container, height)
    }
  }
}
