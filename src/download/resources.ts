/**
 * The download jobs: an official zip fetched (or given with --zip), verified, extracted into a
 * temporary folder beside the target and moved into the official layout only when whole.
 * A language or vision folder already in place is kept unless `force` is set.
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { UserError } from '../errors.js'
import { SPEECH_LAYOUT } from '../speech/layout.js'
import { removeStaleTemps, removeTemp, tempPathFor } from '../io/temp-files.js'
import { FsError } from '../io/fs-errors.js'
import { writeError } from './write-error.js'
import { BadZipError, extractZip, type ExtractOptions } from './extract.js'
import { googleDriveMessage, isGoogleDriveUrl } from './google-drive.js'
import { downloadFile, verifyFile, type DownloadOptions } from './http-download.js'
import {
  describeTop,
  findContentRoot,
  hasVisionData,
  isSpeechLayout,
  isVisionLayout,
  besideName,
  mergeInto,
  sameBytes,
  missingSpeechParts,
  SPEECH_RESOURCE_PARTS,
  VISION_RESOURCE_FOLDERS,
} from './layout.js'
import {
  checksFor,
  givenInFile,
  resourceFor,
  SPEECH_CONFIG_PREFIX,
  speechPrefix,
  VISION_PREFIX,
  type Parameters,
  type Resource,
} from './parameters.js'
import type { SpeechLanguageCode } from '../speech/layout.js'

export interface JobOptions extends DownloadOptions {
  /** lay out this zip (downloaded by hand) instead of downloading */
  zip?: string
  /** download and lay out again even when the folder is already in place */
  force?: boolean
  /** keep the downloaded zip beside the layout (the official tools leave it there) */
  keepZip?: boolean
  /** extraction progress: entries done of all */
  onExtractProgress?: ExtractOptions['onProgress']
}

/** The official zip name of the vision resources (download_data.py's file_name). */
export const VISION_ZIP_NAME = 'dataperf-vision-selection-resources.zip'

/** Creates `dir` and checks that we may write there; a user error naming it otherwise. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
  } catch (err) {
    throw writeError(dir, err) ?? err
  }
}

/** The file name a URL's zip is saved under: its last path segment, else `fallback`. */
export function zipNameFor(url: string, fallback: string): string {
  let name = ''
  try {
    name = decodeURIComponent(basename(new URL(url).pathname))
  } catch {
    /* fallback */
  }
  return /^[\w.+-]+\.zip$/i.test(name) ? name : fallback
}

interface Obtained {
  zip: string
  ours: boolean
}

/** The zip to extract: --zip (checked), one left by an earlier run, or a fresh download. */
async function obtainZip(resource: Resource, target: string, options: JobOptions): Promise<Obtained> {
  if (options.zip) {
    if (!existsSync(options.zip)) throw new UserError(`${options.zip}: file not found (--zip)`)
    await verifyFile(options.zip, resource)
    return { zip: options.zip, ours: false }
  }
  if (existsSync(target)) {
    try {
      await verifyFile(target, resource)
      options.log?.(`${target}: already downloaded; using it`)
      return { zip: target, ours: true } // left by an earlier run of ours: removed after success like a fresh one
    } catch (err) {
      if (!(err instanceof UserError)) throw err
      options.log?.(`${err.message}; downloading it again`)
      rmSync(target, { force: true })
    }
  }
  await downloadFile(resource, target, options)
  return { zip: target, ours: true }
}

/**
 * Extracts `got.zip` into a temp folder in `parent`, finds the layout in it and hands its folder
 * to `place`. The temp folder never outlives the call; a zip we downloaded is removed when it
 * proved corrupt and, unless keepZip, after success.
 */
async function extractAndPlace(
  got: Obtained,
  parent: string,
  isLayout: (names: string[]) => boolean,
  expected: string,
  place: (root: string) => void,
  options: JobOptions,
): Promise<void> {
  const tmp = tempPathFor(join(parent, 'dataperf-extract'))
  let ok = false
  try {
    try {
      mkdirSync(tmp)
    } catch (err) {
      throw writeError(parent, err) ?? err
    }
    await extractZip(got.zip, tmp, { diskLimitBytes: options.diskLimitBytes, onProgress: options.onExtractProgress })
    const root = findContentRoot(tmp, isLayout)
    if (!root)
      throw new BadZipError(`${got.zip}: does not hold the expected layout (${expected}); found: ${describeTop(tmp)}`)
    place(root)
    ok = true
  } catch (err) {
    if (got.ours && err instanceof BadZipError) {
      rmSync(got.zip, { force: true })
      throw new BadZipError(`${err.message} (removed the download; run again to download it afresh)`)
    }
    if (got.ours && err instanceof FsError) {
      throw new FsError(
        `${err.message} (the downloaded ${got.zip} is kept, so the next run only extracts)`,
        err.errno,
        err.fields(),
      )
    }
    throw err
  } finally {
    removeTemp(tmp)
    if (ok && got.ours && !options.keepZip) rmSync(got.zip, { force: true })
  }
}

