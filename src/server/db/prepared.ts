/**
 * Statements kysely builds and compiles once and that then run many times with other values.
 * Kysely builds a query from tens of small functions and compiles it on every call: for a job
 * worker, ~1 ms of its main thread per job, and V8 still optimising those functions hundreds of
 * jobs in (on helper threads, beside the scoring). A worker's statements keep one text from job to
 * job; only their values change.
 *
 * `build` gets values of the same shape as the run's, whose leaves are slots (placeholders): it
 * must pass them on to kysely as they are, never branch on them or compute from them. A statement
 * is compiled again for values of another shape (other keys, or arrays of another length).
 */
import type { CompiledQuery, Compilable, QueryResult } from '../../vendor/kysely.js'

/** A leaf of the values: its path in them. */
class Slot {
  constructor(readonly path: readonly (string | number)[]) {}
}

type Leaf = string | number | boolean | null | undefined | Buffer

/** The values' leaves as slots, each knowing where it is; each slot made is also put in `all`. */
function slotsLike(value: unknown, all: Slot[], path: (string | number)[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => slotsLike(v, all, [...path, i]))
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, slotsLike(v, all, [...path, k])]))
  const slot = new Slot(path)
  all.push(slot)
  return slot
}

/** What tells two values' shapes apart: their keys and array lengths. */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shapeOf).join(',')}]`
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}:${shapeOf(v)}`)
      .join(',')}}`
  return ''
}

function leafAt(values: unknown, path: readonly (string | number)[]): Leaf {
  let v = values
  for (const key of path) v = (v as Record<string | number, unknown>)[key]
  return v as Leaf
}

interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>
}

export type Prepared<V, R> = (db: Executor, values: V) => Promise<R[]>

function compile<V, R>(build: (values: V) => Compilable<R>, values: V): CompiledQuery<R> {
  const leaves: Slot[] = []
  const query = build(slotsLike(values, leaves) as V).compile()
  // a leaf kysely did not take as a parameter would be left out of every later run, silently
  const bound = new Set(query.parameters)
  const unbound = leaves.filter((l) => !bound.has(l)).map((l) => l.path.join('.'))
  if (unbound.length > 0) throw new Error(`prepare: values not bound as parameters: ${unbound.join(', ')}`)
  return query
}

/** A statement built by `build` once per shape of its values, then run with each call's values. */
export function prepare<V, R>(build: (values: V) => Compilable<R>): Prepared<V, R> {
  const compiled = new Map<string, CompiledQuery<R>>()
  return async (db, values) => {
    const shape = shapeOf(values)
    let query = compiled.get(shape)
    if (!query) compiled.set(shape, (query = compile(build, values)))
    const parameters = query.parameters.map((p) => (p instanceof Slot ? leafAt(values, p.path) : p))
    return (await db.executeQuery<R>({ ...query, parameters })).rows
  }
}
