/** Label-error signals from out-of-fold class probabilities (n x classes, row-major). */

/**
 * Confident learning (Northcutt et al.): per-class thresholds t_j = mean p_j over rows labelled j;
 * a row is a likely label error when the most probable class among those above their threshold is
 * not its label.
 */
export function confidentLearning(probs: Float64Array, labels: Int32Array, classes: number): Uint8Array {
  const n = labels.length
  const t = new Float64Array(classes),
    count = new Float64Array(classes)
  for (let i = 0; i < n; i++) {
    t[labels[i]!]! += probs[i * classes + labels[i]!]!
    count[labels[i]!]!++
  }
  for (let y = 0; y < classes; y++) t[y]! /= Math.max(1, count[y]!)
  const issue = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let best = -1,
      bestP = -1
    for (let y = 0; y < classes; y++) {
      const p = probs[i * classes + y]!
      if (p >= t[y]! && p > bestP) {
        bestP = p
        best = y
      }
    }
    issue[i] = best !== -1 && best !== labels[i] ? 1 : 0
  }
  return issue
}

/**
 * cleanlab's label quality with method="self_confidence" and adjust_pred_probs=True: each row's
 * probabilities less the class thresholds (mean p_j over rows labelled j), shifted up by the
 * largest threshold and renormalised; the score is the adjusted probability of the given label.
 */
export function adjustedSelfConfidence(probs: Float64Array, labels: Int32Array, classes: number): Float64Array {
  const n = labels.length
  const t = new Float64Array(classes),
    count = new Float64Array(classes)
  for (let i = 0; i < n; i++) {
    t[labels[i]!]! += probs[i * classes + labels[i]!]!
    count[labels[i]!]!++
  }
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
