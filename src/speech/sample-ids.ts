/**
 * The speech ID files: allowed_training_set.yaml, eval.yaml and {lang}_{size}_train.json all
 * hold {targets: {word: [clip_id, ...]}, nontargets: [clip_id, ...]}.
 */
import { UserError } from '../errors.js'
import { nonEmptyText, readTextFile } from '../io/text-file.js'
import { readYamlFile } from '../io/yaml.js'

export interface SampleIds {
  /** target word -> clip IDs, in the file's key order */
  targets: Map<string, string[]>
  nontargets: string[]
}

/** Checks the shape of parsed YAML/JSON and returns it as SampleIds. */
export function toSampleIds(value: unknown, path: string): SampleIds {
  const expected = 'expected {targets: {<word>: [clip_id, ...]}, nontargets: [clip_id, ...]}'
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${path}: ${expected}`)
  const record = value as Record<string, unknown>
  const targets = record['targets'],
    nontargets = record['nontargets']
  if (targets === undefined || nontargets === undefined) {
    throw new UserError(`${path}: missing key '${targets === undefined ? 'targets' : 'nontargets'}'; ${expected}`)
  }
  if (targets === null || typeof targets !== 'object' || Array.isArray(targets))
    throw new UserError(`${path}: 'targets' must map each target word to a list of clip IDs`)
  const map = new Map<string, string[]>()
  for (const [word, ids] of Object.entries(targets as Record<string, unknown>)) {
    map.set(word, idList(ids, path, `targets.${word}`))
  }
  return { targets: map, nontargets: idList(nontargets, path, 'nontargets') }
}

function idList(value: unknown, path: string, where: string): string[] {
  if (value === null) return [] // `word:` with nothing after it in YAML
  if (!Array.isArray(value))
    throw new UserError(`${path}: '${where}' must be a list of clip IDs, found ${typeof value}`)
  value.forEach((v, i) => {
    if (typeof v !== 'string')
      throw new UserError(
        `${path}: '${where}' item ${i} is ${JSON.stringify(v)}, expected a clip ID string such as "word/common_voice_en_123.wav"`,
      )
  })
  return value as string[]
}

export function readSampleIdsYaml(path: string): SampleIds {
  return toSampleIds(readYamlFile(path), path)
}

const JSON_TRAINING_SET = 'a JSON training set'

export function readSampleIdsJson(path: string): SampleIds {
  return parseSampleIdsJson(readTextFile(path, JSON_TRAINING_SET), path)
}

/** A JSON training set's text; `name` (its path, or the name it was uploaded under) heads each error. */
export function parseSampleIdsJson(text: string, name: string): SampleIds {
  nonEmptyText(text, name, JSON_TRAINING_SET)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new UserError(`${name}: not valid JSON (${(err as Error).message})`)
  }
  return toSampleIds(value, name)
}

export function countSamples(ids: SampleIds): number {
  let n = ids.nontargets.length
  for (const list of ids.targets.values()) n += list.length
  return n
}
