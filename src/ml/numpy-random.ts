/**
 * numpy's legacy `np.random.RandomState(seed)` for integer seeds (numpy 1.24), draw for draw.
 * scikit-learn turns every integer random_state into one of these, so reproducing its splits
 * and seeds means consuming the Mersenne Twister exactly as numpy's legacy methods do.
 */
import { MT19937 } from './mt19937.js'

const TWO_32 = 4294967296

/** Anything indexable and writable in place: plain arrays and typed arrays. */
type Shufflable<T> = { length: number; [i: number]: T }

/** All-ones mask covering max's highest bit, split in 32-bit halves (max is a safe integer). */
function maskHalves(max: number): { hi: number; lo: number } {
  if (max < TWO_32) {
    const bits = max === 0 ? 0 : 32 - Math.clz32(max)
    return { hi: 0, lo: bits === 32 ? 0xffffffff : 2 ** bits - 1 }
  }
  const hiPart = Math.floor(max / TWO_32)
  const bits = 32 - Math.clz32(hiPart)
  return { hi: 2 ** bits - 1, lo: 0xffffffff }
}

export class NumpyRandomState {
  private readonly mt: MT19937

  /** RandomState(seed) with an int seed: init_genrand(seed); numpy rejects seeds outside [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`Seed must be between 0 and 2**32 - 1, got ${seed}`)
    }
    this.mt = MT19937.fromSeed(seed)
  }

  /** random_sample() / rand(): 53-bit double in [0, 1). */
  randomSample(): number {
    return this.mt.nextDouble()
  }

  /**
   * Uniform integer in [0, max] (numpy's random_interval, also its masked bounded-integer path):
   * mask to the smallest all-ones value >= max and reject draws above max. Ranges that fit in
   * 32 bits use one 32-bit draw per try; wider ones one 64-bit draw (high word first). max = 0
   * consumes nothing.
   */
  randomInterval(max: number): number {
    if (!Number.isSafeInteger(max) || max < 0) throw new Error(`randomInterval needs a safe integer >= 0, got ${max}`)
    if (max === 0) return 0
    const mask = maskHalves(max)
    if (max < TWO_32) {
      for (;;) {
        const v = (this.mt.nextUint32() & mask.lo) >>> 0
        if (v <= max) return v
      }
    }
    for (;;) {
      const hi = this.mt.nextUint32() & mask.hi
      const lo = this.mt.nextUint32()
      const v = hi * TWO_32 + lo
      if (v <= max) return v
    }
  }

  /**
   * randint(high) or randint(low, high): [low, high) with the default int64 dtype. RandomState
   * keeps the masked rejection method (not Lemire's) for backward compatibility, so this is
   * low + randomInterval(high - low - 1).
   */
  randint(low: number, high?: number): number {
    if (high === undefined) {
      high = low
      low = 0
    }
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new Error(`randint bounds must be safe integers, got ${low}, ${high}`)
    }
    if (low >= high) throw new Error(`low >= high (${low} >= ${high})`)
    return low + this.randomInterval(high - low - 1)
  }

  /** shuffle(x) in place along the first axis: Fisher-Yates from the end, j = randomInterval(i). */
  shuffle<T>(x: Shufflable<T>): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randomInterval(i)
      const t = x[i]!
      x[i] = x[j]!
      x[j] = t
    }
  }

  /** permutation(n): arange(n) shuffled. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new Error(`permutation needs 0 <= n < 2^31, got ${n}`)
    const arr = new Int32Array(n)
    for (let i = 0; i < n; i++) arr[i] = i
    this.shuffle(arr)
    return arr
  }

  /** permutation(array): a shuffled copy (the input is left alone), same draws as permutation(len). */
  permutationOf(array: Int32Array): Int32Array
  permutationOf(array: Float64Array): Float64Array
  permutationOf<T>(array: readonly T[]): T[]
  permutationOf<T>(array: readonly T[] | Int32Array | Float64Array): T[] | Int32Array | Float64Array {
    const copy = array.slice() as T[] | Int32Array | Float64Array
    this.shuffle(copy as Shufflable<unknown>)
    return copy
  }

  /**
   * choice(a, size, replace=False) without p: legacy numpy takes permutation(pop_size)[:size]
   * (a full shuffle even when size is small). An int `a` gives indices, an array its elements.
   */
  choiceWithoutReplacement(a: number, size: number): Int32Array
  choiceWithoutReplacement<T>(a: readonly T[], size: number): T[]
  choiceWithoutReplacement<T>(a: number | readonly T[], size: number): Int32Array | T[] {
    if (!Number.isInteger(size)) throw new Error(`size must be an integer, got ${size}`)
    const popSize = typeof a === 'number' ? a : a.length
    if (typeof a === 'number') {
      if (!Number.isInteger(a)) throw new Error(`a must be an integer, got ${a}`)
      if (a <= 0 && size !== 0) throw new Error('a must be greater than 0 unless no samples are taken')
    } else if (popSize === 0 && size !== 0) {
      throw new Error("'a' cannot be empty unless no samples are taken")
    }
    if (size > popSize) throw new Error("Cannot take a larger sample than population when 'replace=False'")
    if (size < 0) throw new Error('negative dimensions are not allowed')
    const idx = this.permutation(Math.max(popSize, 0)).subarray(0, size).slice()
    if (typeof a === 'number') return idx
    return Array.from(idx, (i) => a[i]!)
  }
}

/**
 * numpy's `RandomState(seed).randint(2**31 - 1)`: the seed scikit-learn hands down to libsvm
 * for `random_state=seed`.
 */
export function numpyRandintMaxInt32(seed: number): number {
  return new NumpyRandomState(seed).randint(2147483647)
}
