/**
 * `dataperf create vision`: a new vision selection experiment from a candidate pool (ImageID,
 * embedding), Open Images-style human labels (ImageID,Source,LabelName,Confidence) and class
 * descriptions (LabelName,DisplayName). Each chosen concept becomes a task:
 * - a test set of held-out, human-verified positives and negatives (Confidence 1 / 0), removed
 *   from the pool so no participant can select (or see) them;
 * - 20 example positives (alpha_example_set_{Task}.csv, the official columns) from the
 *   remaining verified positives;
 * - task_setup.yaml with the official keys.
 * The pool's human labels for the chosen concepts, minus the test images, are kept in
 * metadata/ for selection algorithms that use them. Every draw comes from one seeded stream.
 */
import { join } from 'node:path'
import { stringify } from 'yaml'
import { UserError, sampleList } from '../errors.js'
import { readCsv, requireCsvColumn, writeCsv } from '../io/csv.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { writeVectorTable } from '../io/parquet/writer.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { Rng } from '../ml/rng.js'
import { readHumanLabels } from '../vision/human-labels.js'
import {
  CLASS_DESCRIPTIONS_COLUMNS,
  DISPLAY_NAME_COLUMN,
  EMBEDDING_COLUMN,
  EXAMPLE_SET_COLUMNS,
  ID_COLUMN,
  IMAGE_LABELS_COLUMNS,
  LABEL_COLUMN,
  LABEL_NAME_COLUMN,
  URL_COLUMN,
  VISION_LAYOUT,
} from '../vision/layout.js'
import { buildFolder, requireFreshOutput } from './output-folder.js'
import { VISION_CREATE_DEFAULTS } from './defaults.js'
import type { Progress } from '../progress.js'

export interface CreateVisionOptions {
  pool: string
  humanLabels: string
  classDescriptions: string
  /** concepts by DisplayName or LabelName */
  concepts: string[]
  out: string
  /** optional CSV with ImageID and OriginalURL (Open Images' image list) for the example sets */
  imageUrls?: string
  examples?: number
  testPositives?: number
  testNegatives?: number
  seed?: number
  onProgress?: Progress
}

export interface CreatedVisionTask {
  task: string
  labelName: string
  examples: number
  testPositives: number
  testNegatives: number
  poolPositives: number
}
export interface CreatedVision {
  out: string
  poolSize: number
  removed: number
  dim: number
  tasks: CreatedVisionTask[]
}

/** Task names become file names and YAML keys: DisplayName with spaces as underscores. */
function taskName(displayName: string): string {
  const name = displayName.trim().replace(/\s+/g, '_')
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name))
    throw new UserError(`concept '${displayName}': its name must be letters, digits, spaces, - or _ to name task files`)
  return name
}

function readConcepts(path: string, wanted: string[]): Array<{ task: string; labelName: string; displayName: string }> {
  const table = readCsv(path)
  const labelCol = requireCsvColumn(table, LABEL_NAME_COLUMN),
    nameCol = requireCsvColumn(table, DISPLAY_NAME_COLUMN)
  return wanted.map((w) => {
    const row =
      table.rows.find((r) => r[labelCol] === w) ??
      table.rows.find((r) => r[nameCol] === w) ??
      table.rows.find((r) => r[nameCol]?.toLowerCase() === w.toLowerCase())
    if (!row) throw new UserError(`${path}: no concept '${w}' (give a DisplayName or a LabelName listed there)`)
    return { task: taskName(row[nameCol]!), labelName: row[labelCol]!, displayName: row[nameCol]! }
  })
}

function readUrls(path: string | undefined): Map<string, string> {
  if (path === undefined) return new Map()
  const table = readCsv(path)
  const id = requireCsvColumn(table, ID_COLUMN),
    url = requireCsvColumn(table, URL_COLUMN)
  return new Map(table.rows.map((r) => [r[id]!, r[url]!]))
}

/** `count` distinct items of `items`, drawn with `rng` (a partial Fisher-Yates shuffle of a copy). */
function draw<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const a = [...items]
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(a.length - i)
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
  return a.slice(0, count)
}

