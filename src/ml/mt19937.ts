/**
 * The MT19937 Mersenne Twister, the generator behind C++'s std::mt19937 (libsvm in scikit-learn),
 * numpy's legacy RandomState and Python's `random` module. Written here because reproducing those
 * tools' random draws bit for bit is what makes our selections and scores equal to theirs.
 */

const N = 624
const M = 397

export class MT19937 {
  private readonly mt = new Uint32Array(N)
  private index = N + 1

  /** Seeds as init_genrand(seed): std::mt19937(seed) and numpy's RandomState(int seed). */
  static fromSeed(seed: number): MT19937 {
    const g = new MT19937()
    g.initGenrand(seed >>> 0)
    return g
  }

  /** Seeds as init_by_array(key): Python's random.seed(int) with the int split into 32-bit words. */
  static fromKey(key: readonly number[]): MT19937 {
    const g = new MT19937()
    g.initByArray(key)
    return g
  }

  private initGenrand(seed: number): void {
    const mt = this.mt
    mt[0] = seed >>> 0
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      // 1812433253 * prev + i, in 32-bit arithmetic
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0
    }
    this.index = N
  }

  private initByArray(key: readonly number[]): void {
    this.initGenrand(19650218)
    const mt = this.mt
    let i = 1
    let j = 0
    const keyLength = Math.max(key.length, 1)
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0
      i++
      j++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
      if (j >= keyLength) j = 0
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0
      i++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
    }
    mt[0] = 0x80000000
    this.index = N
  }

  private twist(): void {
    const mt = this.mt
    for (let k = 0; k < N; k++) {
      const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff)
      mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
    }
    this.index = 0
  }

  /** Takes `other`'s state (a copy: the two then draw alike and apart). */
  copyFrom(other: MT19937): void {
    this.mt.set(other.mt)
    this.index = other.index
  }

  /** Next 32-bit output (genrand_int32). */
  nextUint32(): number {
    if (this.index >= N) {
      if (this.index > N) this.initGenrand(5489)
      this.twist()
    }
    let y = this.mt[this.index++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** Uniform double in [0, 1) with 53 random bits (genrand_res53: Python's random.random()). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }
}
