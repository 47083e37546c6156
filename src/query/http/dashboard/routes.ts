/** The dashboard's routes: the page at `/` and its bundled script and styles. */
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { errorResponse } from "../guard.js"
import { type DashboardBundle, dashboardBundle } from "./bundle.js"
import { dashboardPage } from "./page.js"

/** The GET paths these routes answer. */
export const dashboardPaths = ["/", "/dashboard/app.js", "/dashboard/app.css"] as const

// Only this server's own files: no CDN, no inline script. (uPlot sizes its elements through
// `style`, hence 'unsafe-inline' for styles only.)
const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache"
}

const asset = (pick: (bundle: DashboardBundle) => string, contentType: string) =>
  Effect.tryPromise(dashboardBundle).pipe(
    Effect.map((bundle) => HttpServerResponse.text(pick(bundle), { contentType, headers: securityHeaders })),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logError("dashboard: bundling the page's script failed (is esbuild installed?)", error.error),
        errorResponse(503, "DashboardUnavailable", "the dashboard's script could not be bundled; the server log says why")
      ))
  )

/**
 * Adds the dashboard to the server's router.
 *
 * @example
 * HttpApiBuilder.serve().pipe(Layer.provide(dashboardRoutes("Murmur")))
 */
export const dashboardRoutes = (title: string): Layer.Layer<never> => {
  const page = HttpServerResponse.html(dashboardPage(title)).pipe(HttpServerResponse.setHeaders(securityHeaders))
  return HttpApiBuilder.Router.use((router) =>
    Effect.all([
      router.get("/", Effect.succeed(page)),
      router.get("/dashboard/app.js", asset((bundle) => bundle.js, "text/javascript; charset=utf-8")),
      router.get("/dashboard/app.css", asset((bundle) => bundle.css, "text/css; charset=utf-8"))
    ])
  )
}
