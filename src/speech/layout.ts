/**
 * The speech track's files, as the official harvard-edge/dataperf-speech-example lays them out:
 * the one owner of these names. Generators, download, doctor, eval, select and compare import
 * them from here; nothing else spells them.
 *
 *   workspace/dataperf_speech_config.yaml
 *   workspace/{lang}_{size}_train.json                  (a participant's selection)
 *   workspace/data/dataperf_{lang}_data/
 *     allowed_training_set.yaml  eval.yaml              ({targets: {word: [clip_id]}, nontargets: [...]})
 *     train_embeddings/{word}.parquet  eval_embeddings/{word}.parquet   (clip_id, mswc_embedding_vector)
 */
import { UserError } from '../errors.js'

/** The languages of the official speech benchmark, and its two leaderboard sizes. */
export const SPEECH_LANGUAGE_CODES = ['en', 'id', 'pt'] as const
export type SpeechLanguageCode = (typeof SPEECH_LANGUAGE_CODES)[number]
export const LEADERBOARD_SIZES = [25, 60] as const

/** Columns of every embedding parquet file, and the vector length (MSWC embeddings). */
export const CLIP_ID_COLUMN = 'clip_id'
export const EMBEDDING_COLUMN = 'mswc_embedding_vector'
export const SPEECH_DIM = 1024

/** Names inside a language folder and beside it. */
export const SPEECH_LAYOUT = {
  languageDir: (language: string) => `dataperf_${language}_data`,
  trainEmbeddings: 'train_embeddings',
  evalEmbeddings: 'eval_embeddings',
  allowedTrainingSet: 'allowed_training_set.yaml',
  evalSet: 'eval.yaml',
  /** one parquet file per target word and per nontarget keyword, in both embedding folders */
  embeddingFile: (word: string) => `${word}.parquet`,
  /** the config, in the workspace (beside the data folder) */
  config: 'dataperf_speech_config.yaml',
  /** a participant's selection, in the workspace */
  trainFile: (language: string, trainSize: number) => `${language}_${trainSize}_train.json`,
  /** marks a generated language folder as ours, so that a later run may replace it (and never a downloaded one) */
  marker: '.dataperf-generated.json',
  /** marks a challenge's public bundle (`dataperf challenge pack`): eval.yaml and eval_embeddings/ stay on the server */
  publicBundle: 'PUBLIC_BUNDLE.txt',
} as const

/**
 * The keyword of a nontarget clip, which names its embedding file:
 * "cat/common_voice_id_12345.wav" -> "cat" (cat.parquet).
 */
export function keywordOf(clipId: string): string {
  return clipId.split('/').find((part) => part !== '') ?? clipId
}

/** What a language folder must hold (download checks a zip's content against it). */
export const SPEECH_DATA_PARTS = [
  SPEECH_LAYOUT.trainEmbeddings,
  SPEECH_LAYOUT.evalEmbeddings,
  SPEECH_LAYOUT.allowedTrainingSet,
  SPEECH_LAYOUT.evalSet,
] as const

/** The language of a `dataperf_{lang}_data` folder name, or undefined. */
export function languageOfDir(name: string): SpeechLanguageCode | undefined {
  const language = /^dataperf_([a-z]+)_data$/.exec(name)?.[1]
  return language !== undefined && isSpeechLanguage(language) ? language : undefined
}

export function isSpeechLanguage(language: string): language is SpeechLanguageCode {
  return (SPEECH_LANGUAGE_CODES as readonly string[]).includes(language)
}

/** One language, as the official eval.py and selection main check it (their message). */
export function requireSpeechLanguage(language: string): SpeechLanguageCode {
  if (!isSpeechLanguage(language)) {
    throw new UserError(
      `language ${language} not supported. Supported languages are: ${SPEECH_LANGUAGE_CODES.join(', ')}`,
    )
  }
  return language
}

/** A comma-separated language list (--languages of generate and download); duplicates dropped, order kept. */
export function parseSpeechLanguages(list: string): SpeechLanguageCode[] {
  return requireSpeechLanguages(
    list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
}

/** Languages given as a list (a library caller's); an unknown one is a user error naming the supported ones. */
export function requireSpeechLanguages(items: readonly string[]): SpeechLanguageCode[] {
  if (items.length === 0)
    throw new UserError(`no language given; supported languages: ${SPEECH_LANGUAGE_CODES.join(', ')}`)
  const bad = items.filter((s) => !isSpeechLanguage(s))
  if (bad.length)
    throw new UserError(
      `unsupported language${bad.length > 1 ? 's' : ''} ${bad.map((s) => `'${s}'`).join(', ')}; supported languages: ${SPEECH_LANGUAGE_CODES.join(', ')}`,
    )
  return [...new Set(items)] as SpeechLanguageCode[]
}

/** The official tool's warning for sizes other than the leaderboards', or undefined. */
export function trainSizeWarning(trainSize: number): string | undefined {
  if ((LEADERBOARD_SIZES as readonly number[]).includes(trainSize)) return undefined
  return (
    `Warning: train_size ${trainSize} does not match one of the leaderboards on dynabench. ` +
    `The dynabench leaderboards support train size options: [${LEADERBOARD_SIZES.join(', ')}]. ` +
    "You can submit a train set that's smaller than one of the options, but it will be compared against submissions of size up to and including the leaderboard max size."
  )
}

/** The official default paths, relative to the working directory. */
export function defaultSpeechPaths(language: string, trainSize: number, workspace = 'workspace') {
  const data = `${workspace}/data/${SPEECH_LAYOUT.languageDir(language)}`
  return {
    evalEmbeddingsDir: `${data}/${SPEECH_LAYOUT.evalEmbeddings}`,
    trainEmbeddingsDir: `${data}/${SPEECH_LAYOUT.trainEmbeddings}`,
    allowedTrainingSet: `${data}/${SPEECH_LAYOUT.allowedTrainingSet}`,
    evalFile: `${data}/${SPEECH_LAYOUT.evalSet}`,
    trainFile: `${workspace}/${SPEECH_LAYOUT.trainFile(language, trainSize)}`,
    configFile: `${workspace}/${SPEECH_LAYOUT.config}`,
    outdir: workspace,
  }
}

/** The paths of one language folder's parts (for a folder given directly, e.g. a challenge board's data_dir). */
export function speechDataPaths(languageDir: string) {
  const at = (name: string) => `${languageDir.replace(/\/+$/, '')}/${name}`
  return {
    trainEmbeddingsDir: at(SPEECH_LAYOUT.trainEmbeddings),
    evalEmbeddingsDir: at(SPEECH_LAYOUT.evalEmbeddings),
    allowedTrainingSet: at(SPEECH_LAYOUT.allowedTrainingSet),
    evalFile: at(SPEECH_LAYOUT.evalSet),
  }
}
