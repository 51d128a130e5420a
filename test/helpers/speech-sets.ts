/** Training sets drawn from a generated speech pool, shared by the speech parity tests. */
import type { Rng } from '../../src/ml/rng.js'
import type { SpeechEmbeddings } from '../../src/speech/embeddings.js'
import type { SampleIds } from '../../src/speech/sample-ids.js'

/** A training set of `perTarget` clips per word (a list, or one count for all) and `nontargets` clips. */
export function pickTrainingSet(
  pool: SpeechEmbeddings,
  rng: Rng,
  perTarget: number | number[],
  nontargets: number,
): SampleIds {
  const targets = new Map<string, string[]>()
  ;[...pool.targets.entries()].forEach(([word, cls], w) => {
    const k = Array.isArray(perTarget) ? perTarget[w]! : perTarget
    targets.set(
      word,
      Array.from(rng.sampleIndices(cls.ids.length, k), (i) => cls.ids[i]!),
    )
  })
  const nt = pool.nontargets.ids
  return { targets, nontargets: Array.from(rng.sampleIndices(nt.length, nontargets), (i) => nt[i]!) }
}
