/**
 * RBF kernel values computed the two ways libsvm computes them: while training, from dot
 * products (|xi|^2 + |xj|^2 - 2 xi.xj); while predicting, from squared differences. The two
 * round differently, and reproducing which is used where keeps our SVC on sklearn's bits.
 */
import { dotProductRows, squaredDistancesRowBlocks, squaredDistancesRows, type RowBlock } from '../wasm/row-kernels.js'

/** The RBF kernel exp(-gamma d^2) of a squared distance: the one place it is computed. */
export function rbf(squaredDistance: number, gamma: number): number {
  return Math.exp(-gamma * squaredDistance)
}

/**
 * The same Gaussian with a bandwidth instead of gamma, exp(-d^2 / width), as facility location
 * uses it; kept as a division (not rbf(d2, 1 / width)) so selections keep their bits.
 */
export function gaussianSimilarity(squaredDistance: number, width: number): number {
  return Math.exp(-squaredDistance / width)
}

/** rbf of every squared distance (the prediction-time kernel, from squaredDistances). */
export function rbfOfSquaredDistances(sq: Float64Array, gamma: number): Float64Array {
  return sq.map((s) => rbf(s, gamma))
}

/**
 * n x n dot products of row-major X (n x d), summed left to right as libsvm's dense dot (in the
 * WebAssembly row kernel: each entry summed over the features in order, so (i, j) and (j, i) are
 * the same bits, as libsvm's symmetric use of them needs).
 */
export function gramMatrix(X: Float64Array, n: number, d: number): Float64Array {
  return dotProductRows({ A: X, na: n, B: X, nb: n, d })
}

/** The training kernel: exp(-gamma (dot_ii + dot_jj - 2 dot_ij)). */
export function trainingKernel(gram: Float64Array, n: number, gamma: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = rbf(gram[i * n + i]! + gram[j * n + j]! - 2 * gram[i * n + j]!, gamma)
  }
  return out
}

/**
 * Squared distances between the rows of A (na x d) and B (nb x d): na x nb, libsvm's order: each
 * summed over the coordinates in order (WebAssembly, two at a time in SIMD lanes, same bits).
 */
export function squaredDistances(
  A: Float64Array | Float32Array,
  na: number,
  B: Float64Array | Float32Array,
  nb: number,
  d: number,
): Float64Array {
  return squaredDistancesRows({ A, na, B, nb, d })
}

/** squaredDistances handed over a block of A's rows at a time (for callers that keep only part of each row). */
export function squaredDistancesEach(
  A: Float64Array | Float32Array,
  na: number,
  B: Float64Array | Float32Array,
  nb: number,
  d: number,
  each: RowBlock,
): void {
  squaredDistancesRowBlocks({ A, na, B, nb, d }, each)
}
