/**
 * A throwaway `redis-server` (Debian's, or any on the PATH) on a free 127.0.0.1 port, for tests,
 * benches and the demo: nothing persisted, killed when its scope closes.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { Redis } from "ioredis"
import { type ChildProcess, spawn } from "node:child_process"
import { freePort } from "./freePort.js"
import { LocalServerFailed } from "./LocalServerFailed.js"

/** A running local Redis. */
export interface LocalRedis {
  readonly host: string
  readonly port: number
  /** `redis://127.0.0.1:<port>`, what `RedisCache.layer({ url })` and ioredis take. */
  readonly url: string
  /** Kills the server now (to test a cache outage); closing the scope does the same if still running. */
  readonly stop: Effect.Effect<void>
}

/** Options of `startRedis`. */
export interface LocalRedisOptions {
  /** The executable. Default: `MURMUR_REDIS_SERVER`, else `redis-server` from the PATH. */
  readonly command?: string
}

const defaultCommand = (): string => process.env["MURMUR_REDIS_SERVER"] ?? "redis-server"

/** How long a fresh redis-server may take to answer PING (it normally takes a few milliseconds). */
export const redisStartDeadline = Duration.seconds(15)

const failure = (message: string, cause?: unknown) => new LocalServerFailed({ server: "redis", message, cause })

// A failed spawn (no redis-server on PATH) is an "error" event, not an exit; without a listener it would crash the process.
const spawnErrors = new WeakMap<ChildProcess, Error>()

const stopped = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null || spawnErrors.has(child)

const exitedEarly = (child: ChildProcess) =>
  stopped(child)
    ? Effect.fail(failure(`redis-server stopped: ${spawnErrors.get(child)?.message ?? `exit code ${child.exitCode}`}`))
    : Effect.void

/** One PING on a fresh connection that never retries by itself. */
const ping = (port: number) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
      // A refused connection also arrives as an "error" event; the rejected connect() reports it.
      client.on("error", () => {})
      return client
    }),
    (client) =>
      Effect.tryPromise({
        try: async () => {
          await client.connect()
          return client.ping()
        },
        catch: (cause) => failure(`redis-server did not answer: ${String(cause)}`, cause)
      }),
    (client) => Effect.sync(() => client.disconnect())
  )

/** Polls PING every 50 ms until it answers, the server exits, or the deadline passes. */
const waitUntilReady = (port: number, child: ChildProcess) =>
  exitedEarly(child).pipe(
    Effect.zipRight(ping(port)),
    Effect.retry({ schedule: Schedule.spaced("50 millis"), while: () => !stopped(child) }),
    Effect.timeoutFail({
      duration: redisStartDeadline,
      onTimeout: () => failure(`redis-server did not answer within ${Duration.format(redisStartDeadline)}`)
    })
  )

/** Kills the server and waits for it to exit. */
const kill = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (stopped(child)) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
    child.kill("SIGKILL")
  })

/**
 * Starts `redis-server` on a free 127.0.0.1 port (no RDB snapshots, no AOF) for the life of the
 * scope and waits until it answers PING. Closing the scope kills it. It polls on the `Clock`: run
 * it on the live clock (`it.scopedLive` in tests).
 *
 * @example
 * const redis = yield* startRedis()
 * const cache = RedisCache.layer({ url: redis.url })
 */
export const startRedis = (
  options: LocalRedisOptions = {}
): Effect.Effect<LocalRedis, LocalServerFailed, Scope.Scope> =>
  Effect.gen(function*() {
  const port = yield* freePort
  const child = yield* Effect.acquireRelease(
    Effect.try({
      try: () => {
        const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        const child = spawn(options.command ?? defaultCommand(), args, { stdio: "ignore" })
        child.on("error", (error) => spawnErrors.set(child, error))
        return child
      },
      catch: (cause) => failure(`could not start redis-server: ${String(cause)}`, cause)
    }),
    kill
  )
  yield* waitUntilReady(port, child)
  return { host: "127.0.0.1", port, url: `redis://127.0.0.1:${port}`, stop: kill(child) } satisfies LocalRedis
  })
