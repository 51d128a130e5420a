/**
 * Our method. An Open Images-style pool hides many more of the concept's images than the human
 * labels name, and the test negatives are mostly look-alikes, so the training set should hold as
 * many of the concept's images as can be found, the nearest misses as negatives, and diverse
 * background for the rest.
 *
 * Self-training with a cut learned from the human labels: the examples and human-verified labels,
 * plus random pool images as negatives (the concept is rare), train a logistic scorer; the
 * cross-validated scores of the human-labelled images give the cut that best separates their
 * positives from their negatives (by F1); unlabelled pool images scored above the cut become
 * positives, the highest-scoring ones below it hard negatives, and the scorer is trained again
 * with them. The rest of the budget goes to farthest-point samples of the low-scoring pool.
 */
import { farthestPointSampling } from '../../ml/fps.js'
import { decisionFunction } from '../../ml/logistic-regression.js'
import { fitOnRows, selectionInputs, toLabelledIds } from './labelled-pool.js'
import type { LabelledIds, SelectionContext } from './types.js'

/** random pool images taken as negatives while scoring */
const BACKGROUND = 1000
const FOLDS = 5
const ROUNDS = 2
/**
 * The scorer is less regularised than the official model (C = 1): on ~1,000 rows of unit-scale
 * embeddings C = 1 shrinks the scores so much that a rare mode of the concept and the upper tail
 * of a look-alike class overlap, and self-training then pulls a look-alike class in.
 */
const SCORER_C = 10
const MAX_POSITIVE_SHARE = 0.4
/** hard negatives per positive, within at most MAX_HARD_SHARE of the budget */
const HARD_PER_POSITIVE = 1.5
const MAX_HARD_SHARE = 0.35

export async function consensusSelection(ctx: SelectionContext): Promise<LabelledIds> {
  const { n, d, rng, known, pool } = await selectionInputs(ctx)
  const budget = ctx.budget
  const human = [...known.positives, ...known.negatives]
  const labels = Int32Array.from(human, (_, i) => (i < known.positives.length ? 1 : 0))
  const isHuman = new Set(human)
  let background = Array.from(rng.sampleIndices(n, Math.min(n, BACKGROUND))).filter((r) => !isHuman.has(r))
  const shuffled = [...human]
  rng.shuffle(shuffled)
  const foldOf = new Map(shuffled.map((r, i) => [r, i % FOLDS]))
  const humanRows = Int32Array.from(human)

  let pseudoPositives: number[] = [], hardNegatives: number[] = []
  let scores: Float64Array = new Float64Array(n), cut = 0
  for (let round = 0; round < ROUNDS; round++) {
    // cross-validated scores of the human labels: each fold scored by a model that never saw it
    const heldOut = new Float64Array(human.length)
    for (let f = 0; f < FOLDS; f++) {
      const trainPositives = [...known.positives.filter((r) => foldOf.get(r) !== f), ...pseudoPositives]
      const trainNegatives = [...known.negatives.filter((r) => foldOf.get(r) !== f), ...hardNegatives, ...background]
      if (trainPositives.length === 0 || trainNegatives.length === 0) continue
      const s = decisionFunction(fitOnRows(pool, d, trainPositives, trainNegatives, { C: SCORER_C }), pool, n, humanRows)
      human.forEach((r, i) => { if (foldOf.get(r) === f) heldOut[i] = s[i]! })
    }
    cut = bestF1Cut(heldOut, labels)
    const model = fitOnRows(pool, d, [...known.positives, ...pseudoPositives], [...known.negatives, ...hardNegatives, ...background], { C: SCORER_C })
    scores = decisionFunction(model, pool, n)
    const order = Array.from({ length: n }, (_, i) => i).filter((r) => !isHuman.has(r)).sort((a, b) => scores[b]! - scores[a]! || a - b)
    const maxPseudo = Math.max(0, Math.floor(budget * MAX_POSITIVE_SHARE) - known.positives.length)
    let k = 0
    for (; k < order.length && scores[order[k]!]! > cut; k++);
    // above the cut but over the cap: the lowest-scoring are ambiguous and left out
    pseudoPositives = order.slice(0, Math.min(k, maxPseudo))
    const hard = Math.min(Math.floor(budget * MAX_HARD_SHARE), Math.round(HARD_PER_POSITIVE * (known.positives.length + pseudoPositives.length)))
    hardNegatives = order.slice(k, k + hard)
    const taken = new Set([...pseudoPositives, ...hardNegatives])
    background = background.filter((r) => !taken.has(r))
  }

  const chosen = new Map<number, number>()
  const add = (r: number, label: number) => { if (chosen.size < budget && !chosen.has(r)) chosen.set(r, label) }
  for (const r of known.positives) add(r, 1)
  for (const r of pseudoPositives) add(r, 1)
  for (const r of known.negatives) add(r, 0)
  for (const r of hardNegatives) add(r, 0)
  // diverse negatives from the part of the pool scored below the hard negatives
  const floor = hardNegatives.length ? scores[hardNegatives[hardNegatives.length - 1]!]! : cut
  const low = Array.from({ length: n }, (_, i) => i).filter((r) => scores[r]! < floor && !chosen.has(r))
  if (low.length > 0 && chosen.size < budget) {
    const X = new Float32Array(low.length * d)
    low.forEach((r, i) => { for (let j = 0; j < d; j++) X[i * d + j] = pool[r * d + j]! })
    const picks = await farthestPointSampling(X, low.length, d, Math.min(low.length, budget - chosen.size), {
      first: rng.int(low.length), onProgress: (done, total) => ctx.onProgress?.('farthest point sampling', done, total),
    })
    for (const k of picks) add(low[k]!, 0)
  }
  return toLabelledIds(ctx, chosen, known)
}

/** The decision value that best separates the labels by F1: a midpoint between two sorted scores. */
function bestF1Cut(scores: Float64Array, labels: Int32Array): number {
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

