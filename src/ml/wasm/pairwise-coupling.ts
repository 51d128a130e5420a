/**
 * libsvm's pairwise coupling for many rows at once, in WebAssembly (pairwise-coupling.wat,
 * assembled by the build beside this file): two rows per call step, one per float64 lane, each
 * with the bits the scalar multiclassProbability (svm/platt.ts) gives it; about twice as fast,
 * which matters as every predicted row of every seed is coupled. One instance per thread, reused.
 */
import { instantiateKernel, memoryOf } from './instance.js'

interface Kernel {
  memory: WebAssembly.Memory
  couple: (
    k: number,
    nPairs: number,
    rAt: number,
    pAt: number,
    scratch: number,
    maxIter: number,
    eps: number,
    invK: number,
  ) => void
}

let kernel: Kernel | undefined

function instance(): Kernel {
  kernel ??= instantiateKernel<Kernel>('pairwise-coupling')
  return kernel
}

/**
 * Class probabilities of `nRows` rows from their pairwise ones: r holds each row's k x k matrix
 * (r[i*k + j] = P(i | i or j), the diagonal unused), row after row. Returns nRows x k.
 */
export function pairwiseCouplingRows(k: number, nRows: number, r: Float64Array): Float64Array {
  const out = new Float64Array(nRows * k)
  if (nRows === 0) return out
  const kk = k * k
  const nPairs = Math.ceil(nRows / 2)
  const rAt = 0,
    pAt = nPairs * kk * 16,
    scratch = pAt + nPairs * k * 16,
    bytes = scratch + (kk + 2 * k) * 16
  const w = instance()
  const mem = new Float64Array(memoryOf(w.memory, bytes))
  // rows 2q and 2q + 1 interleaved entry by entry; an odd last row is coupled twice
  for (let q = 0; q < nPairs; q++) {
    const a = 2 * q * kk,
      b = Math.min(2 * q + 1, nRows - 1) * kk,
      at = q * kk * 2
    for (let e = 0; e < kk; e++) {
      mem[at + 2 * e] = r[a + e]!
      mem[at + 2 * e + 1] = r[b + e]!
    }
  }
  // libsvm's constants, computed as multiclassProbability computes them
  w.couple(k, nPairs, rAt, pAt, scratch, Math.max(100, k), 0.005 / k, 1.0 / k)
  const p = pAt / 8
  for (let row = 0; row < nRows; row++) {
    const at = p + (row >> 1) * k * 2 + (row & 1)
    for (let t = 0; t < k; t++) out[row * k + t] = mem[at + 2 * t]!
  }
  return out
}
