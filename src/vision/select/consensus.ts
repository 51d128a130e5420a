/**
 * Our method. An Open Images-style pool hides many more of the concept's images than the human
 * labels name, and the test negatives are mostly look-alikes, so the training set may gain from
 * the concept's unlabelled images (pseudo-positives), from the nearest misses as negatives (hard
 * negatives) and from diverse background for the rest. How much of each helps depends on the
 * data (how far look-alikes sit, how rare the concept is, what the test sets hold), so those
 * amounts are not fixed: they are chosen by cross-validation on the human labels.
 *
 * 1. A logistic scorer is trained on the known positives (examples, verified positives) and
 *    negatives (verified negatives, plus random pool images: the concept is rare) and scores the
 *    pool; the cut that best separates its training labels by F1 counts how many unlabelled pool
 *    images look like the concept (k).
 * 2. A candidate training set takes the known labels, the top `multiplier * k` unlabelled images
 *    as positives, the next highest-scoring `hardPerPositive` per positive as negatives, and
 *    farthest-point samples of the low-scoring pool as negatives for a share of the rest of the
 *    budget (the winner's core set: how many sets the class balance the model learns). With
 *    multiplier 0 and no hard negatives a candidate is the winner's (fpscv) core set.
 * 3. Each candidate (multiplier x hard negatives x FPS share) is scored by
 *    cross-validation: the labelled images are split in folds; for each fold, scorer and
 *    candidate are built without it, the official model is trained on the candidate and its F1
 *    measured on the fold. The best mean F1 wins (ties go to the middle of the grid, the prior).
 *    With too few labels to cross-validate, the prior is used and the manifest says so.
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { decisionFunction, predict } from '../../ml/logistic-regression.js'
import { binaryMetrics } from '../../ml/metrics.js'
import { fitOnRows, selectionInputs, toLabelledIds } from './labelled-pool.js'
import type { LabelledIds, SelectionContext } from './types.js'

/**
 * Random pool images taken as the scorer's negatives. Not a tuned value: the scorer needs many
 * more negatives than the tens of labelled images, and a rare concept makes nearly all of them
 * true negatives; the budget's scale (1,000) is used.
 */
const BACKGROUND = 1000
const FOLDS = 3
/**
 * The grid. The prior (used for ties and when labels are too few) is the winner's own core set,
 * no pseudo-positives and no hard negatives, with half the rest of the budget as FPS negatives.
 */
const MULTIPLIERS = [0, 0.5, 1]
const HARD_PER_POSITIVE = [0, 1]
const FPS_SHARES = [0.1, 0.25, 0.5, 1]
const PRIOR = { m: 0, h: 0, f: 2 }
/** structural caps, not tuned: positives at most half the budget, hard negatives at most a third */
const MAX_POSITIVE_SHARE = 0.5
const MAX_HARD_SHARE = 1 / 3
/** below this many labelled negatives or positives per fold the F1 of a fold says nothing */
const MIN_LABELS_PER_CLASS = 2 * FOLDS

interface Candidate { m: number; h: number; f: number }

