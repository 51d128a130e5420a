/**
 * Our method: let the official model choose, on held-out training clips, how the set is built.
 * Four candidate constructions (see candidates), each a plain idea that wins on some data:
 * - representatives: per class, the clips that best represent the rest (greedy facility location
 *   on a random projection; `coreset`'s set), which wins when few clips must stand for a class;
 * - clean representatives: the same after dropping the clips that confident learning (out-of-fold
 *   nearest-centroid probabilities) flags as likely mislabeled or misaligned, which wins when
 *   labels are noisy and loses when the flags mostly hit hard but correct clips;
 * - clean medoids, with an even split or half the budget to nontargets: k-medoids on the
 *   embeddings themselves, as the official cleanlab recipe picks, which covers a class's spread
 *   better at the larger cap.
 * Each candidate is built from the training clips outside a held-out fold and scored with the
 * official soft-voting SVC + LR (macro F1) on that fold; folds hold out whole nontarget keywords,
 * as the eval set's nontargets are unseen keywords. Representatives (coreset's set) are built from
 * all clips unless another candidate's mean beats theirs by more than the noise between folds
 * (see preferredCandidate); then that one is. Nothing is tuned to a generator: the choice is made on each
 * pool's own clips.
 * Left out after trials on development seeds (41-43): random draws per class (their held-out
 * score is one draw's luck and the set built is another draw, so they were picked by chance and
 * then scored far below representatives) and keeping only the more typical half of each class
 * (picked where it then lost).
 */
import { confidentLearning } from '../../ml/confident-learning.js'
import { facilityLocation, kMedoids } from '../../ml/coresets.js'
import { outOfFoldProbabilities } from '../../ml/out-of-fold.js'
import { randomProjection } from '../../ml/random-projection.js'
import { Rng } from '../../ml/rng.js'
import { fitSoftVoting, softVotingScores } from '../../ml/soft-voting.js'
import { keywordOf } from '../layout.js'
import { classBudgets, labelledPool, PROJECTION_DIM, rowsOfClass, toTrainingSet, type LabelledPool } from './pool-features.js'
import { TrainingSetSelection, type TrainingSet } from './types.js'

/**
 * Three folds: each candidate costs one fit per fold (a fit on 25-60 clips takes well under a
 * second), and three keeps most of the pool to build from while each fold still holds out several whole
 * nontarget keywords.
 */
const FOLDS = 3

/**
 * A candidate: whether each class is cleaned (clips that confident learning flags are dropped,
 * unless that would empty the class), how the clips are chosen (`representatives`:
 * greedy facility location on the random projection; `medoids`: k-medoids++ on the embeddings
 * themselves, as cleanlab_selection.py), and the nontarget share of the budget.
 */
export interface Candidate { name: string; clean: boolean; method: 'representatives' | 'medoids'; nontargetShare: number }

/**
 * The nontarget shares are the two the official recipes use: an even split over the classes
 * (random_selection.py) and half of the budget (cleanlab_selection.py).
 */
export function candidates(K: number): Candidate[] {
  const even = 1 / (K + 1)
  return [
    { name: 'representatives', clean: false, method: 'representatives', nontargetShare: even },
    { name: 'clean representatives', clean: true, method: 'representatives', nontargetShare: even },
    { name: 'clean medoids', clean: true, method: 'medoids', nontargetShare: even },
    { name: 'clean medoids, half nontargets', clean: true, method: 'medoids', nontargetShare: 0.5 },
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
    const all = Array.from({ length: K + 1 }, (_, y) => rowsOfClass(pool, y))
    // a class that cleaning would empty keeps all its clips
    const cleaned = (rows: number[][]) => rows.map((r) => { const kept = r.filter((i) => !issue[i]); return kept.length > 0 ? kept : r })
    const build = (c: Candidate, rows: number[][]) => {
      const budgets = classBudgets(this.trainSetSize, K, c.nontargetShare)
      return (c.clean ? cleaned(rows) : rows).flatMap((r, y) => c.method === 'medoids'
        // medoids of duplicate vectors can coincide: a clip is listed once
        ? [...new Set(kMedoids(pool.X, pool.dim, r, budgets[y]!, new Rng(this.randomSeed)))]
        : facilityLocation(F, PROJECTION_DIM, r, budgets[y]!))
    }
    const fold = heldOutFolds(pool, FOLDS, this.randomSeed)
    const list = candidates(K)
    const perFold = list.map(() => new Float64Array(FOLDS))
    const usable = Math.min(...Array.from({ length: FOLDS }, (_, f) => countIn(fold, f, pool, 0)))
    if (usable > 0) {
      let fitted = 0
      for (let f = 0; f < FOLDS; f++) {
        const inside = all.map((r) => r.filter((i) => fold[i] !== f))
        const held = pool.labels.reduce<number[]>((a, _, i) => { if (fold[i] === f) a.push(i); return a }, [])
        const heldX = gather(pool, held)
        list.forEach((c, ci) => {
          this.onProgress('clean-representatives: candidates on held-out clips', ++fitted, FOLDS * list.length)
          const chosen = build(c, inside)
          const train = gather(pool, chosen)
          if (new Set(train.y).size < 2) return
          const model = fitSoftVoting(train.X, chosen.length, pool.dim, train.y)
          perFold[ci]![f] = softVotingScores(model, heldX.X, heldX.y, held.length, [this.randomSeed])[0]!
        })
      }
    }
    const scores = perFold.map((p) => p.reduce((x, y) => x + y, 0) / FOLDS)
    const best = preferredCandidate(perFold)
    this.choice = { scores: list.map((c, i) => ({ name: c.name, score: scores[i]! })), chosen: best }
    const c = list[best]!
    return toTrainingSet(pool, build(c, all))
  }
}

/**
 * The candidate to build: the first (plain representatives) unless another one's mean held-out
 * score beats it by more than the standard error of their per-fold differences; the held-out
 * estimate is noisy, and a switch it cannot tell from noise is a coin toss.
 */
function preferredCandidate(perFold: Float64Array[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
  let best = 0, bestGain = 0
  perFold.forEach((scores, c) => {
    if (c === 0) return
    const diff = Array.from(scores, (s, f) => s - perFold[0]![f]!)
    const m = mean(diff)
    const se = Math.sqrt(diff.reduce((a, d) => a + (d - m) ** 2, 0) / Math.max(1, diff.length - 1) / diff.length)
    if (m > se && m > bestGain) { best = c; bestGain = m }
  })
  return best
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
