/**
 * Human-verified image labels, Open Images style (ImageID,Source,LabelName,Confidence).
 *
 * Where they come from, first found wins: a file given with --human-labels; Open Images' public
 * `oidv6-train-annotations-human-imagelabels.csv` (the file the vision winner's code reads) under
 * the data folder's metadata/ or the data folder itself; the generator's
 * `metadata/train-annotations-human-imagelabels.csv`. The public file holds tens of millions of
 * rows for 20,000 labels, so it is streamed line by line and only the task's LabelName, among the
 * pool's IDs, is kept.
 */
import { createReadStream, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse/sync'
import { UserError } from '../errors.js'
import { ID_COLUMN, LABEL_COLUMN, LABEL_NAME_COLUMN, OPEN_IMAGES_HUMAN_LABELS, VISION_LAYOUT } from './layout.js'

const COLUMNS = [ID_COLUMN, LABEL_NAME_COLUMN, LABEL_COLUMN] as const

export interface HumanLabels {
  positives: string[]
  negatives: string[]
  /** the file read; undefined when none was found */
  file?: string
  /** rows for the LabelName in the file, before keeping only the pool's IDs */
  rowsForLabel: number
}

/** Where a data folder's human labels would be, in the order they are looked for. */
export function humanLabelCandidates(dataDir: string): string[] {
  return [
    join(dataDir, VISION_LAYOUT.openImagesHumanLabels),
    join(dataDir, OPEN_IMAGES_HUMAN_LABELS),
    join(dataDir, VISION_LAYOUT.humanLabels),
  ]
}

/** The human-labels file to read: `override` (which must exist), else the first candidate present. */
export function findHumanLabelsFile(dataDir: string, override?: string): string | undefined {
  if (override !== undefined) {
    if (!existsSync(override)) throw new UserError(`${override}: file not found (--human-labels)`)
    return resolve(override)
  }
  return humanLabelCandidates(dataDir).find((p) => existsSync(p))
}

/**
 * The labels of one concept (LabelName) in `file`, kept only for IDs in `poolIds` when given.
 * Confidence 1 is a verified positive, 0 a verified negative (Open Images' convention).
 */
export async function readHumanLabels(
  file: string | undefined,
  labelName: string,
  poolIds?: ReadonlySet<string>,
): Promise<HumanLabels> {
  const out: HumanLabels = { positives: [], negatives: [], file, rowsForLabel: 0 }
  if (file === undefined || labelName === '') return out
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  let columns: number[] | undefined
  let lineNo = 0
  for await (const raw of lines) {
    lineNo++
    if (columns === undefined) {
      const header = parseLine(raw.replace(/^\uFEFF/, ''), file, lineNo)
      columns = COLUMNS.map((c) => {
        const i = header.indexOf(c)
        if (i < 0)
          throw new UserError(
            `${file}: missing column '${c}' (header: ${header.join(',')}); expected ImageID,Source,LabelName,Confidence`,
          )
        return i
      })
      continue
    }
    // a row of this label must contain its name: the cheap test skips nearly every line unparsed
    if (!raw.includes(labelName)) continue
    const row = parseLine(raw, file, lineNo)
    const [id, label, conf] = columns.map((i) => row[i] ?? '') as [string, string, string]
    if (label !== labelName) continue
    out.rowsForLabel++
    const c = Number(conf)
    if (conf === '' || (c !== 0 && c !== 1))
      throw new UserError(`${file}: line ${lineNo}: Confidence '${conf}' for ${id}; expected 0 or 1`)
    if (poolIds && !poolIds.has(id)) continue
    ;(c === 1 ? out.positives : out.negatives).push(id)
  }
  if (columns === undefined)
    throw new UserError(`${file}: empty; expected a CSV with the header ImageID,Source,LabelName,Confidence`)
  return out
}

function parseLine(line: string, file: string, lineNo: number): string[] {
  try {
    return (parse(line, { trim: true, relax_column_count: true }) as string[][])[0] ?? []
  } catch (err) {
    throw new UserError(`${file}: line ${lineNo}: not valid CSV (${(err as Error).message})`)
  }
}

/** The one-line notice for an algorithm that wanted human labels and got none. */
export function noHumanLabelsNotice(
  dataDir: string,
  task: string,
  labels: HumanLabels,
  labelName: string,
): string | undefined {
  if (labels.positives.length + labels.negatives.length > 0) return undefined
  if (labels.file === undefined) {
    return `no human labels for ${task}: none of ${humanLabelCandidates(dataDir).join(', ')} exists (pass --human-labels FILE, or run \`dataperf download vision --open-images-labels\`); using the example images only`
  }
  return labels.rowsForLabel === 0
    ? `no human labels for ${task}: ${labels.file} has no rows with LabelName ${labelName}; using the example images only`
    : `no human labels for ${task}: ${labels.file} has ${labels.rowsForLabel} rows with LabelName ${labelName}, none of them for an image in the pool; using the example images only`
}

/** What a selection reports about the human labels it used (kept in its manifest). */
export interface HumanLabelsReport {
  humanLabels: { file: string | null; positives: number; negatives: number }
  notes: string[]
}

/** The task's human labels among the pool's IDs, and the report saying what was found (or that nothing was). */
export async function humanLabelsForPool(
  dataDir: string,
  task: string,
  labelName: string,
  poolIds: ReadonlySet<string>,
  override?: string,
): Promise<{ labels: HumanLabels; report: HumanLabelsReport }> {
  const labels = await readHumanLabels(findHumanLabelsFile(dataDir, override), labelName, poolIds)
  const notice = noHumanLabelsNotice(dataDir, task, labels, labelName)
  return {
    labels,
    report: {
      humanLabels: {
        file: labels.file ?? null,
        positives: labels.positives.length,
        negatives: labels.negatives.length,
      },
      notes: notice ? [notice] : [],
    },
  }
}
