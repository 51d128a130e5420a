/**
 * Where the official resources live, read from a parameters YAML in the official format.
 *
 * Speech (harvard-edge/dataperf-speech-example, workspace/parameters.yaml and
 * utils/download_data.py): `en_embeddings_url`, `id_embeddings_url`, `pt_embeddings_url`.
 * Vision (CoactiveAI/dataperf-vision-selection, workspace/parameters.yaml): `dataset_url`
 * (the same file also holds the selection's `n_random` / `n_closest`, which we ignore).
 *
 * Our additions, beside any `X_url`: `X_sha256`, `X_md5` (hex) and `X_size` (bytes), verified
 * after the download when given. Keys we do not know are ignored, so the official files work as is.
 */
import { existsSync } from 'node:fs'
import { UserError } from '../errors.js'
import { readYamlFile } from '../io/yaml.js'
import { checkNumber } from '../numbers.js'
import { SPEECH_LANGUAGE_CODES, type SpeechLanguageCode } from '../speech/layout.js'

/** The parameter key prefix of a language's zip (`en_embeddings_url`, ...). */
export const speechPrefix = (lang: SpeechLanguageCode): string => `${lang}_embeddings`
/** The parameter key prefix of a round's speech config (`speech_config_url`; written by `challenge pack`). */
export const SPEECH_CONFIG_PREFIX = 'speech_config'
/** The parameter key prefix of the vision resources zip (`dataset_url`). */
export const VISION_PREFIX = 'dataset'
/** Our first releases read `vision_url` (and `vision_sha256`, ...); still accepted when `dataset_url` is absent. */
const LEGACY_VISION_PREFIX = 'vision'

/** The official URLs (speech: utils/download_data.py; vision: workspace/parameters.yaml). */
export const SPEECH_DEFAULTS: Readonly<Record<string, string>> = {
  en_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_eng_data.zip',
  id_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_ind_data.zip',
  pt_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_por_data.zip',
}
export const VISION_DEFAULTS: Readonly<Record<string, string>> = {
  dataset_url: 'https://drive.google.com/drive/folders/181uI-7NFJwK3IOPy2kOYVIQS4vZOC02A?usp=sharing',
}
/** Both sets of defaults (a parameters mapping that serves either benchmark). */
export const DEFAULT_PARAMETERS: Readonly<Record<string, string>> = { ...SPEECH_DEFAULTS, ...VISION_DEFAULTS }

export type Parameters = Record<string, unknown> & {
  readonly __source?: string
  /** the keys the file itself gave (the rest are defaults) */
  readonly __given?: readonly string[]
}

export interface Resource {
  url: string
  sha256?: string
  md5?: string
  size?: number
  /** where the values came from, for messages: a file path or 'built-in defaults' */
  source?: string
}

/**
 * The built-in parameters overridden key by key by the YAML at `path` when one is given.
 * `defaults` lets a caller start from one benchmark's keys only.
 */
export function loadParameters(
  path?: string,
  defaults: Readonly<Record<string, string>> = DEFAULT_PARAMETERS,
): Parameters {
  if (!path) return { ...defaults }
  if (!existsSync(path)) throw new UserError(`${path}: parameters file not found`)
  const doc = readYamlFile(path)
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`${path}: expected a mapping of parameter keys such as en_embeddings_url or dataset_url`)
  }
  const given = doc as Record<string, unknown>
  const params: Parameters = { ...defaults, ...given }
  // our first releases read vision_url & co.; they stand for dataset_* when dataset_url is not given
  if (given.dataset_url === undefined && given[`${LEGACY_VISION_PREFIX}_url`] !== undefined) {
    for (const suffix of ['url', 'sha256', 'md5', 'size'])
      params[`${VISION_PREFIX}_${suffix}`] = given[`${LEGACY_VISION_PREFIX}_${suffix}`]
  }
  Object.defineProperty(params, '__source', { value: path, enumerable: false })
  Object.defineProperty(params, '__given', { value: Object.keys(given), enumerable: false })
  return params
}

function sourceOf(params: Parameters): string {
  return params.__source ?? 'parameters'
}

function hexValue(params: Parameters, key: string, length: number): string | undefined {
  const value = params[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') {
    throw new UserError(
      `${sourceOf(params)}: ${key} must be a quoted string of ${length} hex digits, got ${JSON.stringify(value)}`,
    )
  }
  const hex = value.trim().toLowerCase()
  if (!new RegExp(`^[0-9a-f]{${length}}$`).test(hex)) {
    throw new UserError(`${sourceOf(params)}: ${key} must be ${length} hex digits, got '${value}'`)
  }
  return hex
}

function sizeValue(params: Parameters, key: string): number | undefined {
  const value = params[key]
  if (value === undefined || value === null || value === '') return undefined
  return checkNumber(
    value,
    { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'bytes' },
    { path: sourceOf(params), field: key },
  )
}

/**
 * The speech languages a parameters file names (`{lang}_embeddings_url`), in the official order:
 * a round's file lists its own languages, and the others are not part of it.
 */
export function languagesNamedIn(params: Parameters, path: string): SpeechLanguageCode[] {
  const named = SPEECH_LANGUAGE_CODES.filter((lang) => givenInFile(params, speechPrefix(lang)))
  if (named.length === 0)
    throw new UserError(
      `${path}: names no speech language (no ${SPEECH_LANGUAGE_CODES.map((l) => `${speechPrefix(l)}_url`).join(', ')}); pass --languages to download the default ones`,
      { code: 'bad_file', path },
    )
  return named
}

/** The URL at `{prefix}_url` with its optional `{prefix}_sha256`, `_md5` and `_size`. */
export function resourceFor(params: Parameters, prefix: string): Resource {
  const checks = checksFor(params, prefix)
  const key = `${prefix}_url`
  const url = params[key]
  if (url === undefined || url === null || url === '') throw new UserError(`${sourceOf(params)}: no '${key}' given`)
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url.trim())) {
    throw new UserError(`${sourceOf(params)}: ${key} must be an http:// or https:// URL, got ${JSON.stringify(url)}`)
  }
  return { url: url.trim(), ...checks }
}

/** True when the parameters file itself (not the built-in defaults) gives `{prefix}_url`. */
export function givenInFile(params: Parameters, prefix: string): boolean {
  const key = `${prefix}_url`
  return (params.__given ?? []).includes(key) && params[key] !== null && params[key] !== ''
}

/** Only the checks configured beside `{prefix}_url` (for a URL given on the command line). */
export function checksFor(params: Parameters, prefix: string): Omit<Resource, 'url'> {
  return {
    sha256: hexValue(params, `${prefix}_sha256`, 64),
    md5: hexValue(params, `${prefix}_md5`, 32),
    size: sizeValue(params, `${prefix}_size`),
    source: sourceOf(params),
  }
}
