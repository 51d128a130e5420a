/**
 * The reference point: the task's example positives and random pool images labelled 0 (the
 * concepts are rare, so random images are almost all negatives). No weak labels used.
 */
import { Rng } from '../../ml/rng.js'
import { readExampleSet } from '../metadata.js'
import type { LabelledIds, SelectionContext } from './types.js'

export async function randomSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const rng = new Rng(ctx.seed)
  const chosen = new Map<string, number>()
  for (const id of readExampleSet(ctx.dataDir, ctx.task).ids) if (chosen.size < ctx.budget) chosen.set(id, 1)
  for (const r of rng.sampleIndices(ctx.poolIds.length, Math.min(ctx.poolIds.length, ctx.budget * 2))) {
    if (chosen.size >= ctx.budget) break
    const id = ctx.poolIds[r]!
    if (!chosen.has(id)) chosen.set(id, 0)
  }
  return { ids: [...chosen.keys()], labels: [...chosen.values()] }
}
