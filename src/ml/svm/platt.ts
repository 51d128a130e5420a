/**
 * libsvm's probability outputs: Platt's sigmoid fitted by Newton's method with backtracking
 * (Lin, Lin & Weng 2007) and pairwise coupling of the one-vs-one probabilities (Wu, Lin & Weng
 * 2004, method 2). Same operations in the same order as libsvm, so probabilities match sklearn.
 */

/** Fits P(y=+1 | f) = 1 / (1 + exp(A f + B)) to decision values and +1/-1 labels. */
export function sigmoidTrain(decValues: Float64Array, labels: Int8Array): { A: number; B: number } {
  const l = decValues.length
  let prior1 = 0,
    prior0 = 0
  for (let i = 0; i < l; i++)
    if (labels[i]! > 0) prior1 += 1
    else prior0 += 1
  const maxIter = 100,
    minStep = 1e-10,
    sigma = 1e-12,
    eps = 1e-5
  const hiTarget = (prior1 + 1.0) / (prior1 + 2.0)
  const loTarget = 1 / (prior0 + 2.0)
  const t = new Float64Array(l)
  let A = 0.0,
    B = Math.log((prior0 + 1.0) / (prior1 + 1.0))
  let fval = 0.0
  for (let i = 0; i < l; i++) {
    t[i] = labels[i]! > 0 ? hiTarget : loTarget
    const fApB = decValues[i]! * A + B
    fval += fApB >= 0 ? t[i]! * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log(1 + Math.exp(fApB))
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma,
      h22 = sigma,
      h21 = 0.0,
      g1 = 0.0,
      g2 = 0.0
    for (let i = 0; i < l; i++) {
      const fApB = decValues[i]! * A + B
      let p: number, q: number
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1.0 + Math.exp(-fApB))
        q = 1.0 / (1.0 + Math.exp(-fApB))
      } else {
        p = 1.0 / (1.0 + Math.exp(fApB))
        q = Math.exp(fApB) / (1.0 + Math.exp(fApB))
      }
      const d2 = p * q
      h11 += decValues[i]! * decValues[i]! * d2
      h22 += d2
      h21 += decValues[i]! * d2
      const d1 = t[i]! - p
      g1 += decValues[i]! * d1
      g2 += d1
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break
    const det = h11 * h22 - h21 * h21
    const dA = -(h22 * g1 - h21 * g2) / det
    const dB = -(-h21 * g1 + h11 * g2) / det
    const gd = g1 * dA + g2 * dB
    let stepsize = 1
    while (stepsize >= minStep) {
      const newA = A + stepsize * dA
      const newB = B + stepsize * dB
      let newf = 0.0
      for (let i = 0; i < l; i++) {
        const fApB = decValues[i]! * newA + newB
        newf +=
          fApB >= 0 ? t[i]! * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log(1 + Math.exp(fApB))
      }
      if (newf < fval + 0.0001 * stepsize * gd) {
        A = newA
        B = newB
        fval = newf
        break
      }
      stepsize = stepsize / 2.0
    }
    if (stepsize < minStep) break // line search failed; libsvm keeps the last point
  }
  return { A, B }
}

export function sigmoidPredict(decisionValue: number, A: number, B: number): number {
  const fApB = decisionValue * A + B
  // written for 1-p to avoid cancellation, as libsvm (its exp(-fApB), computed once)
  if (fApB >= 0) {
    const e = Math.exp(-fApB)
    return e / (1.0 + e)
  }
  return 1.0 / (1 + Math.exp(fApB))
}

/**
 * Class probabilities from pairwise ones: r[i*k + j] = P(i | i or j). Writes k values into `p`.
 * `Q` and `Qp` are scratch (k*k and k).
 */
export function multiclassProbability(
  k: number,
  r: Float64Array,
  p: Float64Array,
  Q: Float64Array = new Float64Array(k * k),
  Qp: Float64Array = new Float64Array(k),
): void {
  const maxIter = Math.max(100, k)
  const eps = 0.005 / k
  for (let t = 0; t < k; t++) {
    p[t] = 1.0 / k
    Q[t * k + t] = 0
    for (let j = 0; j < t; j++) {
      Q[t * k + t]! += r[j * k + t]! * r[j * k + t]!
      Q[t * k + j] = Q[j * k + t]!
    }
    for (let j = t + 1; j < k; j++) {
      Q[t * k + t]! += r[j * k + t]! * r[j * k + t]!
      Q[t * k + j] = -r[j * k + t]! * r[t * k + j]!
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0
    for (let t = 0; t < k; t++) {
      Qp[t] = 0
      for (let j = 0; j < k; j++) Qp[t]! += Q[t * k + j]! * p[j]!
      pQp += p[t]! * Qp[t]!
    }
    let maxError = 0
    for (let t = 0; t < k; t++) {
      const error = Math.abs(Qp[t]! - pQp)
      if (error > maxError) maxError = error
    }
    if (maxError < eps) break
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t]! + pQp) / Q[t * k + t]!
      p[t]! += diff
      pQp = (pQp + diff * (diff * Q[t * k + t]! + 2 * Qp[t]!)) / (1 + diff) / (1 + diff)
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t * k + j]!) / (1 + diff)
        p[j]! /= 1 + diff
      }
    }
  }
}
