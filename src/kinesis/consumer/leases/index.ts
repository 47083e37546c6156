/**
 * Several polling workers sharing one stream: DynamoDB (or memory) leases per (app, stream, shard),
 * balanced toward ceil(shards / workers), handed off on shutdown. See docs/workers.md.
 */
export { planLeases, type LeasePlan, type LeaseView } from "./balance.js"
export {
  defaultLeaseDurationMs,
  defaultLeaseRenewMs,
  defaultWorkerId,
  type ResolvedWorkerConfig,
  type WorkerConfig,
  workerConfig,
  type WorkerOptions
} from "./config.js"
export type { LeaseEvent } from "./events.js"
export { runWorker } from "./runWorker.js"
