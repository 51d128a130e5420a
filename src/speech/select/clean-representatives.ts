/**
 * Our method: clean, then represent, then let the official model choose how much to clean and
 * how to split the budget.
 * 1. Confident learning on out-of-fold nearest-centroid probabilities flags likely mislabeled or
 *    misaligned clips. How much is set aside is chosen in step 3 among: nothing, the flagged
 *    clips, or those and each class's least self-consistent 20% (how noisy labels are is a
 *    property of the data, not something to fix in advance).
 * 2. Within each target word, greedy facility location picks the clips that best represent the
 *    rest (central, typical recordings rather than outliers), in pick order, so any budget is a
 *    prefix. Nontargets are ordered one of two ways, chosen in step 3: spread over keywords
 *    (keywords in facility-location order of their centroids, covering the nontarget space, one
 *    representative clip of each per round; eval nontargets are unseen keywords), or facility
 *    location over all nontarget clips as for a target word.
 * 3. The cleaning level, the nontarget order and the nontarget share of the budget are chosen together by training
 *    the official soft-voting SVC + LR on each candidate and scoring macro F1 on held-out clips:
 *    whole nontarget keywords held out (unseen, as eval keywords are) and unflagged target clips,
 *    averaged over folds of keywords. The eval set's mix of targets and nontargets is unknown, so
 *    the held-out set assumes none: as many nontarget clips as target clips.
 */
import { fitSoftVoting, softVotingScores } from '../../ml/soft-voting.js'
import { Rng } from '../../ml/rng.js'
import { keywordOf } from '../layout.js'
import { facilityLocation } from '../../ml/coresets.js'
import { classBudgets, cleaningSignals, PROJECTION_DIM, rowsOfClass, toTrainingSet, type LabelledPool } from './pool-features.js'
import { TrainingSetSelection, type TrainingSet } from './types.js'

const NONTARGET_SHARES = [1 / 6, 0.25, 1 / 3, 0.42, 0.5, 0.6]
/** what is set aside: nothing, the flagged clips, or those and the least self-consistent 20% of each class */
const CLEANING = ['none', 'flagged', 'flagged and least consistent 20%'] as const
/** how nontargets are ordered: spread over keywords, or facility location over all their clips */
const NONTARGET_ORDERS = ['keywords', 'clips'] as const
const HELD_OUT_PER_TARGET = 60
/** held-out nontarget keywords are split into this many folds, each scored once */
const KEYWORD_FOLDS = 3
/** the held-out mix: no eval mix is assumed, so nontargets and targets count the same */
const NONTARGETS_PER_TARGET = 1

