/**
 * The loss and gradient of binary logistic regression in WebAssembly (binary-logistic.wat,
 * assembled by the build beside this file): the same bits as the JavaScript loop, without the
 * heap numbers V8's interpreter allocates while a fresh process warms up. One instance, reused:
 * its memory holds the training matrix of the current fit.
 */
import { copyRows, type MatrixRows } from '../matrix-rows.js'
import { instantiateKernel, memoryOf } from './instance.js'

interface Kernel {
  memory: WebAssembly.Memory
  objective: (X: number, target: number, w: number, grad: number, n: number, d: number, l2: number) => number
}

let kernel: Kernel | undefined

function instance(): Kernel {
  kernel ??= instantiateKernel<Kernel>('binary-logistic', { math: { exp: Math.exp, log1p: Math.log1p } })
  return kernel
}

/**
 * Returns objective(w, grad) for L-BFGS over weights w = (d coefficients, intercept): the summed
 * log-loss of X (n x d, row-major) against 0/1 targets plus 0.5 * l2 * |coefficients|^2; the
 * gradient is written into grad. X (or the chosen rows of a matrix) and the targets are copied in once.
 */
export function binaryLogisticObjective(
  X: Float64Array | MatrixRows,
  n: number,
  d: number,
  target: Int32Array,
  l2: number,
): (w: Float64Array, grad: Float64Array) => number {
  const k = instance()
  const xBytes = n * d * 8
  const targetAt = xBytes
  const wAt = targetAt + Math.ceil((n * 4) / 8) * 8
  const gradAt = wAt + (d + 1) * 8
  const bytes = gradAt + (d + 1) * 8
  const buffer = memoryOf(k.memory, bytes)
  copyRows(X, n, d, new Float64Array(buffer, 0, n * d))
  new Int32Array(buffer, targetAt, n).set(target.subarray(0, n))
  const w = new Float64Array(buffer, wAt, d + 1)
  const g = new Float64Array(buffer, gradAt, d + 1)
  return (weights, grad) => {
    w.set(weights)
    const loss = k.objective(0, targetAt, wAt, gradAt, n, d, l2)
    grad.set(g)
    return loss
  }
}
