/**
 * Out-of-fold class probabilities as cleanlab's CleanLearning computes them: stratified K folds
 * (every class dealt evenly over the folds after a seeded shuffle, as StratifiedKFold(shuffle=True)
 * does, though not with numpy's draws), a classifier fitted on the other folds, predict_proba on
 * the held-out fold.
 */
import { fitLogisticRegression, predictProba } from '../../ml/logistic-regression.js'
import { Rng } from '../../ml/rng.js'

/** Fold id per row: each class's rows shuffled, then dealt round-robin, so folds are stratified. */
export function stratifiedFolds(labels: Int32Array, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  const fold = new Int32Array(labels.length)
  const byClass = new Map<number, number[]>()
  labels.forEach((y, i) => { const rows = byClass.get(y) ?? []; rows.push(i); byClass.set(y, rows) })
  let next = 0 // continue dealing where the previous class stopped, so fold sizes differ by at most one
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(y)!
    rng.shuffle(rows)
    for (const r of rows) { fold[r] = next; next = (next + 1) % folds }
  }
  return fold
}

/**
 * n x classes out-of-fold probabilities from scikit-learn's default LogisticRegression on the
 * features F (n x k); a class missing from a training fold gets probability 0, as in cleanlab.
 */
export function outOfFoldLogisticProbabilities(F: Float32Array, k: number, labels: Int32Array, classes: number, folds: number, seed: number, onFold?: (done: number, total: number) => void): Float64Array {
  const n = labels.length
  const fold = stratifiedFolds(labels, folds, seed)
  const probs = new Float64Array(n * classes)
  for (let f = 0; f < folds; f++) {
    const train: number[] = [], held: number[] = []
    for (let i = 0; i < n; i++) (fold[i] === f ? held : train).push(i)
    onFold?.(f, folds)
    if (held.length === 0) continue
    const X = new Float64Array(train.length * k)
    train.forEach((r, j) => { for (let c = 0; c < k; c++) X[j * k + c] = F[r * k + c]! })
    const model = fitLogisticRegression(X, train.length, k, Int32Array.from(train, (r) => labels[r]!))
    const p = predictProba(model, F, n, Int32Array.from(held))
    const K = model.classes.length
    held.forEach((r, j) => { for (let c = 0; c < K; c++) probs[r * classes + model.classes[c]!] = p[j * K + c]! })
  }
  onFold?.(folds, folds)
  return probs
}
