/**
 * Ours: positive-unlabelled learning in the concept's neighbourhood. A rare concept's test set is
 * mostly its positives and its look-alikes (muffins for cupcakes), so the official model must
 * learn where the concept ends among the images that look like it. The known labels hold few
 * look-alikes (a handful of verified negatives) and about half of the concept's images; the pool
 * holds the rest, unlabelled. This method labels them:
 *
 * 1. Neighbourhood: the official model trained on the known positives against the verified
 *    negatives and a sample of the pool ranks every image by how much it looks like the concept
 *    (`nearness`); the top images, ten times as many as the known positives, are the concept's
 *    unlabelled images and its look-alikes.
 * 2. Positive-unlabelled learning (Elkan and Noto, ml/pu-learning.ts): the official model trained
 *    on the known positives against the neighbourhood (and the verified negatives) estimates
 *    P(labelled | x); its mean over held-out known positives (three folds) is the label frequency,
 *    which turns it into each unlabelled image's probability of being a positive. The same folds
 *    clean the verified negatives: one that the model trained without it calls certainly a
 *    positive (CERTAIN) is dropped (verifications can be wrong; most verified images are positives).
 * 3. The set: the known positives and the unlabelled images the PU model calls positive, labelled
 *    1; as many negatives, labelled 0 (an even class mix: the test sets' mix is unknown and the
 *    verified labels' mix follows what was verified, so neither decides). The negatives are the
 *    cleaned verified negatives, then look-alikes (neighbourhood images the PU model calls unlikely
 *    positives, most concept-like and least positive-like first: nearness minus the PU score) and
 *    background images spread over the pool (farthest point sampling), in the share the verified
 *    negatives show: of those, how many lie outside the neighbourhood (with Laplace's rule of
 *    succession, so no verified negatives means half and half).
 * 4. How many neighbourhood images become positives, and which become look-alike negatives, is
 *    chosen per task by cross-validation on the verified labels (`chooseSet`, scored by F1 on an
 *    even class mix): a tight concept beside close look-alikes wants only certain positives and
 *    every other neighbourhood image as a negative; a spread concept, or one with no look-alikes in
 *    the pool, has unlabelled positives short of certainty, and taking those as negatives (the
 *    fixed plan before this choice) taught the model to miss them.
 * The set is usually much smaller than the budget: the pool holds only so many images that look
 * like the concept, and padding with background would tilt the model to calling images negative.
 */
import { UserError } from '../../errors.js'
import { farthestPointSampling } from '../../ml/fps.js'
import { decisionFunction, predict, predictProba, probabilitiesOf } from '../../ml/logistic-regression.js'
import { confusionCounts, type ConfusionCounts } from '../../ml/metrics.js'
import { stratifiedFolds } from '../../ml/out-of-fold.js'
import { labelFrequency, unlabelledPositiveProbability } from '../../ml/pu-learning.js'
import type { Rng } from '../../ml/rng.js'
import { type KnownLabels, fitOnRows, scorePool, selectionInputs, toOutput } from './labelled-pool.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

/**
 * Pool images sampled to stand for "everything else" when ranking by nearness. A cost bound (the
 * fit grows with it), not a tuned value: the concept is rare, so a sample is almost all negatives,
 * and on our dev seeds 500, 1,000 and 2,000 gave the same mean F1 within 0.005.
 */
const BACKGROUND_SAMPLE = 1000
/**
 * The neighbourhood's size as a multiple of the known positives. It must hold the concept's
 * unlabelled images (the known ones are a sample of them) and its look-alikes; beyond that it
 * only lets background into the PU model's negatives. Not tuned to a value: 5x, 10x and 20x gave
 * mean F1 within 0.015 of each other on our dev seeds, 10x the middle of that range.
 */
