/**
 * `dataperf download speech|vision`: flags and help only; the download itself (actions/download.ts)
 * is imported when it runs.
 */
import { type Command, Option } from 'commander'
import { SPEECH_LANGUAGE_CODES } from '../speech/layout.js'
import { OPEN_IMAGES_LABELS_URL } from '../download/urls.js'
import type { CommonFlags } from './actions/download.js'
import { nonNegativeInt, positiveSeconds } from './parse.js'

function addCommonOptions(cmd: Command, outputDefault: string, parametersHelp: string): Command {
  return cmd
    .option('--output_path <dir>', 'where the layout goes', outputDefault)
    .option('--parameters_file <path>', parametersHelp)
    .option('--zip <file>', 'lay out a zip downloaded by hand instead of downloading')
    .option('--force', 'download and lay out again even when the data is already in place')
    .option('--keep-zip', 'keep the downloaded zip beside the layout (removed after extraction otherwise)')
    .addOption(
      new Option('--retries <n>', 'retries after network errors, stalls or HTTP 5xx without progress')
        .argParser(nonNegativeInt)
        .default(5),
    )
    .addOption(
      new Option('--timeout <seconds>', 'retry a connection silent for this long')
        .argParser(positiveSeconds)
        .default(60),
    )
}

/** Adds the subcommands of `dataperf download` to its group command (main.ts registers the group). */
export function registerDownloadCommand(download: Command): void {
  const speech = download
    .command('speech')
    .description('workspace/data/dataperf_{lang}_data/ for each language (the official zips from the DataPerf bucket)')
    .option(
      '--languages <list>',
      `comma-separated: ${SPEECH_LANGUAGE_CODES.join(', ')}`,
      SPEECH_LANGUAGE_CODES.join(','),
    )
  addCommonOptions(
    speech,
    'workspace/data',
    'YAML with en_embeddings_url, id_embeddings_url, pt_embeddings_url (official workspace/parameters.yaml keys; optional {lang}_embeddings_sha256 / _md5 / _size); built-in defaults otherwise',
  ).action(async (opts: CommonFlags & { languages: string }, cmd: Command) =>
    (await import('./actions/download.js')).downloadSpeech(opts, cmd),
  )

  const vision = download
    .command('vision')
    .description('embeddings/, examples/, test_sets/, train_sets/, results/ under --output_path (the resources zip)')
    .option(
      '--url <url>',
      'a direct URL of dataperf-vision-selection-resources.zip (the official link is a Google Drive folder: download it by hand and use --zip); with --open-images-labels, of the labels CSV',
    )
    .option(
      '--open-images-labels',
      `instead of the resources: Open Images' human-verified labels into <output_path>/metadata/ (default URL ${OPEN_IMAGES_LABELS_URL})`,
    )
  addCommonOptions(
    vision,
    'data',
    'YAML with dataset_url (the official workspace/parameters.yaml; optional dataset_sha256 / _md5 / _size, also applied to --url)',
  ).action(async (opts: CommonFlags & { url?: string; openImagesLabels?: boolean }) =>
    (await import('./actions/download.js')).downloadVision(opts),
  )
}