export async function consensusSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const { n, d, rng, known, pool } = await selectionInputs(ctx)
  const budget = ctx.budget
  const points = pool instanceof Float32Array ? pool : Float32Array.from(pool)
  const fps = Array.from(await farthestPointSampling(points, n, d, Math.min(n, budget), {
    first: rng.int(n), onProgress: (done, total) => ctx.onProgress?.('farthest point sampling', done, total),
  }))
  const isKnown = new Set([...known.positives, ...known.negatives])
  const background = Array.from(rng.sampleIndices(n, Math.min(n, BACKGROUND))).filter((r) => !isKnown.has(r))

  /** pool scores and the pseudo-positive count k, from labels that leave out `excluded` */
  const scorer = (excluded: ReadonlySet<number>) => {
    const pos = known.positives.filter((r) => !excluded.has(r))
    const neg = [...known.negatives.filter((r) => !excluded.has(r)), ...background.filter((r) => !excluded.has(r))]
    const scores = decisionFunction(fitOnRows(pool, d, pos, neg), pool, n)
    const cut = bestF1Cut([...pos, ...neg].map((r) => scores[r]!), [...pos.map(() => 1), ...neg.map(() => 0)])
    const labelled = new Set([...pos, ...neg])
    let k = 0
    for (let r = 0; r < n; r++) if (scores[r]! > cut && !labelled.has(r) && !excluded.has(r)) k++
    // the unlabelled images, highest score first
    const order = Array.from({ length: n }, (_, i) => i).filter((r) => !isKnown.has(r) && !excluded.has(r)).sort((a, b) => scores[b]! - scores[a]! || a - b)
    return { scores, k, order }
  }
  const build = (cand: Candidate, scored: ReturnType<typeof scorer>, excluded: ReadonlySet<number>): Map<number, number> => {
    const { scores, k, order } = scored
    const chosen = new Map<number, number>()
    const add = (r: number, label: number) => { if (chosen.size < budget && !chosen.has(r) && !excluded.has(r)) chosen.set(r, label) }
    const pos = known.positives.filter((r) => !excluded.has(r))
    for (const r of pos) add(r, 1)
    const pseudo = Math.max(0, Math.min(Math.round(MULTIPLIERS[cand.m]! * k), Math.floor(budget * MAX_POSITIVE_SHARE) - pos.length))
    for (const r of order.slice(0, pseudo)) add(r, 1)
    for (const r of known.negatives) add(r, 0)
    // hard negatives start below both the pseudo-positives and the cut: the images in between are ambiguous
    const start = Math.max(pseudo, k)
    const hard = Math.min(Math.round(HARD_PER_POSITIVE[cand.h]! * (pos.length + pseudo)), Math.floor(budget * MAX_HARD_SHARE))
    for (const r of order.slice(start, start + hard)) add(r, 0)
    // diverse negatives: farthest-point samples scored below the hard negatives, a share of the rest
    const floor = order[start + hard - 1] !== undefined && hard > 0 ? scores[order[start + hard - 1]!]! : order[start] !== undefined ? scores[order[start]!]! : Infinity
    const target = chosen.size + Math.round((budget - chosen.size) * FPS_SHARES[cand.f]!)
    for (const r of fps) if (chosen.size < target && scores[r]! < floor && !isKnown.has(r)) add(r, 0)
    // when FPS points run out (a small pool), the lowest-scoring images make up the share
    for (let i = order.length - 1; i >= 0 && chosen.size < target; i--) add(order[i]!, 0)
    return chosen
  }

  const grid: Candidate[] = MULTIPLIERS.flatMap((_, m) => HARD_PER_POSITIVE.flatMap((_, h) => FPS_SHARES.map((_, f) => ({ m, h, f }))))
  let best: Candidate = PRIOR
  const notes: string[] = []
  if (known.positives.length >= MIN_LABELS_PER_CLASS && known.negatives.length >= MIN_LABELS_PER_CLASS) {
    // folds stratified by label, so every fold holds positives and negatives
    const folds: number[][] = Array.from({ length: FOLDS }, () => [])
    for (const group of [known.positives, known.negatives]) {
      const shuffled = [...group]
      rng.shuffle(shuffled)
      shuffled.forEach((r, i) => folds[i % FOLDS]!.push(r))
    }
    const positiveSet = new Set(known.positives)
    const f1 = new Float64Array(grid.length)
    let done = 0
    for (const fold of folds) {
      const excluded = new Set(fold)
      const scored = scorer(excluded)
      grid.forEach((cand, g) => {
        f1[g]! += foldF1(pool, d, build(cand, scored, excluded), fold, positiveSet)
        ctx.onProgress?.('cross-validating core sets', ++done, FOLDS * grid.length)
      })
    }
    const distance = (x: Candidate) => Math.abs(x.m - PRIOR.m) + Math.abs(x.h - PRIOR.h) + Math.abs(x.f - PRIOR.f)
    let bestF1 = -1
    grid.forEach((cand, g) => {
      const better = f1[g]! > bestF1 + 1e-12 || (Math.abs(f1[g]! - bestF1) <= 1e-12 && distance(cand) < distance(best))
      if (better) { bestF1 = f1[g]!; best = cand }
    })
  } else {
    notes.push(`consensus: ${known.positives.length} known positives and ${known.negatives.length} verified negatives for ${ctx.task}, too few to cross-validate (at least ${MIN_LABELS_PER_CLASS} of each); used the prior: ${MULTIPLIERS[PRIOR.m]} x the pseudo-positive count, ${HARD_PER_POSITIVE[PRIOR.h]} hard negatives per positive, ${FPS_SHARES[PRIOR.f]} of the rest as FPS negatives`)
  }
  const set = toLabelledIds(ctx, build(best, scorer(new Set()), new Set()), known)
  set.notes = [...(set.notes ?? []), ...notes]
  set.choices = { pseudo_positive_multiplier: MULTIPLIERS[best.m]!, hard_negatives_per_positive: HARD_PER_POSITIVE[best.h]!, fps_share: FPS_SHARES[best.f]! }
  return set
}

function foldF1(pool: Float32Array | Float64Array, d: number, chosen: Map<number, number>, fold: number[], positives: ReadonlySet<number>): number {
  const pos: number[] = [], neg: number[] = []
  for (const [r, label] of chosen) (label === 1 ? pos : neg).push(r)
  if (pos.length === 0 || neg.length === 0) return 0
  const predicted = predict(fitOnRows(pool, d, pos, neg), pool, pool.length / d, Int32Array.from(fold))
  return binaryMetrics(Int32Array.from(fold, (r) => (positives.has(r) ? 1 : 0)), predicted).f1
}

/** The decision value that best separates the labels by F1: a midpoint between two sorted scores. */
function bestF1Cut(scores: number[], labels: number[]): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b)
  const positives = labels.reduce((s, l) => s + l, 0)
  let tp = 0, best = -1, cut = 0
  for (let i = 0; i < order.length; i++) {
    tp += labels[order[i]!]!
    const here = scores[order[i]!]!
    const next = i + 1 < order.length ? scores[order[i + 1]!]! : here - 1
    // F1 of calling the top i + 1 positive; a cut only fits between distinct scores
    const f1 = (2 * tp) / (i + 1 + positives)
    if (next < here && f1 > best) { best = f1; cut = (here + next) / 2 }
  }
  return cut
}
