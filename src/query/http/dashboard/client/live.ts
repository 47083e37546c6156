/// <reference lib="dom" />
/** The live panel: per-pipeline counters and per-shard progress (and lease owners), read from `/live` every second. */
import { type Answer, errorText, type LiveSnapshot } from "./api.js"
import { throughputChart } from "./charts.js"
import { byId, fill, h } from "./dom.js"
import { formatClock, formatLag, formatNumber } from "./format.js"

const number = (value: number | null, attributes: Record<string, string> = {}) =>
  h("td", { class: "num", ...attributes }, formatNumber(value))

/**
 * Shows or hides the shards table's "Owner" header: the column exists only while some driver
 * reports lease owners (workers sharing the shards).
 */
const ownerHeader = (shown: boolean) => {
  const header = byId("shards-body").closest("table")?.querySelector("thead tr")
  if (header === null || header === undefined) return
  const existing = header.querySelector("th[data-field=owner]")
  if (shown && existing === null) header.append(h("th", { scope: "col", "data-field": "owner" }, "Owner"))
  if (!shown) existing?.remove()
}

/** Renders one `/live` answer into the counters and shards tables and the throughput chart. */
export const liveView = () => {
  const chart = throughputChart(byId("throughput-chart"))
  return (answer: Answer<LiveSnapshot>) => {
    const status = byId("live-status")
    if (answer.status !== 200) {
      status.textContent = `live figures unavailable (${errorText(answer)})`
      status.dataset["state"] = "error"
      return
    }
    const live = answer.body
    status.textContent = `updated ${formatClock(live.at)}`
    status.dataset["state"] = "ok"
    for (const counters of live.counters) {
      const row = document.querySelector(`tr[data-pipeline="${CSS.escape(counters.pipeline)}"]`)
      if (row === null) continue
      for (const [field, value] of Object.entries(counters)) {
        const cell = row.querySelector(`td[data-field="${field}"]`)
        if (cell === null) continue
        cell.textContent = formatNumber(value as number)
        cell.classList.toggle("alert", field !== "merged" && (value as number) > 0)
      }
    }
    const owners = live.drivers.some((driver) => driver.shards.some((shard) => shard.owner !== undefined))
    ownerHeader(owners)
    const rows = live.drivers.flatMap((driver) =>
      driver.shards.map((shard) =>
        h(
          "tr",
          { "data-driver": driver.name, "data-shard": shard.shard },
          h("th", { scope: "row" }, driver.name),
          h("td", {}, driver.pipeline),
          h("td", { class: "mono" }, shard.shard.replace(/^shardId-0*(?=\d)/, "#")),
          number(shard.records, { "data-field": "records" }),
          number(shard.recordsPerSecond, { "data-field": "recordsPerSecond" }),
          h("td", { class: "num", "data-field": "lag" }, formatLag(shard.millisBehindLatest)),
          owners && h("td", { class: "mono", "data-field": "owner" }, shard.owner ?? "")
        )))
    fill(
      byId("shards-body"),
      rows.length > 0 ? rows : h("tr", {}, h("td", { colspan: owners ? 7 : 6, class: "empty" }, "No driver reports progress to this server."))
    )
    fill(
      byId("drivers-summary"),
      live.drivers.map((driver) =>
        h(
          "div",
          { class: "stat", "data-driver": driver.name },
          h("span", { class: "stat-label" }, `${driver.name} · ${driver.pipeline}`),
          h("span", { class: "stat-value", "data-field": "records" }, formatNumber(driver.records)),
          h("span", { class: "stat-unit" }, `records · ${formatNumber(driver.recordsPerSecond)}/s`)
        ))
    )
    chart.push(Date.parse(live.at), live.drivers)
  }
}
