/**
 * L-BFGS for smooth unconstrained minimisation, run the way scipy's L-BFGS-B (3.0) runs it when
 * there are no bounds, which is how scikit-learn's lbfgs solver calls it: steepest descent with
 * step 1/|g| first, then quasi-Newton steps of length 1 under the Moré–Thuente line search
 * (ftol 1e-3, gtol 0.9, xtol 0.1, at most 20 trials), memory of 10 pairs, curvature pairs
 * skipped when s'y <= eps * (-g's), and the same stopping rules (max |g| <= pgtol, relative
 * reduction of f <= factr * eps, iteration limit). Stopping where sklearn stops, not at the
 * exact optimum, is what makes our probabilities equal to sklearn's to many digits (median 1e-7).
 * Not to all: on ill-conditioned fits (fewer samples than features, stopping at the tolerance) the
 * path amplifies rounding differences, ours and sklearn's alike; sklearn run with another OpenBLAS
 * kernel moves by up to 5e-3 there (test/speech-parity-near-ties.test.ts), and so do we.
 */
import { MoreThuente } from './line-search.js'

/** Returns f(x) and writes the gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

export interface LbfgsOptions {
  /** iteration limit (sklearn's max_iter, default 100) */
  maxIter?: number
  /** stop when max |gradient| <= pgtol (sklearn's tol, default 1e-4) */
  pgtol?: number
  /** stop when (f_old - f) / max(|f_old|, |f|, 1) <= factr * eps (sklearn: 64 * eps, so factr 64... scipy's default ftol) */
  ftol?: number
  memory?: number
  maxLineSearch?: number
  /**
   * the norm pgtol applies to (default max |g_i|); for problems solved in a rotated basis. Only ever
   * compared with pgtol, so it may return any value on the same side of it.
   */
  gradientNorm?: (grad: Float64Array) => number
}

export interface LbfgsResult {
  x: Float64Array
  f: number
  nIter: number
  converged: boolean
}

const EPS = 2.220446049250313e-16

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

// The vector steps below are small functions of their own, each the same arithmetic in the same
// order as the loop it replaces: V8 optimizes a small function within a fit's first iterations,
// where the loops inside minimizeLbfgs ran in the interpreter until the whole method was compiled,
// boxing every intermediate double (a fresh process's first fit made ~16 MB of garbage that way).

/** out[i] = a[i] - b[i] */
function difference(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!
}

/** out[i] = a[i] + b[i] */
function sum(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!
}

/** out[i] -= c * a[i] */
function subtractScaled(out: Float64Array, c: number, a: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i]! -= c * a[i]!
}

/** out[i] += a[i] * c */
function addScaled(out: Float64Array, a: Float64Array, c: number): void {
  for (let i = 0; i < out.length; i++) out[i]! += a[i]! * c
}

/** out[i] = -a[i] */
function negated(out: Float64Array, a: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = -a[i]!
}

/** out[i] /= c */
function divide(out: Float64Array, c: number): void {
  for (let i = 0; i < out.length; i++) out[i]! /= c
}

/** out[i] = c * a[i] */
function scaled(out: Float64Array, c: number, a: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = c * a[i]!
}

/** out[i] = c * a[i] + b[i] */
function scaledSum(out: Float64Array, c: number, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = c * a[i]! + b[i]!
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!)
    if (v > m) m = v
  }
  return m
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 100
  const pgtol = options.pgtol ?? 1e-4
  // scipy's default ftol is 2.2e-9 (factr 1e7); sklearn does not pass one
  const tol = options.ftol ?? 1e7 * EPS
  const m = options.memory ?? 10
  const maxls = options.maxLineSearch ?? 20
  const gradientNorm = options.gradientNorm ?? maxAbs
  const n = x0.length
  const x = Float64Array.from(x0)
  const g = new Float64Array(n)
  let f = objective(x, g)
  if (gradientNorm(g) <= pgtol) return { x, f, nIter: 0, converged: true }

  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rhos: number[] = []
  let theta = 1
  const d = new Float64Array(n),
    z = new Float64Array(n),
    xOld = new Float64Array(n),
    gOld = new Float64Array(n)
  const alpha = new Float64Array(m)
  let iter = 0
  for (;;) {
    // direction: steepest descent scaled by 1/theta with no memory, else -H g (two-loop recursion)
    if (S.length === 0) {
      for (let i = 0; i < n; i++) z[i] = x[i]! - g[i]! / theta // once per fit (and after a reset)
    } else {
      negated(d, g)
      for (let k = S.length - 1; k >= 0; k--) {
        alpha[k] = rhos[k]! * dot(S[k]!, d)
        subtractScaled(d, alpha[k]!, Y[k]!)
      }
      divide(d, theta)
      for (let k = 0; k < S.length; k++) {
        const beta = rhos[k]! * dot(Y[k]!, d)
        addScaled(d, S[k]!, alpha[k]! - beta)
      }
      sum(z, x, d)
    }
    difference(d, z, x)

    // line search along d from x
    const dnorm = Math.sqrt(dot(d, d))
    let stp = iter === 0 ? Math.min(1 / dnorm, 1e10) : 1
    xOld.set(x)
    gOld.set(g)
    const fOld = f
    const gdOld = dot(g, d)
    if (gdOld >= 0) break // not a descent direction: scipy stops here too (ABNORMAL)
    const search = new MoreThuente(1e-3, 0.9, 0.1, 0, 1e10)
    let status = search.start(f, gdOld, stp)
    let trials = 0
    let gd = gdOld
    while (status === 'FG') {
      stp = search.stp
      if (trials >= maxls) break
      if (stp === 1) x.set(z)
      else scaledSum(x, stp, d, xOld)
      f = objective(x, g)
      trials++
      gd = dot(g, d)
      status = search.next(f, gd)
    }
    if (status === 'FG') {
      // the line search failed: back to the last iterate; restart without memory, or give up
      x.set(xOld)
      g.set(gOld)
      f = fOld
      if (S.length === 0) break
      S.length = 0
      Y.length = 0
      rhos.length = 0
      theta = 1
      continue
    }
    iter++
    if (iter >= maxIter) return { x, f, nIter: iter, converged: false }
    if (gradientNorm(g) <= pgtol) return { x, f, nIter: iter, converged: true }
    if (fOld - f <= tol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return { x, f, nIter: iter, converged: true }

    // curvature pair s = stp d, y = g - g_old, with s'y computed as L-BFGS-B does
    const yv = new Float64Array(n)
    difference(yv, g, gOld)
    const rr = dot(yv, yv)
    let dr: number, ddum: number
    const s = new Float64Array(n)
    if (stp === 1) {
      dr = gd - gdOld
      ddum = -gdOld
      s.set(d)
    } else {
      dr = (gd - gdOld) * stp
      scaled(s, stp, d)
      ddum = -gdOld * stp
    }
    if (dr <= EPS * ddum) continue // skip the update: not enough curvature
    if (S.length === m) {
      S.shift()
      Y.shift()
      rhos.shift()
    }
    S.push(s)
    Y.push(yv)
    rhos.push(1 / dr)
    theta = rr / dr
  }
  return { x, f, nIter: iter, converged: false }
}
