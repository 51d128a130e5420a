/**
 * The official example's idea: rank a random sample of the pool by distance to the centroid of
 * the task's example positives; the nearest are labelled 1, the farthest 0. Needs no weak labels.
 */
import { Rng } from '../../ml/rng.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

export function centroidSelection(input: VisionSelectorInput): VisionSelectorOutput {
  const { ids: poolIds, budget, dim, embeddings } = input
  const rng = new Rng(input.seed)
  const rowOf = new Map(poolIds.map((id, r) => [id, r]))
  const exampleRows = input.examples.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined)
  const sampleSize = Math.min(poolIds.length, Math.max(budget * 20, 20000))
  const sample = Int32Array.from(new Set([...exampleRows, ...rng.sampleIndices(poolIds.length, sampleSize)])).sort()
  const centroid = new Float64Array(dim)
  for (const r of exampleRows) {
    for (let j = 0; j < dim; j++) centroid[j]! += embeddings[r * dim + j]! / exampleRows.length
  }
  const dist = Array.from(sample, (r) => {
    let s = 0
    for (let j = 0; j < dim; j++) {
      const t = embeddings[r * dim + j]! - centroid[j]!
      s += t * t
    }
    return s
  })
  const order = Array.from(sample.keys()).sort((a, b) => dist[a]! - dist[b]! || a - b)
  const positives = Math.floor(budget * 0.1)
  const chosen = new Map<string, number>()
  for (const r of exampleRows) chosen.set(poolIds[r]!, 1)
  for (const k of order) {
    if (chosen.size >= positives) break
    chosen.set(poolIds[sample[k]!]!, 1)
  }
  for (let i = order.length - 1; i >= 0 && chosen.size < budget; i--) {
    const id = poolIds[sample[order[i]!]!]!
    if (!chosen.has(id)) chosen.set(id, 0)
  }
  return { ids: [...chosen.keys()], labels: [...chosen.values()] }
}
