/**
 * One shard (a range of rows) of farthest point sampling: it knows, for each of its points, an
 * upper bound of the squared distance to the chosen centers (the minimum over the centers the
 * point has been compared with), kept in a max-heap. farthest() brings the top point up to date
 * until the top one is; then no other point's true distance can exceed it (each is at most its
 * bound), so it is the shard's farthest point. Points deep in the heap are never touched again,
 * and a minimum over centers does not depend on the order they are compared in, so the result is
 * exactly plain FPS's. A point stops catching up as soon as it falls below the runner-up.
 */
import { KeyedMaxHeap } from './keyed-max-heap.js'
import { FpsCatchUp } from './wasm/fps-catch-up.js'

/** Squared distance between rows a and b of P, float64 sum in coordinate order. */
function sqDist(P: Float32Array, a: number, b: number, d: number): number {
  let s = 0
  const ao = a * d,
    bo = b * d
  for (let j = 0; j < d; j++) {
    const t = P[ao + j]! - P[bo + j]!
    s += t * t
  }
  return s
}

export class FpsShard {
  private readonly heap: KeyedMaxHeap
  /** centers 0 .. checked[i]-1 are accounted for in the bound of point from + i */
  private readonly checked: Int32Array
  private readonly kernel: FpsCatchUp
  private centers = 1

  /** Rows [from, to) of P (rows of d floats); room for `capacity` centers; the first center is row `first`. */
  constructor(
    private readonly P: Float32Array,
    d: number,
    private readonly from: number,
    to: number,
    capacity: number,
    first: number,
  ) {
    const keys = new Float64Array(to - from)
    for (let i = 0; i < keys.length; i++) keys[i] = sqDist(P, from + i, first, d)
    this.heap = new KeyedMaxHeap(keys)
    this.checked = new Int32Array(keys.length).fill(1)
    this.kernel = new FpsCatchUp(d, capacity)
    this.kernel.addCenter(P, first)
  }

  /** The shard's farthest row from the centers so far and its squared distance (ties: the lowest row). */
  farthest(): { row: number; distance: number } {
    const { heap, checked, kernel } = this
    if (heap.items.length === 0) return { row: -1, distance: -Infinity }
    for (let i = heap.topItem; checked[i] !== this.centers; i = heap.topItem) {
      const m = kernel.catchUp(this.P, this.from + i, checked[i]!, this.centers, heap.topKey, heap.runnerUpKey())
      checked[i] = kernel.next
      heap.lowerTopKey(m)
    }
    return { row: this.from + heap.topItem, distance: heap.topKey }
  }

  /** Adds row c as the next center; when c is in this shard it is the row farthest() returned. */
  addCenter(c: number): void {
    this.kernel.addCenter(this.P, c)
    this.centers++
    const i = c - this.from
    if (i < 0 || i >= this.heap.items.length) return
    if (this.heap.topItem !== i) throw new Error(`FPS: center ${c} is not its shard's farthest point`)
    this.checked[i] = this.centers
    this.heap.lowerTopKey(0) // its distance to itself
  }
}
