/**
 * Where the official resources live. Keys follow the official speech `parameters.yaml`
 * (`{lang}_embeddings_url`); optional `{lang}_embeddings_sha256` / `_md5` / `_size` are verified.
 * Vision uses `vision_url` (the official resources are a Google Drive folder: see download.ts).
 */
import { existsSync } from 'node:fs'
import { UserError } from '../errors.js'
import { readYamlFile } from '../io/yaml.js'

export const SPEECH_LANGUAGES = ['en', 'id', 'pt'] as const
export type SpeechLanguage = (typeof SPEECH_LANGUAGES)[number]

export const DEFAULT_PARAMETERS: Record<string, string> = {
  en_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_eng_data.zip',
  id_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_ind_data.zip',
  pt_embeddings_url: 'http://dataperf.s3.amazonaws.com/speech-selection/dataperf_por_data.zip',
  vision_url: 'https://drive.google.com/drive/folders/181uI-7NFJwK3IOPy2kOYVIQS4vZOC02A?usp=sharing',
}

export interface Resource {
  url: string
  sha256?: string
  md5?: string
  size?: number
}

/** The built-in parameters, overridden key by key by a parameters YAML when one is given. */
export function loadParameters(path?: string): Record<string, unknown> {
  if (!path) return { ...DEFAULT_PARAMETERS }
  if (!existsSync(path)) throw new UserError(`${path}: parameters file not found`)
  const doc = readYamlFile(path)
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${path}: expected a mapping of parameter keys`)
  return { ...DEFAULT_PARAMETERS, ...(doc as Record<string, unknown>) }
}

export function resourceFor(params: Record<string, unknown>, prefix: string): Resource {
  const url = params[`${prefix}_url`]
  if (typeof url !== 'string' || url === '') throw new UserError(`parameters: no '${prefix}_url'`)
  const str = (k: string) => (typeof params[`${prefix}_${k}`] === 'string' ? (params[`${prefix}_${k}`] as string).toLowerCase() : undefined)
  const size = params[`${prefix}_size`]
  return { url, sha256: str('sha256'), md5: str('md5'), size: typeof size === 'number' ? size : undefined }
}

export function parseLanguages(list: string): SpeechLanguage[] {
  const langs = list.split(',').map((s) => s.trim()).filter(Boolean)
  for (const l of langs) {
    if (!(SPEECH_LANGUAGES as readonly string[]).includes(l)) throw new UserError(`unsupported language '${l}': expected some of ${SPEECH_LANGUAGES.join(', ')}`)
  }
  return langs as SpeechLanguage[]
}