const NEIGHBOURHOOD_MULTIPLE = 10
/**
 * Folds of the known labels, for the label frequency, the cleaning and the set's choice (the same
 * models serve all three), as many as fpscv's cross-validation. Not tuned to a value: on our dev
 * seeds 5 folds gave 0.857 mean F1 against 0.853 for 3 on the 16 sweep settings (seeds 201, 202)
 * but 0.847 against 0.858 on ten other settings (scratch, seeds 201-203); refitting 5 more models
 * for the choice alone gave 0.859 on the first at 1.4 times fpscv's selection time.
 */
const FOLDS = 3
/**
 * Elkan and Noto's estimate calls an unlabelled image certainly positive when P(positive | x,
 * unlabelled) reaches 1, that is g(x) >= c: the model finds it at least as much like the labelled
 * positives as the average held-out known positive. A verified negative is dropped only when
 * certain (a wrong verification is rare; a look-alike dropped is a hard negative lost); for the
 * pseudo-positives it is the strictest of the set choices (step 4).
 */
const CERTAIN = 1

export interface Neighbourhood {
  /** decision value of the nearness model for every pool row */
  nearness: Float64Array
  /** unlabelled pool rows ranked highest by nearness, best first */
  rows: number[]
}

/** Step 1: the concept's neighbourhood among the pool rows that carry no known label. */
export function conceptNeighbourhood(
  pool: Float32Array | Float64Array,
  n: number,
  d: number,
  known: KnownLabels,
  rng: Rng,
  size = NEIGHBOURHOOD_MULTIPLE * known.positives.length,
): Neighbourhood {
  const labelled = new Set([...known.positives, ...known.negatives])
  const sample = Array.from(rng.sampleIndices(n, Math.min(n, BACKGROUND_SAMPLE))).filter((r) => !labelled.has(r))
  const nearness = scorePool(pool, n, d, known.positives, [...known.negatives, ...sample])
  const rows = Array.from({ length: n }, (_, r) => r)
    .filter((r) => !labelled.has(r))
    .sort((a, b) => nearness[b]! - nearness[a]! || a - b)
    .slice(0, size)
  return { nearness, rows }
}

export interface PositiveUnlabelled {
  /** the label frequency c = P(labelled | positive) */
  labelFrequency: number
  /** per neighbourhood row (in its order): the probability of being a positive */
  positiveProbability: Float64Array
  /** per neighbourhood row: the PU model's decision value (higher: more like the labelled positives) */
  score: Float64Array
  /** verified negatives kept, and those dropped as likely positives */
  negatives: number[]
  dropped: number[]
  /**
   * The cross-validation's models, one per fold of the known labels (each trained without its
   * fold): the fold's rows, and per neighbourhood row g = P(labelled | x) and the decision value.
   * The label frequency comes from these models, so it fits them; `chooseSet` reuses them.
   */
  folds: Array<{ test: number[]; labelledProbability: Float64Array; score: Float64Array }>
}

