/**
 * The server's outer edge, around every route: malformed percent-escapes answer 400, a method
 * other than GET/HEAD on a known path answers 405 with `Allow`, and whatever the framework would
 * answer with an empty body (no route, a defect) answers JSON `{ _tag, message }` instead.
 */
import { HttpApi, type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
/** The JSON body of an error the API's own schemas do not describe. */
export const errorResponse = (status: number, tag: string, message: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status, headers })

/** Whether every `%` of a path or query string starts an escape that decodes to UTF-8. */
export const wellEscaped = (url: string): boolean => {
  const queryAt = url.indexOf("?")
  const path = queryAt < 0 ? url : url.slice(0, queryAt)
  const parts = queryAt < 0 ? path.split("/") : [...path.split("/"), ...url.slice(queryAt + 1).replace(/\+/g, " ").split(/[&=]/)]
  try {
    for (const part of parts) if (part.includes("%")) decodeURIComponent(part)
    return true
  } catch {
    return false
  }
}

const allowed = "GET, HEAD"

/** A matcher for route paths such as `/pipelines/:name/value` (a `:param` is one segment). */
const matcherOf = (paths: ReadonlyArray<string>) => {
  const patterns = paths.map((path) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z]+/g, "[^/]+")}/?$`))
  return (path: string) => patterns.some((pattern) => pattern.test(path))
}

/** The paths of an `HttpApi`'s endpoints, e.g. `/pipelines/:name/value`. */
export const apiPaths = (api: HttpApi.HttpApi.Any): ReadonlyArray<string> => {
  const paths: Array<string> = []
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => void paths.push(endpoint.path)
  })
  return paths
}

/**
 * The middleware, given every GET path the server answers. It wraps the router inside the API
 * (`HttpApiBuilder.middleware`), where failures are still values: a middleware given to
 * `HttpApiBuilder.serve` only sees them after the response has been sent.
 *
 * @example
 * HttpApiBuilder.serve().pipe(Layer.provide(HttpApiBuilder.middleware(guard([...apiPaths(QueryApi), "/docs"]))))
 */
export const guard = (paths: ReadonlyArray<string>) => {
  const known = matcherOf(paths)
  return (app: HttpApp.Default): HttpApp.Default =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (!wellEscaped(request.url)) {
        return errorResponse(400, "BadRequest", "the URL has a malformed percent-escape (each % must start a UTF-8 escape such as %2F)")
      }
      const path = request.url.split("?")[0]!
      if (request.method !== "GET" && request.method !== "HEAD" && known(path)) {
        return errorResponse(405, "MethodNotAllowed", `${request.method} is not allowed here; this server only reads`, { allow: allowed })
      }
      const response = yield* app.pipe(
        Effect.catchAllCause((cause) => {
          // `HttpApp.Default` types no error, yet the router fails with RouteNotFound, and the
          // API's own errors pass here on their way to being encoded: let those through.
          const failure = Cause.failureOption(cause as Cause.Cause<unknown>)
          if (Option.isSome(failure)) {
            return Predicate.isTagged(failure.value, "RouteNotFound")
              ? Effect.succeed(errorResponse(404, "NotFound", `nothing is served at ${path}`))
              : Effect.failCause(cause)
          }
          return Cause.isInterruptedOnly(cause)
            ? Effect.failCause(cause)
            : Effect.as(
              Effect.logError("query server: a request failed", cause),
              errorResponse(500, "InternalError", "the server failed to answer; its log says why")
            )
        })
      )
      // Anything else answered with an empty error body gets one.
      return response.status < 400 || response.body._tag !== "Empty"
        ? response
        : errorResponse(response.status, "HttpError", `the request failed with status ${response.status}`)
    })
}
