/**
 * The vision selection methods by name, and the one runner of a selection (a built-in or a user's
 * module, the same VisionSelectorInput and VisionSelectionOptions for both), and the writers of
 * its CSV and manifest.
 */
import { BugError, checkBuiltInResult, UserError } from '../../errors.js'
import { writeCsv } from '../../io/csv.js'
import { writeFileAtomic } from '../../io/atomic-write.js'
import { VERSION } from '../../version.js'
import { weakLabelSelection } from '../baseline.js'
import { TRAINING_SET_COLUMNS } from '../layout.js'
import { requireTask, type VisionSetup } from '../setup.js'
import { checkSelectedRows, poolRowsFor } from '../validate.js'
import { centroidSelection } from './centroid.js'
import { consensusSelection } from './consensus.js'
import { fpsCvSelection } from './fpscv.js'
import { readSelectorInput } from './input.js'
import { isVisionPluginPath, runVisionPlugin } from './plugin.js'
import { pseudoLabelSelection } from './pseudolabel.js'
import { puNeighbourhoodSelection } from './pu-neighbourhood.js'
import { randomSelection } from './random.js'
import type { VisionSelection, VisionSelectionOptions, VisionSelector } from './types.js'
import type { VisionSelectorName } from './names.js'

export interface BuiltInVisionSelector {
  select: VisionSelector
  /** whether it reads the task's human labels (the manifest then records them; else none are looked for) */
  readsHumanLabels: boolean
}

/** The built-ins by name; names.ts lists the same names for the CLI's help (the `satisfies` keeps them equal). */
export const VISION_SELECTORS: Record<string, BuiltInVisionSelector> = {
  random: { select: randomSelection, readsHumanLabels: false },
  'weak-labels': { select: weakLabelSelection, readsHumanLabels: true },
  centroid: { select: centroidSelection, readsHumanLabels: false },
  fpscv: { select: fpsCvSelection, readsHumanLabels: true },
  pseudolabel: { select: pseudoLabelSelection, readsHumanLabels: false },
  consensus: { select: consensusSelection, readsHumanLabels: true },
  'pu-neighbourhood': { select: puNeighbourhoodSelection, readsHumanLabels: true },
} satisfies Record<VisionSelectorName, BuiltInVisionSelector>

/**
 * Runs `algorithm` (a built-in's name, or a path to a user's .ts/.js module) for one task and
 * returns its training set, checked as `vision eval` checks a file (nothing is written here).
 */
export async function runVisionSelection(
  setup: VisionSetup,
  algorithm: string,
  options: VisionSelectionOptions,
): Promise<VisionSelection> {
  if (isVisionPluginPath(algorithm)) return runVisionPlugin(setup, algorithm, options)
  const builtIn = VISION_SELECTORS[algorithm]
  if (!builtIn)
    throw new UserError(`unknown algorithm '${algorithm}': expected one of ${Object.keys(VISION_SELECTORS).join(', ')}`)
  for (const [option, value] of [
    ['timeoutSeconds', options.timeoutSeconds],
    ['maxMemoryMb', options.maxMemoryMb],
  ] as const)
    if (value !== undefined)
      throw new UserError(
        (name) =>
          `${name(option)} applies to a selection module of your own (${name('algorithm')} PATH), not to a built-in`,
        { code: 'bad_option', option },
      )
  requireTask(setup, options.task)
  const { task, budget, seed, humanLabelsFile } = options
  const { input, report } = await readSelectorInput(
    setup,
    { task, budget, seed, humanLabelsFile, readHumanLabels: builtIn.readsHumanLabels },
    options.onProgress ?? (() => {}),
  )
  const out = await Promise.resolve()
    .then(() => builtIn.select(input))
    .catch((err: unknown) => {
      // a built-in that throws anything but a UserError (or a file-system error naming its path) has a bug: say which one
      if (err instanceof UserError || typeof (err as NodeJS.ErrnoException | undefined)?.path === 'string') throw err
      throw new BugError(`the ${algorithm} selection failed: ${(err as Error)?.message ?? String(err)}`, algorithm, {
        cause: err,
      })
    })
  // what `vision eval` would check: a built-in's invalid set is a bug in dataperf, not the user's mistake
  // (the pool itself, duplicates included, is the user's data: `vision eval` checks it with matchPool)
  const rowOf = new Map(input.ids.map((id, r) => [id, r]))
  await checkBuiltInResult(algorithm, () =>
    poolRowsFor(
      checkSelectedRows(out, `the ${algorithm} selection for ${options.task}`, options.budget),
      rowOf,
      setup.embFile,
    ),
  )
  return {
    ids: out.ids,
    labels: Array.from(out.labels),
    ...(builtIn.readsHumanLabels ? { humanLabels: report.humanLabels } : {}),
    notes: [...report.notes, ...(out.notes ?? [])],
    ...(out.choices ? { choices: out.choices } : {}),
  }
}

export function writeTrainingCsv(path: string, set: Pick<VisionSelection, 'ids' | 'labels'>): void {
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
  set: VisionSelection,
): void {
  const manifest = {
    tool: 'dataperf vision select',
    version: VERSION,
    ...settings,
    rows: set.ids.length,
    positives: set.labels.filter((l) => l === 1).length,
    human_labels: set.humanLabels ?? 'not used by this algorithm',
    notes: set.notes,
    ...(set.choices ? { choices: set.choices } : {}),
  }
  writeFileAtomic(selectionManifestPath(csvPath), JSON.stringify(manifest, null, 2) + '\n')
}
