/** The download jobs: official zips fetched, verified and laid out as the evaluators expect. */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { diskError, downloadFile, type DownloadOptions } from './http-download.js'
import { extractZipTo } from './extract.js'
import { resourceFor, type SpeechLanguage } from './parameters.js'

const isSpeechLayout = (names: string[]) => names.includes('train_embeddings') || names.includes('allowed_training_set.yaml')
const isVisionLayout = (names: string[]) => names.includes('embeddings') || names.includes('test_sets')

/** Creates the output folder; a path that cannot be one is a user error. */
function ensureDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true })
  } catch (err) {
    throw diskError(path, err as NodeJS.ErrnoException) ?? err
  }
}

/** Extracts; a zip we downloaded ourselves is removed afterwards, also when it proved corrupt. */
async function extractOrDiscard(zip: string, dest: string, isLayout: (names: string[]) => boolean, ours: boolean): Promise<void> {
  try {
    await extractZipTo(zip, dest, isLayout)
  } finally {
    if (ours) rmSync(zip, { force: true })
  }
}

/** Downloads (or takes `zip`) and lays out `output/dataperf_{lang}_data/`. */
export async function fetchSpeechLanguage(lang: SpeechLanguage, params: Record<string, unknown>, output: string, options: DownloadOptions & { zip?: string } = {}): Promise<string> {
  const dest = join(output, `dataperf_${lang}_data`)
  let zip = options.zip
  if (!zip) {
    ensureDir(output)
    zip = join(output, `dataperf_${lang}_data.zip`)
    if (!existsSync(zip)) await downloadFile(resourceFor(params, `${lang}_embeddings`), zip, options)
  }
  await extractOrDiscard(zip, dest, isSpeechLayout, !options.zip)
  return dest
}

/** Downloads (or takes `zip`) and lays out embeddings/, test_sets/, ... under `output`. */
export async function fetchVision(url: string | undefined, params: Record<string, unknown>, output: string, options: DownloadOptions & { zip?: string } = {}): Promise<string> {
  let zip = options.zip
  if (!zip) {
    ensureDir(output)
    zip = join(output, 'dataperf-vision-selection-resources.zip')
    const resource = url ? { url } : resourceFor(params, 'vision')
    if (!existsSync(zip)) await downloadFile(resource, zip, options)
  }
  const staged = join(output, '.dataperf-vision-resources')
  await extractOrDiscard(zip, staged, isVisionLayout, !options.zip)
  for (const name of readdirSync(staged)) {
    const target = join(output, name)
    if (existsSync(target)) rmSync(target, { recursive: true, force: true })
    renameSync(join(staged, name), target)
  }
  rmSync(staged, { recursive: true, force: true })
  return output
}
