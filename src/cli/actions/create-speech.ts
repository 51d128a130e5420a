/** `dataperf create speech`: a new speech experiment from MSWC, as create_experiment.py writes it. */
import { createSpeechExperiment } from '../../organizer/create-speech.js'
import { sampleList } from '../../errors.js'
import { safeText } from '../../shown.js'
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
    if (s.inBothSets.length > 0)
      process.stderr.write(
        safeText(
          `warning: ${s.inBothSets.length} target clip${s.inBothSets.length > 1 ? 's are' : ' is'} listed both as TRAIN and as DEV or TEST in ${opts.splits} (${sampleList(s.inBothSets, 3)}): written to the allowed training set and to the eval set, as the official script does; \`challenge pack\` refuses to publish an eval clip, so fix the splits before packing`,
        ) + '\n',
      )
    const targets = s.targets.map((t) => `${t.word} ${t.train}/${t.eval}`).join(', ')
    process.stdout.write(
      `Wrote ${s.out}: targets (train/eval clips) ${targets}; ${s.knownNontargetWords.length} known nontarget words ` +
        `(${s.nontargetClips.train} training clips), ${s.unknownNontargetWords.length} unknown ones; ${s.nontargetClips.eval} nontarget eval clips\n`,
    )
  } finally {
    progress.stop()
  }
}
