/** Address of one aggregate row: an entity (partition key `pk`) and a bucket (sort key `sk`, 0 = all-time). */
export interface RowKey {
  readonly entity: string
  readonly bucket: number
}

/** Stable string form of a row key, for maps. */
export const rowKeyId = (key: RowKey): string => `${key.bucket}\u0000${key.entity}`
