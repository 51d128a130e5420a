/** `dataperf create speech|vision`: flags and help only; each action's module (actions/) is imported when it runs. */
import { type Command, Option } from 'commander'
import { SPEECH_GENERATION_DEFAULTS, VISION_CREATE_DEFAULTS } from '../organizer/defaults.js'
import type { CreateSpeechFlags } from './actions/create-speech.js'
import type { CreateVisionFlags } from './actions/create-vision.js'
import { nonNegativeInt, positiveInt, seed } from './parse.js'

/** Adds the subcommands of `dataperf create` to its group command (main.ts registers the group). */
export function registerCreateCommands(create: Command): void {
  const d = SPEECH_GENERATION_DEFAULTS
  create
    .command('speech')
    .description(
      'an experiment in the official layout, as create_experiment.py writes it: train_embeddings/, eval_embeddings/, allowed_training_set.yaml, eval.yaml',
    )
    .requiredOption('--metadata <file>', "MSWC's metadata.json.gz")
    .requiredOption(
      '--splits <csv>',
      "the language's splits CSV (SET,LINK,WORD,VALID,SPEAKER,GENDER), e.g. en_splits.csv",
    )
    .requiredOption('--embeddings <dir>', 'one parquet file per word (clip_id, mswc_embedding_vector)')
    .requiredOption('--language <code>', 'MSWC language code, e.g. en')
    .requiredOption('--targets <words>', 'comma-separated target words, e.g. fifty,episode,restaurant,route,job')
    .requiredOption('--out <dir>', 'new (or empty) output folder')
    .option(
      '--minimum-samples-for-nontarget-words <n>',
      'nontarget candidates have more clips than this; as many clips are drawn per word',
      nonNegativeInt,
      d.minimumSamplesForNontargetWords,
    )
    .option(
      '--num-nontarget-training-words <n>',
      'known nontarget words (half their clips train, half eval)',
      nonNegativeInt,
      d.numNontargetTrainingWords,
    )
    .option(
      '--num-nontarget-eval-words <n>',
      'unknown nontarget words (eval only)',
      nonNegativeInt,
      d.numNontargetEvalWords,
    )
    .option(
      '--seed-nontarget-selection <n>',
      'numpy RandomState seed of the nontarget draw',
      seed,
      d.seedNontargetSelection,
    )
    .addOption(
      new Option('--dim <n>', "the embeddings' vector length (MSWC's 1024; another only for tests)")
        .argParser(positiveInt)
        .hideHelp(),
    )
    .action(async (opts: CreateSpeechFlags) => (await import('./actions/create-speech.js')).createSpeech(opts))

  const v = VISION_CREATE_DEFAULTS
  create
    .command('vision')
    .description(
      'an experiment in the official layout: the pool without the test images, test_sets/, examples/, metadata/ and task_setup.yaml',
    )
    .requiredOption('--pool <parquet>', 'candidate pool (ImageID, embedding)')
    .requiredOption('--human-labels <csv>', 'Open Images-style human labels (ImageID,Source,LabelName,Confidence)')
    .requiredOption('--class-descriptions <csv>', 'LabelName,DisplayName')
    .requiredOption('--concepts <list>', 'comma-separated concepts (DisplayName or LabelName); each becomes a task')
    .requiredOption('--out <dir>', 'new (or empty) output folder')
    .option(
      '--image-urls <csv>',
      "ImageID,OriginalURL (Open Images image list) for the example sets' OriginalURL column",
    )
    .option('--examples <n>', 'example positives per task', positiveInt, v.examples)
    .option('--test-positives <n>', 'held-out verified positives per test set', positiveInt, v.testPositives)
    .option('--test-negatives <n>', 'held-out verified negatives per test set', positiveInt, v.testNegatives)
    .option('--seed <n>', 'random seed', seed, v.seed)
    .action(async (opts: CreateVisionFlags) => (await import('./actions/create-vision.js')).createVision(opts))
}