/** Step 2: Elkan and Noto's estimate for the neighbourhood, and the verified negatives cleaned. */
export function positiveUnlabelled(
  pool: Float32Array | Float64Array,
  n: number,
  d: number,
  known: KnownLabels,
  neighbourhood: readonly number[],
  seed: number,
): PositiveUnlabelled {
  const labelled = [...known.positives, ...known.negatives]
  const isPositive = new Set(known.positives)
  const fold = stratifiedFolds(
    Int32Array.from(labelled, (_, i) => (i < known.positives.length ? 1 : 0)),
    FOLDS,
    seed,
  )
  const heldOutPositive: number[] = []
  const suspect = new Set<number>()
  let c = 1
  const negativeProbability = new Map<number, number>()
  const rows = Int32Array.from(neighbourhood)
  const folds: PositiveUnlabelled['folds'] = []
  for (let f = 0; f < FOLDS; f++) {
    const train = (list: readonly number[], offset: number) => list.filter((_, i) => fold[offset + i] !== f)
    const test = labelled.filter((_, i) => fold[i] === f)
    if (test.length === 0) continue
    const model = fitOnRows(pool, d, train(known.positives, 0), [
      ...train(known.negatives, known.positives.length),
      ...neighbourhood,
    ])
    const proba = predictProba(model, pool, n, Int32Array.from(test))
    test.forEach((r, i) => {
      if (isPositive.has(r)) heldOutPositive.push(proba[i * 2 + 1]!)
      else negativeProbability.set(r, proba[i * 2 + 1]!)
    })
    // one pass of dot products: the probabilities are the decision values' logistic
    const score = decisionFunction(model, pool, n, rows)
    const near = probabilitiesOf(model, score)
    folds.push({
      test,
      labelledProbability: Float64Array.from(rows, (_, i) => near[i * 2 + 1]!),
      score,
    })
  }
  if (heldOutPositive.length > 0) c = labelFrequency(heldOutPositive)
  for (const [r, g] of negativeProbability) if (unlabelledPositiveProbability(g, c) >= CERTAIN) suspect.add(r)
  const negatives = known.negatives.filter((r) => !suspect.has(r))
  const model = fitOnRows(pool, d, known.positives, [...negatives, ...neighbourhood])
  const score = decisionFunction(model, pool, n, rows)
  const proba = probabilitiesOf(model, score)
  const positiveProbability = Float64Array.from(neighbourhood, (_, i) =>
    unlabelledPositiveProbability(proba[i * 2 + 1]!, c),
  )
  return { labelFrequency: c, positiveProbability, score, negatives, dropped: [...suspect], folds }
}

export interface SetPlan {
  positives: number[]
  /** verified negatives (cleaned), then look-alikes, in the order they are taken */
  negatives: number[]
  /** how many background images (farthest point sampling) complete the negatives */
  background: number
}

/**
 * How the set treats the neighbourhood, chosen per task by cross-validation (`chooseSet`): which
 * unlabelled rows become positives (those whose PU probability reaches `threshold`) and which
 * join the negatives as look-alikes (those below `lookalikeBelow`). A tight concept with close look-alikes
 * wants only certain positives and look-alike negatives; a spread concept, or one with no
 * look-alikes in the pool, has unlabelled positives below certainty, and taking them as negatives
 * teaches the model to miss them. Which holds is a property of the data, so the verified labels decide.
 */
export interface SetChoice {
  /** P(positive | x, unlabelled) at or above which a neighbourhood row is taken as a positive */
  threshold: number
  /** neighbourhood rows whose PU probability is below this are look-alike negatives */
  lookalikeBelow: number
}

/**
 * The choices, in the order a tie keeps (the plan before the choice existed first). Thresholds:
 * certain (CERTAIN) or more likely positive than not (0.5, the Bayes decision between the two
 * labels); neither is fitted to our generator. Look-alike negatives: every row short of the
 * positives' threshold, or only those more likely negative than not. (Taking no look-alike
 * negatives at all was tried on dev seeds 201-202 and lost on every setting with look-alikes.)
 */
export const SET_CHOICES: readonly SetChoice[] = [
  { threshold: CERTAIN, lookalikeBelow: CERTAIN },
  { threshold: CERTAIN, lookalikeBelow: 0.5 },
  { threshold: 0.5, lookalikeBelow: 0.5 },
]

/**
 * Step 3: which rows the set takes. Positives: the known ones, then neighbourhood rows at or above
 * the choice's threshold (most labelled-like first), at most half the budget. Negatives: as many as
 * the positives, the cleaned verified negatives first; the rest split between look-alikes (rows
 * below the choice's `lookalikeBelow`; with threshold 1 and lookalikeBelow 0.5, rows from 0.5 up
 * to certainty are neither) and background in the share of verified negatives outside the
 * neighbourhood.
 */
