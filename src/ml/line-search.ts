/**
 * The Moré–Thuente line search (MINPACK-2 dcsrch/dcstep) that L-BFGS-B calls, written as a
 * small state machine: `start` with f and f' at step 0 and a first trial step, then `next` with
 * f and f' at each trial until it reports convergence or a warning. Reproducing it is what
 * makes our logistic regression stop where scikit-learn's lbfgs stops.
 */

const XTRAPL = 1.1,
  XTRAPU = 4.0,
  P5 = 0.5,
  P66 = 0.66

export type LineSearchStatus = 'FG' | 'CONVERGENCE' | 'WARNING'

export class MoreThuente {
  private brackt = false
  private stage = 1
  private ginit = 0
  private gtest = 0
  private gx = 0
  private gy = 0
  private finit = 0
  private fx = 0
  private fy = 0
  private stx = 0
  private sty = 0
  private stmin = 0
  private stmax = 0
  private width = 0
  private width1 = 0
  stp = 0

  constructor(
    private readonly ftol: number,
    private readonly gtol: number,
    private readonly xtol: number,
    private readonly stpmin: number,
    private readonly stpmax: number,
  ) {}

  start(f: number, g: number, stp: number): LineSearchStatus {
    this.stp = stp
    this.brackt = false
    this.stage = 1
    this.finit = f
    this.ginit = g
    this.gtest = this.ftol * this.ginit
    this.width = this.stpmax - this.stpmin
    this.width1 = this.width / P5
    this.stx = 0
    this.fx = this.finit
    this.gx = this.ginit
    this.sty = 0
    this.fy = this.finit
    this.gy = this.ginit
    this.stmin = 0
    this.stmax = stp + XTRAPU * stp
    return 'FG'
  }

  /** f and g (directional derivative) at the current `stp`; updates `stp` when it returns 'FG'. */
  next(f: number, g: number): LineSearchStatus {
    const ftest = this.finit + this.stp * this.gtest
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2
    let status: LineSearchStatus = 'FG'
    if (this.brackt && (this.stp <= this.stmin || this.stp >= this.stmax)) status = 'WARNING'
    if (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax) status = 'WARNING'
    if (this.stp === this.stpmax && f <= ftest && g <= this.gtest) status = 'WARNING'
    if (this.stp === this.stpmin && (f > ftest || g >= this.gtest)) status = 'WARNING'
    if (f <= ftest && Math.abs(g) <= this.gtol * -this.ginit) status = 'CONVERGENCE'
    if (status !== 'FG') return status

    if (this.stage === 1 && f <= this.fx && f > ftest) {
      // a modified function with nonnegative derivative: psi(stp) = f(stp) - f(0) - stp * gtest
      const fm = f - this.stp * this.gtest
      const fxm = this.fx - this.stx * this.gtest,
        fym = this.fy - this.sty * this.gtest
      const gm = g - this.gtest,
        gxm = this.gx - this.gtest,
        gym = this.gy - this.gtest
      const s = this.step(this.stx, fxm, gxm, this.sty, fym, gym, this.stp, fm, gm)
      this.fx = s.fx + this.stx * this.gtest
      this.fy = s.fy + this.sty * this.gtest
      this.gx = s.dx + this.gtest
      this.gy = s.dy + this.gtest
    } else {
      const s = this.step(this.stx, this.fx, this.gx, this.sty, this.fy, this.gy, this.stp, f, g)
      this.fx = s.fx
      this.fy = s.fy
      this.gx = s.dx
      this.gy = s.dy
    }
    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= P66 * this.width1) this.stp = this.stx + P5 * (this.sty - this.stx)
      this.width1 = this.width
      this.width = Math.abs(this.sty - this.stx)
    }
    if (this.brackt) {
      this.stmin = Math.min(this.stx, this.sty)
      this.stmax = Math.max(this.stx, this.sty)
    } else {
      this.stmin = this.stp + XTRAPL * (this.stp - this.stx)
      this.stmax = this.stp + XTRAPU * (this.stp - this.stx)
    }
    this.stp = Math.max(this.stp, this.stpmin)
    this.stp = Math.min(this.stp, this.stpmax)
    if (
      (this.brackt && (this.stp <= this.stmin || this.stp >= this.stmax)) ||
      (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax)
    )
      this.stp = this.stx
    return 'FG'
  }

  /** dcstep: a safeguarded cubic/quadratic step; updates stx, sty, brackt and stp. */
  private step(
    stx: number,
    fx: number,
    dx: number,
    sty: number,
    fy: number,
    dy: number,
    stp: number,
    fp: number,
    dp: number,
  ): { fx: number; fy: number; dx: number; dy: number } {
    const stpmin = this.stmin,
      stpmax = this.stmax
    const sgnd = dp * (dx / Math.abs(dx))
    let stpf: number
    if (fp > fx) {
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp))
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s))
      if (stp < stx) gamma = -gamma
      const p = gamma - dx + theta
      const q = gamma - dx + gamma + dp
      const r = p / q
      const stpc = stx + r * (stp - stx)
      const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx)
      stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2
      this.brackt = true
    } else if (sgnd < 0) {
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp))
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s))
      if (stp > stx) gamma = -gamma
      const p = gamma - dp + theta
      const q = gamma - dp + gamma + dx
      const r = p / q
      const stpc = stp + r * (stx - stp)
      const stpq = stp + (dp / (dp - dx)) * (stx - stp)
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq
      this.brackt = true
    } else if (Math.abs(dp) < Math.abs(dx)) {
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp))
      let gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)))
      if (stp > stx) gamma = -gamma
      const p = gamma - dp + theta
      const q = gamma + (dx - dp) + gamma
      const r = p / q
      let stpc: number
      if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp)
      else if (stp > stx) stpc = stpmax
      else stpc = stpmin
      const stpq = stp + (dp / (dp - dx)) * (stx - stp)
      if (this.brackt) {
        stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq
        stpf = stp > stx ? Math.min(stp + P66 * (sty - stp), stpf) : Math.max(stp + P66 * (sty - stp), stpf)
      } else {
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq
        stpf = Math.min(stpmax, stpf)
        stpf = Math.max(stpmin, stpf)
      }
    } else if (this.brackt) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp))
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s))
      if (stp > sty) gamma = -gamma
      const p = gamma - dp + theta
      const q = gamma - dp + gamma + dy
      const r = p / q
      stpf = stp + r * (sty - stp)
    } else {
      stpf = stp > stx ? stpmax : stpmin
    }
    if (fp > fx) {
      sty = stp
      fy = fp
      dy = dp
    } else {
      if (sgnd < 0) {
        sty = stx
        fy = fx
        dy = dx
      }
      stx = stp
      fx = fp
      dx = dp
    }
    this.stx = stx
    this.sty = sty
    this.stp = stpf
    return { fx, fy, dx, dy }
  }
}
