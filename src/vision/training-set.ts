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

function trainingSetFromTable(
  table: CsvTable,
  maxRows: number,
  words: RowWords = CSV_WORDS(maxRows),
): VisionTrainingSet {
  const path = table.path
  const idCol = requireCsvColumn(table, ID_COLUMN)
  const labelCol = requireCsvColumn(table, LABEL_COLUMN)
  if (table.rows.length > maxRows) throw new UserError(`${path}: more than ${maxRows} rows; ${words.capReason}`)
  if (table.rows.length === 0) throw new UserError(`${path}: ${words.noRows}`)
  const ids: string[] = []
  const labels = new Int32Array(table.rows.length)
  const seen = new Map<string, number>()
  const duplicates: string[] = []
  table.rows.forEach((row, i) => {
    const id = row[idCol]!
    if (id === '') throw new UserError(`${path}: ${words.where(i)}: empty ImageID`)
    const label = row[labelCol]!
    if (label !== '0' && label !== '1') {
      throw new UserError(
        `${path}: ${words.where(i)} (ImageID ${clip(id)}): Confidence is '${clip(label)}', expected 0 or 1`,
      )
    }
    if (seen.has(id)) duplicates.push(`${clip(id)} (${words.both(seen.get(id)!, i)})`)
    else seen.set(id, i)
    ids.push(id)
    labels[i] = label === '1' ? 1 : 0
  })
  if (duplicates.length) throw new UserError(`${path}: duplicate ImageIDs: ${sampleList(duplicates)}`)
  let positives = 0
  for (const l of labels) positives += l
  if (positives === 0 || positives === labels.length) {
    throw new UserError(
      `${path}: all ${labels.length} rows have Confidence ${positives ? 1 : 0}; the classifier needs both labels 0 and 1`,
    )
  }
  return { path, ids, labels }
}