export function planSet(
  known: KnownLabels,
  neighbourhood: Neighbourhood,
  pu: PositiveUnlabelled,
  budget: number,
  choice: SetChoice = SET_CHOICES[0]!,
): SetPlan {
  const rows = neighbourhood.rows
  const index = rows.map((_, i) => i)
  // most labelled-like first (the PU model's decision value; the clipped probabilities tie at 1)
  const likelyPositive = index
    .filter((i) => pu.positiveProbability[i]! >= choice.threshold)
    .sort((a, b) => pu.score[b]! - pu.score[a]! || a - b)
  const positives = [...known.positives, ...likelyPositive.map((i) => rows[i]!)].slice(0, Math.floor(budget / 2))
  const negativeCount = Math.min(positives.length, budget - positives.length)
  const verified = pu.negatives.slice(0, negativeCount)
  const rest = negativeCount - verified.length
  // a verified negative is inside when it ranks as near as the neighbourhood's last row
  const edge = rows.length > 0 ? neighbourhood.nearness[rows[rows.length - 1]!]! : Infinity
  const outside = pu.negatives.filter((r) => !(neighbourhood.nearness[r]! >= edge)).length
  const backgroundShare = (outside + 1) / (pu.negatives.length + 2)
  const lookalikes = index
    .filter((i) => pu.positiveProbability[i]! < choice.lookalikeBelow)
    .sort(
      (a, b) =>
        neighbourhood.nearness[rows[b]!]! - pu.score[b]! - (neighbourhood.nearness[rows[a]!]! - pu.score[a]!) || a - b,
    )
    .slice(0, rest - Math.round(rest * backgroundShare))
    .map((i) => rows[i]!)
  return { positives, negatives: [...verified, ...lookalikes], background: rest - lookalikes.length }
}

/** The plan as labelled rows: background negatives from `fps` (farthest point order), skipping `exclude`. */
export function buildSet(plan: SetPlan, fps: readonly number[], exclude: ReadonlySet<number> = new Set()) {
  const chosen = new Map<number, number>()
  for (const r of plan.positives) if (!exclude.has(r)) chosen.set(r, 1)
  for (const r of plan.negatives) if (!exclude.has(r)) chosen.set(r, 0)
  let added = 0
  for (const r of fps) {
    if (added >= plan.background) break
    if (!chosen.has(r) && !exclude.has(r)) {
      chosen.set(r, 0)
      added++
    }
  }
  return chosen
}

/**
 * F1 on an even class mix from pooled fold counts: 2 TPR / (1 + TPR + FPR). The verified labels'
 * mix follows what was verified, not the test sets' (unknown), so neither class's count may decide.
 */
export function evenMixF1(c: ConfusionCounts): number {
  const tpr = c.tp / (c.tp + c.fn),
    fpr = c.fp / (c.fp + c.tn)
  return (2 * tpr) / (1 + tpr + fpr)
}

export interface SetChoiceCv {
  best: SetChoice
  /** even-mix F1 per SET_CHOICES entry (NaN when the labels lack a class: the first choice is kept) */
  scores: number[]
  /** pooled fold counts per SET_CHOICES entry */
  counts: ConfusionCounts[]
}

/**
 * Chooses the set's treatment of the neighbourhood by cross-validation on the labelled rows (known
 * positives, cleaned verified negatives): per fold of the PU step, that fold's model (trained
 * without it) gives the neighbourhood's probabilities, each choice's set is built from them without
 * the fold's rows, and the official model trained on the set is scored on the fold.
 */
