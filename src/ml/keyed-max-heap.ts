/**
 * A binary max-heap of items 0..n-1 with float64 keys, ties broken by the lower item first (the
 * order numpy's argmax uses). Keys and items are stored in heap order in two typed arrays (no
 * per-item objects, and no indirection when comparing). Only the top's key ever changes.
 */
export class KeyedMaxHeap {
  readonly items: Int32Array

  /** Takes ownership of keys (key of item i at index i) and reorders it into heap order. */
  constructor(private readonly keys: Float64Array) {
    const n = keys.length
    this.items = Int32Array.from({ length: n }, (_, i) => i)
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i)
  }

  get topItem(): number {
    return this.items[0]!
  }

  get topKey(): number {
    return this.keys[0]!
  }

  /** The largest key below the top (-Infinity when the top is alone). */
  runnerUpKey(): number {
    const n = this.keys.length
    if (n < 2) return -Infinity
    return n > 2 ? Math.max(this.keys[1]!, this.keys[2]!) : this.keys[1]!
  }

  /** Sets the top item's key (it may only go down or stay) and restores the heap order. */
  lowerTopKey(key: number): void {
    this.keys[0] = key
    this.siftDown(0)
  }

  private siftDown(at: number): void {
    const keys = this.keys,
      items = this.items,
      n = keys.length
    const key = keys[at]!,
      item = items[at]!
    for (;;) {
      let child = 2 * at + 1
      if (child >= n) break
      const right = child + 1
      if (right < n && (keys[right]! > keys[child]! || (keys[right] === keys[child] && items[right]! < items[child]!)))
        child = right
      const ck = keys[child]!
      if (!(ck > key || (ck === key && items[child]! < item))) break
      keys[at] = ck
      items[at] = items[child]!
      at = child
    }
    keys[at] = key
    items[at] = item
  }
}
