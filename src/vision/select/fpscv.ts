/**
 * The vision winner's method as its write-up describes it: positives from the human-verified
 * labels (and the examples), candidate negatives by farthest point sampling over the whole pool
 * (diverse images, almost surely negatives for a rare concept) plus the human-verified negatives,
 * and the subset — how many positives, how many FPS negatives — chosen by cross-validation on the
 * human-verified labels with the official model.
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { fitLogisticRegression, predict } from '../../ml/logistic-regression.js'
import { binaryMetrics } from '../../ml/metrics.js'
import { selectionInputs, toLabelledIds } from './labelled-pool.js'
import type { LabelledIds, SelectionContext } from './types.js'

const POSITIVE_SHARES = [0.2, 0.35, 0.5]
const FOLDS = 3

export async function fpsCvSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const { n, d, rng, known, pool } = await selectionInputs(ctx)
  const fps = Array.from(await farthestPointSampling(pool instanceof Float32Array ? pool : Float32Array.from(pool), n, d, Math.min(n, ctx.budget), { first: rng.int(n) }))
  const positiveSet = new Set(known.positives)
  const fpsNegatives = fps.filter((r) => !positiveSet.has(r))
  const positives = [...known.positives]
  rng.shuffle(positives)
  const candidate = (share: number, pos: number[], humanNeg: number[]): Map<number, number> => {
    const chosen = new Map<number, number>()
    for (const r of pos.slice(0, Math.floor(ctx.budget * share))) chosen.set(r, 1)
    for (const r of humanNeg) { if (chosen.size >= ctx.budget) break; if (!chosen.has(r)) chosen.set(r, 0) }
    for (const r of fpsNegatives) { if (chosen.size >= ctx.budget) break; if (!chosen.has(r)) chosen.set(r, 0) }
    return chosen
  }
  // cross-validation over the human-verified labels: train on a candidate built without the fold, test on the fold
  const labelled = [...known.positives.map((r) => [r, 1] as const), ...known.negatives.map((r) => [r, 0] as const)]
  rng.shuffle(labelled)
  let bestShare = POSITIVE_SHARES[0]!, bestF1 = -1
  for (const share of POSITIVE_SHARES) {
    let f1 = 0
    for (let f = 0; f < FOLDS; f++) {
      const test = labelled.filter((_, i) => i % FOLDS === f)
      const testRows = new Set(test.map(([r]) => r))
      const chosen = candidate(share, positives.filter((r) => !testRows.has(r)), known.negatives.filter((r) => !testRows.has(r)))
      for (const r of testRows) chosen.delete(r)
      f1 += foldF1(pool, d, chosen, test)
    }
    if (f1 > bestF1) { bestF1 = f1; bestShare = share }
  }
  return toLabelledIds(ctx, candidate(bestShare, positives, known.negatives))
}

function foldF1(pool: Float32Array | Float64Array, d: number, chosen: Map<number, number>, test: ReadonlyArray<readonly [number, number]>): number {
  const rows = [...chosen.keys()]
  const y = Int32Array.from(chosen.values())
  if (test.length === 0 || new Set(y).size < 2) return 0
  const X = new Float64Array(rows.length * d)
  rows.forEach((r, i) => { for (let j = 0; j < d; j++) X[i * d + j] = pool[r * d + j]! })
  const model = fitLogisticRegression(X, rows.length, d, y)
  const T = new Float64Array(test.length * d)
  test.forEach(([r], i) => { for (let j = 0; j < d; j++) T[i * d + j] = pool[r * d + j]! })
  return binaryMetrics(Int32Array.from(test, ([, l]) => l), predict(model, T, test.length)).f1
}
