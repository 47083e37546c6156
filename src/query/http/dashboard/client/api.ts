/** The JSON the dashboard reads, all from this server's query API (same origin, no CDN). */
import type { LiveSnapshot } from "../../live.js"

export type { LiveSnapshot }

/** One entry of `/pipelines`. */
export interface PipelineInfo {
  readonly name: string
  readonly monoid: string
  readonly granularity: "minute" | "hour" | "day" | null
  readonly retentionMs: number | null
}

/** One key's value. */
export interface KeyValue {
  readonly key: string
  readonly value: unknown
}

/** `/top`. */
export interface TopAnswer {
  readonly pipeline: string
  readonly from: string | null
  readonly to: string | null
  readonly candidates: number
  readonly values: ReadonlyArray<KeyValue>
}

/** `/series`. */
export interface SeriesAnswer {
  readonly pipeline: string
  readonly key: string
  readonly from: string
  readonly to: string
  readonly buckets: ReadonlyArray<{ readonly start: string; readonly value: unknown }>
}

/** An answer: the status, and the JSON body (an error body for a status of 400 and above). */
export interface Answer<A> {
  readonly status: number
  readonly body: A
  readonly url: string
}

/** GET a path of this server as JSON. A network failure is status 0 with the message. */
export const getJson = async <A>(path: string): Promise<Answer<A>> => {
  try {
    const response = await fetch(path, { headers: { accept: "application/json" } })
    const text = await response.text()
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as A, url: path }
  } catch (error) {
    return { status: 0, body: { _tag: "NetworkError", message: String(error) } as A, url: path }
  }
}

/** A path with query parameters; arrays repeat the parameter. */
export const withParams = (path: string, params: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>): string => {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    for (const one of typeof value === "string" ? [value] : value) search.append(name, one)
  }
  const text = search.toString()
  return text === "" ? path : `${path}?${text}`
}

/** The message of an error answer; for a parameter that did not decode, which one and why. */
export const errorText = (answer: Answer<unknown>): string => {
  const body = answer.body as {
    _tag?: string
    message?: string
    issues?: ReadonlyArray<{ readonly path?: ReadonlyArray<unknown>; readonly message?: string }>
  } | null
  const issues = body?.issues?.map((issue) => `${(issue.path ?? []).join(".") || "request"}: ${issue.message ?? ""}`)
  const message = issues !== undefined && issues.length > 0 ? issues.join("; ") : body?.message ?? ""
  return `${answer.status === 0 ? "no answer" : `HTTP ${answer.status}`}${body?._tag ? ` ${body._tag}` : ""}: ${message}`
}

/** `/pipelines/{name}/…` with the name escaped. */
export const pipelinePath = (name: string, endpoint: string): string => `/pipelines/${encodeURIComponent(name)}/${endpoint}`
