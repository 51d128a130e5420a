/**
 * CPython's `random` module (3.11) for integer seeds, draw for draw. The official DataPerf scripts
 * pick and shuffle with `random.seed(s)` / `random.sample` / `random.shuffle`, so our selections
 * only equal theirs if every call consumes the Mersenne Twister exactly as CPython does.
 */
import { MT19937 } from './mt19937.js'

const TWO_32 = 4294967296

/** random.seed(int): |seed| split into 32-bit words, least significant first; 0 gives the key [0]. */
function seedKey(seed: number | bigint): number[] {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new Error(`PythonRandom seed must be an integer, got ${seed}`)
  }
  let n = BigInt(seed)
  if (n < 0n) n = -n
  const key: number[] = []
  while (n > 0n) {
    key.push(Number(n & 0xffffffffn))
    n >>= 32n
  }
  if (key.length === 0) key.push(0)
  return key
}

/** Number of bits needed for n (Python's int.bit_length) for a non-negative safe integer. */
function bitLength(n: number): number {
  let bits = 0
  while (n >= TWO_32) {
    n = Math.floor(n / TWO_32)
    bits += 32
  }
  return bits + (n === 0 ? 0 : 32 - Math.clz32(n))
}

function checkSafeInt(name: string, v: number): void {
  if (!Number.isSafeInteger(v)) throw new Error(`${name} must be a safe integer, got ${v}`)
}

/** Python's floor division a // b, exact for safe integers (double division can round across an integer). */
function floorDiv(a: number, b: number): number {
  const A = BigInt(a)
  const B = BigInt(b)
  let q = A / B
  if (A % B !== 0n && A < 0n !== B < 0n) q -= 1n
  return Number(q)
}

export class PythonRandom {
  private readonly mt: MT19937

  /** As random.seed(seed) with an int (or random.Random(seed)). */
  constructor(seed: number | bigint) {
    this.mt = MT19937.fromKey(seedKey(seed))
  }

  /** random.random(): 53-bit double in [0, 1). */
  random(): number {
    return this.mt.nextDouble()
  }

  /**
   * random.getrandbits(k) as a number, for 0 <= k <= 53 (exact in a double). CPython fills 32-bit
   * words least significant first and keeps only the top bits of the last draw.
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0) throw new Error('number of bits must be non-negative')
    if (k > 53) throw new Error(`getrandbits(${k}) does not fit a number; use getrandbitsBigInt`)
    if (k === 0) return 0
    if (k <= 32) return this.mt.nextUint32() >>> (32 - k)
    const low = this.mt.nextUint32()
    const high = this.mt.nextUint32() >>> (64 - k)
    return high * TWO_32 + low
  }

  /** random.getrandbits(k) for any k >= 0, as a bigint (same word order as getrandbits). */
  getrandbitsBigInt(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new Error('number of bits must be non-negative')
    let result = 0n
    let shift = 0n
    for (let left = k; left > 0; left -= 32) {
      let word = this.mt.nextUint32()
      if (left < 32) word >>>= 32 - left
      result |= BigInt(word) << shift
      shift += 32n
    }
    return result
  }

  /**
   * random._randbelow(n): draws n.bit_length() bits (not (n-1).bit_length(), so a power of two
   * wastes draws) and rejects values >= n. Safe integers 1 <= n <= 2^53.
   */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 53) throw new Error(`randbelow needs 1 <= n <= 2^53, got ${n}`)
    const k = bitLength(n)
    let r = this.getrandbits(k)
    while (r >= n) r = this.getrandbits(k)
    return r
  }

  /** random._randbelow(n) for bigint n >= 1. */
  randbelowBigInt(n: bigint): bigint {
    if (n <= 0n) throw new Error(`randbelow needs n >= 1, got ${n}`)
    const k = n.toString(2).length
    let r = this.getrandbitsBigInt(k)
    while (r >= n) r = this.getrandbitsBigInt(k)
    return r
  }

  /** random.randrange(stop) or randrange(start, stop[, step]), integer arguments only. */
  randrange(start: number, stop?: number, step = 1): number {
    checkSafeInt('randrange start', start)
    if (stop === undefined) {
      if (step !== 1) throw new Error('Missing a non-None stop argument')
      if (start > 0) return this.randbelow(start)
      throw new Error('empty range for randrange()')
    }
    checkSafeInt('randrange stop', stop)
    checkSafeInt('randrange step', step)
    const width = stop - start
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width)
      throw new Error(`empty range for randrange() (${start}, ${stop}, ${width})`)
    }
    let n: number
    if (step > 0) n = floorDiv(width + step - 1, step)
    else if (step < 0) n = floorDiv(width + step + 1, step)
    else throw new Error('zero step for randrange()')
    if (n <= 0) throw new Error('empty range for randrange()')
    return start + step * this.randbelow(n)
  }

  /** random.randint(a, b): randrange(a, b + 1), both ends included. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1)
  }

  /** random.choice(seq). */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new Error('Cannot choose from an empty sequence')
    return seq[this.randbelow(seq.length)]!
  }

  /** random.shuffle(x) in place: Fisher-Yates from the end with randbelow(i + 1). */
  shuffle<T>(x: { length: number; [i: number]: T }): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1)
      const t = x[i]!
      x[i] = x[j]!
      x[j] = t
    }
  }

  /**
   * random.sample(population, k) as in 3.11. CPython picks between two algorithms by comparing n
   * with an estimate of a set's memory size, and the two consume the generator differently, so
   * the same rule is needed: setsize = 21, plus 4^ceil(log4(3k)) when k > 5. Small populations
   * use a partial Fisher-Yates on a copy (randbelow(n - i), vacancy filled from the end); large
   * ones redraw randbelow(n) until an unseen index comes up.
   */
  sample<T>(population: ArrayLike<T>, k: number): T[] {
    const n = population.length
    if (!Number.isInteger(k) || k < 0 || k > n) throw new Error('Sample larger than population or is negative')
    const result = new Array<T>(k)
    let setsize = 21
    if (k > 5) setsize += 4 ** ceilLog4(k * 3)
    if (n <= setsize) {
      const pool = Array.from(population)
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i)
        result[i] = pool[j]!
        pool[j] = pool[n - i - 1]!
      }
    } else {
      const selected = new Set<number>()
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n)
        while (selected.has(j)) j = this.randbelow(n)
        selected.add(j)
        result[i] = population[j]!
      }
    }
    return result
  }
}

/**
 * ceil(log(x, 4)) as CPython computes it in floating point. x = 3k is never a power of 4, so the
 * exact answer is the least m with 4^m > x; floating-point log agrees with it for every x below
 * about 2^50 (far beyond any population we sample), so integers are used to avoid libm differences.
 */
function ceilLog4(x: number): number {
  let m = 0
  let p = 1
  while (p < x) {
    p *= 4
    m++
  }
  return m
}
