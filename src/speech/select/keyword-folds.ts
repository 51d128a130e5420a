/**
 * Cross-validation folds over the allowed clips that imitate the eval set: nontarget clips are held
 * out by whole keyword (the eval nontargets are keywords the training clips never contain), target
 * clips one by one; both shuffled with a seed and dealt round-robin over the folds.
 */
import { Rng } from '../../ml/rng.js'
import { keywordOf } from '../layout.js'
import { rowsOfClass, type LabelledPool } from './pool-features.js'

/** The fold (0..folds-1) of every pool row. */
export function keywordFolds(pool: LabelledPool, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  const fold = new Int32Array(pool.rows)
  const byKeyword = new Map<string, number[]>()
  for (const r of rowsOfClass(pool, 0)) {
    const k = keywordOf(pool.ids[r]!)
    if (!byKeyword.has(k)) byKeyword.set(k, [])
    byKeyword.get(k)!.push(r)
  }
  const keywords = [...byKeyword.keys()]
  rng.shuffle(keywords)
  keywords.forEach((k, i) => {
    for (const r of byKeyword.get(k)!) fold[r] = i % folds
  })
  for (let y = 1; y <= pool.words.length; y++) {
    const rows = rowsOfClass(pool, y)
    rng.shuffle(rows)
    rows.forEach((r, i) => {
      fold[r] = i % folds
    })
  }
  return fold
}
