/**
 * libsvm's SMO solver for C-SVC (Fan, Chen & Lin 2005: second-order working set selection,
 * shrinking, gradient reconstruction), step for step as scikit-learn runs it: kernel entries
 * are stored as float32 (libsvm's Qfloat) and every tie is broken in libsvm's order, so the
 * solution, rho and the iteration path match. Written by hand: no npm package reproduces libsvm.
 *
 * Minimises 0.5 a'Qa - e'a subject to y'a = 0, 0 <= a_i <= C, with Q_ij = y_i y_j K_ij.
 */

const TAU = 1e-12
const LOWER = 0,
  UPPER = 1,
  FREE = 2

export interface BinarySubproblem {
  /** training kernel, n x n row-major (exp(-gamma (|xi|^2 + |xj|^2 - 2 xi.xj)) as libsvm trains) */
  kernel: Float64Array
  n: number
  /** problem position -> row of `kernel`; its length is the problem size */
  rows: Int32Array
  /** +1 / -1 per position */
  y: Int8Array
}

export interface SolverOptions {
  C: number
  /** stopping tolerance (sklearn's tol, libsvm's eps) */
  eps: number
  shrinking: boolean
  /** -1: no limit (sklearn's default) */
  maxIter: number
}

export interface BinarySolution {
  /** y_i * alpha_i per position (libsvm's decision_function coefficients) */
  coef: Float64Array
  rho: number
  iterations: number
}

