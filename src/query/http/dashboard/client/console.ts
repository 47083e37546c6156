/// <reference lib="dom" />
/** The query console: any key or keys, all-time, over the last duration, or over a range. */
import { errorText, getJson, pipelinePath, withParams } from "./api.js"
import { byId, fill, h } from "./dom.js"
import { formatValue } from "./format.js"

interface ConsoleAnswer {
  readonly values?: ReadonlyArray<{ readonly key: string; readonly value: unknown }>
  readonly from?: string
  readonly to?: string
}

/** Wires the console form. */
export const consoleView = () => {
  const form = byId<HTMLFormElement>("console-form")
  const pipeline = byId<HTMLSelectElement>("console-pipeline")
  const keys = byId<HTMLInputElement>("console-keys")
  const last = byId<HTMLInputElement>("console-last")
  const start = byId<HTMLInputElement>("console-start")
  const end = byId<HTMLInputElement>("console-end")
  const mode = () => (form.elements.namedItem("console-mode") as RadioNodeList).value
  const syncFields = () => {
    last.disabled = mode() !== "window"
    start.disabled = end.disabled = mode() !== "range"
  }
  form.addEventListener("change", syncFields)
  syncFields()
  const now = Date.now()
  start.value = new Date(Math.floor(now / 3_600_000) * 3_600_000 - 6 * 3_600_000).toISOString().replace(/\.000Z$/, "Z")
  end.value = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z")
  form.addEventListener("submit", async (event) => {
    event.preventDefault()
    const list = keys.value.split(",").map((key) => key.trim()).filter((key) => key !== "")
    const path = mode() === "window"
      ? withParams(pipelinePath(pipeline.value, "window"), { key: list, last: last.value })
      : mode() === "range"
      ? withParams(pipelinePath(pipeline.value, "range"), { key: list, start: start.value, end: end.value })
      : withParams(pipelinePath(pipeline.value, "values"), { key: list })
    const answer = await getJson<ConsoleAnswer>(path)
    fill(byId("console-url"), h("code", {}, `GET ${path}`))
    const result = byId("console-result")
    if (answer.status !== 200) {
      fill(result, h("p", { class: "error", role: "alert" }, errorText(answer)))
    } else {
      fill(
        result,
        answer.body.from === undefined ? null : h("p", { class: "caption-note" }, `buckets from ${answer.body.from} to ${answer.body.to}`),
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Key"), h("th", { scope: "col", class: "num" }, "Value"))),
          h("tbody", {}, (answer.body.values ?? []).map((entry) =>
            h("tr", { "data-key": entry.key }, h("th", { scope: "row" }, entry.key), h("td", { class: "num", "data-field": "value" }, formatValue(entry.value)))))
        )
      )
    }
    fill(byId("console-json"), JSON.stringify(answer.body, null, 2))
  })
}
