/** The organizer tools' defaults, apart from their code (no imports: the CLI's help shows them at start-up). */

/** The official GenerationParams defaults (`create speech`). */
export const SPEECH_GENERATION_DEFAULTS = {
  minimumSamplesForNontargetWords: 200,
  numNontargetTrainingWords: 100,
  numNontargetEvalWords: 100,
  seedNontargetSelection: 0,
} as const

/** `create vision`: example positives, held-out test positives and negatives per task, seed. */
export const VISION_CREATE_DEFAULTS = { examples: 20, testPositives: 80, testNegatives: 60, seed: 0 } as const

/** `challenge pack`: where the public zips will be hosted, until the organizer says. */
export const DEFAULT_BASE_URL = 'https://CHANGE-ME.invalid/dataperf/'
