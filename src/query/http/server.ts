import { HttpApiBuilder, HttpApiSwagger, HttpServer, type HttpServerError } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import type { InvalidConfig } from "../../errors.js"
import type { Store } from "../../state/Store.js"
import { answerClientErrors } from "./clientError.js"
import { dashboardPaths, dashboardRoutes } from "./dashboard/routes.js"
import { apiPaths, guard } from "./guard.js"
import { QueryHandlers, type QueryApiOptions } from "./handlers.js"
import { metricsPaths, metricsRoutes } from "./metricsRoutes.js"
import { QueryApi } from "./QueryApi.js"

/** Where and how the query HTTP server listens. */
export interface QueryServerOptions extends QueryApiOptions {
  /** Default 8080; 0 picks a free port (read it back from `serveQuery`'s `url`). */
  readonly port?: number | undefined
  /** Default `127.0.0.1`: the server answers only this machine unless you say otherwise. */
  readonly host?: string | undefined
  /** Serve Swagger UI at `/docs`. Default true. */
  readonly swaggerUi?: boolean | undefined
  /** Serve the live dashboard at `/`. Default true. */
  readonly dashboard?: boolean | undefined
}

/** The default port of the query HTTP server. */
export const defaultQueryPort = 8080

const layer = (
  options: QueryServerOptions
): Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError | InvalidConfig, Store> => {
  const docs = options.swaggerUi === false ? Layer.empty : HttpApiSwagger.layer({ path: "/docs" })
  const dashboard = options.dashboard === false ? Layer.empty : dashboardRoutes("Murmur")
  const paths = [
    ...apiPaths(QueryApi),
    "/openapi.json",
    ...metricsPaths,
    ...(options.swaggerUi === false ? [] : ["/docs"]),
    ...(options.dashboard === false ? [] : dashboardPaths)
  ]
  return HttpApiBuilder.serve().pipe(
    Layer.provide([docs, dashboard, metricsRoutes(options.live?.metrics), HttpApiBuilder.middleware(guard(paths))]),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(QueryHandlers.layer(options)),
    Layer.provideMerge(
      NodeHttpServer.layer(() => answerClientErrors(createServer()), {
        port: options.port ?? defaultQueryPort,
        host: options.host ?? "127.0.0.1"
      })
    ),
    Layer.map((context) => Context.make(HttpServer.HttpServer, Context.get(context, HttpServer.HttpServer)))
  )
}

/**
 * The query HTTP server: `QueryApi` over the given pipelines (plus `/live`), its OpenAPI document
 * at `/openapi.json`, Swagger UI at `/docs`, `/metrics` (Prometheus text, or JSON) and the live
 * dashboard at `/`, on Node's HTTP server. It needs a `Store`.
 *
 * @example
 * const main = Layer.launch(QueryServer.layer({ pipelines: [pageViews], port: 8080 })).pipe(
 *   Effect.provide(DynamoStore.layer())
 * )
 */
export const QueryServer = { layer, defaultPort: defaultQueryPort } as const

/** A running query server. */
export interface RunningQueryServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string
  readonly port: number
}

/**
 * Starts the query HTTP server for the life of the scope and says where it listens.
 *
 * @example
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const server = yield* serveQuery({ pipelines: [pageViews], port: 0 })
 *   yield* Effect.log(`dashboard on ${server.url}, query API on ${server.url}/docs`)
 *   yield* Effect.never
 * }))
 */
export const serveQuery = (
  options: QueryServerOptions
): Effect.Effect<RunningQueryServer, HttpServerError.ServeError | InvalidConfig, Store | Scope.Scope> =>
  Effect.flatMap(Layer.build(layer(options)), (context) => {
    const address = Context.get(context, HttpServer.HttpServer).address
    if (address._tag === "UnixAddress") return Effect.succeed({ url: `unix:${address.path}`, port: 0 })
    const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname
    return Effect.succeed({ url: `http://${host}:${address.port}`, port: address.port })
  })
