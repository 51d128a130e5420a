/**
 * The official cleanlab example's recipe: out-of-fold predicted probabilities (10 folds), confident
 * learning flags likely label errors, the lowest half by label quality goes too, then k-medoids per
 * class picks the coreset — half the budget for the five target words, half for nontargets.
 * Probabilities come from a nearest-centroid model on a random projection (the official code
 * cross-validates an SVC on every clip, which costs minutes); clustering also uses the projection.
 */
import { Rng } from '../../ml/rng.js'
import { kMedoids } from './coresets.js'
import { cleaningSignals, PROJECTION_DIM, rowsOfClass, toTrainingSet } from './pool-features.js'
import { TrainingSetSelection, type TrainingSet } from './types.js'

export class CleanlabSelection extends TrainingSetSelection {
  select(): TrainingSet {
    const { pool, K, F, issue, quality } = cleaningSignals(this.embeddings, this.randomSeed)
    // drop flagged rows and the lowest-quality half of all rows (EXTRA_FRAC = 0.5)
    const order = Array.from({ length: pool.rows }, (_, i) => i).sort((a, b) => quality[a]! - quality[b]! || a - b)
    const dropped = new Uint8Array(pool.rows)
    for (const r of order.slice(0, Math.floor(0.5 * pool.rows))) dropped[r] = 1
    const keep = (r: number) => !issue[r] && !dropped[r]
    const numTargets = Math.trunc(this.trainSetSize * 0.5)
    const perTarget = Math.floor(numTargets / K)
    const nontargetSize = Math.trunc(this.trainSetSize * (1 - 0.5))
    const rng = new Rng(this.randomSeed)
    const chosen: number[] = []
    for (let y = 0; y <= K; y++) {
      let rows = rowsOfClass(pool, y, keep)
      if (rows.length === 0) rows = rowsOfClass(pool, y) // never leave a class empty
      chosen.push(...kMedoids(F, PROJECTION_DIM, rows, y === 0 ? nontargetSize : perTarget, rng))
    }
    return toTrainingSet(pool, chosen)
  }
}
