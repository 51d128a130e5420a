/**
 * `dataperf download speech|vision`: the official download step (utils/download_data.py of the
 * speech tool, download_data.py / the mlcube download task of the vision tool), with the official
 * --parameters_file and --output_path, streaming, resumable, retried and verified.
 */
import type { Command } from 'commander'
import { UserError } from '../../errors.js'
import { parseSpeechLanguages, SPEECH_LAYOUT, type SpeechLanguageCode } from '../../speech/layout.js'
import { setInterruptNote } from '../../io/temp-files.js'
import { languagesNamedIn, loadParameters, SPEECH_DEFAULTS, VISION_DEFAULTS } from '../../download/parameters.js'
import { fetchSpeechConfig, fetchSpeechLanguage, fetchVision, type JobOptions } from '../../download/resources.js'
import { fetchOpenImagesLabels } from '../../download/open-images-labels.js'
import { progressSink, type ProgressSink } from '../progress.js'

export interface CommonFlags {
  output_path: string
  parameters_file?: string
  zip?: string
  force?: boolean
  keepZip?: boolean
  retries: number
  timeout: number
}

function jobOptions(flags: CommonFlags, progress: ProgressSink, label: string): JobOptions {
  return {
    zip: flags.zip,
    force: flags.force,
    keepZip: flags.keepZip,
    retries: flags.retries,
    timeoutMs: flags.timeout * 1000,
    onProgress: (done, total) => progress.update(label, done, total, 'bytes'),
    onExtractProgress: (done, total) => progress.update(`extracting ${label}`, done, total, 'files'),
    log: (message) => progress.log(message),
  }
}

/** The language a hand-downloaded zip is for, from the official names (dataperf_eng_data.zip, ...). */
function languageOfZip(path: string): SpeechLanguageCode | undefined {
  const m = /dataperf_(eng|en|ind|id|por|pt)_data/i.exec(path)
  if (!m) return undefined
  return ({ eng: 'en', en: 'en', ind: 'id', id: 'id', por: 'pt', pt: 'pt' } as const)[m[1]!.toLowerCase() as 'en']
}

const RESUME_NOTE = 'run the same command again to resume the download'

export async function downloadSpeech(opts: CommonFlags & { languages: string }, cmd: Command): Promise<void> {
  setInterruptNote(RESUME_NOTE)
  let langs = parseSpeechLanguages(opts.languages)
  const params = loadParameters(opts.parameters_file, SPEECH_DEFAULTS)
  // a round's parameters file names its languages: download those, not the default bucket's others
  if (opts.parameters_file !== undefined && !opts.zip && cmd.getOptionValueSource('languages') === 'default')
    langs = languagesNamedIn(params, opts.parameters_file)
  if (opts.zip) {
    if (cmd.getOptionValueSource('languages') === 'default') {
      const lang = languageOfZip(opts.zip)
      if (!lang)
        throw new UserError(`${opts.zip}: cannot tell its language from the name; pass --languages en, id or pt`)
      langs = [lang]
    }
    if (langs.length !== 1) throw new UserError('--zip lays out one language: pass --languages with one of en, id, pt')
  }
  for (const lang of langs) {
    const progress = progressSink({ everyMs: 10_000 })
    try {
      const dest = await fetchSpeechLanguage(
        lang,
        params,
        opts.output_path,
        jobOptions(opts, progress, SPEECH_LAYOUT.languageDir(lang)),
      )
      progress.stop()
      process.stdout.write(`${lang}: ${dest}\n`)
    } finally {
      progress.stop()
    }
  }
  if (opts.zip) return
  const progress = progressSink({ everyMs: 10_000 })
  try {
    const config = await fetchSpeechConfig(params, opts.output_path, jobOptions(opts, progress, SPEECH_LAYOUT.config))
    progress.stop()
    if (config) process.stdout.write(`config: ${config}\n`)
  } finally {
    progress.stop()
  }
}

export async function downloadVision(opts: CommonFlags & { url?: string; openImagesLabels?: boolean }): Promise<void> {
  setInterruptNote(RESUME_NOTE)
  if (opts.url !== undefined && opts.zip !== undefined) throw new UserError('give --url or --zip, not both')
  const params = loadParameters(opts.parameters_file, VISION_DEFAULTS)
  const progress = progressSink({ everyMs: 10_000 })
  if (opts.openImagesLabels) {
    if (opts.zip !== undefined) throw new UserError('--open-images-labels downloads a CSV: --zip does not apply')
    try {
      const path = await fetchOpenImagesLabels(
        opts.url,
        params,
        opts.output_path,
        jobOptions(opts, progress, 'open images labels'),
      )
      progress.stop()
      process.stdout.write(`open images labels: ${path}\n`)
    } finally {
      progress.stop()
    }
    return
  }
  try {
    const out = await fetchVision(opts.url, params, opts.output_path, jobOptions(opts, progress, 'vision resources'))
    progress.stop()
    process.stdout.write(`vision: ${out}\n`)
  } finally {
    progress.stop()
  }
}
