/** `dataperf create speech`: a new speech experiment from MSWC, as create_experiment.py writes it. */
import { createSpeechExperiment } from '../../organizer/create-speech.js'
import { progressReporter } from '../progress.js'

export interface CreateSpeechFlags {
  metadata: string
  splits: string
  embeddings: string
  language: string
  targets: string
  out: string
  minimumSamplesForNontargetWords: number
  numNontargetTrainingWords: number
  numNontargetEvalWords: number
  seedNontargetSelection: number
  dim?: number
}

export async function createSpeech(opts: CreateSpeechFlags): Promise<void> {
  const progress = progressReporter()
  try {
    const s = await createSpeechExperiment({
      ...opts,
      targets: opts.targets.split(','),
      onProgress: progress.onProgress,
    })
    progress.stop()
    const targets = s.targets.map((t) => `${t.word} ${t.train}/${t.eval}`).join(', ')
    process.stdout.write(
      `Wrote ${s.out}: targets (train/eval clips) ${targets}; ${s.knownNontargetWords.length} known nontarget words ` +
        `(${s.nontargetClips.train} training clips), ${s.unknownNontargetWords.length} unknown ones; ${s.nontargetClips.eval} nontarget eval clips\n`,
    )
  } finally {
    progress.stop()
  }
}
