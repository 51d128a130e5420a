/**
 * Squared distances and biased dot products between the rows of two matrices, in WebAssembly
 * with two float64 lanes (row-kernels.wat, assembled by the build beside this file). Every output
 * is summed over the coordinates in order, as the scalar loops it replaces, so the bits are the
 * same; it runs two to four times faster. One instance per thread, reused: its memory holds the
 * packed B rows and a chunk of A rows at a time, or all of an A that the caller marks unchanging
 * (kept there from call to call while the same array comes back).
 */
import { instantiateKernel, memoryOf } from './instance.js'

type KernelFunction = (
  A: number,
  rows: number,
  na: number,
  B: number,
  nOct: number,
  nPair: number,
  d: number,
  init: number,
  out: number,
) => void

interface Kernel {
  memory: WebAssembly.Memory
  squaredDistances: KernelFunction
  dotProducts: KernelFunction
  /** dotProducts over an A stored as float32 */
  dotProductsF32: KernelFunction
}

/** bytes of A rows copied in per call (bounds the instance's memory for a large A) */
const CHUNK_BYTES = 1 << 22
let kernel: Kernel | undefined
/**
 * the unchanging A whose rows are at offset 0 of the instance's memory, if any: float32 values are
 * kept as float32 for dot products (widened as they are loaded: the same numbers, half the bytes
 * to stream through for every call), float64 otherwise
 */
let resident: { A: Float64Array | Float32Array; length: number; f32: boolean; bytes: number } | undefined

function instance(): Kernel {
  kernel ??= instantiateKernel<Kernel>('row-kernels')
  return kernel
}

/** Rows of A to use: all `na` in order, or these row numbers. */
export interface RowKernelInput {
  A: Float64Array | Float32Array
  na: number
  rows?: Int32Array
  B: Float64Array | Float32Array
  nb: number
  d: number
  /** starting value of output column j (default 0) */
  init?: Float64Array
  /**
   * A will not change while this thread uses it (a pool scored many times): its rows are copied
   * into the kernel's memory once and reused by later calls given the same array.
   */
  unchanging?: boolean
}

/**
 * Results for rows first..first + rows - 1 (of the rows used): row i's output j at values[i * width + j].
 * `values` is the kernel's memory, valid only during the call.
 */
export type RowBlock = (first: number, rows: number, values: Float64Array, width: number) => void

/** out[i * nb + j] = init[j] + sum over k of (A[i][k] - B[j][k])^2 */
export function squaredDistancesRows(input: RowKernelInput): Float64Array {
  return run('squaredDistances', input)
}

/** The same squared distances handed to `each` a block of rows at a time: the caller keeps what it needs, no n x nb array. */
export function squaredDistancesRowBlocks(input: RowKernelInput, each: RowBlock): void {
  run('squaredDistances', input, each)
}

/** out[i * nb + j] = init[j] + sum over k of B[j][k] * A[i][k] */
export function dotProductRows(input: RowKernelInput): Float64Array {
  return run('dotProducts', input)
}

function run(which: 'squaredDistances' | 'dotProducts', input: RowKernelInput, each?: RowBlock): Float64Array {
  const { A, na, B, nb, d } = input
  const n = input.rows ? input.rows.length : na
  const out = new Float64Array(each ? 0 : n * nb)
  if (n === 0 || nb === 0) return out
  const nOct = Math.floor(nb / 8)
  const nPair = Math.ceil((nb - 8 * nOct) / 2)
  const width = 8 * nOct + 2 * nPair // outputs per row, padded
  const chunk = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (d * 8 || 8))))
  const keep = input.unchanging === true
  const f32 = keep && which === 'dotProducts' && A instanceof Float32Array
  // [the unchanging A, if any | this call's chunk of A rows, unless A is that one | B | ...]
  const residentBytes = keep ? Math.ceil((na * d * (f32 ? 4 : 8)) / 8) * 8 : (resident?.bytes ?? 0)
  const aAt = keep ? 0 : residentBytes,
    bAt = aAt + (keep ? residentBytes : chunk * d * 8),
    initAt = bAt + width * d * 8,
    rowsAt = initAt + width * 8,
    outAt = rowsAt + Math.ceil(chunk / 2) * 8,
    bytes = outAt + chunk * width * 8
  const k = instance()
  const buffer = memoryOf(k.memory, bytes)
  if (keep && (resident?.A !== A || resident.length !== na * d || resident.f32 !== f32)) {
    ;new (f32 ? Float32Array : Float64Array)(buffer, aAt, na * d).set(A.subarray(0, na * d))
    resident = { A, length: na * d, f32, bytes: residentBytes }
  }
  packRows(B, nb, d, nOct, nPair, new Float64Array(buffer, bAt, width * d))
  const init = new Float64Array(buffer, initAt, width).fill(0)
  if (input.init) init.set(input.init.subarray(0, nb))
  const a = keep ? undefined : new Float64Array(buffer, aAt, chunk * d)
  const rowList = new Int32Array(buffer, rowsAt, chunk)
  const result = new Float64Array(buffer, outAt, chunk * width)
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const count = Math.min(chunk, n - i0)
    if (keep) {
      for (let r = 0; r < count; r++) rowList[r] = input.rows ? input.rows[i0 + r]! : i0 + r
    } else {
      // this chunk's rows, copied in order
      for (let r = 0; r < count; r++) rowList[r] = r
      if (input.rows) {
        for (let r = 0; r < count; r++) {
          const row = input.rows[i0 + r]!
          a!.set(A.subarray(row * d, (row + 1) * d), r * d)
        }
      } else a!.set(A.subarray(i0 * d, (i0 + count) * d))
    }
    k[f32 ? 'dotProductsF32' : which](aAt, rowsAt, count, bAt, nOct, nPair, d, initAt, outAt)
    if (each) each(i0, count, result, width)
    else if (width === nb) out.set(result.subarray(0, count * nb), i0 * nb)
    else for (let r = 0; r < count; r++) out.set(result.subarray(r * width, r * width + nb), (i0 + r) * nb)
  }
  return out
}

/** B's rows interleaved coordinate by coordinate, eight at a time, then the rest two at a time (a missing row is zeros). */
function packRows(
  B: Float64Array | Float32Array,
  nb: number,
  d: number,
  nOct: number,
  nPair: number,
  into: Float64Array,
): void {
  let at = 0
  for (let q = 0; q < nOct; q++) {
    for (let r = 0; r < 8; r++) {
      const row = (8 * q + r) * d
      for (let c = 0; c < d; c++) into[at + c * 8 + r] = B[row + c]!
    }
    at += 8 * d
  }
  for (let p = 0; p < nPair; p++) {
    for (let r = 0; r < 2; r++) {
      const j = 8 * nOct + 2 * p + r
      const row = j * d
      for (let c = 0; c < d; c++) into[at + c * 2 + r] = j < nb ? B[row + c]! : 0
    }
    at += 2 * d
  }
}
