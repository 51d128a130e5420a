/**
 * A facility-location coreset per class: the budget split evenly over the six classes, and in
 * each class the clips that best represent the rest (greedy facility location on a random
 * projection). No cleaning: a reference point for what representativeness alone buys.
 */
import { facilityLocation } from '../../ml/coresets.js'
import { randomProjection } from '../../ml/random-projection.js'
import { classBudgets, labelledPool, PROJECTION_DIM, rowsOfClass, toTrainingSet } from './pool-features.js'
import { TrainingSetSelection, type SpeechTrainingSet } from './types.js'

export class CoresetSelection extends TrainingSetSelection {
  select(): SpeechTrainingSet {
    const pool = labelledPool(this.embeddings)
    const K = pool.words.length
    const F = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, this.randomSeed)
    const budgets = classBudgets(this.trainSetSize, K, 1 / (K + 1))
    const chosen: number[] = []
    for (let y = 0; y <= K; y++) {
      chosen.push(...facilityLocation(F, PROJECTION_DIM, rowsOfClass(pool, y), budgets[y]!))
      this.onProgress('coreset: facility location per class', y + 1, K + 1)
    }
    return toTrainingSet(pool, chosen)
  }
}
