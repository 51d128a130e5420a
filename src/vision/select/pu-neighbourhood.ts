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
 * 3. The set: the known positives and the unlabelled images certainly positive (CERTAIN),
 *    labelled 1; as many negatives, labelled 0 (an even class mix: the test sets' mix is unknown
 *    and the verified labels' mix follows what was verified, so neither decides). The negatives
 *    are the cleaned verified negatives, then look-alikes (the other neighbourhood images, most concept-like and least positive-like first: nearness minus the PU score) and
 *    background images spread over the pool (farthest point sampling), in the share the verified
 *    negatives show: of those, how many lie outside the neighbourhood (with Laplace's rule of
 *    succession, so no verified negatives means half and half).
 * The set is usually much smaller than the budget: the pool holds only so many images that look
 * like the concept, and padding with background would tilt the model to calling images negative.
 */
import { UserError } from '../../errors.js'
import { farthestPointSampling } from '../../ml/fps.js'
import { decisionFunction, predictProba } from '../../ml/logistic-regression.js'
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
/** folds for the label frequency and the cleaning, as fpscv's cross-validation */
const FOLDS = 3
/**
 * An unlabelled image is taken as a positive (and a verified negative dropped as one) only when
 * Elkan and Noto's estimate calls it certain: P(positive | x, unlabelled) reaches 1, that is
 * g(x) >= c, the model finds it at least as much like the labelled positives as the average
 * held-out known positive. A wrong pseudo-positive moves the official model's boundary into the
 * look-alikes, a missed one only leaves a known positive's neighbour out. Not tuned to our
 * generator: the only other rule tried, "more likely positive than not" (0.5), gave 0.850 mean F1
 * against 0.858 on our dev seeds (103, 104; fpscv 0.830, pseudolabel 0.831).
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
  for (let f = 0; f < FOLDS; f++) {
    const train = (rows: readonly number[], offset: number) => rows.filter((_, i) => fold[offset + i] !== f)
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
  }
  if (heldOutPositive.length > 0) c = labelFrequency(heldOutPositive)
  for (const [r, g] of negativeProbability) if (unlabelledPositiveProbability(g, c) >= CERTAIN) suspect.add(r)
  const negatives = known.negatives.filter((r) => !suspect.has(r))
  const model = fitOnRows(pool, d, known.positives, [...negatives, ...neighbourhood])
  const rows = Int32Array.from(neighbourhood)
  const score = decisionFunction(model, pool, n, rows)
  const proba = predictProba(model, pool, n, rows)
  const positiveProbability = Float64Array.from(neighbourhood, (_, i) =>
    unlabelledPositiveProbability(proba[i * 2 + 1]!, c),
  )
  return { labelFrequency: c, positiveProbability, score, negatives, dropped: [...suspect] }
}

export interface SetPlan {
  positives: number[]
  /** verified negatives (cleaned), then look-alikes, in the order they are taken */
  negatives: number[]
  /** how many background images (farthest point sampling) complete the negatives */
  background: number
}

/**
 * Step 3: which rows the set takes. Positives: the known ones, then neighbourhood rows certainly
 * positive (most labelled-like first), at most half the budget. Negatives: as many as the
 * positives, the cleaned verified negatives first; the rest split between look-alikes and
 * background in the share of verified negatives outside the neighbourhood.
 */
export function planSet(
  known: KnownLabels,
  neighbourhood: Neighbourhood,
  pu: PositiveUnlabelled,
  budget: number,
): SetPlan {
  const rows = neighbourhood.rows
  const index = rows.map((_, i) => i)
  // most labelled-like first (the PU model's decision value; the clipped probabilities tie at 1)
  const likelyPositive = index
    .filter((i) => pu.positiveProbability[i]! >= CERTAIN)
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
    .filter((i) => !(pu.positiveProbability[i]! >= CERTAIN))
    .sort(
      (a, b) =>
        neighbourhood.nearness[rows[b]!]! - pu.score[b]! - (neighbourhood.nearness[rows[a]!]! - pu.score[a]!) || a - b,
    )
    .slice(0, rest - Math.round(rest * backgroundShare))
    .map((i) => rows[i]!)
  return { positives, negatives: [...verified, ...lookalikes], background: rest - lookalikes.length }
}

export async function puNeighbourhoodSelection(input: VisionSelectorInput): Promise<VisionSelectorOutput> {
  const { n, d, rng, known, pool } = selectionInputs(input)
  if (known.positives.length < FOLDS)
    throw new UserError(
      `pu-neighbourhood: ${input.task} has ${known.positives.length} known positives in the pool (examples and verified labels); it needs at least ${FOLDS}`,
    )
  // one stage of three steps (the progress contract: a stage ends at its total)
  const stage = 'neighbourhood, positive-unlabelled learning, background negatives'
  input.onProgress(stage, 0, 3)
  const neighbourhood = conceptNeighbourhood(pool, n, d, known, rng)
  input.onProgress(stage, 1, 3)
  const pu = positiveUnlabelled(pool, n, d, known, neighbourhood.rows, input.seed)
  const plan = planSet(known, neighbourhood, pu, input.budget)
  const chosen = new Map<number, number>()
  for (const r of plan.positives) chosen.set(r, 1)
  for (const r of plan.negatives) chosen.set(r, 0)
  if (plan.background > 0) {
    input.onProgress(stage, 2, 3)
    const points = pool instanceof Float32Array ? pool : Float32Array.from(pool)
    // FPS is greedy, so the first k points of a longer run are the k-point run: enough for the chosen rows it may hit
    const fps = await farthestPointSampling(points, n, d, Math.min(n, plan.background + chosen.size), {
      first: rng.int(n),
    })
    let added = 0
    for (const r of fps) {
      if (added >= plan.background) break
      if (!chosen.has(r)) {
        chosen.set(r, 0)
        added++
      }
    }
  }
  input.onProgress(stage, 3, 3)
  const out = toOutput(input, chosen)
  out.choices = {
    neighbourhood: neighbourhood.rows.length,
    label_frequency: Number(pu.labelFrequency.toFixed(4)),
    known_positives: known.positives.length,
    pseudo_positives: plan.positives.length - Math.min(known.positives.length, plan.positives.length),
    verified_negatives_dropped: pu.dropped.length,
    lookalike_negatives: plan.negatives.length - Math.min(pu.negatives.length, plan.negatives.length),
    background_negatives: plan.background,
  }
  return out
}
