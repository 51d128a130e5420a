/**
 * numpy's float64 summation order: pairwise summation (8-way unrolled blocks of up to 128) over
 * inner loops of at most 8192 elements (the reduction buffer), accumulated left to right. Needed
 * so `X.var()` — and with it SVC's gamma="scale" — has the same bits as in scikit-learn.
 */
const BLOCK = 128
const BUFFER = 8192

function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += a[start + i]!
    return res
  }
  if (n <= BLOCK) {
    let r0 = a[start]!,
      r1 = a[start + 1]!,
      r2 = a[start + 2]!,
      r3 = a[start + 3]!
    let r4 = a[start + 4]!,
      r5 = a[start + 5]!,
      r6 = a[start + 6]!,
      r7 = a[start + 7]!
    let i = 8
    for (; i < n - (n % 8); i += 8) {
      const k = start + i
      r0 += a[k]!
      r1 += a[k + 1]!
      r2 += a[k + 2]!
      r3 += a[k + 3]!
      r4 += a[k + 4]!
      r5 += a[k + 5]!
      r6 += a[k + 6]!
      r7 += a[k + 7]!
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
    for (; i < n; i++) res += a[start + i]!
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2)
}

/** np.sum(a) of a contiguous float64 array. */
export function numpySum(a: Float64Array): number {
  let res = 0
  for (let s = 0; s < a.length; s += BUFFER) res += pairwiseSum(a, s, Math.min(BUFFER, a.length - s))
  return res
}

/** np.var(a) (ddof 0): mean by numpySum, then the numpySum of squared deviations. */
export function numpyVar(a: Float64Array): number {
  const mean = numpySum(a) / a.length
  const sq = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - mean
    sq[i] = d * d
  }
  return numpySum(sq) / a.length
}
