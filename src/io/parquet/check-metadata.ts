/**
 * Checks a parquet footer before anything is read through it: a damaged or unusual footer (a
 * schema whose children do not add up, an unknown physical type or codec, a column chunk that
 * names no schema column or points outside the file) becomes one line naming what is wrong,
 * instead of a crash deep inside a decoder.
 */
import type { FileMetaData } from 'hyparquet'

const PHYSICAL_TYPES = new Set([
  'BOOLEAN',
  'INT32',
  'INT64',
  'INT96',
  'FLOAT',
  'DOUBLE',
  'BYTE_ARRAY',
  'FIXED_LEN_BYTE_ARRAY',
])
const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'])

/** What is wrong with `metadata` for a file whose data ends at `dataEnd`, or undefined when it is usable. */
export function metadataProblem(metadata: FileMetaData, dataEnd: number): string | undefined {
  const schema = metadata.schema
  if (!Array.isArray(schema) || schema.length === 0) return 'no schema'
  const leaves = new Map<string, string>() // leaf path -> physical type
  let problem: string | undefined
  const walk = (i: number, prefix: string[]): number => {
    const el = schema[i]
    if (el === undefined) {
      problem ??= 'the schema has fewer columns than its parents declare'
      return i + 1
    }
    if (typeof el.name !== 'string') {
      problem ??= `schema element ${i} has no name`
      return i + 1
    }
    const path = [...prefix, el.name]
    if (!el.num_children) {
      if (!PHYSICAL_TYPES.has(String(el.type)))
        problem ??= `column '${path.join('.')}' has an unknown physical type (${String(el.type)})`
      leaves.set(path.join('\u0000'), String(el.type))
      return i + 1
    }
    let next = i + 1
    for (let c = 0; c < el.num_children && problem === undefined; c++) next = walk(next, path)
    return next
  }
  let next = 1
  for (let c = 0; c < (schema[0]?.num_children ?? 0) && problem === undefined; c++) next = walk(next, [])
  if (problem) return problem
  if (next !== schema.length) return `the schema lists ${schema.length - 1} elements but its tree holds ${next - 1}`
  if (!(Number(metadata.num_rows) >= 0)) return `invalid row count (${String(metadata.num_rows)})`
  for (const [g, group] of (metadata.row_groups ?? []).entries()) {
    if (!(Number(group.num_rows) >= 0)) return `row group ${g} has an invalid row count`
    for (const chunk of group.columns ?? []) {
      const meta = chunk.meta_data
      if (!meta) return `row group ${g} has a column without metadata`
      const name = (meta.path_in_schema ?? []).join('.')
      const leafType = leaves.get((meta.path_in_schema ?? []).join('\u0000'))
      if (leafType === undefined) return `row group ${g}: column '${name}' is not in the schema`
      if (meta.type !== leafType)
        return `row group ${g}: column '${name}' has type ${String(meta.type)}, the schema says ${leafType}`
      if (!CODECS.has(String(meta.codec)))
        return `row group ${g}: column '${name}' uses an unknown compression codec (${String(meta.codec)})`
      const start = Math.min(
        Number(meta.data_page_offset),
        meta.dictionary_page_offset === undefined ? Infinity : Number(meta.dictionary_page_offset) || Infinity,
      )
      const size = Number(meta.total_compressed_size)
      if (!(start >= 4) || !(size >= 0) || start + size > dataEnd || !(Number(meta.num_values) >= 0)) {
        return `row group ${g}: column '${name}' points outside the file`
      }
    }
  }
  return undefined
}
