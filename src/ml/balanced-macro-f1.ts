/**
 * Macro F1 as if every true class were equally frequent: each row counts 1 / (rows of its true
 * class) in the confusion counts. A held-out set whose class mix is not the eval set's (a pool has
 * few nontarget clips; eval sets range from target-heavy to nontarget-heavy) then scores as the
 * class-neutral mix that macro F1, which weighs classes equally, implies.
 */
import { fScore } from './metrics.js'

export function classBalancedMacroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new Error(`label arrays differ in length: ${yTrue.length} vs ${yPred.length}`)
  const size = new Map<number, number>()
  for (let i = 0; i < yTrue.length; i++) size.set(yTrue[i]!, (size.get(yTrue[i]!) ?? 0) + 1)
  const counts = new Map<number, { tp: number; fp: number; fn: number }>()
  const get = (label: number) => {
    let c = counts.get(label)
    if (!c) counts.set(label, (c = { tp: 0, fp: 0, fn: 0 }))
    return c
  }
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!, p = yPred[i]!, w = 1 / size.get(t)!
    if (t === p) get(t).tp += w
    else { get(t).fn += w; get(p).fp += w }
  }
  if (counts.size === 0) return 0
  let sum = 0
  for (const { tp, fp, fn } of counts.values()) sum += fScore(tp, fp, fn)
  return sum / counts.size
}
