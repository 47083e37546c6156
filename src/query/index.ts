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
export { contains, type ContainsError, type ContainsOptions, NotBloom } from "./contains.js"
export { type BloomAnswer, type HllAnswer, render, renderAt } from "./render.js"
export { topN } from "./topN.js"
