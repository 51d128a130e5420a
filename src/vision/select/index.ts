/** The vision selection algorithms by name, and the job that runs one and writes its CSV. */
import { BugError, checkBuiltInResult, UserError } from '../../errors.js'
import { writeCsv } from '../../io/csv.js'
import { writeFileAtomic } from '../../io/atomic-write.js'
import { VERSION } from '../../version.js'
import { ParquetFile } from '../../io/parquet/reader.js'
import { weakLabelBaseline } from '../baseline.js'
import { EMBEDDING_COLUMN, ID_COLUMN, TRAINING_SET_COLUMNS } from '../layout.js'
import { requireTask, type VisionSetup } from '../setup.js'
import { checkSelectedRows, poolRowsFor } from '../validate.js'
import { centroidSelection } from './centroid.js'
import { consensusSelection } from './consensus.js'
import { fpsCvSelection } from './fpscv.js'
import { pseudoLabelSelection } from './pseudolabel.js'
import { randomSelection } from './random.js'
import type { LabelledIds, SelectionContext, VisionSelector } from './types.js'
import type { VisionSelectorName } from './names.js'

/** The built-ins by name; names.ts lists the same names for the CLI's help (the `satisfies` keeps them equal). */
export const VISION_SELECTORS: Record<string, VisionSelector> = {
  random: randomSelection,
  'weak-labels': async (ctx) =>
    weakLabelBaseline(ctx.dataDir, ctx.task, ctx.poolIds, ctx.budget, ctx.seed, ctx.humanLabelsFile),
  centroid: centroidSelection,
  fpscv: fpsCvSelection,
  pseudolabel: pseudoLabelSelection,
  consensus: consensusSelection,
} satisfies Record<VisionSelectorName, VisionSelector>

export async function runVisionSelection(
  setup: VisionSetup,
  algorithm: string,
  task: string,
  budget: number,
  seed: number,
  onProgress?: SelectionContext['onProgress'],
  humanLabelsFile?: string,
): Promise<LabelledIds> {
  const selector = VISION_SELECTORS[algorithm]
  if (!selector)
    throw new UserError(`unknown algorithm '${algorithm}': expected one of ${Object.keys(VISION_SELECTORS).join(', ')}`)
  requireTask(setup, task)
  const pool = await ParquetFile.open(setup.embFile)
  try {
    const poolIds = (await pool.readScalars(ID_COLUMN)).map(String)
    const set = await selector({
      dataDir: setup.dataDir,
      task,
      poolIds,
      dim: setup.dim,
      budget,
      seed,
      humanLabelsFile,
      vectors: async (rows) =>
        (
          await pool.readVectors(EMBEDDING_COLUMN, {
            dim: setup.dim,
            rows,
            shared: true,
            onProgress: (done, total) => onProgress?.('reading the pool', done, total),
          })
        ).data,
      onProgress,
    }).catch((err: unknown) => {
      // a built-in that throws anything but a UserError (or a file-system error naming its path) has a bug: say which one
      if (err instanceof UserError || typeof (err as NodeJS.ErrnoException | undefined)?.path === 'string') throw err
      throw new BugError(`the ${algorithm} selection failed: ${(err as Error)?.message ?? String(err)}`, algorithm, {
        cause: err,
      })
    })
    // what `vision eval` would check: a built-in's invalid set is a bug in dataperf, not the user's mistake
    // (the pool itself, duplicates included, is the user's data: `vision eval` checks it with matchPool)
    const rowOf = new Map(poolIds.map((id, r) => [id, r]))
    await checkBuiltInResult(algorithm, () =>
      poolRowsFor(checkSelectedRows(set, `the ${algorithm} selection for ${task}`, budget), rowOf, setup.embFile),
    )
    return set
  } finally {
    await pool.close()
  }
}

export function writeTrainingCsv(path: string, set: LabelledIds): void {
  writeCsv(
    path,
    TRAINING_SET_COLUMNS,
    set.ids.map((id, i) => [id, set.labels[i]!]),
  )
}

/** `X.csv` -> `X.manifest.json`: what the selection did, beside the training set it wrote. */
export function selectionManifestPath(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '') + '.manifest.json'
}

/** The manifest: tool version, settings, the human labels read (or that there were none) and any notes. */
export function writeSelectionManifest(
  csvPath: string,
  settings: { algorithm: string; task: string; budget: number; seed: number },
  set: LabelledIds,
): void {
  const manifest = {
    tool: 'dataperf vision select',
    version: VERSION,
    ...settings,
    rows: set.ids.length,
    positives: set.labels.filter((l) => l === 1).length,
    human_labels: set.humanLabels ?? 'not used by this algorithm',
    notes: set.notes ?? [],
    ...(set.choices ? { choices: set.choices } : {}),
  }
  writeFileAtomic(selectionManifestPath(csvPath), JSON.stringify(manifest, null, 2) + '\n')
}
