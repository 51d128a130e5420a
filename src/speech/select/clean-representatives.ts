/**
 * Our method: let the official model choose, on held-out training clips, how the set is built.
 * A few candidate constructions, each a plain idea that wins on some kind of data:
 * - representatives: per class, the clips that best represent the rest (greedy facility location
 *   on a random projection, as `coreset`); wins when few clips must stand for a class;
 * - clean representatives: the same after dropping clips that confident learning (out-of-fold
 *   nearest-centroid probabilities) flags as likely mislabeled or misaligned;
 * - random and clean random: a seeded draw per class; wins when spread matters more than
 *   typicality (larger caps, speakers the eval set adds).
 * The budget is split evenly over the classes in all of them (macro F1 weighs classes equally).
 * Each candidate is built from the training clips outside a held-out fold and scored with the
 * official soft-voting SVC + LR (macro F1) on that fold; folds hold out whole nontarget keywords,
 * as the eval set's nontargets are unseen keywords. The candidate with the best mean over the
 * folds is then built from all clips. Nothing is tuned to a generator: the choice is made on each
 * pool's own clips.
 */
import { confidentLearning } from '../../ml/confident-learning.js'
import { facilityLocation } from '../../ml/coresets.js'
import { outOfFoldProbabilities } from '../../ml/out-of-fold.js'
import { randomProjection } from '../../ml/random-projection.js'
import { Rng } from '../../ml/rng.js'
import { fitSoftVoting, softVotingScores } from '../../ml/soft-voting.js'
import { keywordOf } from '../layout.js'
import { classBudgets, labelledPool, PROJECTION_DIM, rowsOfClass, toTrainingSet, type LabelledPool } from './pool-features.js'
import { TrainingSetSelection, type TrainingSet } from './types.js'

/**
 * Three folds: each candidate costs one fit per fold (a fit on 25-60 clips takes well under a
 * second), and three is the fewest that holds out every clip once while keeping two thirds to build from.
 */
const FOLDS = 3

/** A candidate construction: from the rows it may use per class (0 = nontarget), the chosen rows. */
type Construction = (rowsByClass: number[][], budgets: Int32Array, rng: Rng) => number[]

export interface Candidate { name: string; clean: boolean; build: Construction }

export function candidates(F: Float32Array): Candidate[] {
  const representatives: Construction = (rows, budgets) => rows.flatMap((r, y) => facilityLocation(F, PROJECTION_DIM, r, budgets[y]!))
  const random: Construction = (rows, budgets, rng) => rows.flatMap((r, y) => [...rng.sampleIndices(r.length, Math.min(r.length, budgets[y]!))].map((i) => r[i]!))
  return [
    { name: 'representatives', clean: false, build: representatives },
    { name: 'clean representatives', clean: true, build: representatives },
    { name: 'random', clean: false, build: random },
    { name: 'clean random', clean: true, build: random },
  ]
}

export interface CandidateChoice { scores: Array<{ name: string; score: number }>; chosen: number }

export class CleanRepresentativesSelection extends TrainingSetSelection {
  /** the held-out score of each candidate and the one chosen, after select() (for reports and tests) */
  choice?: CandidateChoice

  select(): TrainingSet {
    const pool = labelledPool(this.embeddings)
    const K = pool.words.length
    const F = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, this.randomSeed)
    const probs = outOfFoldProbabilities(F, PROJECTION_DIM, pool.labels, K + 1, 10, this.randomSeed, 'nearest-centroid')
    const issue = confidentLearning(probs, pool.labels, K + 1)
    const budgets = classBudgets(this.trainSetSize, K, 1 / (K + 1))
    const all = Array.from({ length: K + 1 }, (_, y) => rowsOfClass(pool, y))
    // a class that cleaning would empty keeps all its clips
    const cleanRows = (rows: number[][]) => rows.map((r) => { const kept = r.filter((i) => !issue[i]); return kept.length > 0 ? kept : r })
    const fold = heldOutFolds(pool, FOLDS, this.randomSeed)
    const list = candidates(F)
    const scores = new Float64Array(list.length)
    const usable = Math.min(...Array.from({ length: FOLDS }, (_, f) => countIn(fold, f, pool, 0)))
    if (usable > 0) {
      let fitted = 0
      for (let f = 0; f < FOLDS; f++) {
        const inside = all.map((r) => r.filter((i) => fold[i] !== f))
        const held = pool.labels.reduce<number[]>((a, _, i) => { if (fold[i] === f) a.push(i); return a }, [])
        const heldX = gather(pool, held)
        list.forEach((c, ci) => {
          this.onProgress('clean-representatives: candidates on held-out clips', ++fitted, FOLDS * list.length)
          const chosen = c.build(c.clean ? cleanRows(inside) : inside, budgets, new Rng(this.randomSeed * 7919 + f))
          const train = gather(pool, chosen)
          if (new Set(train.y).size < 2) return
          const model = fitSoftVoting(train.X, chosen.length, pool.dim, train.y)
          scores[ci]! += softVotingScores(model, heldX.X, heldX.y, held.length, [this.randomSeed])[0]! / FOLDS
        })
      }
    }
    let best = 0
    scores.forEach((s, i) => { if (s > scores[best]!) best = i })
    this.choice = { scores: list.map((c, i) => ({ name: c.name, score: scores[i]! })), chosen: best }
    const c = list[best]!
    return toTrainingSet(pool, c.build(c.clean ? cleanRows(all) : all, budgets, new Rng(this.randomSeed)))
  }
}

/**
 * Fold per row (-1: never held out): nontargets by whole keyword, keywords shuffled and dealt over
 * the folds; each target word's clips shuffled and dealt, at most as many per fold as the fold's
 * nontargets, so that no class outweighs the nontarget class in the held-out mix.
 */
function heldOutFolds(pool: LabelledPool, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  const fold = new Int32Array(pool.rows).fill(-1)
  const byKeyword = new Map<string, number[]>()
  for (const r of rowsOfClass(pool, 0)) {
    const k = keywordOf(pool.ids[r]!)
    if (!byKeyword.has(k)) byKeyword.set(k, [])
    byKeyword.get(k)!.push(r)
  }
  const keywords = [...byKeyword.keys()]
  rng.shuffle(keywords)
  keywords.forEach((k, i) => { for (const r of byKeyword.get(k)!) fold[r] = i % folds })
  const nontargets = Array.from({ length: folds }, (_, f) => countIn(fold, f, pool, 0))
  for (let y = 1; y <= pool.words.length; y++) {
    const rows = rowsOfClass(pool, y)
    rng.shuffle(rows)
    // a fold holds out at most a quarter of a word's clips, so three quarters remain to build from
    const perFold = Math.min(Math.floor(rows.length / (folds + 1)), ...nontargets)
    for (let f = 0; f < folds; f++) for (const r of rows.slice(f * perFold, (f + 1) * perFold)) fold[r] = f
  }
  return fold
}

function countIn(fold: Int32Array, f: number, pool: LabelledPool, y: number): number {
  let n = 0
  for (let i = 0; i < pool.rows; i++) if (fold[i] === f && pool.labels[i] === y) n++
  return n
}

function gather(pool: LabelledPool, rows: number[]): { X: Float64Array; y: Int32Array } {
  const d = pool.dim
  const X = new Float64Array(rows.length * d)
  rows.forEach((r, i) => { for (let j = 0; j < d; j++) X[i * d + j] = pool.X[r * d + j]! })
  return { X, y: Int32Array.from(rows, (r) => pool.labels[r]!) }
}
