/**
 * Writes embedding tables in the layout pyarrow gives them: an optional UTF-8 ID column, a
 * 3-level LIST column of float (or double) elements, and optional scalar columns. Rows are
 * streamed to disk in row groups so that a million-row pool needs memory for one group only.
 * The file appears under its final name only when complete (temp file, then rename).
 */
import { renameSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { ParquetWriter } from 'hyparquet-writer'
import { fileWriter } from 'hyparquet-writer/src/node.js'
import type { SchemaElement } from 'hyparquet'
import { keepTemp, removeTemp, tempPathFor } from '../temp-files.js'
import type { ProgressCount } from '../../progress.js'

export interface ScalarColumn {
  name: string
  type: 'STRING' | 'INT64' | 'DOUBLE'
  /** value of row i */
  value: (row: number) => string | number
}

export interface VectorTable {
  rows: number
  /** ID-like string columns and other scalars, written before the vector column */
  leading: ScalarColumn[]
  vectorColumn: string
  /**
   * Row-major vectors of rows [start, end). Called once per row group in order, so a generator
   * can produce a huge table a group at a time.
   */
  vectors: (start: number, end: number) => Float32Array | Float64Array
  dim: number
  /** element type stored in the file; FLOAT by default */
  elementType?: 'FLOAT' | 'DOUBLE'
  /** scalar columns written after the vector column */
  trailing?: ScalarColumn[]
}

export interface WriteOptions {
  rowGroupSize?: number
  codec?: 'SNAPPY' | 'UNCOMPRESSED'
  /** name of the list's element node: 'element' (pyarrow >= 13, DuckDB, Spark) or 'item' (older pyarrow) */
  listElementName?: string
  onProgress?: ProgressCount
}

/** Writes the table to `path` (see `vectorTableSteps`). */
export function writeVectorTable(path: string, table: VectorTable, options: WriteOptions = {}): void {
  for (const _ of vectorTableSteps(path, table, options));
}

/**
 * Writes the table to `path` one row group per step: a caller that drives the steps from an async
 * loop lets signals and timers run between row groups (an interrupted write then removes its temp file).
 */
export function* vectorTableSteps(path: string, table: VectorTable, options: WriteOptions = {}): Generator<void> {
  const elementType = table.elementType ?? 'FLOAT'
  const trailing = table.trailing ?? []
  const schema: SchemaElement[] = [
    { name: 'schema', num_children: table.leading.length + 1 + trailing.length },
    ...table.leading.map(scalarSchema),
    { name: table.vectorColumn, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: options.listElementName ?? 'element', type: elementType, repetition_type: 'OPTIONAL' },
    ...trailing.map(scalarSchema),
  ]
  mkdirSync(dirname(path), { recursive: true })
  const tmp = tempPathFor(path)
  try {
    const writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema,
      codec: options.codec ?? 'SNAPPY',
      createdBy: 'dataperf',
    })
    const groupSize = Math.max(1, options.rowGroupSize ?? 65536)
    // the temp file exists from here: let the signal listener it added start (Node misses a signal
    // that arrives before a listener's first event-loop turn) before the first block takes seconds
    yield
    for (let start = 0; start < table.rows || (start === 0 && table.rows === 0); start += groupSize) {
      const end = Math.min(table.rows, start + groupSize)
      const rowsHere = end - start
      const block = table.vectors(start, end)
      yield // a generator's block can take seconds: let signals run before it is encoded
      if (block.length !== rowsHere * table.dim)
        throw new Error(`vector block for rows ${start}-${end} has ${block.length} values`)
      const vectorRows: number[][] = new Array(rowsHere)
      for (let r = 0; r < rowsHere; r++) vectorRows[r] = Array.from(block.subarray(r * table.dim, (r + 1) * table.dim))
      const scalars = (cols: ScalarColumn[]) =>
        cols.map((c) => ({
          name: c.name,
          data: Array.from({ length: rowsHere }, (_, r) => toParquetValue(c, c.value(start + r))),
        }))
      synchronous(
        writer.write({
          columnData: [
            ...scalars(table.leading),
            { name: table.vectorColumn, data: vectorRows, statistics: false },
            ...scalars(trailing),
          ],
          rowGroupSize: rowsHere || 1,
        }),
      )
      options.onProgress?.(end, table.rows)
      if (table.rows === 0) break
      yield
    }
    synchronous(writer.finish())
    renameSync(tmp, path)
    keepTemp(tmp)
  } catch (err) {
    removeTemp(tmp)
    throw err
  }
}

function scalarSchema(c: ScalarColumn): SchemaElement {
  switch (c.type) {
    case 'STRING':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
    case 'INT64':
      return { name: c.name, type: 'INT64', repetition_type: 'OPTIONAL' }
    case 'DOUBLE':
      return { name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }
  }
}

function toParquetValue(c: ScalarColumn, v: string | number): string | number | bigint {
  return c.type === 'INT64' ? BigInt(v) : v
}

/**
 * hyparquet-writer's write() and finish() return a promise only when the file writer's flush is
 * asynchronous; node's fileWriter flushes synchronously, so the file is complete before the rename.
 * Should that change, stop rather than rename a file still being written.
 */
function synchronous(result: void | Promise<void>): void {
  if (result instanceof Promise) {
    result.catch(() => {})
    throw new Error(
      'hyparquet-writer wrote asynchronously; io/parquet/writer.ts expects its synchronous node fileWriter',
    )
  }
}
