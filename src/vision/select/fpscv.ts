/**
 * The vision winner's method as its write-up describes it: positives from the human-verified
 * labels (and the examples), negatives by farthest point sampling over the whole pool (diverse
 * images, almost surely negatives for a rare concept), and the core set chosen by cross-validation
 * with the official model. The choices differ in how many FPS negatives they take (the positives
 * are few, so the negatives set the class balance the model learns) and in whether the
 * human-verified negatives join them; each is scored by F1 on held-out human-labelled images,
 * training on the choice built without them. (The write-up's nested cross-validation also has an
 * outer loop, which only estimates the chosen set's score; the selection does not need it.)
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { predict } from '../../ml/logistic-regression.js'
import { binaryMetrics } from '../../ml/metrics.js'
import { fitOnRows, selectionInputs, toLabelledIds } from './labelled-pool.js'
import type { LabelledIds, SelectionContext } from './types.js'

/** FPS negatives as shares of the budget left after the positives */
const NEGATIVE_SHARES = [0.1, 0.25, 0.5, 1]
const FOLDS = 3

interface Choice { negativeShare: number; humanNegatives: boolean }

export async function fpsCvSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const { n, d, rng, known, pool } = await selectionInputs(ctx)
  const points = pool instanceof Float32Array ? pool : Float32Array.from(pool)
  const fps = Array.from(await farthestPointSampling(points, n, d, Math.min(n, ctx.budget), {
    first: rng.int(n), onProgress: (done, total) => ctx.onProgress?.('farthest point sampling', done, total),
  }))
  const positiveSet = new Set(known.positives)
  const fpsNegatives = fps.filter((r) => !positiveSet.has(r))
  const positives = [...known.positives]
  rng.shuffle(positives)
  const build = (choice: Choice, pos: number[], humanNeg: number[]): Map<number, number> => {
    const chosen = new Map<number, number>()
    for (const r of pos.slice(0, Math.floor(ctx.budget / 2))) chosen.set(r, 1)
    if (choice.humanNegatives) for (const r of humanNeg) { if (chosen.size >= ctx.budget) break; if (!chosen.has(r)) chosen.set(r, 0) }
    const fpsCount = Math.round((ctx.budget - chosen.size) * choice.negativeShare)
    let added = 0
    for (const r of fpsNegatives) { if (added >= fpsCount || chosen.size >= ctx.budget) break; if (!chosen.has(r)) { chosen.set(r, 0); added++ } }
    return chosen
  }
  const choices: Choice[] = NEGATIVE_SHARES.flatMap((negativeShare) => [true, false].map((humanNegatives) => ({ negativeShare, humanNegatives })))
  // folds over the human-verified labels: train on a choice built without the fold, test on the fold
  const labelled = [...known.positives.map((r) => [r, 1] as const), ...known.negatives.map((r) => [r, 0] as const)]
  rng.shuffle(labelled)
  let best = choices[choices.length - 2]!, bestF1 = -1
  choices.forEach((choice, c) => {
    let f1 = 0
    for (let f = 0; f < FOLDS; f++) {
      const test = labelled.filter((_, i) => i % FOLDS === f)
      const testRows = new Set(test.map(([r]) => r))
      const chosen = build(choice, positives.filter((r) => !testRows.has(r)), known.negatives.filter((r) => !testRows.has(r)))
      for (const r of testRows) chosen.delete(r)
      f1 += foldF1(pool, d, chosen, test)
    }
    if (f1 > bestF1) { bestF1 = f1; best = choice }
    ctx.onProgress?.('cross-validating core sets', c + 1, choices.length)
  })
  return toLabelledIds(ctx, build(best, positives, known.negatives), known)
}

function foldF1(pool: Float32Array | Float64Array, d: number, chosen: Map<number, number>, test: ReadonlyArray<readonly [number, number]>): number {
  const positives: number[] = [], negatives: number[] = []
  for (const [r, label] of chosen) (label === 1 ? positives : negatives).push(r)
  if (test.length === 0 || positives.length === 0 || negatives.length === 0) return 0
  const model = fitOnRows(pool, d, positives, negatives)
  const predicted = predict(model, pool, pool.length / d, Int32Array.from(test, ([r]) => r))
  return binaryMetrics(Int32Array.from(test, ([, l]) => l), predicted).f1
}
