export {
  type EntityValue,
  type Instant,
  type QueryTarget,
  range,
  rangeBuckets,
  rangeMany,
  value,
  values,
  window,
  windowBuckets,
  windowMany,
  type WindowQueryError
} from "./Query.js"
export { QueryLimits, type QueryLimitsService } from "./limits.js"
export { QueryReads, type QueryReadsService } from "./reads.js"
export { topN } from "./topN.js"