/** task_setup.yaml with the official keys; paths relative to data_dir, which is this file's folder. */
export function createdSetupYaml(tasks: readonly string[], dim: number): string {
  const doc: Record<string, unknown> = { spark_driver_memory: '6g', data_dir: '.', emb_file: VISION_LAYOUT.pool }
  for (const t of tasks) doc[t] = [VISION_LAYOUT.trainSet(t), VISION_LAYOUT.testSet(t)]
  Object.assign(doc, { results_dir: VISION_LAYOUT.results, dim, eval_tasks: [...tasks], docker_data_dir: 'data' })
  return (
    '# Written by `dataperf create vision`; keys as in the official task_setup.yaml.\n' +
    '# Paths are relative to data_dir, which is relative to this file.\n' +
    stringify(doc, { flow: false })
  )
}

function checkCount(flag: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new UserError(`${flag} must be an integer >= ${min}, got ${value}`)
}

export async function createVisionExperiment(options: CreateVisionOptions): Promise<CreatedVision> {
  const p = {
    ...VISION_CREATE_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<CreateVisionOptions>
  checkCount('--examples', p.examples, 1)
  checkCount('--test-positives', p.testPositives, 1)
  checkCount('--test-negatives', p.testNegatives, 1)
  checkCount('--seed', p.seed, 0)
  const wanted = [...new Set(options.concepts.map((c) => c.trim()).filter((c) => c !== ''))]
  if (wanted.length === 0)
    throw new UserError('--concepts: expected a comma-separated list of concepts (DisplayName or LabelName)')
  const concepts = readConcepts(options.classDescriptions, wanted)
  const dupes = concepts.map((c) => c.task).filter((t, i, all) => all.indexOf(t) !== i)
  if (dupes.length > 0) throw new UserError(`--concepts: ${sampleList(dupes)} given twice`)
  const urls = readUrls(options.imageUrls)
  requireFreshOutput(options.out)
  const progress = options.onProgress ?? (() => {})

  const pool = await ParquetFile.open(options.pool)
  try {
    pool.requireColumn(ID_COLUMN)
    pool.requireColumn(EMBEDDING_COLUMN)
    const ids = (await pool.readScalars(ID_COLUMN)).map(String)
    const rowOf = new Map<string, number>()
    const repeated: string[] = []
    ids.forEach((id, r) => {
      if (rowOf.has(id)) repeated.push(id)
      else rowOf.set(id, r)
    })
    if (repeated.length > 0)
      throw new UserError(
        `${options.pool}: ImageID ${sampleList(repeated)} appears more than once; expected one row per image`,
      )
    const poolIds = new Set(ids)

    // each concept's verified labels among the pool's images (an image labelled both ways is dropped)
    const labels: Array<{ positives: string[]; negatives: string[] }> = []
    for (const [i, c] of concepts.entries()) {
      progress('reading human labels', i, concepts.length)
      const l = await readHumanLabels(options.humanLabels, c.labelName, poolIds)
      const pos = new Set(l.positives),
        neg = new Set(l.negatives)
      labels.push({
        positives: [...pos].filter((id) => !neg.has(id)).sort(),
        negatives: [...neg].filter((id) => !pos.has(id)).sort(),
      })
    }

    // test sets first, for all tasks, so that no test image is any task's example
    const rng = new Rng(p.seed)
    const testIds = new Set<string>()
    const tests = concepts.map((c, i) => {
      const l = labels[i]!
      const free = (xs: string[]) => xs.filter((id) => !testIds.has(id))
      const pos = free(l.positives),
        neg = free(l.negatives)
      if (pos.length < p.testPositives + p.examples) {
        throw new UserError(
          `${options.humanLabels}: concept ${c.displayName} (${c.labelName}) has ${pos.length} verified positives in the pool; ${p.testPositives} test positives + ${p.examples} examples are needed`,
        )
      }
      if (neg.length < p.testNegatives) {
        throw new UserError(
          `${options.humanLabels}: concept ${c.displayName} (${c.labelName}) has ${neg.length} verified negatives in the pool; ${p.testNegatives} test negatives are needed`,
        )
      }
      const chosen = [
        ...draw(rng, pos, p.testPositives).map((id) => ({ id, label: 1 })),
        ...draw(rng, neg, p.testNegatives).map((id) => ({ id, label: 0 })),
      ]
      const order = draw(rng, chosen, chosen.length) // positives and negatives mixed
      for (const { id } of order) testIds.add(id)
      return order
    })
    const examples = concepts.map((_, i) =>
      draw(
        rng,
        labels[i]!.positives.filter((id) => !testIds.has(id)),
        p.examples,
      ),
    )

    const keptRows = Int32Array.from(ids.map((id, r) => (testIds.has(id) ? -1 : r)).filter((r) => r >= 0))
    const testRows = Int32Array.from([...testIds].map((id) => rowOf.get(id)!)).sort()
    progress('reading the pool', 0, 1)
    const kept = await pool.readVectors(EMBEDDING_COLUMN, { rows: keptRows, rowLabel: (r) => `image ${ids[r]}` })
    const held = await pool.readVectors(EMBEDDING_COLUMN, {
      rows: testRows,
      dim: kept.dim,
      rowLabel: (r) => `image ${ids[r]}`,
    })
    const dim = kept.dim
    const elementType = kept.data instanceof Float64Array ? ('DOUBLE' as const) : ('FLOAT' as const)
    const slotOfTest = new Map<string, number>()
    testRows.forEach((r, i) => slotOfTest.set(ids[r]!, i))

    return await buildFolder(options.out, async (tmp) => {
      writeVectorTable(
        join(tmp, VISION_LAYOUT.pool),
        {
          rows: keptRows.length,
          leading: [{ name: ID_COLUMN, type: 'STRING', value: (i) => ids[keptRows[i]!]! }],
          vectorColumn: EMBEDDING_COLUMN,
          dim,
          elementType,
          vectors: (s, e) => kept.data.subarray(s * dim, e * dim),
        },
        { onProgress: (done, total) => progress('writing the pool', done, total) },
      )
      const tasks: CreatedVisionTask[] = concepts.map((c, i) => {
        const test = tests[i]!
        writeVectorTable(join(tmp, VISION_LAYOUT.testSet(c.task)), {
          rows: test.length,
          leading: [{ name: ID_COLUMN, type: 'STRING', value: (k) => test[k]!.id }],
          vectorColumn: EMBEDDING_COLUMN,
          dim,
          elementType,
          vectors: (s, e) => {
            const block = elementType === 'DOUBLE' ? new Float64Array((e - s) * dim) : new Float32Array((e - s) * dim)
            for (let k = s; k < e; k++) {
              const slot = slotOfTest.get(test[k]!.id)!
              block.set(held.data.subarray(slot * dim, (slot + 1) * dim), (k - s) * dim)
            }
            return block
          },
          trailing: [{ name: LABEL_COLUMN, type: 'STRING', value: (k) => String(test[k]!.label) }],
        })
        writeCsv(
          join(tmp, VISION_LAYOUT.exampleSet(c.task)),
          EXAMPLE_SET_COLUMNS,
          examples[i]!.map((id) => [c.labelName, id, 1, urls.get(id) ?? '', c.displayName]),
        )
        const testPositives = test.filter((t) => t.label === 1).length
        return {
          task: c.task,
          labelName: c.labelName,
          examples: examples[i]!.length,
          testPositives,
          testNegatives: test.length - testPositives,
          poolPositives: labels[i]!.positives.filter((id) => !testIds.has(id)).length,
        }
      })
      // what participants may use: the chosen concepts' human labels for pool images (test images left out)
      const humanRows: Array<[string, string, string, number]> = []
      concepts.forEach((c, i) => {
        for (const id of labels[i]!.positives)
          if (!testIds.has(id)) humanRows.push([id, 'verification', c.labelName, 1])
        for (const id of labels[i]!.negatives)
          if (!testIds.has(id)) humanRows.push([id, 'verification', c.labelName, 0])
      })
      writeCsv(join(tmp, VISION_LAYOUT.humanLabels), IMAGE_LABELS_COLUMNS, humanRows)
      writeCsv(
        join(tmp, VISION_LAYOUT.classDescriptions),
        CLASS_DESCRIPTIONS_COLUMNS,
        concepts.map((c) => [c.labelName, c.displayName]),
      )
      writeFileAtomic(
        join(tmp, VISION_LAYOUT.setup),
        createdSetupYaml(
          concepts.map((c) => c.task),
          dim,
        ),
      )
      return { out: options.out, poolSize: keptRows.length, removed: testIds.size, dim, tasks }
    })
  } finally {
    await pool.close()
  }
}
