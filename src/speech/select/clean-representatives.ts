/**
 * Our method: clean, then represent, then let the official model choose the split.
 * 1. Confident learning on out-of-fold nearest-centroid probabilities flags likely mislabeled or
 *    misaligned clips; those and each class's least self-consistent 20% are set aside.
 * 2. Within each class, greedy facility location picks the clips that best represent the rest
 *    (central, typical recordings rather than outliers), in pick order, so any budget is a prefix.
 * 3. The nontarget share of the budget (eval nontargets are unseen keywords, so covering the
 *    nontarget space matters) is chosen among a few candidates by training the official
 *    soft-voting SVC + LR on each candidate and scoring macro F1 on held-out clean clips.
 */
import { fitSoftVoting, softVotingScores } from '../../ml/soft-voting.js'
import { Rng } from '../../ml/rng.js'
import { facilityLocation } from './coresets.js'
import { classBudgets, cleaningSignals, PROJECTION_DIM, rowsOfClass, toTrainingSet, type LabelledPool } from './pool-features.js'
import { TrainingSetSelection, type TrainingSet } from './types.js'

const NONTARGET_SHARES = [1 / 6, 0.25, 0.33, 0.42]
const HELD_OUT_PER_CLASS = 60

export class CleanRepresentativesSelection extends TrainingSetSelection {
  select(): TrainingSet {
    const { pool, K, F, issue, quality } = cleaningSignals(this.embeddings, this.randomSeed)
    const clean: number[][] = []
    for (let y = 0; y <= K; y++) {
      const rows = rowsOfClass(pool, y, (r) => !issue[r]).sort((a, b) => quality[b]! - quality[a]! || a - b)
      const kept = rows.slice(0, Math.max(1, Math.ceil(rows.length * 0.8)))
      clean.push(kept.length ? kept : rowsOfClass(pool, y))
    }
    // held-out clean clips to choose the split on; the rest are candidates
    const rng = new Rng(this.randomSeed)
    const heldOut: number[] = [], candidates: number[][] = []
    for (const rows of clean) {
      const shuffled = [...rows]
      rng.shuffle(shuffled)
      const h = Math.min(HELD_OUT_PER_CLASS, Math.floor(shuffled.length / 3))
      heldOut.push(...shuffled.slice(0, h))
      candidates.push(shuffled.slice(h))
    }
    const maxBudget = this.trainSetSize
    const ranked = candidates.map((rows) => facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget)))
    let bestShare = NONTARGET_SHARES[0]!, bestScore = -1
    if (heldOut.length > 0) {
      const held = gather(pool, heldOut)
      for (const share of NONTARGET_SHARES) {
        const chosen = pick(ranked, classBudgets(this.trainSetSize, K, share))
        const train = gather(pool, chosen)
        if (new Set(train.y).size < 2) continue
        const model = fitSoftVoting(train.X, chosen.length, pool.dim, train.y)
        const score = softVotingScores(model, held.X, held.y, heldOut.length, [this.randomSeed])[0]!
        if (score > bestScore) { bestScore = score; bestShare = share }
      }
    }
    // final choice from all clean clips
    const final = clean.map((rows) => facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget)))
    return toTrainingSet(pool, pick(final, classBudgets(this.trainSetSize, K, bestShare)))
  }
}

function pick(ranked: number[][], budgets: Int32Array): number[] {
  return ranked.flatMap((rows, y) => rows.slice(0, budgets[y]!))
}

function gather(pool: LabelledPool, rows: number[]): { X: Float64Array; y: Int32Array } {
  const d = pool.dim
  const X = new Float64Array(rows.length * d)
  rows.forEach((r, i) => { for (let j = 0; j < d; j++) X[i * d + j] = pool.X[r * d + j]! })
  return { X, y: Int32Array.from(rows, (r) => pool.labels[r]!) }
}