export class CleanRepresentativesSelection extends TrainingSetSelection {
  select(): TrainingSet {
    const { pool, K, F, issue, quality } = cleaningSignals(this.embeddings, this.randomSeed, 'nearest-centroid')
    // per cleaning level, the rows of each class that are kept
    const levels: number[][][] = CLEANING.map((level) => {
      const out: number[][] = []
      for (let y = 0; y <= K; y++) {
        if (level === 'none') { out.push(rowsOfClass(pool, y)); continue }
        const rows = rowsOfClass(pool, y, (r) => !issue[r]).sort((a, b) => quality[b]! - quality[a]! || a - b)
        const kept = level === 'flagged' ? rows : rows.slice(0, Math.max(1, Math.ceil(rows.length * 0.8)))
        out.push(kept.length ? kept : rowsOfClass(pool, y))
      }
      return out
    })
    const maxBudget = this.trainSetSize
    const rng = new Rng(this.randomSeed)

    // nontargets by keyword (all of them, and per cleaning level each keyword's kept clips in facility-location order)
    const keywordOfRow = (r: number) => keywordOf(pool.ids[r]!)
    const byKeyword = new Map<string, number[]>()
    for (const r of rowsOfClass(pool, 0)) {
      const k = keywordOfRow(r)
      if (!byKeyword.has(k)) byKeyword.set(k, [])
      byKeyword.get(k)!.push(r)
    }
    const keywords = [...byKeyword.keys()]
    const ranked = levels.map((classes) => {
      const kept = new Map<string, number[]>()
      for (const r of classes[0]!) {
        const k = keywordOfRow(r)
        if (!kept.has(k)) kept.set(k, [])
        kept.get(k)!.push(r)
      }
      return new Map([...kept].map(([k, rows]) => [k, facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget))]))
    })
    const nontargetOrder = (level: number, use: string[], how: (typeof NONTARGET_ORDERS)[number]) => {
      const lists = use.map((k) => ranked[level]!.get(k)).filter((r): r is number[] => r !== undefined)
      if (how === 'keywords') return spreadOverKeywords(F, lists, maxBudget)
      const rows = lists.flat()
      return facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget))
    }

    // folds of whole nontarget keywords; held-out targets are fixed over folds and few enough that
    // every fold's nontargets outnumber them; the other clean target clips are candidates
    const folds = Array.from({ length: Math.min(KEYWORD_FOLDS, keywords.length - 1) }, () => [] as string[])
    const shuffledKeywords = [...keywords]
    rng.shuffle(shuffledKeywords)
    shuffledKeywords.forEach((k, i) => folds[i % Math.max(1, folds.length)]?.push(k))
    const heldNontargets = folds.map((fold) => fold.reduce((s, k) => s + byKeyword.get(k)!.length, 0))
    const perTarget = Math.min(HELD_OUT_PER_TARGET, Math.round(Math.min(...heldNontargets) / (NONTARGETS_PER_TARGET * K)))
    // held-out targets: unflagged clips (an eval set's labels are right), the same for every candidate
    const heldTargets: number[] = []
    const targetCandidates: number[][][] = levels.map(() => [])
    for (let y = 1; y <= K; y++) {
      const shuffled = rowsOfClass(pool, y, (r) => !issue[r])
      rng.shuffle(shuffled)
      const h = Math.min(perTarget, Math.floor(shuffled.length / 3))
      const held = new Set(shuffled.slice(0, h))
      heldTargets.push(...held)
      levels.forEach((classes, level) => {
        const rows = classes[y]!.filter((r) => !held.has(r))
        targetCandidates[level]!.push(facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget)))
      })
    }

    // ties go to the first candidate met: the middle cleaning level and the smallest share
    const order = [1, 2, 0]
    let best = { level: 1, how: 0, share: NONTARGET_SHARES[0]! }, bestScore = -1
    if (folds.length > 0 && heldTargets.length > 0) {
      const scores = levels.map(() => NONTARGET_ORDERS.map(() => new Float64Array(NONTARGET_SHARES.length)))
      const fits = folds.length * NONTARGET_SHARES.length * levels.length * NONTARGET_ORDERS.length
      let fitted = 0
      for (const fold of folds) {
        const heldOut = [...heldTargets, ...fold.flatMap((k) => byKeyword.get(k)!)]
        const held = gather(pool, heldOut)
        levels.forEach((_, level) => NONTARGET_ORDERS.forEach((how, h) => {
          const candidates = [nontargetOrder(level, keywords.filter((k) => !fold.includes(k)), how), ...targetCandidates[level]!]
          NONTARGET_SHARES.forEach((share, s) => {
            const chosen = pick(candidates, classBudgets(this.trainSetSize, K, share))
            const train = gather(pool, chosen)
            this.onProgress('clean-representatives: cleaning and nontarget share on held-out keywords', ++fitted, fits)
            if (new Set(train.y).size < 2) return
            const model = fitSoftVoting(train.X, chosen.length, pool.dim, train.y)
            scores[level]![h]![s]! += softVotingScores(model, held.X, held.y, heldOut.length, [this.randomSeed])[0]!
          })
        }))
      }
      for (const level of order) NONTARGET_ORDERS.forEach((_, how) => NONTARGET_SHARES.forEach((share, s) => {
        if (scores[level]![how]![s]! > bestScore + 1e-12) { bestScore = scores[level]![how]![s]!; best = { level, how, share } }
      }))
    }
    // final choice from all kept clips at the chosen level
    const final = [nontargetOrder(best.level, keywords, NONTARGET_ORDERS[best.how]!)]
    for (let y = 1; y <= K; y++) { const rows = levels[best.level]![y]!; final.push(facilityLocation(F, PROJECTION_DIM, rows, Math.min(rows.length, maxBudget))) }
    return toTrainingSet(pool, pick(final, classBudgets(this.trainSetSize, K, best.share)))
  }
}

/**
 * Up to `count` nontarget rows, one per keyword per round: keywords in facility-location order of
 * their centroids (so the first ones cover the nontarget space), each keyword's clips in `ranked` order.
 */
function spreadOverKeywords(F: Float32Array, ranked: number[][], count: number): number[] {
  const k = PROJECTION_DIM
  const centroids = new Float32Array(ranked.length * k)
  ranked.forEach((rows, i) => {
    for (const r of rows) for (let c = 0; c < k; c++) centroids[i * k + c]! += F[r * k + c]! / rows.length
  })
  const order = facilityLocation(centroids, k, ranked.map((_, i) => i), ranked.length)
  const out: number[] = []
  for (let round = 0; out.length < count; round++) {
    const before = out.length
    for (const i of order) if (round < ranked[i]!.length && out.length < count) out.push(ranked[i]![round]!)
    if (out.length === before) break
  }
  return out
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
