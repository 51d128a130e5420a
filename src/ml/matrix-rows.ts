/**
 * Chosen rows of a row-major matrix, without copying them out: a fit on a few rows of a large
 * pool can read them where they lie (float32 values widen exactly to float64 when copied).
 */
export interface MatrixRows {
  /** row-major, `d` values per row */
  values: Float32Array | Float64Array
  /** the matrix rows taken, in order: sample i is row rows[i] */
  rows: Int32Array
}

/** Copies the chosen rows (the first n, d values each) into `into` from index 0. */
export function copyRows(X: Float64Array | MatrixRows, n: number, d: number, into: Float64Array): void {
  if (X instanceof Float64Array) {
    into.set(X.subarray(0, n * d))
    return
  }
  for (let i = 0; i < n; i++) {
    const r = X.rows[i]!
    into.set(X.values.subarray(r * d, (r + 1) * d), i * d)
  }
}

/** The chosen rows as one float64 matrix (X itself when it is one already). */
export function denseRows(X: Float64Array | MatrixRows, n: number, d: number): Float64Array {
  if (X instanceof Float64Array) return X
  const out = new Float64Array(n * d)
  copyRows(X, n, d, out)
  return out
}
