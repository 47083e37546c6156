/// <reference lib="dom" />
/** Top keys per pipeline, from `/pipelines/{name}/top`; a key's button charts it. */
import { type Answer, errorText, getJson, pipelinePath, type PipelineInfo, type TopAnswer, withParams } from "./api.js"
import { byId, fill, h } from "./dom.js"
import { formatClock, formatValue } from "./format.js"

/** Reads and renders the top keys of every pipeline; `onPick` charts a key. */
export const refreshTop = async (
  pipelines: ReadonlyArray<PipelineInfo>,
  last: string,
  onPick: (pipeline: string, key: string) => void
): Promise<void> => {
  const answers = await Promise.all(
    pipelines.map((pipeline) =>
      getJson<TopAnswer>(withParams(pipelinePath(pipeline.name, "top"), { n: "8", last: pipeline.granularity === null ? undefined : last })))
  )
  fill(byId("top-tables"), pipelines.map((pipeline, i) => topTable(pipeline, answers[i]!, onPick)))
}

const topTable = (pipeline: PipelineInfo, answer: Answer<TopAnswer>, onPick: (pipeline: string, key: string) => void) => {
  const caption = h(
    "caption",
    {},
    pipeline.name,
    h("span", { class: "caption-note" }, answer.status === 200 && answer.body.from !== null
      ? ` ${formatClock(answer.body.from)} – ${formatClock(answer.body.to!)}`
      : " all-time")
  )
  if (answer.status !== 200) {
    return h("div", { class: "top-table" }, h("p", { class: "error" }, `${pipeline.name}: ${errorText(answer)}`))
  }
  const rows = answer.body.values.map((entry, rank) =>
    h(
      "tr",
      { "data-key": entry.key },
      h("td", { class: "num rank" }, rank + 1),
      h("th", { scope: "row" }, h("button", {
        type: "button",
        class: "link",
        title: `Chart ${entry.key} across ${pipeline.name}'s buckets`,
        disabled: pipeline.granularity === null
      }, entry.key)),
      h("td", { class: "num", "data-field": "value" }, formatValue(entry.value))
    ))
  rows.forEach((row, i) =>
    row.querySelector("button")?.addEventListener("click", () => onPick(pipeline.name, answer.body.values[i]!.key)))
  return h(
    "div",
    { class: "top-table", "data-pipeline": pipeline.name },
    h(
      "table",
      {},
      caption,
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "num" }, "#"), h("th", { scope: "col" }, "Key"), h("th", { scope: "col", class: "num" }, "Value"))),
      h("tbody", {}, rows.length > 0 ? rows : h("tr", {}, h("td", { colspan: 3, class: "empty" }, answer.body.candidates === 0 ? "No keys named by the application." : "No values yet.")))
    )
  )
}