export function chooseSet(
  pool: Float32Array | Float64Array,
  n: number,
  d: number,
  known: KnownLabels,
  neighbourhood: Neighbourhood,
  pu: PositiveUnlabelled,
  fps: readonly number[],
  budget: number,
): SetChoiceCv {
  const isPositive = new Set(known.positives)
  const kept = new Set([...known.positives, ...pu.negatives])
  const counts = SET_CHOICES.map(() => ({ tp: 0, fp: 0, fn: 0, tn: 0 }))
  for (const fold of pu.folds) {
    // the fold's rows, less the verified negatives the cleaning dropped (their label is in doubt)
    const test = fold.test.filter((r) => kept.has(r))
    if (test.length === 0) continue
    const inTest = new Set(fold.test)
    const train: KnownLabels = {
      positives: known.positives.filter((r) => !inTest.has(r)),
      negatives: pu.negatives.filter((r) => !inTest.has(r)),
    }
    const foldPu: PositiveUnlabelled = {
      ...pu,
      negatives: train.negatives,
      score: fold.score,
      positiveProbability: fold.labelledProbability.map((g) => unlabelledPositiveProbability(g, pu.labelFrequency)),
    }
    const truth = Int32Array.from(test, (r) => (isPositive.has(r) ? 1 : 0))
    SET_CHOICES.forEach((choice, c) => {
      const set = buildSet(planSet(train, neighbourhood, foldPu, budget, choice), fps, inTest)
      const pos: number[] = [],
        neg: number[] = []
      for (const [r, y] of set) (y === 1 ? pos : neg).push(r)
      const predicted =
        pos.length === 0 || neg.length === 0
          ? new Int32Array(test.length).fill(pos.length > 0 ? 1 : 0)
          : predict(fitOnRows(pool, d, pos, neg), pool, n, Int32Array.from(test))
      const k = confusionCounts(truth, predicted)
      counts[c]!.tp += k.tp
      counts[c]!.fp += k.fp
      counts[c]!.fn += k.fn
      counts[c]!.tn += k.tn
    })
  }
  const scores = counts.map(evenMixF1)
  let best = 0
  scores.forEach((s, c) => {
    if (s > scores[best]!) best = c
  })
  return { best: SET_CHOICES[best]!, scores, counts }
}

export async function puNeighbourhoodSelection(input: VisionSelectorInput): Promise<VisionSelectorOutput> {
  const { n, d, rng, known, pool } = selectionInputs(input)
  if (known.positives.length < FOLDS)
    throw new UserError(
      `pu-neighbourhood: ${input.task} has ${known.positives.length} known positives in the pool (examples and verified labels); it needs at least ${FOLDS}`,
    )
  // one stage of three steps (the progress contract: a stage ends at its total)
  const stage = 'neighbourhood, positive-unlabelled learning, background, set choice'
  input.onProgress(stage, 0, 4)
  const neighbourhood = conceptNeighbourhood(pool, n, d, known, rng)
  input.onProgress(stage, 1, 4)
  const pu = positiveUnlabelled(pool, n, d, known, neighbourhood.rows, input.seed)
  input.onProgress(stage, 2, 4)
  const points = pool instanceof Float32Array ? pool : Float32Array.from(pool)
  // background candidates in farthest-point order, `budget` of them: a set's background plus its
  // labelled rows (which the background skips) is at most the budget, so the final set never runs
  // short; a cross-validation set also skips its fold's rows and may take a little less background
  const fps = Array.from(await farthestPointSampling(points, n, d, Math.min(n, input.budget), { first: rng.int(n) }))
  input.onProgress(stage, 3, 4)
  const cv = chooseSet(pool, n, d, known, neighbourhood, pu, fps, input.budget)
  const plan = planSet(known, neighbourhood, pu, input.budget, cv.best)
  const chosen = buildSet(plan, fps)
  input.onProgress(stage, 4, 4)
  const out = toOutput(input, chosen)
  out.choices = {
    neighbourhood: neighbourhood.rows.length,
    label_frequency: Number(pu.labelFrequency.toFixed(4)),
    known_positives: known.positives.length,
    pseudo_positives: plan.positives.length - Math.min(known.positives.length, plan.positives.length),
    verified_negatives_dropped: pu.dropped.length,
    lookalike_negatives: plan.negatives.length - Math.min(pu.negatives.length, plan.negatives.length),
    background_negatives: plan.background,
    threshold: cv.best.threshold,
    lookalike_below: cv.best.lookalikeBelow,
  }
  return out
}
