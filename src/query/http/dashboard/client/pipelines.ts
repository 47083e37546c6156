/// <reference lib="dom" />
/** The pipelines table (monoid, window, retention) with the counters the live panel fills in. */
import type { PipelineInfo } from "./api.js"
import { byId, fill, h } from "./dom.js"
import { formatRetention } from "./format.js"

const counterCell = (field: string) => h("td", { class: "num", "data-field": field }, "–")

/** Renders `/pipelines`; the counter cells wait for the first `/live` answer. */
export const renderPipelines = (pipelines: ReadonlyArray<PipelineInfo>): void =>
  fill(
    byId("pipelines-body"),
    pipelines.map((pipeline) =>
      h(
        "tr",
        { "data-pipeline": pipeline.name },
        h("th", { scope: "row" }, pipeline.name),
        h("td", { "data-field": "monoid" }, pipeline.monoid),
        h("td", { "data-field": "window" }, pipeline.granularity === null ? "all-time" : `${pipeline.granularity}ly`),
        h("td", { "data-field": "retention" }, pipeline.granularity === null ? "–" : formatRetention(pipeline.retentionMs)),
        counterCell("merged"),
        counterCell("retries"),
        counterCell("deadLetters"),
        counterCell("decodeErrors")
      ))
  )

/** Fills a `<select>` with pipeline names, keeping the current choice when it still exists. */
export const fillPipelineSelect = (select: HTMLSelectElement, pipelines: ReadonlyArray<PipelineInfo>): void => {
  const current = select.value
  fill(select, pipelines.map((pipeline) => h("option", { value: pipeline.name }, pipeline.name)))
  if (pipelines.some((pipeline) => pipeline.name === current)) select.value = current
}
