/**
 * The main job's simple baseline (`weak-labels`): the example positives and human-verified labels
 * of the concept, topped up with random pool images labelled 0 (the concept is rare, so nearly all
 * are negatives) up to the budget.
 */
import { Rng } from '../ml/rng.js'
import type { HumanLabelsReport } from './human-labels.js'
import { knownLabels } from './select/input.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './select/types.js'

export function weakLabelSelection({
  ids,
  budget,
  seed,
  examples,
  humanLabels,
}: Pick<VisionSelectorInput, 'ids' | 'budget' | 'seed' | 'examples' | 'humanLabels'>): VisionSelectorOutput & {
  labels: number[]
} {
  const rng = new Rng(seed)
  const chosen = new Map<string, number>()
  const add = (id: string, label: number) => {
    if (chosen.size < budget && !chosen.has(id)) chosen.set(id, label)
  }
  for (const id of examples) add(id, 1)
  const positives = [...humanLabels.positives]
  rng.shuffle(positives)
  for (const id of positives.slice(0, Math.floor(budget * 0.4))) add(id, 1)
  const negatives = [...humanLabels.negatives]
  rng.shuffle(negatives)
  for (const id of negatives.slice(0, Math.floor(budget * 0.2))) add(id, 0)
  const order = rng.sampleIndices(ids.length, Math.min(ids.length, budget * 2))
  for (const r of order) add(ids[r]!, 0)
  return { ids: [...chosen.keys()], labels: [...chosen.values()] }
}

/**
 * The baseline for a data folder's task from its pool IDs, with the report of the human labels
 * read: how tests and benches make a training set without running `vision select`.
 */
export async function weakLabelBaseline(
  dataDir: string,
  task: string,
  poolIds: readonly string[],
  budget: number,
  seed = 0,
  humanLabelsFile?: string,
): Promise<VisionSelectorOutput & { labels: number[] } & HumanLabelsReport> {
  const { report, ...known } = await knownLabels(dataDir, { task, humanLabelsFile, readHumanLabels: true }, poolIds)
  return { ...weakLabelSelection({ ids: poolIds, budget, seed, ...known }), ...report }
}
