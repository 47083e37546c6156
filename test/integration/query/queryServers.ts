/**
 * Query servers for the HTTP tests: every server started in one scope, closed once after all;
 * JSON GETs; and, where answers are relative to now, a fixed clock, so that a window read does
 * not move when the hour turns between seeding the store and asking.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { type QueryServerOptions, serveQuery } from "../../../src/query/http/index.js"
import type { Store } from "../../../src/state/Store.js"
import { fixedClock } from "../../support/fixedClock.js"

/** Status and parsed JSON body (undefined when empty) of a GET. */
export const getJson = async (url: string) => {
  const response = await fetch(url)
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
}

export const queryServers = () => {
  const scope = Effect.runSync(Scope.make())
  return {
    /** Starts a server on a free port; `nowMs` fixes the clock its answers are relative to. */
    serve: async (options: QueryServerOptions, layer: Layer.Layer<Store>, nowMs?: number) => {
      const started = Scope.extend(serveQuery(options), scope).pipe(Effect.provide(layer))
      const { url } = await Effect.runPromise(nowMs === undefined ? started : Effect.withClock(started, fixedClock(nowMs)))
      return { url, get: (path: string) => getJson(`${url}${path}`) }
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
