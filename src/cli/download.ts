import { Command } from 'commander'
import { UserError } from '../errors.js'
import { loadParameters, parseLanguages } from '../download/parameters.js'
import { fetchSpeechLanguage, fetchVision } from '../download/resources.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt } from './parse.js'

interface CommonFlags { output_path: string; parameters_file?: string; zip?: string; retries: number }

export function registerDownloadCommand(program: Command): void {
  const download = program.command('download').description('download the official resources, verify them and lay them out as the evaluators expect')

  download.command('speech')
    .description('dataperf_{lang}_data/ for each language (zips from the DataPerf public bucket)')
    .option('--languages <list>', 'comma-separated: en, id, pt', 'en,id,pt')
    .option('--output_path <dir>', 'where dataperf_{lang}_data/ go', 'workspace/data')
    .option('--parameters_file <path>', 'YAML of URLs ({lang}_embeddings_url, optional _sha256/_md5/_size); built-in defaults otherwise')
    .option('--zip <file>', 'lay out an already downloaded zip (one language)')
    .option('--retries <n>', 'retries after network errors or 5xx', nonNegativeInt, 4)
    .action(async (opts: CommonFlags & { languages: string }) => {
      const langs = parseLanguages(opts.languages)
      if (opts.zip && langs.length !== 1) throw new UserError('--zip lays out one language: pass --languages with one of en, id, pt')
      const params = loadParameters(opts.parameters_file)
      for (const lang of langs) {
        const progress = progressReporter()
        try {
          const dest = await fetchSpeechLanguage(lang, params, opts.output_path, {
            zip: opts.zip, retries: opts.retries, onProgress: (d, t) => progress.onProgress(`dataperf_${lang}_data`, d, t), log: (m) => process.stderr.write(m + '\n'),
          })
          progress.stop()
          process.stdout.write(`${lang}: ${dest}\n`)
        } finally {
          progress.stop()
        }
      }
    })

  download.command('vision')
    .description('embeddings/, test_sets/, ... under the output folder')
    .option('--url <url>', 'a direct URL of the resources zip (the official link is a Google Drive folder: see --zip)')
    .option('--output_path <dir>', 'data folder', 'data')
    .option('--parameters_file <path>', 'YAML with vision_url (and optional vision_sha256/_md5/_size)')
    .option('--zip <file>', 'lay out a zip downloaded by hand')
    .option('--retries <n>', 'retries after network errors or 5xx', nonNegativeInt, 4)
    .action(async (opts: CommonFlags & { url?: string }) => {
      const progress = progressReporter()
      try {
        const out = await fetchVision(opts.url, loadParameters(opts.parameters_file), opts.output_path, {
          zip: opts.zip, retries: opts.retries, onProgress: (d, t) => progress.onProgress('vision resources', d, t), log: (m) => process.stderr.write(m + '\n'),
        })
        progress.stop()
        process.stdout.write(`vision resources laid out in ${out}\n`)
      } finally {
        progress.stop()
      }
    })
}
