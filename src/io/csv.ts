import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'
import type * as CsvParseSync from 'csv-parse/sync'
import { clip, UserError } from '../errors.js'
import { writeFileAtomic } from './atomic-write.js'

/** A CSV file read as a header and string rows (csv-parse handles quoting and BOMs). */
export interface CsvTable {
  path: string
  header: string[]
  rows: string[][]
}

export interface ReadCsvOptions {
  /** stop reading after this many data rows: more is an error naming the cap (the file is not read on) */
  maxRows?: number
  /** what the cap is, for the message (default: "at most N rows") */
  capReason?: string
  /** the longest line accepted, in bytes (a 100 MB line is no CSV we read) */
  maxLineBytes?: number
}

// csv-parse loads (synchronously, one file) only for a CSV that plainRecords leaves to it
let csvParse: typeof CsvParseSync | undefined
const csvParseLibrary = () => (csvParse ??= createRequire(import.meta.url)('csv-parse/sync') as typeof CsvParseSync)

const CHUNK = 1 << 16
const DEFAULT_MAX_LINE = 1 << 20

function readError(path: string, err: unknown): UserError {
  return new UserError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
}

/**
 * The bytes of `path` up to the end of record `maxRecords` (header included), read in chunks:
 * a record ends at a newline outside double quotes; empty lines do not count. Returns undefined
 * when the file has more records than that, so a 2M-row file costs one chunk past the cap.
 */
function readRecords(path: string, maxRecords: number, maxLineBytes: number): Buffer | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd)
      throw Object.assign(new Error('is a folder'), { code: 'EISDIR' })
    }
  } catch (err) {
    throw readError(path, err)
  }
  const chunks: Buffer[] = []
  let records = 0,
    lineStart = 0,
    offset = 0,
    inQuotes = false,
    lineHasContent = false,
    line = 1
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK)
      let n: number
      try {
        n = readSync(fd, chunk, 0, CHUNK, null)
      } catch (err) {
        throw readError(path, err)
      }
      if (n === 0) break
      for (let i = 0; i < n; i++) {
        const byte = chunk[i]!
        if (byte === 0x22) inQuotes = !inQuotes
        if (byte === 0x0a) {
          line++
          if (!inQuotes) {
            if (lineHasContent && ++records > maxRecords) return undefined
            lineHasContent = false
            lineStart = offset + i + 1
          }
        } else if (byte !== 0x0d) {
          lineHasContent = true
        }
        if (offset + i - lineStart >= maxLineBytes) {
          throw new UserError(
            `${path}: line ${line} is longer than ${maxLineBytes} bytes; expected a CSV of short rows`,
          )
        }
      }
      chunks.push(chunk.subarray(0, n))
      offset += n
    }
  } finally {
    closeSync(fd)
  }
  if (lineHasContent && ++records > maxRecords) return undefined
  return Buffer.concat(chunks)
}

export function readCsv(path: string, options: ReadCsvOptions = {}): CsvTable {
  const maxRows = options.maxRows ?? Infinity
  const bytes = readRecords(path, maxRows + 1, options.maxLineBytes ?? DEFAULT_MAX_LINE)
  if (bytes === undefined)
    throw new UserError(`${path}: more than ${maxRows} rows; ${options.capReason ?? `expected at most ${maxRows}`}`)
  const text = bytes.toString('utf8')
  if (text.trim() === '') throw new UserError(`${path}: file is empty, expected a CSV with a header row`)
  return parseCsv(text, path)
}

/** CSV text (e.g. an uploaded file's) as a table; `path` names it in errors. */
export function parseCsv(text: string, path: string): CsvTable {
  let records = plainRecords(text)
  if (!records) {
    try {
      records = csvParseLibrary().parse(text, {
        bom: true,
        skip_empty_lines: true,
        relax_column_count: false,
        trim: true,
      }) as string[][]
    } catch (err) {
      // csv-parse names the line where it gave up (the end of the file); the user needs the one that opened the quote
      const open = (err as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuoteLine(text) : undefined
      if (open !== undefined)
        throw new UserError(
          `${path}: line ${open}: a quote (") opened here is never closed, so the rest of the file reads as one field; close it or remove it`,
          { code: 'bad_file', path, row: open, cause: err },
        )
      throw new UserError(`${path}: not a valid CSV (${clip((err as Error).message, 200)})`, {
        code: 'bad_file',
        path,
        cause: err,
      })
    }
  }
  const [header, ...rows] = records
  if (header === undefined) throw new UserError(`${path}: empty file, expected a CSV with a header row`)
  return { path, header, rows }
}

/** The line of the quote still open at the end of `text` (a doubled "" inside quotes is an escaped quote). */
function unclosedQuoteLine(text: string): number | undefined {
  let line = 1,
    openedAt: number | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') line++
    else if (c === '"') {
      if (openedAt === undefined) openedAt = line
      else if (text[i + 1] === '"') i++
      else openedAt = undefined
    }
  }
  return openedAt
}

/**
 * The records of a plain CSV: printable ASCII without quotes or whitespace, '\n' line ends, every
 * line with as many fields as the first. Split directly, they are what csv-parse returns with the
 * options above (nothing to unquote or trim, empty lines skipped), about ten times sooner for a
 * training set; any other text (quotes, spaces, '\r', non-ASCII, ragged rows) returns undefined
 * and goes to csv-parse, which also words the errors.
 */
function plainRecords(text: string): string[][] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (/[^\x21\x23-\x7e\n]/.test(body)) return undefined
  const records: string[][] = []
  for (const line of body.split('\n')) {
    if (line === '') continue
    const fields = line.split(',')
    if (records.length > 0 && fields.length !== records[0]!.length) return undefined
    records.push(fields)
  }
  return records
}

/** Index of a required column, or a user error listing the columns the file has. */
export function requireCsvColumn(table: CsvTable, name: string): number {
  const i = table.header.indexOf(name)
  if (i < 0) throw new UserError(`${table.path}: missing column '${name}' (header: ${clip(table.header.join(','))})`)
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

export function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<ReadonlyArray<string | number>>,
): void {
  writeFileAtomic(path, formatCsv(header, rows))
}
