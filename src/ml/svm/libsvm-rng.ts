/**
 * The random source of scikit-learn's libsvm: std::mt19937 with Lemire's multiply-shift bounded
 * draws (rejection on the low word). Written here because Platt scaling's fold shuffle decides
 * probA/probB, and reproducing those draws is what makes our SVC probabilities equal sklearn's.
 */
import { MT19937 } from '../mt19937.js'

export class LibsvmRng {
  private readonly mt = new MT19937()
  /**
   * The last seed's state right after seeding: Platt scaling seeds again with the same seed before
   * each of its folds (hundreds of times per scoring), and copying 624 words is cheaper than
   * computing them again.
   */
  private seeded: { seed: number; state: MT19937 } | undefined

  constructor() {
    this.seed(0)
  }

  /** set_seed(seed): std::mt19937::seed, the same as init_genrand. */
  seed(seed: number): void {
    const s = seed >>> 0
    if (this.seeded?.seed !== s) this.seeded = { seed: s, state: MT19937.fromSeed(s) }
    this.mt.copyFrom(this.seeded.state)
  }

  /** A uniform integer in [0, range), range >= 1. */
  boundedInt(range: number): number {
    let x = this.mt.nextUint32()
    // 64-bit product x * range split into high and low 32-bit words
    let { high, low } = mul32(x, range)
    if (low < range) {
      // (2^32 - range) mod range: the rejection threshold
      const threshold = (0x100000000 - range) % range
      while (low < threshold) {
        x = this.mt.nextUint32()
        ;({ high, low } = mul32(x, range))
      }
    }
    return high
  }
}

function mul32(a: number, b: number): { high: number; low: number } {
  // a, b < 2^32: split a into 16-bit halves so every partial sum stays below 2^53 (exact)
  const lowPart = (a & 0xffff) * b // < 2^48
  const highPart = (a >>> 16) * b // < 2^48, weighs 2^16
  const t = lowPart + (highPart % 0x10000) * 0x10000 // < 2^49
  return { high: Math.floor(highPart / 0x10000) + Math.floor(t / 0x100000000), low: t % 0x100000000 }
}
