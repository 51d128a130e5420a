/**
 * Limited-memory BFGS for smooth unconstrained minimisation (two-loop recursion, backtracking
 * line search with the Armijo condition). Used to fit logistic regression to its optimum; the
 * optimum is what scikit-learn's lbfgs approaches, so a tight tolerance reproduces its predictions.
 */

/** Returns f(x) and writes the gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

export interface LbfgsOptions {
  maxIter?: number
  /** stop when max |gradient| <= gtol * max(1, |f|) */
  gtol?: number
  memory?: number
}

export interface LbfgsResult {
  x: Float64Array
  f: number
  nIter: number
  converged: boolean
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]!); if (v > m) m = v }
  return m
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 1000
  const gtol = options.gtol ?? 1e-10
  const m = options.memory ?? 10
  const n = x0.length
  const x = Float64Array.from(x0)
  const g = new Float64Array(n)
  let f = objective(x, g)
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = []
  const dir = new Float64Array(n), xNew = new Float64Array(n), gNew = new Float64Array(n)
  const alpha = new Float64Array(m)
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol * Math.max(1, Math.abs(f))) return { x, f, nIter: iter, converged: true }
    // two-loop recursion: dir = -H g
    for (let i = 0; i < n; i++) dir[i] = -g[i]!
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, dir)
      const y = Y[k]!
      for (let i = 0; i < n; i++) dir[i]! -= alpha[k]! * y[i]!
    }
    if (S.length) {
      const last = S.length - 1
      const scale = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!)
      for (let i = 0; i < n; i++) dir[i]! *= scale
    } else {
      const norm = Math.sqrt(dot(g, g))
      for (let i = 0; i < n; i++) dir[i]! /= Math.max(norm, 1)
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, dir)
      const s = S[k]!
      for (let i = 0; i < n; i++) dir[i]! += (alpha[k]! - beta) * s[i]!
    }
    let slope = dot(g, dir)
    if (slope >= 0) { // not a descent direction: restart from steepest descent
      S.length = 0; Y.length = 0; rho.length = 0
      for (let i = 0; i < n; i++) dir[i] = -g[i]!
      slope = -dot(g, g)
    }
    // backtracking line search (Armijo)
    let step = 1
    let fNew = Infinity
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!
      fNew = objective(xNew, gNew)
      if (fNew <= f + 1e-4 * step * slope) break
      step *= 0.5
    }
    if (!(fNew <= f)) return { x, f, nIter: iter, converged: false } // no progress possible in floating point
    const s = new Float64Array(n), y = new Float64Array(n)
    for (let i = 0; i < n; i++) { s[i] = xNew[i]! - x[i]!; y[i] = gNew[i]! - g[i]! }
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) { S.shift(); Y.shift(); rho.shift() }
      S.push(s); Y.push(y); rho.push(1 / sy)
    }
    const fOld = f
    x.set(xNew); g.set(gNew); f = fNew
    if (fOld - f <= 1e-16 * Math.max(Math.abs(f), 1) && maxAbs(g) <= 1e-6 * Math.max(1, Math.abs(f))) {
      return { x, f, nIter: iter + 1, converged: true }
    }
  }
  return { x, f, nIter: maxIter, converged: maxAbs(g) <= gtol * Math.max(1, Math.abs(f)) }
}
