/**
 * The official cleanlab example (selection/implementations/cleanlab_selection.py): out-of-fold
 * predicted probabilities (10 stratified folds), cleanlab's confident-joint label issues plus the
 * lowest half of all clips by label quality (self-confidence, adjust_pred_probs=True) are dropped,
 * then sklearn_extra's KMedoids(init="k-medoids++") per class on the raw embeddings picks the
 * coreset: int(0.5 * size) // 5 clips per target word, int(0.5 * size) nontargets.
 *
 * Two deviations. The official model is SVC(probability=True) on all 1024 features; our libsvm
 * port needs about 80 s per leaderboard for its 10 fits, so a stand-in gives the probabilities:
 * the fixed model's other half, sklearn's LogisticRegression, on a 64-d random projection (the
 * whole selection then takes about 8 s per leaderboard in `compare`). And where cleaning empties a class, the official loop skips it; we fall back to all its
 * clips, so every class stays present (an empty class renumbers the others at evaluation).
 */
import { Rng } from '../../ml/rng.js'
import { kMedoids } from '../../ml/coresets.js'
import { cleaningSignals, rowsOfClass, toTrainingSet } from './pool-features.js'
import { TrainingSetSelection, type SpeechTrainingSet } from './types.js'

const EXTRA_FRAC = 0.5
const TARGET_FRAC = 0.5

export class CleanlabSelection extends TrainingSetSelection {
  select(): SpeechTrainingSet {
    const { pool, K, issue, quality } = cleaningSignals(this.embeddings, this.randomSeed, 'logistic', (done, total) =>
      this.onProgress('cleanlab: out-of-fold folds', done, total),
    )
    const order = Array.from({ length: pool.rows }, (_, i) => i).sort((a, b) => quality[a]! - quality[b]! || a - b)
    const dropped = new Uint8Array(pool.rows)
    for (const r of order.slice(0, Math.trunc(EXTRA_FRAC * pool.rows))) dropped[r] = 1
    const keep = (r: number) => !issue[r] && !dropped[r]
    const perTarget = Math.floor(Math.trunc(this.trainSetSize * TARGET_FRAC) / K)
    const nontargetSize = Math.trunc(this.trainSetSize * (1 - TARGET_FRAC))
    const rng = new Rng(this.randomSeed)
    const chosen: number[] = []
    for (let y = 0; y <= K; y++) {
      let rows = rowsOfClass(pool, y, keep)
      if (rows.length === 0) rows = rowsOfClass(pool, y)
      // medoids on duplicate vectors can coincide: a clip is listed once
      chosen.push(...new Set(kMedoids(pool.X, pool.dim, rows, y === 0 ? nontargetSize : perTarget, rng)))
      this.onProgress('cleanlab: k-medoids per class', y + 1, K + 1)
    }
    return toTrainingSet(pool, chosen)
  }
}
