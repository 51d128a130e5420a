/** workspace/dataperf_speech_config.yaml with the official keys. */
import { UserError } from '../errors.js'
import { readYamlFile } from '../io/yaml.js'
import { checkNumber, SEED_RULE } from '../numbers.js'

export interface SpeechConfig {
  selectionRandomSeed: number
  evalRandomSeeds: number[]
  selectionAlgorithmModule: string
  selectionAlgorithmClass: string
  /** the whole parsed file, handed to selection algorithms as the official `config` */
  raw: Record<string, unknown>
}

export const OFFICIAL_EVAL_SEEDS = [5, 69, 98, 70, 95, 64, 37, 11, 4, 32]

export function loadSpeechConfig(path: string): SpeechConfig {
  const value = readYamlFile(path)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${path}: expected a mapping with selection_random_seed, eval_random_seeds, selection_algorithm_module, selection_algorithm_class`,
    )
  }
  const raw = value as Record<string, unknown>
  const seed = (v: unknown, key: string): number => checkNumber(v, SEED_RULE, { path, field: key })
  const seeds = raw['eval_random_seeds']
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new UserError(
      `${path}: 'eval_random_seeds' must be a non-empty list of integers, e.g. [${OFFICIAL_EVAL_SEEDS.join(', ')}]`,
    )
  const text = (key: string, fallback: string): string => {
    const v = raw[key]
    if (v === undefined) return fallback
    if (typeof v !== 'string' || v === '') throw new UserError(`${path}: '${key}' must be a string`)
    return v
  }
  return {
    selectionRandomSeed:
      raw['selection_random_seed'] === undefined ? 0 : seed(raw['selection_random_seed'], 'selection_random_seed'),
    evalRandomSeeds: seeds.map((s, i) => seed(s, `eval_random_seeds[${i}]`)),
    selectionAlgorithmModule: text('selection_algorithm_module', 'selection.implementations.baseline_selection'),
    selectionAlgorithmClass: text('selection_algorithm_class', 'BaselineSelection'),
    raw,
  }
}
