/**
 * The one validator of a vision selection: what `vision eval`, `compare` and the server run
 * before scoring. The rows (header, 0/1 labels, both labels present, no duplicate IDs, the row
 * cap) are checked by readTrainingSet / parseTrainingSet; every ID must then be in the
 * candidate pool (the official Spark join would drop unknown IDs silently; we refuse them).
 */
import { UserError, sampleList } from '../errors.js'
import type { ParquetFile } from '../io/parquet/reader.js'
import { ID_COLUMN } from './layout.js'
import type { TrainingSet } from './training-set.js'

export { parseTrainingSet, readTrainingSet, type TrainingSet } from './training-set.js'

/** Maps each training ID to its pool row; unknown IDs are an error listing the first few. */
export function poolRowsFor(set: TrainingSet, rowOf: ReadonlyMap<string, number>, poolPath: string): Int32Array {
  const rows = new Int32Array(set.ids.length)
  const missing: string[] = []
  set.ids.forEach((id, i) => {
    const r = rowOf.get(id)
    if (r === undefined) missing.push(id)
    else rows[i] = r
  })
  if (missing.length) throw new UserError(`${set.path}: ImageIDs not in the candidate pool ${poolPath}: ${sampleList(missing)}`)
  return rows
}

export interface PoolMatch {
  /** pool row of every listed ID (the union over the sets) */
  rowOf: Map<string, number>
  /** per set, the pool row of each of its rows */
  poolRows: Int32Array[]
}

/** Checks training sets (already row-checked) against an open pool: one scan for the union of their IDs. */
export async function matchPool(pool: ParquetFile, sets: readonly TrainingSet[]): Promise<PoolMatch> {
  const wanted = new Set<string>()
  for (const s of sets) for (const id of s.ids) wanted.add(id)
  // a pool listing a training ID twice would make the official join train on both copies: refused
  const repeated: string[] = []
  const rowOf = await pool.findRows(ID_COLUMN, wanted, (id, first, row) => repeated.push(`${id} (rows ${first} and ${row})`))
  if (repeated.length) {
    throw new UserError(`${pool.path}: duplicate ImageIDs in the candidate pool: ${sampleList(repeated)}; each ID must be listed once (the official join would use every copy)`)
  }
  return { rowOf, poolRows: sets.map((s) => poolRowsFor(s, rowOf, pool.path)) }
}
