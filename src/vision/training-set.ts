/**
 * A participant's training set for one task: `ImageID,Confidence` rows with labels 0 or 1.
 * The row rules; validate.ts adds the pool check and is what callers use.
 */
import { clip, UserError, sampleList } from '../errors.js'
import { parseCsv, readCsv, requireCsvColumn, type CsvTable } from '../io/csv.js'
import { ID_COLUMN, LABEL_COLUMN, MAX_TRAINING_ROWS } from './layout.js'

export interface VisionTrainingSet {
  path: string
  ids: string[]
  labels: Int32Array
}

export function readTrainingSet(path: string, maxRows = MAX_TRAINING_ROWS): VisionTrainingSet {
  // reading stops at the cap: a 2M-row file is refused after one chunk past row maxRows
  return trainingSetFromTable(readCsv(path, { maxRows, capReason: capReason(maxRows) }), maxRows)
}

/** The same rules over CSV text (an uploaded file); `name` names it in errors. */
export function parseTrainingSet(text: string, name: string, maxRows = MAX_TRAINING_ROWS): VisionTrainingSet {
  return trainingSetFromTable(parseCsv(text, name), maxRows)
}

/**
 * The same rules over a selection an algorithm returned (IDs and their labels), before it is
 * written: `name` names the algorithm, `cap` (with `capReason`) the most rows allowed.
 */
export function trainingSetFromSelection(
  ids: readonly string[],
  labels: ArrayLike<number>,
  name: string,
  cap: number,
  capReason: string,
): VisionTrainingSet {
  const table: CsvTable = {
    path: name,
    header: [ID_COLUMN, LABEL_COLUMN],
    rows: ids.map((id, i) => [id, String(labels[i])]),
  }
  return trainingSetFromTable(table, cap, {
    where: (i) => `entry ${i}`,
    both: (i, j) => `entries ${i} and ${j}`,
    capReason,
    noRows: 'returned no rows',
  })
}

const capReason = (maxRows: number) => `the challenge allows at most ${maxRows} per task (raise with --max-train-rows)`

interface RowWords {
  /** where row i is, for messages */
  where: (i: number) => string
  /** where rows i and j are */
  both: (i: number, j: number) => string
  capReason: string
  noRows: string
}

const CSV_WORDS = (maxRows: number): RowWords => ({
  where: (i) => `line ${i + 2}`,
  both: (i, j) => `lines ${i + 2} and ${j + 2}`,
  capReason: capReason(maxRows),
  noRows: 'no rows after the header, expected ImageID,Confidence rows',
})

/** The most problems one message lists (a broken file may have thousands of bad rows). */
export const MAX_PROBLEMS_SHOWN = 10

/** What is wrong with a table's rows: every problem (bad rows up to the cap), and the rows' IDs. */
export interface RowProblems {
  ids: string[]
  labels: Int32Array
  problems: string[]
  /** the first bad row's line (or entry) number, for the error's `row` field */
  firstRow?: number
}

function checkRows(table: CsvTable, maxRows: number, words: RowWords): RowProblems {
  const path = table.path
  const idCol = requireCsvColumn(table, ID_COLUMN)
  const labelCol = requireCsvColumn(table, LABEL_COLUMN)
  if (table.rows.length > maxRows) throw new UserError(`${path}: more than ${maxRows} rows; ${words.capReason}`)
  if (table.rows.length === 0) throw new UserError(`${path}: ${words.noRows}`)
  const ids: string[] = []
  const labels = new Int32Array(table.rows.length)
  const seen = new Map<string, number>()
  const duplicates: string[] = []
  const problems: string[] = []
  let firstRow: number | undefined
  let badLabels = 0
  table.rows.forEach((row, i) => {
    const id = row[idCol]!
    const label = row[labelCol]!
    const bad = id === '' || (label !== '0' && label !== '1')
    if (id === '') problems.push(`${words.where(i)}: empty ImageID`)
    else if (label !== '0' && label !== '1')
      problems.push(`${words.where(i)} (ImageID ${clip(id)}): Confidence is ${quoted(label)}, expected 0 or 1`)
    if (bad) {
      firstRow ??= i + 2
      if (label !== '0' && label !== '1') badLabels++
    }
    if (id !== '') {
      if (seen.has(id)) duplicates.push(`${clip(id)} (${words.both(seen.get(id)!, i)})`)
      else seen.set(id, i)
    }
    ids.push(id)
    labels[i] = label === '1' ? 1 : 0
  })
  if (duplicates.length) problems.push(`duplicate ImageIDs: ${sampleList(duplicates)}`)
  let positives = 0
  for (const l of labels) positives += l
  if (badLabels === 0 && (positives === 0 || positives === labels.length))
    problems.push(
      `all ${labels.length} rows have Confidence ${positives ? 1 : 0}; the classifier needs both labels 0 and 1`,
    )
  return { ids, labels, problems, ...(firstRow !== undefined ? { firstRow } : {}) }
}

/** `'x'` for a plain value; shown() JSON-quotes one with control characters. */
const quoted = (value: string) => {
  const s = clip(value)
  return s.startsWith('"') ? s : `'${s}'`
}

/** One line for all of a file's problems, the first MAX_PROBLEMS_SHOWN of them listed. */
export function problemsMessage(path: string, problems: readonly string[]): string {
  if (problems.length === 1) return `${path}: ${problems[0]}`
  const shownProblems = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ')
  const more = problems.length > MAX_PROBLEMS_SHOWN ? `; and ${problems.length - MAX_PROBLEMS_SHOWN} more` : ''
  return `${path}: ${problems.length} problems: ${shownProblems}${more}`
}

function trainingSetFromTable(
  table: CsvTable,
  maxRows: number,
  words: RowWords = CSV_WORDS(maxRows),
): VisionTrainingSet {
  const r = checkRows(table, maxRows, words)
  if (r.problems.length > 0)
    throw new UserError(problemsMessage(table.path, r.problems), {
      code: 'bad_file',
      path: table.path,
      ...(r.firstRow !== undefined ? { row: r.firstRow } : {}),
    })
  return { path: table.path, ids: r.ids, labels: r.labels }
}

/**
 * Every problem of a training-set file (doctor reports them all, as `vision eval` would meet them
 * one file at a time), and its IDs; a file that cannot be read as a CSV at all throws.
 */
export function trainingSetProblems(path: string, maxRows = MAX_TRAINING_ROWS): RowProblems {
  return checkRows(readCsv(path, { maxRows, capReason: capReason(maxRows) }), maxRows, CSV_WORDS(maxRows))
}
