/**
 * The chosen centers of farthest point sampling, kept in WebAssembly memory, and the kernel of
 * fps-catch-up.wat (assembled by the build into the .wasm beside this file) that brings one
 * point's distance to them up to date: float32 SIMD distances rule centers out, exact float64
 * distances decide.
 */
import { instantiateKernel, memoryOf } from './instance.js'

interface Kernel {
  memory: WebAssembly.Memory
  catch_up: (
    row: number,
    centers: number,
    dp: number,
    d: number,
    from: number,
    to: number,
    m: number,
    stop: number,
    factor: number,
  ) => [number, number]
}

export class FpsCatchUp {
  /** the row length inside the kernel: d rounded up to a multiple of 8, zero-padded */
  private readonly dp: number
  private readonly kernel: Kernel
  private readonly row: Float32Array
  private readonly centers: Float32Array
  /** float32 distance * factor <= exact distance: the kernel's rounding bound, doubled for safety */
  private readonly factor: number
  private count = 0
  /** after catchUp(): the first center not compared (the caller's new "checked up to") */
  next = 0

  constructor(
    private readonly d: number,
    readonly capacity: number,
  ) {
    this.dp = Math.ceil(d / 8) * 8
    this.kernel = instantiateKernel<Kernel>('fps-catch-up')
    const buffer = memoryOf(this.kernel.memory, (this.dp + capacity * this.dp) * 4)
    this.row = new Float32Array(buffer, 0, this.dp)
    this.centers = new Float32Array(buffer, this.dp * 4, capacity * this.dp)
    // per lane dp/8 additions and 3 to combine the lanes, one rounding each for - and *
    this.factor = 1 - 2 * (this.dp / 8 + 5) * 2 ** -24
  }

  /** Appends row r of P (rows of d floats) as the next center. */
  addCenter(P: Float32Array, r: number): void {
    if (this.count >= this.capacity) throw new RangeError('FpsCatchUp: more centers than its capacity')
    this.centers.set(P.subarray(r * this.d, (r + 1) * this.d), this.count * this.dp)
    this.count++
  }

  /**
   * Row r of P, whose squared distance to its nearest center before `from` is m: compares it with
   * centers from, from+1, ... below `to`, stopping early once m < stop. Returns the new m; `next`
   * is the first center not compared.
   */
  catchUp(P: Float32Array, r: number, from: number, to: number, m: number, stop: number): number {
    this.row.set(P.subarray(r * this.d, (r + 1) * this.d))
    const [newM, next] = this.kernel.catch_up(
      this.row.byteOffset,
      this.centers.byteOffset,
      this.dp,
      this.d,
      from,
      to,
      m,
      stop,
      this.factor,
    )
    this.next = next
    return newM
  }
}
