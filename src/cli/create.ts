import { Command } from 'commander'
import { createSpeechExperiment, SPEECH_GENERATION_DEFAULTS } from '../organizer/create-speech.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt } from './parse.js'

/** `dataperf create speech|vision`: new experiments for organizers, from raw corpora. */
export function registerCreateCommands(program: Command): void {
  const create = program.command('create').description('organizers: create a new experiment from raw data (speech: MSWC; vision: a pool with human labels)')

  const d = SPEECH_GENERATION_DEFAULTS
  create.command('speech')
    .description('an experiment in the official layout, as create_experiment.py writes it: train_embeddings/, eval_embeddings/, allowed_training_set.yaml, eval.yaml')
    .requiredOption('--metadata <file>', "MSWC's metadata.json.gz")
    .requiredOption('--splits <csv>', "the language's splits CSV (SET,LINK,WORD,VALID,SPEAKER,GENDER), e.g. en_splits.csv")
    .requiredOption('--embeddings <dir>', 'one parquet file per word (clip_id, mswc_embedding_vector)')
    .requiredOption('--language <code>', 'MSWC language code, e.g. en')
    .requiredOption('--targets <words>', 'comma-separated target words, e.g. fifty,episode,restaurant,route,job')
    .requiredOption('--out <dir>', 'new (or empty) output folder')
    .option('--minimum-samples-for-nontarget-words <n>', 'nontarget candidates have more clips than this; as many clips are drawn per word', nonNegativeInt, d.minimumSamplesForNontargetWords)
    .option('--num-nontarget-training-words <n>', 'known nontarget words (half their clips train, half eval)', nonNegativeInt, d.numNontargetTrainingWords)
    .option('--num-nontarget-eval-words <n>', 'unknown nontarget words (eval only)', nonNegativeInt, d.numNontargetEvalWords)
    .option('--seed-nontarget-selection <n>', 'numpy RandomState seed of the nontarget draw', nonNegativeInt, d.seedNontargetSelection)
    .action(async (opts: {
      metadata: string; splits: string; embeddings: string; language: string; targets: string; out: string
      minimumSamplesForNontargetWords: number; numNontargetTrainingWords: number; numNontargetEvalWords: number; seedNontargetSelection: number
    }) => {
      const progress = progressReporter()
      try {
        const s = await createSpeechExperiment({ ...opts, targets: opts.targets.split(','), onProgress: progress.onProgress })
        progress.stop()
        const targets = s.targets.map((t) => `${t.word} ${t.train}/${t.eval}`).join(', ')
        process.stdout.write(`Wrote ${s.out}: targets (train/eval clips) ${targets}; ${s.knownNontargetWords.length} known nontarget words ` +
          `(${s.nontargetClips.train} training clips), ${s.unknownNontargetWords.length} unknown ones; ${s.nontargetClips.eval} nontarget eval clips\n`)
      } finally {
        progress.stop()
      }
    })
}
