/**
 * Shared tools of the speech selection algorithms: the allowed clips as one labelled matrix, a
 * seeded random projection (clustering and similarity in 1024-d are costly; distances survive a
 * Gaussian projection well), out-of-fold class probabilities from a nearest-centroid model, and
 * per-class budgets.
 */
import { Rng } from '../../ml/rng.js'
import type { SpeechEmbeddings } from '../embeddings.js'
import type { TrainingSet } from './types.js'

export interface LabelledPool {
  X: Float32Array
  dim: number
  rows: number
  /** 0 = nontarget, 1..K = target words in key order */
  labels: Int32Array
  ids: string[]
  words: string[]
}

export function labelledPool(embeddings: SpeechEmbeddings): LabelledPool {
  const words = [...embeddings.targets.keys()]
  let rows = embeddings.nontargets.ids.length
  for (const c of embeddings.targets.values()) rows += c.ids.length
  const d = embeddings.dim
  const X = new Float32Array(rows * d)
  const labels = new Int32Array(rows)
  const ids: string[] = []
  let r = 0
  words.forEach((w, k) => {
    const c = embeddings.targets.get(w)!
    X.set(c.vectors, r * d)
    labels.fill(k + 1, r, r + c.ids.length)
    ids.push(...c.ids)
    r += c.ids.length
  })
  X.set(embeddings.nontargets.vectors, r * d)
  ids.push(...embeddings.nontargets.ids)
  return { X, dim: d, rows, labels, ids, words }
}

/** X (n x d) times a seeded Gaussian d x k matrix scaled by 1/sqrt(k). */
export function randomProjection(X: Float32Array, n: number, d: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const R = new Float32Array(d * k)
  const scale = 1 / Math.sqrt(k)
  for (let i = 0; i < R.length; i++) R[i] = rng.normal() * scale
  const out = new Float32Array(n * k)
  const acc = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    acc.fill(0)
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j]!
      if (x === 0) continue // ReLU embeddings are mostly zeros
      const rj = j * k
      for (let c = 0; c < k; c++) acc[c]! += x * R[rj + c]!
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c]!
  }
  return out
}

export function squaredDistance(A: Float32Array, a: number, B: Float32Array, b: number, k: number): number {
  let s = 0
  for (let c = 0; c < k; c++) { const t = A[a * k + c]! - B[b * k + c]!; s += t * t }
  return s
}

/**
 * Out-of-fold class probabilities (n x classes) from a nearest-centroid model: each fold's rows
 * are scored against class means of the other folds, softmax of -distance^2 / temperature.
 */
export function outOfFoldProbabilities(F: Float32Array, k: number, labels: Int32Array, classes: number, folds: number, seed: number): Float64Array {
  const n = labels.length
  const rng = new Rng(seed)
  const fold = new Int32Array(n)
  const order = Array.from({ length: n }, (_, i) => i)
  rng.shuffle(order)
  order.forEach((row, i) => { fold[row] = i % folds })
  const probs = new Float64Array(n * classes)
  const dist = new Float64Array(classes)
  for (let f = 0; f < folds; f++) {
    const sums = new Float64Array(classes * k), counts = new Float64Array(classes)
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) continue
      const y = labels[i]!
      counts[y]!++
      for (let c = 0; c < k; c++) sums[y * k + c]! += F[i * k + c]!
    }
    for (let y = 0; y < classes; y++) for (let c = 0; c < k; c++) sums[y * k + c]! /= Math.max(1, counts[y]!)
    // temperature: the mean distance of training rows to their own class mean
    let spread = 0, m = 0
    for (let i = 0; i < n && m < 2000; i++) {
      if (fold[i] === f) continue
      const y = labels[i]!
      let s = 0
      for (let c = 0; c < k; c++) { const t = F[i * k + c]! - sums[y * k + c]!; s += t * t }
      spread += s; m++
    }
    const temperature = Math.max(1e-12, spread / Math.max(1, m)) / 4
    for (let i = 0; i < n; i++) {
      if (fold[i] !== f) continue
      let min = Infinity
      for (let y = 0; y < classes; y++) {
        let s = 0
        for (let c = 0; c < k; c++) { const t = F[i * k + c]! - sums[y * k + c]!; s += t * t }
        dist[y] = s
        if (s < min) min = s
      }
      let z = 0
      for (let y = 0; y < classes; y++) z += (probs[i * classes + y] = Math.exp(-(dist[y]! - min) / temperature))
      for (let y = 0; y < classes; y++) probs[i * classes + y]! /= z
    }
  }
  return probs
}