/**
 * The round's speech config (`speech_config_url` of a parameters file that `challenge pack` wrote)
 * into the parent of `output` (workspace/dataperf_speech_config.yaml, where select and eval look).
 * A config already there may be the participant's own (their selection module): when it differs
 * it stays, and the round's lands beside it as dataperf_speech_config.downloaded.yaml, said in the
 * log. Returns the path written, or undefined when the parameters name no config.
 */
export async function fetchSpeechConfig(
  params: Parameters,
  output: string,
  options: JobOptions = {},
): Promise<string | undefined> {
  if (!givenInFile(params, SPEECH_CONFIG_PREFIX)) return undefined
  const resource = resourceFor(params, SPEECH_CONFIG_PREFIX)
  const dest = join(dirname(resolve(output)), SPEECH_LAYOUT.config)
  ensureWritableDir(dirname(dest))
  if (!existsSync(dest)) {
    await downloadFile(resource, dest, options)
    return dest
  }
  const beside = besideName(dest)
  await downloadFile(resource, beside, options)
  if (sameBytes(beside, dest)) {
    rmSync(beside, { force: true })
    return dest
  }
  options.log?.(`${dest}: kept yours; the round's config is ${beside}`)
  return beside
}

/** Downloads (or takes `options.zip`) and lays out `output/dataperf_{lang}_data/`; returns that path. */
export async function fetchSpeechLanguage(
  lang: SpeechLanguageCode,
  params: Parameters,
  output: string,
  options: JobOptions = {},
): Promise<string> {
  const dest = join(output, SPEECH_LAYOUT.languageDir(lang))
  if (!options.zip && !options.force && existsSync(dest)) {
    const missing = missingSpeechParts(dest)
    if (missing.length === 0) {
      options.log?.(`${dest}: already in place (--force downloads it again)`)
      return dest
    }
    options.log?.(`${dest}: incomplete (no ${missing.join(', ')}); downloading it again`)
  }
  const resource: Resource = options.zip
    ? { url: '', ...checksFor(params, speechPrefix(lang)) }
    : resourceFor(params, speechPrefix(lang))
  if (!options.zip && isGoogleDriveUrl(resource.url)) {
    throw new UserError(
      googleDriveMessage(
        resource.url,
        `dataperf download speech --languages ${lang} --zip FILE`,
        `as ${speechPrefix(lang)}_url in a --parameters_file`,
      ),
    )
  }
  ensureWritableDir(output)
  removeStaleTemps(output)
  const got = await obtainZip(
    resource,
    join(output, zipNameFor(resource.url, `${SPEECH_LAYOUT.languageDir(lang)}.zip`)),
    options,
  )
  await extractAndPlace(
    got,
    output,
    isSpeechLayout,
    SPEECH_LAYOUT_TEXT,
    (root) => {
      const missing = missingSpeechParts(root)
      if (missing.length > 0) options.log?.(`${got.zip}: warning: the zip has no ${missing.join(', ')}`)
      mergeInto(root, dest, { owned: SPEECH_RESOURCE_PARTS, source: got.zip, log: options.log })
    },
    options,
  )
  return dest
}

const SPEECH_LAYOUT_TEXT = [
  SPEECH_LAYOUT.trainEmbeddings + '/',
  SPEECH_LAYOUT.evalEmbeddings + '/',
  SPEECH_LAYOUT.allowedTrainingSet,
  SPEECH_LAYOUT.evalSet,
].join(', ')
const VISION_LAYOUT_TEXT = 'embeddings/, test_sets/, ...'

/**
 * Downloads `url` (else the parameters' dataset_url), or takes `options.zip`, and lays out
 * embeddings/, test_sets/, ... under `output`; returns `output`.
 */
export async function fetchVision(
  url: string | undefined,
  params: Parameters,
  output: string,
  options: JobOptions = {},
): Promise<string> {
  if (!options.zip && !options.force && hasVisionData(output)) {
    options.log?.(`${output}: embeddings/ and test_sets/ already in place (--force downloads them again)`)
    return output
  }
  const resource: Resource =
    url !== undefined || options.zip
      ? { url: url ?? '', ...checksFor(params, VISION_PREFIX) }
      : resourceFor(params, VISION_PREFIX)
  if (!options.zip && isGoogleDriveUrl(resource.url)) {
    throw new UserError(googleDriveMessage(resource.url, 'dataperf download vision --zip FILE', 'with --url'))
  }
  if (!options.zip && !/^https?:\/\//i.test(resource.url))
    throw new UserError(`--url: expected an http:// or https:// URL, got '${resource.url}'`)
  ensureWritableDir(output)
  removeStaleTemps(output)
  const got = await obtainZip(resource, join(output, VISION_ZIP_NAME), options)
  await extractAndPlace(
    got,
    output,
    isVisionLayout,
    VISION_LAYOUT_TEXT,
    (root) => mergeInto(root, output, { owned: VISION_RESOURCE_FOLDERS, source: got.zip, log: options.log }),
    options,
  )
  return output
}
