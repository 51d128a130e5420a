import { UserError } from '../errors.js'

/** The languages of the official speech benchmark, and its two leaderboard sizes. */
export const SPEECH_LANGUAGE_CODES = ['en', 'id', 'pt'] as const
export type SpeechLanguageCode = (typeof SPEECH_LANGUAGE_CODES)[number]
export const LEADERBOARD_SIZES = [25, 60] as const

export function requireSpeechLanguage(language: string): SpeechLanguageCode {
  if (!(SPEECH_LANGUAGE_CODES as readonly string[]).includes(language)) {
    throw new UserError(`language ${language} not supported. Supported languages are: ${SPEECH_LANGUAGE_CODES.join(', ')}`)
  }
  return language as SpeechLanguageCode
}

/** The official tool's warning for sizes other than the leaderboards', or undefined. */
export function trainSizeWarning(trainSize: number): string | undefined {
  if ((LEADERBOARD_SIZES as readonly number[]).includes(trainSize)) return undefined
  return `Warning: train_size ${trainSize} does not match one of the leaderboards on dynabench. ` +
    `The dynabench leaderboards support train size options: [${LEADERBOARD_SIZES.join(', ')}]. ` +
    'You can submit a train set that\'s smaller than one of the options, but it will be compared against submissions of size up to and including the leaderboard max size.'
}

/** The official default paths, relative to the working directory. */
export function defaultSpeechPaths(language: string, trainSize: number, workspace = 'workspace') {
  const data = `${workspace}/data/dataperf_${language}_data`
  return {
    evalEmbeddingsDir: `${data}/eval_embeddings`,
    trainEmbeddingsDir: `${data}/train_embeddings`,
    allowedTrainingSet: `${data}/allowed_training_set.yaml`,
    evalFile: `${data}/eval.yaml`,
    trainFile: `${workspace}/${language}_${trainSize}_train.json`,
    configFile: `${workspace}/dataperf_speech_config.yaml`,
    outdir: workspace,
  }
}