/**
 * Confident learning (Northcutt et al.): per-class thresholds t_j = mean p_j over rows labelled j;
 * a row is a likely label error when the most probable class among those above their threshold is
 * not its label. Returns the flags and each row's label quality: its self-confidence after
 * subtracting the thresholds.
 */
export function confidentLearning(probs: Float64Array, labels: Int32Array, classes: number): { issue: Uint8Array; quality: Float64Array } {
  const n = labels.length
  const t = new Float64Array(classes), count = new Float64Array(classes)
  for (let i = 0; i < n; i++) { t[labels[i]!]! += probs[i * classes + labels[i]!]!; count[labels[i]!]!++ }
  for (let y = 0; y < classes; y++) t[y]! /= Math.max(1, count[y]!)
  const issue = new Uint8Array(n), quality = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = -1, bestP = -1
    for (let y = 0; y < classes; y++) {
      const p = probs[i * classes + y]!
      if (p >= t[y]! && p > bestP) { bestP = p; best = y }
    }
    issue[i] = best !== -1 && best !== labels[i] ? 1 : 0
    // self-confidence on probabilities less the class thresholds (clipped at 0, our variant of
    // cleanlab's adjust_pred_probs), so a class the model is generally unsure of is not wiped out
    let z = 0
    for (let y = 0; y < classes; y++) z += Math.max(0, probs[i * classes + y]! - t[y]!)
    const own = Math.max(0, probs[i * classes + labels[i]!]! - t[labels[i]!]!)
    quality[i] = z > 0 ? own / z : 1 / classes
  }
  return { issue, quality }
}

/**
 * cleanlab's label quality with method="self_confidence" and adjust_pred_probs=True: each row's
 * probabilities less the class thresholds (mean p_j over rows labelled j), shifted up by the
 * largest threshold and renormalised; the score is the adjusted probability of the given label.
 */
export function adjustedSelfConfidence(probs: Float64Array, labels: Int32Array, classes: number): Float64Array {
  const n = labels.length
  const t = new Float64Array(classes), count = new Float64Array(classes)
  for (let i = 0; i < n; i++) { t[labels[i]!]! += probs[i * classes + labels[i]!]!; count[labels[i]!]!++ }
  // a class without rows gets cleanlab's BIG_VALUE 2; thresholds are floored at 2e-6
  for (let y = 0; y < classes; y++) t[y] = count[y]! > 0 ? Math.max(2e-6, t[y]! / count[y]!) : 2
  const shift = Math.max(...t)
  const quality = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let z = 0
    for (let y = 0; y < classes; y++) z += probs[i * classes + y]! - t[y]! + shift
    quality[i] = (probs[i * classes + labels[i]!]! - t[labels[i]!]! + shift) / z
  }
  return quality
}

/** Rows of class y, optionally only those passing `keep`. */
export function rowsOfClass(pool: LabelledPool, y: number, keep?: (row: number) => boolean): number[] {
  const out: number[] = []
  for (let i = 0; i < pool.rows; i++) if (pool.labels[i] === y && (!keep || keep(i))) out.push(i)
  return out
}

/** Turns chosen pool rows into the official training-set shape (targets in key order). */
export function toTrainingSet(pool: LabelledPool, chosen: number[]): TrainingSet {
  const targets: Record<string, string[]> = {}
  for (const w of pool.words) targets[w] = []
  const nontargets: string[] = []
  for (const r of chosen) {
    const y = pool.labels[r]!
    if (y === 0) nontargets.push(pool.ids[r]!)
    else targets[pool.words[y - 1]!]!.push(pool.ids[r]!)
  }
  return { targets, nontargets }
}

/** Splits `total` clips over K target classes and the nontarget class: `nontargetShare` of it to nontargets, the rest evenly. */
export function classBudgets(total: number, K: number, nontargetShare: number): Int32Array {
  const budgets = new Int32Array(K + 1)
  const nontargets = Math.max(1, Math.round(total * nontargetShare))
  const perTarget = Math.max(1, Math.floor((total - nontargets) / K))
  for (let k = 1; k <= K; k++) budgets[k] = perTarget
  budgets[0] = Math.max(1, total - perTarget * K)
  return budgets
}

/** Projection dimension for clustering and similarity (64 keeps distances well, and is fast). */
export const PROJECTION_DIM = 64

/** What the cleaning methods share: the labelled pool, its projection, and confident-learning flags and quality. */
export function cleaningSignals(embeddings: SpeechEmbeddings, seed: number) {
  const pool = labelledPool(embeddings)
  const K = pool.words.length
  const F = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, seed)
  const probs = outOfFoldProbabilities(F, PROJECTION_DIM, pool.labels, K + 1, 10, seed)
  return { pool, K, F, ...confidentLearning(probs, pool.labels, K + 1) }
}
