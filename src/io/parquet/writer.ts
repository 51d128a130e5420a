/**
 * Writes embedding tables in the layout pyarrow gives them: an optional UTF-8 ID column, a
 * 3-level LIST column of float (or double) elements, and optional scalar columns. Rows are
 * streamed to disk in row groups so that a million-row pool needs memory for one group only.
 * The file appears under its final name only when complete (temp file, then rename).
 */
import { renameSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { ParquetWriter } from 'hyparquet-writer'
import { writeColumn } from 'hyparquet-writer/src/column.js'
import { fileWriter } from 'hyparquet-writer/src/node.js'
import type { Encoding, SchemaElement } from 'hyparquet'
import type { PageData } from 'hyparquet-writer/src/types.js'
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
  const root: SchemaElement = { name: 'schema', num_children: table.leading.length + 1 + trailing.length }
  const leading = table.leading.map(scalarSchema)
  // the 3-level LIST: <column> (optional, LIST) > list (repeated) > element (optional)
  const vectorPath: SchemaElement[] = [
    root,
    { name: table.vectorColumn, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: options.listElementName ?? 'element', type: elementType, repetition_type: 'OPTIONAL' },
  ]
  const trailingSchema = trailing.map(scalarSchema)
  const schema = [root, ...leading, ...vectorPath.slice(1), ...trailingSchema]
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
      if (rowsHere > 0)
        writeRowGroup(writer, rowsHere, [
          ...table.leading.map((c, i) => scalarChunk(c, start, rowsHere, [root, leading[i]!])),
          vectorChunk(block, rowsHere, table.dim, vectorPath),
          ...trailing.map((c, i) => scalarChunk(c, start, rowsHere, [root, trailingSchema[i]!])),
        ])
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

/** One column of a row group: its path in the schema (root to leaf) and its values with their levels. */
interface ColumnChunkData {
  schemaPath: SchemaElement[]
  pageData: PageData
  /** min/max statistics in the chunk's metadata (pyarrow writes them for scalar columns) */
  statistics: boolean
  encoding?: Encoding
}

/** A scalar (optional, never null) column of rows [start, start + rows): definition level 1 each. */
function scalarChunk(c: ScalarColumn, start: number, rows: number, schemaPath: SchemaElement[]): ColumnChunkData {
  const values = Array.from({ length: rows }, (_, r) => toParquetValue(c, c.value(start + r)))
  return {
    schemaPath,
    pageData: { values, definitionLevels: levels(rows, 1), repetitionLevels: [], maxDefinitionLevel: 1 },
    statistics: true,
  }
}

/**
 * The vector column's leaf, levels computed here from the block's shape: every row a present list
 * of `dim` present elements (definition level 3; repetition level 0 at a row's first element, 1
 * after). hyparquet-writer's generic Dremel walk visits each element through a recursive call on a
 * number[][] (~0.5 us per value: 2.8 of 9.5 s generating the speech data); the levels it computes
 * for this shape are these. Written PLAIN: an embedding's floats almost never repeat, and the
 * writer's dictionary trial over every value (2.4 s more there) ended in PLAIN anyway.
 */
function vectorChunk(
  block: Float32Array | Float64Array,
  rows: number,
  dim: number,
  schemaPath: SchemaElement[],
): ColumnChunkData {
  if (dim === 0) {
    // empty lists: one slot per row at definition level 1 (list present, no element)
    return {
      schemaPath,
      pageData: {
        values: new Array(rows),
        definitionLevels: levels(rows, 1),
        repetitionLevels: levels(rows, 0),
        maxDefinitionLevel: 3,
      },
      statistics: false,
      encoding: 'PLAIN',
    }
  }
  const repetition = new Uint8Array(rows * dim).fill(1)
  for (let r = 0; r < rows; r++) repetition[r * dim] = 0
  return {
    schemaPath,
    pageData: {
      values: block,
      definitionLevels: levels(rows * dim, 3),
      repetitionLevels: repetition as unknown as number[],
      maxDefinitionLevel: 3,
    },
    statistics: false,
    encoding: 'PLAIN',
  }
}

/**
 * `n` levels of one value. A typed array, where hyparquet-writer's types say number[]: it only
 * indexes, slices and measures them, and a million-row group's levels would be ~100 MB as an array.
 */
function levels(n: number, value: number): number[] {
  return new Uint8Array(n).fill(value) as unknown as number[]
}

/**
 * Appends one row group, as ParquetWriter.write() does for each group of its input (same column
 * encoder, same metadata), from column chunks whose levels are already computed (see vectorChunk).
 */
function writeRowGroup(writer: ParquetWriter, rows: number, chunks: ColumnChunkData[]): void {
  const groupStart = writer.writer.offset
  const columns = chunks.map(({ schemaPath, pageData, statistics, encoding }) => {
    const result = writeColumn({
      writer: writer.writer,
      column: {
        columnName: schemaPath
          .slice(1)
          .map((s) => s.name)
          .join('.'),
        element: schemaPath[schemaPath.length - 1]!,
        schemaPath,
        codec: writer.codec,
        compressors: writer.compressors,
        stats: statistics,
        statisticsTruncateLength: writer.statisticsTruncateLength,
        pageSize: 1048576, // write()'s default
        columnIndex: false,
        offsetIndex: true,
        ...(encoding ? { encoding } : {}),
      },
      pageData,
    })
    writer.pendingIndexes.push(result)
    return result.chunk
  })
  let totalByteSize = 0n
  for (const c of columns) totalByteSize += c.meta_data?.total_uncompressed_size ?? 0n
  writer.num_rows += BigInt(rows)
  writer.row_groups.push({
    columns,
    total_byte_size: totalByteSize,
    num_rows: BigInt(rows),
    total_compressed_size: BigInt(writer.writer.offset - groupStart),
  })
  synchronous(writer.writer.flush?.())
}

/**
 * The file writer's flush (after each row group, writeRowGroup) and hyparquet-writer's finish() return a
 * promise only when the flush is asynchronous; node's fileWriter flushes synchronously, so the file is
 * complete before the rename.
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
