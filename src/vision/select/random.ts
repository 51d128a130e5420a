/**
 * The reference point: the task's example positives and random pool images labelled 0 (the
 * concepts are rare, so random images are almost all negatives). No weak labels used.
 */
import { Rng } from '../../ml/rng.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

export function randomSelection({
  ids,
  budget,
  seed,
  examples,
}: Pick<VisionSelectorInput, 'ids' | 'budget' | 'seed' | 'examples'>): VisionSelectorOutput {
  const rng = new Rng(seed)
  const chosen = new Map<string, number>()
  for (const id of examples) if (chosen.size < budget) chosen.set(id, 1)
  for (const r of rng.sampleIndices(ids.length, Math.min(ids.length, budget * 2))) {
    if (chosen.size >= budget) break
    const id = ids[r]!
    if (!chosen.has(id)) chosen.set(id, 0)
  }
  return { ids: [...chosen.keys()], labels: [...chosen.values()] }
}
