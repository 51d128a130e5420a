/**
 * Checks a submitted training set against the allowed one, as the official
 * validate_selected_ids does (target words, allowed IDs, size cap), plus what the official
 * evaluator gets silently wrong: duplicate IDs (counted twice, trained once) and an empty class
 * (a missing target word renumbers the classes and scores against the wrong labels).
 */
import { UserError, sampleList } from '../errors.js'
import { countSamples, type SampleIds } from './sample-ids.js'

export function validateSpeechSelection(
  selected: SampleIds,
  allowed: SampleIds,
  trainSize: number,
  files: { selected: string; allowed: string },
): void {
  const known = [...allowed.targets.keys()]
  for (const word of selected.targets.keys()) {
    if (!allowed.targets.has(word))
      throw new UserError(
        `${files.selected}: target ${word} not in allowed set (${files.allowed} has ${known.join(', ')})`,
      )
  }
  for (const [word, ids] of selected.targets) {
    const ok = new Set(allowed.targets.get(word))
    const bad = ids.filter((id) => !ok.has(id))
    if (bad.length)
      throw new UserError(
        `${files.selected}: ${word} contains an ID not in allowed set: ${sampleList(bad.map((b) => `'${b}'`))}`,
      )
  }
  const okNontargets = new Set(allowed.nontargets)
  const badNontargets = selected.nontargets.filter((id) => !okNontargets.has(id))
  if (badNontargets.length)
    throw new UserError(
      `${files.selected}: nontargets contain an ID not in allowed set: ${sampleList(badNontargets.map((b) => `'${b}'`))}`,
    )
  const n = countSamples(selected)
  if (n > trainSize) throw new UserError(`${files.selected}: ${n} samples exceeds limit of ${trainSize}`)
  const seen = new Map<string, string>()
  const place = (id: string, where: string) => {
    const before = seen.get(id)
    if (before !== undefined)
      throw new UserError(
        `${files.selected}: clip '${id}' is listed twice (${before} and ${where}); each clip may be selected once`,
      )
    seen.set(id, where)
  }
  for (const [word, ids] of selected.targets) for (const id of ids) place(id, `targets.${word}`)
  for (const id of selected.nontargets) place(id, 'nontargets')
  const empty = known.filter((w) => (selected.targets.get(w)?.length ?? 0) === 0)
  if (empty.length)
    throw new UserError(
      `${files.selected}: no clips selected for target ${empty.map((w) => `'${w}'`).join(', ')}; every class needs at least one training clip`,
    )
  if (selected.nontargets.length === 0)
    throw new UserError(`${files.selected}: no nontarget clips selected; every class needs at least one training clip`)
}