export function solveCSvc(problem: BinarySubproblem, options: SolverOptions): BinarySolution {
  const l = problem.rows.length
  const { kernel, n } = problem
  const C = options.C
  const eps = options.eps
  // State indexed by solver position; positions are swapped by shrinking, `origin` remembers.
  const y = Int8Array.from(problem.y)
  const rowOf = Int32Array.from(problem.rows)
  const origin = new Int32Array(l)
  for (let i = 0; i < l; i++) origin[i] = i
  const alpha = new Float64Array(l)
  const status = new Uint8Array(l) // all LOWER: alpha = 0
  const G = new Float64Array(l).fill(-1) // gradient of 0.5 a'Qa + p'a at a = 0 with p = -1
  const Gbar = new Float64Array(l)
  const p = -1
  const QD = new Float64Array(l)
  for (let i = 0; i < l; i++) QD[i] = kernel[rowOf[i]! * n + rowOf[i]!]!
  let activeSize = l
  let unshrink = false

  const rowI = new Float64Array(l),
    rowJ = new Float64Array(l),
    rowTmp = new Float64Array(l)
  /** Column `i` of Q over positions [0, len), rounded to float32 as libsvm caches it. */
  const getQ = (i: number, len: number, out: Float64Array): Float64Array => {
    const base = rowOf[i]! * n
    const yi = y[i]!
    for (let j = 0; j < len; j++) out[j] = Math.fround(yi * y[j]! * kernel[base + rowOf[j]!]!)
    return out
  }
  const isUpper = (i: number) => status[i] === UPPER
  const isLower = (i: number) => status[i] === LOWER
  const isFree = (i: number) => status[i] === FREE
  const updateStatus = (i: number) => {
    status[i] = alpha[i]! >= C ? UPPER : alpha[i]! <= 0 ? LOWER : FREE
  }
  const swap = (i: number, j: number) => {
    let t: number
    t = y[i]!
    y[i] = y[j]!
    y[j] = t
    t = rowOf[i]!
    rowOf[i] = rowOf[j]!
    rowOf[j] = t
    t = origin[i]!
    origin[i] = origin[j]!
    origin[j] = t
    t = alpha[i]!
    alpha[i] = alpha[j]!
    alpha[j] = t
    t = status[i]!
    status[i] = status[j]!
    status[j] = t
    t = G[i]!
    G[i] = G[j]!
    G[j] = t
    t = Gbar[i]!
    Gbar[i] = Gbar[j]!
    Gbar[j] = t
    t = QD[i]!
    QD[i] = QD[j]!
    QD[j] = t
  }

  const reconstructGradient = () => {
    if (activeSize === l) return
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j]! + p
    let nrFree = 0
    for (let j = 0; j < activeSize; j++) if (isFree(j)) nrFree++
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = getQ(i, activeSize, rowTmp)
        for (let j = 0; j < activeSize; j++) if (isFree(j)) G[i]! += alpha[j]! * Qi[j]!
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (!isFree(i)) continue
        const Qi = getQ(i, l, rowTmp)
        const ai = alpha[i]!
        for (let j = activeSize; j < l; j++) G[j]! += ai * Qi[j]!
      }
    }
  }

  let outI = -1,
    outJ = -1
  /** Returns true when optimal (libsvm's select_working_set returning 1). */
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity,
      Gmax2 = -Infinity
    let GmaxIdx = -1,
      GminIdx = -1
    let objDiffMin = Infinity
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) {
        if (!isUpper(t) && -G[t]! >= Gmax) {
          Gmax = -G[t]!
          GmaxIdx = t
        }
      } else if (!isLower(t) && G[t]! >= Gmax) {
        Gmax = G[t]!
        GmaxIdx = t
      }
    }
    const i = GmaxIdx
    const Qi = i !== -1 ? getQ(i, activeSize, rowTmp) : rowTmp
    for (let j = 0; j < activeSize; j++) {
      if (y[j] === 1) {
        if (!isLower(j)) {
          const gradDiff = Gmax + G[j]!
          if (G[j]! >= Gmax2) Gmax2 = G[j]!
          if (gradDiff > 0) {
            const quad = QD[i]! + QD[j]! - 2.0 * y[i]! * Qi[j]!
            const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU
            if (objDiff <= objDiffMin) {
              GminIdx = j
              objDiffMin = objDiff
            }
          }
        }
      } else if (!isUpper(j)) {
        const gradDiff = Gmax - G[j]!
        if (-G[j]! >= Gmax2) Gmax2 = -G[j]!
        if (gradDiff > 0) {
          const quad = QD[i]! + QD[j]! + 2.0 * y[i]! * Qi[j]!
          const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU
          if (objDiff <= objDiffMin) {
            GminIdx = j
            objDiffMin = objDiff
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return true
    outI = GmaxIdx
    outJ = GminIdx
    return false
  }

  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => {
    if (isUpper(i)) return y[i] === 1 ? -G[i]! > Gmax1 : -G[i]! > Gmax2
    if (isLower(i)) return y[i] === 1 ? G[i]! > Gmax2 : G[i]! > Gmax1
    return false
  }

  const doShrinking = () => {
    let Gmax1 = -Infinity,
      Gmax2 = -Infinity
    for (let i = 0; i < activeSize; i++) {
      if (y[i] === 1) {
        if (!isUpper(i) && -G[i]! >= Gmax1) Gmax1 = -G[i]!
        if (!isLower(i) && G[i]! >= Gmax2) Gmax2 = G[i]!
      } else {
        if (!isUpper(i) && -G[i]! >= Gmax2) Gmax2 = -G[i]!
        if (!isLower(i) && G[i]! >= Gmax1) Gmax1 = G[i]!
      }
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true
      reconstructGradient()
      activeSize = l
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, Gmax1, Gmax2)) continue
      activeSize--
      while (activeSize > i) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) {
          swap(i, activeSize)
          break
        }
        activeSize--
      }
    }
  }

  let iter = 0
  let counter = Math.min(l, 1000) + 1
  for (;;) {
    if (options.maxIter !== -1 && iter >= options.maxIter) break
    if (--counter === 0) {
      counter = Math.min(l, 1000)
      if (options.shrinking) doShrinking()
    }
    if (selectWorkingSet()) {
      reconstructGradient()
      activeSize = l
      if (selectWorkingSet()) break
      counter = 1 // shrink at the next iteration
    }
    iter++
    const i = outI,
      j = outJ
    const Qi = getQ(i, activeSize, rowI)
    const Qj = getQ(j, activeSize, rowJ)
    const oldAi = alpha[i]!,
      oldAj = alpha[j]!
    if (y[i] !== y[j]) {
      let quad = QD[i]! + QD[j]! + 2 * Qi[j]!
      if (quad <= 0) quad = TAU
      const delta = (-G[i]! - G[j]!) / quad
      const diff = alpha[i]! - alpha[j]!
      alpha[i]! += delta
      alpha[j]! += delta
      if (diff > 0) {
        if (alpha[j]! < 0) {
          alpha[j] = 0
          alpha[i] = diff
        }
      } else if (alpha[i]! < 0) {
        alpha[i] = 0
        alpha[j] = -diff
      }
      if (diff > 0) {
        // C_i - C_j = 0 with equal bounds
        if (alpha[i]! > C) {
          alpha[i] = C
          alpha[j] = C - diff
        }
      } else if (alpha[j]! > C) {
        alpha[j] = C
        alpha[i] = C + diff
      }
    } else {
      let quad = QD[i]! + QD[j]! - 2 * Qi[j]!
      if (quad <= 0) quad = TAU
      const delta = (G[i]! - G[j]!) / quad
      const sum = alpha[i]! + alpha[j]!
      alpha[i]! -= delta
      alpha[j]! += delta
      if (sum > C) {
        if (alpha[i]! > C) {
          alpha[i] = C
          alpha[j] = sum - C
        }
      } else if (alpha[j]! < 0) {
        alpha[j] = 0
        alpha[i] = sum
      }
      if (sum > C) {
        if (alpha[j]! > C) {
          alpha[j] = C
          alpha[i] = sum - C
        }
      } else if (alpha[i]! < 0) {
        alpha[i] = 0
        alpha[j] = sum
      }
    }
    const dAi = alpha[i]! - oldAi,
      dAj = alpha[j]! - oldAj
    for (let k = 0; k < activeSize; k++) G[k]! += Qi[k]! * dAi + Qj[k]! * dAj
    const ui = isUpper(i),
      uj = isUpper(j)
    updateStatus(i)
    updateStatus(j)
    if (ui !== isUpper(i)) {
      const Q = getQ(i, l, rowTmp)
      if (ui) for (let k = 0; k < l; k++) Gbar[k]! -= C * Q[k]!
      else for (let k = 0; k < l; k++) Gbar[k]! += C * Q[k]!
    }
    if (uj !== isUpper(j)) {
      const Q = getQ(j, l, rowTmp)
      if (uj) for (let k = 0; k < l; k++) Gbar[k]! -= C * Q[k]!
      else for (let k = 0; k < l; k++) Gbar[k]! += C * Q[k]!
    }
  }

  // rho from the free variables, else the middle of the feasible interval
  let nrFree = 0,
    ub = Infinity,
    lb = -Infinity,
    sumFree = 0
  for (let i = 0; i < activeSize; i++) {
    const yG = y[i]! * G[i]!
    if (isUpper(i)) {
      if (y[i] === -1) ub = Math.min(ub, yG)
      else lb = Math.max(lb, yG)
    } else if (isLower(i)) {
      if (y[i] === 1) ub = Math.min(ub, yG)
      else lb = Math.max(lb, yG)
    } else {
      nrFree++
      sumFree += yG
    }
  }
  const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2
  const coef = new Float64Array(l)
  for (let i = 0; i < l; i++) coef[origin[i]!] = alpha[i]! * problem.y[origin[i]!]!
  return { coef, rho, iterations: iter }
}
