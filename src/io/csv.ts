import { parse } from 'csv-parse/sync'
import { UserError } from '../errors.js'
import { writeFileAtomic } from './atomic-write.js'
import { readTextFile } from './text-file.js'

/** A CSV file read as a header and string rows (csv-parse handles quoting and BOMs). */
export interface CsvTable {
  path: string
  header: string[]
  rows: string[][]
}

export function readCsv(path: string): CsvTable {
  return parseCsv(readTextFile(path, 'a CSV with a header row'), path)
}

/** CSV text (e.g. an uploaded file's) as a table; `path` names it in errors. */
export function parseCsv(text: string, path: string): CsvTable {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][]
  } catch (err) {
    throw new UserError(`${path}: not a valid CSV (${(err as Error).message})`)
  }
  const [header, ...rows] = records
  if (header === undefined) throw new UserError(`${path}: empty file, expected a CSV with a header row`)
  return { path, header, rows }
}

/** Index of a required column, or a user error listing the columns the file has. */
export function requireCsvColumn(table: CsvTable, name: string): number {
  const i = table.header.indexOf(name)
  if (i < 0) throw new UserError(`${table.path}: missing column '${name}' (header: ${table.header.join(',')})`)
  return i
}

function quote(field: string | number): string {
  const s = String(field)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV text with a header, quoting only fields that need it (as pandas' to_csv does). */
export function formatCsv(header: readonly string[], rows: Iterable<ReadonlyArray<string | number>>): string {
  const lines = [header.map(quote).join(',')]
  for (const row of rows) lines.push(row.map(quote).join(','))
  return lines.join('\n') + '\n'
}

export function writeCsv(path: string, header: readonly string[], rows: Iterable<ReadonlyArray<string | number>>): void {
  writeFileAtomic(path, formatCsv(header, rows))
}
