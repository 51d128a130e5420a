/**
 * Our method, using everything the rules allow: the examples and human-verified labels train a
 * first model that scores the pool; its most confident pool images join the positives (the
 * concept's look-alikes and rare modes the labels miss), the human-verified negatives are kept
 * (they are the hard negatives), the highest-scoring unlabelled images below the positive cut are
 * left out (ambiguous), and the rest of the negative budget goes to farthest-point samples of the
 * low-scoring pool, which cover its structure.
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { selectionInputs, scorePool, toLabelledIds } from './labelled-pool.js'
import type { LabelledIds, SelectionContext } from './types.js'

const CONFIDENT_LOGIT = Math.log(0.95 / 0.05)
const PSEUDO_SHARE = 0.5

export async function consensusSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const { n, d, rng, known, pool } = await selectionInputs(ctx)
  const negatives = known.negatives.length ? known.negatives : Array.from(rng.sampleIndices(n, Math.min(n, 1000)))
  const scores = scorePool(pool, n, d, known.positives, negatives)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b)
  const chosen = new Map<number, number>()
  for (const r of known.positives) if (chosen.size < ctx.budget) chosen.set(r, 1)
  // only very confident pseudo-positives (p > 0.95), at most half as many as the known ones:
  // look-alike negatives sit just below the positives and must not be pulled in
  const extra = Math.min(Math.floor(ctx.budget * 0.3) - chosen.size, Math.floor(known.positives.length * PSEUDO_SHARE))
  let added = 0
  for (const r of order) {
    if (added >= extra || scores[r]! <= CONFIDENT_LOGIT) break
    if (!chosen.has(r)) { chosen.set(r, 1); added++ }
  }
  for (const r of known.negatives) if (chosen.size < ctx.budget && !chosen.has(r)) chosen.set(r, 0)
  // diverse negatives from the confidently negative part of the pool (below the top 5%)
  const low = order.slice(Math.floor(n * 0.05)).sort((a, b) => a - b)
  const X = new Float32Array(low.length * d)
  low.forEach((r, i) => { for (let j = 0; j < d; j++) X[i * d + j] = pool[r * d + j]! })
  const picks = await farthestPointSampling(X, low.length, d, Math.min(low.length, ctx.budget - chosen.size), { first: rng.int(low.length) })
  for (const k of picks) { const r = low[k]!; if (chosen.size < ctx.budget && !chosen.has(r)) chosen.set(r, 0) }
  return toLabelledIds(ctx, chosen)
}
