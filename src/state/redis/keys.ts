import type { Block } from "../blocks.js"

/**
 * The Redis key of one cached block: `<prefix>:{<table length>:<table>:<entity>}:<level>:<index>`.
 * The braces are a cluster hash tag, so every block of one entity lives in one slot (one MGET, one
 * merge script); the table's length keeps (table, entity) pairs apart whatever they contain.
 *
 * @example
 * blockKey("murmur", "aggregates", "/pricing", { level: 3, index: 60_000 }) // "murmur:{10:aggregates:/pricing}:3:60000"
 */
export const blockKey = (prefix: string, table: string, entity: string, { index, level }: Block): string =>
  `${prefix}:{${table.length}:${table}:${entity}}:${level}:${index}`
