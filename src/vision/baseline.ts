/**
 * The main job's simple baseline: the example positives and human-verified labels of the
 * concept, topped up with random pool images labelled 0 (the concept is rare, so nearly all are
 * negatives) up to the budget.
 */
import { Rng } from '../ml/rng.js'
import { humanLabelsForPool } from './human-labels.js'
import { readExampleSet } from './metadata.js'
import type { LabelledIds } from './select/types.js'

export async function weakLabelBaseline(
  dataDir: string,
  task: string,
  poolIds: readonly string[],
  budget = 1000,
  seed = 0,
  humanLabelsFile?: string,
): Promise<LabelledIds> {
  const rng = new Rng(seed)
  const examples = readExampleSet(dataDir, task)
  const { labels: human, report } = await humanLabelsForPool(
    dataDir,
    task,
    examples.labelName,
    new Set(poolIds),
    humanLabelsFile,
  )
  const chosen = new Map<string, number>()
  const add = (id: string, label: number) => {
    if (chosen.size < budget && !chosen.has(id)) chosen.set(id, label)
  }
  for (const id of examples.ids) add(id, 1)
  const positives = [...human.positives]
  rng.shuffle(positives)
  for (const id of positives.slice(0, Math.floor(budget * 0.4))) add(id, 1)
  const negatives = [...human.negatives]
  rng.shuffle(negatives)
  for (const id of negatives.slice(0, Math.floor(budget * 0.2))) add(id, 0)
  const order = rng.sampleIndices(poolIds.length, Math.min(poolIds.length, budget * 2))
  for (const r of order) add(poolIds[r]!, 0)
  return { ids: [...chosen.keys()], labels: [...chosen.values()], ...report }
}
