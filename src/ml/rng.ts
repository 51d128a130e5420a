import { MT19937 } from './mt19937.js'

/** A seeded random source for our own random choices (generators, selection algorithms). */
export class Rng {
  private readonly mt: MT19937
  private spareNormal: number | undefined

  constructor(seed: number) {
    this.mt = MT19937.fromSeed(seed >>> 0)
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.mt.nextDouble()
  }

  /** An index drawn with probability proportional to its weight, given cumulative weights. */
  pickByCumulativeWeight(cumulative: Float64Array): number {
    const u = this.uniform() * cumulative[cumulative.length - 1]!
    let lo = 0,
      hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! > u) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.mt.nextDouble() * n)
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal
      this.spareNormal = undefined
      return v
    }
    for (;;) {
      const u = 2 * this.mt.nextDouble() - 1
      const v = 2 * this.mt.nextDouble() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s)
        this.spareNormal = v * f
        return u * f
      }
    }
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = a[i]!
      a[i] = a[j]!
      a[j] = t
    }
  }

  /** k distinct indices from [0, n), in random order (partial Fisher-Yates over a sparse map). */
  sampleIndices(n: number, k: number): Int32Array {
    if (k > n) throw new Error(`cannot sample ${k} of ${n}`)
    const swapped = new Map<number, number>()
    const out = new Int32Array(k)
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i)
      const vj = swapped.get(j) ?? j
      swapped.set(j, swapped.get(i) ?? i)
      out[i] = vj
    }
    return out
  }

  /** 16 lowercase hex characters, like an Open Images ImageID. */
  hexId(): string {
    const a = this.mt.nextUint32().toString(16).padStart(8, '0')
    const b = this.mt.nextUint32().toString(16).padStart(8, '0')
    return a + b
  }
}
