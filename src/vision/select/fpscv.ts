/**
 * The vision winner's method as its write-up describes it: positives from the human-verified
 * labels (and the examples), negatives by farthest point sampling over the whole pool (diverse
 * images, almost surely negatives for a rare concept), and the core set chosen by cross-validation
 * with the official model. The choices differ in how many FPS negatives they take (the positives
 * are few, so the negatives set the class balance the model learns) and in whether the
 * human-verified negatives join them; each is scored by F1 on held-out human-labelled images,
 * training on the choice built without them. (The write-up's nested cross-validation also has an
 * outer loop, which only estimates the chosen set's score; the selection does not need it.)
 *
 * `fpsCrossValidation` is exported so that consensus starts from exactly this choice (same FPS
 * points, same first split) and reuses its fold counts.
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { predict } from '../../ml/logistic-regression.js'
import { confusionCounts, fScore, type ConfusionCounts } from '../../ml/metrics.js'
import { fitOnRows, selectionInputs, toOutput } from './labelled-pool.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

/** FPS negatives as shares of the budget left after the positives */
const NEGATIVE_SHARES = [0.1, 0.25, 0.5, 1]
export const FPSCV_FOLDS = 3

export interface FpsChoice {
  negativeShare: number
  humanNegatives: boolean
}
/** a held-out fold: pool rows and their human labels */
export type Fold = ReadonlyArray<readonly [number, number]>
type Inputs = ReturnType<typeof selectionInputs>

/** the choices, in the order they are tried */
export const FPS_CHOICES: readonly FpsChoice[] = NEGATIVE_SHARES.flatMap((negativeShare) =>
  [true, false].map((humanNegatives) => ({ negativeShare, humanNegatives })),
)

/** a model's outcome on a held-out fold */
export type FoldCounts = ConfusionCounts

export interface FpsCrossValidation {
  best: FpsChoice
  /** counts[c][f]: FPS_CHOICES[c]'s outcome on fold f */
  counts: FoldCounts[][]
  /** the known positives in the (shuffled) order the sets take them */
  positives: number[]
  /**
   * A core set: positives (at most half the budget), the human negatives if the choice takes them,
   * then the choice's share of the rest as FPS negatives.
   */
  build: (choice: FpsChoice, pos: readonly number[], humanNeg: readonly number[]) => Map<number, number>
}

export async function fpsCvSelection(input: VisionSelectorInput): Promise<VisionSelectorOutput> {
  const inputs = selectionInputs(input)
  const cv = await fpsCrossValidation(input, inputs)
  return toOutput(input, cv.build(cv.best, cv.positives, inputs.known.negatives))
}

export async function fpsCrossValidation(
  input: VisionSelectorInput,
  { n, d, rng, known, pool }: Inputs,
): Promise<FpsCrossValidation> {
  const points = pool instanceof Float32Array ? pool : Float32Array.from(pool)
  const fps = Array.from(
    await farthestPointSampling(points, n, d, Math.min(n, input.budget), {
      first: rng.int(n),
      onProgress: (done, total) => input.onProgress('farthest point sampling', done, total),
    }),
  )
  const positiveSet = new Set(known.positives)
  const fpsNegatives = fps.filter((r) => !positiveSet.has(r))
  const positives = [...known.positives]
  rng.shuffle(positives)
  const build = (choice: FpsChoice, pos: readonly number[], humanNeg: readonly number[]): Map<number, number> => {
    const chosen = new Map<number, number>()
    for (const r of pos.slice(0, Math.floor(input.budget / 2))) chosen.set(r, 1)
    if (choice.humanNegatives)
      for (const r of humanNeg) {
        if (chosen.size >= input.budget) break
        if (!chosen.has(r)) chosen.set(r, 0)
      }
    const fpsCount = Math.round((input.budget - chosen.size) * choice.negativeShare)
    let added = 0
    for (const r of fpsNegatives) {
      if (added >= fpsCount || chosen.size >= input.budget) break
      if (!chosen.has(r)) {
        chosen.set(r, 0)
        added++
      }
    }
    return chosen
  }
  // folds over the human-verified labels: train on a choice built without the fold, test on the fold
  const labelled = [...known.positives.map((r) => [r, 1] as const), ...known.negatives.map((r) => [r, 0] as const)]
  rng.shuffle(labelled)
  const folds = Array.from({ length: FPSCV_FOLDS }, (_, f) => labelled.filter((_, i) => i % FPSCV_FOLDS === f))
  let best = FPS_CHOICES[FPS_CHOICES.length - 2]!,
    bestF1 = -1
  const counts = FPS_CHOICES.map((choice, c) => {
    const perFold = folds.map((test) =>
      foldCounts(pool, d, heldOut(build, choice, positives, known.negatives, test), test),
    )
    const f1 = perFold.reduce((s, x) => s + f1Of(x), 0)
    if (f1 > bestF1) {
      bestF1 = f1
      best = choice
    }
    input.onProgress('cross-validating core sets', c + 1, FPS_CHOICES.length)
    return perFold
  })
  return { best, counts, positives, build }
}

/** The set a choice builds without the fold's images (FPS points in the fold are dropped too). */
export function heldOut(
  build: FpsCrossValidation['build'],
  choice: FpsChoice,
  positives: readonly number[],
  negatives: readonly number[],
  test: Fold,
): Map<number, number> {
  const testRows = new Set(test.map(([r]) => r))
  const chosen = build(
    choice,
    positives.filter((r) => !testRows.has(r)),
    negatives.filter((r) => !testRows.has(r)),
  )
  for (const r of testRows) chosen.delete(r)
  return chosen
}

/** The official model trained on the chosen set, on the fold (predicting all 0 when a class is missing: F1 0). */
export function foldCounts(
  pool: Float32Array | Float64Array,
  d: number,
  chosen: Map<number, number>,
  test: Fold,
): FoldCounts {
  const positives: number[] = [],
    negatives: number[] = []
  for (const [r, label] of chosen) (label === 1 ? positives : negatives).push(r)
  const predicted =
    test.length === 0 || positives.length === 0 || negatives.length === 0
      ? new Int32Array(test.length)
      : predict(
          fitOnRows(pool, d, positives, negatives),
          pool,
          pool.length / d,
          Int32Array.from(test, ([r]) => r),
        )
  return confusionCounts(
    Int32Array.from(test, ([, label]) => label),
    predicted,
  )
}

/** F1 from a fold's counts, as scikit-learn computes it */
export function f1Of(c: FoldCounts): number {
  return fScore(c.tp, c.fp, c.fn)
}
