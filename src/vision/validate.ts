/**
 * The one validator of a vision selection: what `vision eval`, `compare` and the server run
 * before scoring. The rows (header, 0/1 labels, both labels present, no duplicate IDs, the row
 * cap) are checked by readTrainingSet / parseTrainingSet; every ID must then be in the
 * candidate pool (the official Spark join would drop unknown IDs silently; we refuse them).
 */
import { clip, UserError, sampleList } from '../errors.js'
import type { ParquetFile } from '../io/parquet/reader.js'
import { ID_COLUMN } from './layout.js'
import { trainingSetFromSelection, type VisionTrainingSet } from './training-set.js'

export { parseTrainingSet, readTrainingSet, type VisionTrainingSet } from './training-set.js'

/**
 * A selection an algorithm returned (`{ids, labels}`), checked before it is written by the rules a
 * training-set file meets in `eval` (shape, 0/1 labels, both labels, no duplicates, at most
 * `budget` rows, every ID in the pool). `name` names the algorithm (a plugin's file) in errors.
 */
export async function validateVisionSelection(
  value: unknown,
  name: string,
  pool: ParquetFile,
  budget: number,
): Promise<VisionTrainingSet> {
  const set = checkSelectedRows(value, name, budget)
  await matchPool(pool, [set])
  return set
}

/** validateVisionSelection without the pool: the shape and the row rules (an algorithm's own output, before any pool lookup). */
export function checkSelectedRows(value: unknown, name: string, budget: number): VisionTrainingSet {
  const v = value as { ids?: unknown; labels?: unknown } | null | undefined
  const expected = 'expected { ids: string[], labels: number[] } (labels 0 or 1, one per ID)'
  if (
    typeof v !== 'object' ||
    v === null ||
    !Array.isArray(v.ids) ||
    !(Array.isArray(v.labels) || ArrayBuffer.isView(v.labels))
  ) {
    throw new UserError(`${name}: returned ${describe(value)}; ${expected}`)
  }
  const ids = v.ids as unknown[],
    labels = v.labels as ArrayLike<unknown>
  const bad = ids.findIndex((id) => typeof id !== 'string')
  if (bad >= 0) throw new UserError(`${name}: ids[${bad}] is ${describe(ids[bad])}, expected an ImageID string`)
  if (labels.length !== ids.length)
    throw new UserError(`${name}: returned ${ids.length} ids but ${labels.length} labels; ${expected}`)
  return trainingSetFromSelection(
    ids as string[],
    labels as ArrayLike<number>,
    name,
    budget,
    `the budget is ${budget} (--budget)`,
  )
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string'
    ? `the string '${clip(value)}'`
    : typeof value === 'object'
      ? `an object with keys ${clip(Object.keys(value).join(', ')) || '(none)'}`
      : `${typeof value} ${clip(String(value))}`
}

/** Maps each training ID to its pool row; unknown IDs are an error listing the first few. */
export function poolRowsFor(set: VisionTrainingSet, rowOf: ReadonlyMap<string, number>, poolPath: string): Int32Array {
  const rows = new Int32Array(set.ids.length)
  const missing: string[] = []
  set.ids.forEach((id, i) => {
    const r = rowOf.get(id)
    if (r === undefined) missing.push(id)
    else rows[i] = r
  })
  if (missing.length)
    throw new UserError(`${set.path}: ImageIDs not in the candidate pool ${poolPath}: ${sampleList(missing)}`)
  return rows
}

export interface PoolMatch {
  /** pool row of every listed ID (the union over the sets) */
  rowOf: Map<string, number>
  /** per set, the pool row of each of its rows */
  poolRows: Int32Array[]
}

/** Checks training sets (already row-checked) against an open pool: one scan for the union of their IDs. */
export async function matchPool(pool: ParquetFile, sets: readonly VisionTrainingSet[]): Promise<PoolMatch> {
  const wanted = new Set<string>()
  for (const s of sets) for (const id of s.ids) wanted.add(id)
  // a pool listing a training ID twice would make the official join train on both copies: refused
  const repeated: string[] = []
  const rowOf = await pool.findRows(ID_COLUMN, wanted, (id, first, row) =>
    repeated.push(`${id} (rows ${first} and ${row})`),
  )
  if (repeated.length) {
    throw new UserError(
      `${pool.path}: duplicate ImageIDs in the candidate pool: ${sampleList(repeated)}; each ID must be listed once (the official join would use every copy)`,
    )
  }
  return { rowOf, poolRows: sets.map((s) => poolRowsFor(s, rowOf, pool.path)) }
}
