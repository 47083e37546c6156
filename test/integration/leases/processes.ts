/**
 * Worker processes for the lease tests and bench: fixtures/worker.ts bundled once with esbuild
 * (a plain Node start: loading the TypeScript sources through tsx in every process costs seconds on
 * a busy machine), then one Node process per worker, whose JSON lines (lease events, stats) are
 * collected as they arrive.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import type { LeaseEvent } from "../../../src/kinesis/consumer/index.js"
import type { WorkerFixtureConfig } from "./fixtures/worker.js"

const fixture = fileURLToPath(new URL("./fixtures/worker.ts", import.meta.url))

/**
 * Bundles the worker fixture's own sources (packages stay imports, resolved from node_modules: the
 * bundle is written under node_modules/.cache); returns the script's path.
 */
export const buildWorker = async (): Promise<string> => {
  const cache = fileURLToPath(new URL("../../../node_modules/.cache/", import.meta.url))
  mkdirSync(cache, { recursive: true })
  const outfile = join(mkdtempSync(join(cache, "murmur-lease-worker-")), "worker.mjs")
  await build({
    entryPoints: [fixture],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning"
  })
  return outfile
}

export type LeaseLine = LeaseEvent & { readonly type: "lease"; readonly at: number }

export interface WorkerStats {
  readonly calls: Readonly<Record<"list" | "take" | "renew" | "release" | "checkpoint", number>>
  readonly ms: number
}

export interface WorkerProcess {
  readonly id: string
  readonly child: ChildProcess
  /** Lease events this worker printed, in order. */
  readonly events: Array<LeaseLine>
  readonly ready: () => boolean
  readonly stats: () => WorkerStats | undefined
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly stderr: () => string
}

/** Starts a worker process from the bundled `script`. */
export const spawnWorker = (script: string, config: WorkerFixtureConfig): WorkerProcess => {
  const child = spawn(process.execPath, [script, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" }
  })
  const events: Array<LeaseLine> = []
  let ready = false
  let stats: WorkerStats | undefined
  let stderr = ""
  let pending = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk
    const lines = pending.split("\n")
    pending = lines.pop()!
    for (const line of lines) {
      if (!line.startsWith("{")) continue
      const parsed = JSON.parse(line) as { type: string } & Record<string, unknown>
      if (parsed.type === "ready") ready = true
      else if (parsed.type === "lease") events.push(parsed as unknown as LeaseLine)
      else if (parsed.type === "stats") stats = parsed as unknown as WorkerStats
    }
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void (stderr = (stderr + chunk).slice(-20_000)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal }))
  )
  return { id: config.workerId, child, events, ready: () => ready, stats: () => stats, exited, stderr: () => stderr }
}

/**
 * Polls `done` every 100 ms. Fails when `progress()` (any number that moves while work is being
 * done) has not changed for `stallMs`: a deadline on progress, not on the total time.
 */
export const waitFor = async (
  what: string,
  done: () => boolean | Promise<boolean>,
  progress: () => number | Promise<number>,
  stallMs = 20_000
): Promise<void> => {
  let last = await progress()
  let lastChange = Date.now()
  for (;;) {
    if (await done()) return
    const now = await progress()
    if (now !== last) {
      last = now
      lastChange = Date.now()
    } else if (Date.now() - lastChange > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Who owns each shard according to the lease events of every worker (the last event wins). */
export const ownership = (workers: ReadonlyArray<WorkerProcess>, gone: ReadonlySet<string> = new Set()) => {
  const events = workers.flatMap((worker) => worker.events).sort((a, b) => a.at - b.at)
  const owner = new Map<string, string>()
  for (const event of events) {
    if (event._tag === "LeaseTaken") owner.set(event.shardId, event.workerId)
    else if (owner.get(event.shardId) === event.workerId) owner.delete(event.shardId)
  }
  const byWorker = new Map<string, number>()
  for (const [, id] of owner) if (!gone.has(id)) byWorker.set(id, (byWorker.get(id) ?? 0) + 1)
  return { owner, byWorker }
}
