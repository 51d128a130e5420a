/** `dataperf generate speech`: a deterministic synthetic speech benchmark per language, and its config. */
import { join } from 'node:path'
import { parseSpeechLanguages } from '../../speech/layout.js'
import { generateSpeechBenchmarkAsync } from '../../synth/speech.js'
import { progressReporter } from '../progress.js'

export interface GenerateSpeechFlags {
  out: string
  seed: number
  languages: string
  scale: number
}

export async function generateSpeech(opts: GenerateSpeechFlags): Promise<void> {
  const languages = parseSpeechLanguages(opts.languages)
  const progress = progressReporter()
  try {
    const summary = await generateSpeechBenchmarkAsync({
      out: opts.out,
      seed: opts.seed,
      languages,
      scale: opts.scale,
      onProgress: progress.onProgress,
    })
    progress.stop()
    for (const l of summary.languages) {
      const targets = l.targets.map((t) => `${t.word} ${t.train}/${t.eval}`).join(', ')
      process.stdout.write(
        `Wrote ${join(opts.out, l.folder)}: targets (train/eval clips) ${targets}; ` +
          `nontarget keywords ${l.nontargetKeywords.train} train (${l.nontargetClips.train} clips), ${l.nontargetKeywords.eval} unseen in eval (${l.nontargetClips.eval} clips); ` +
          `${l.mislabeled} mislabeled and ${l.misaligned} misaligned target training clips\n`,
      )
    }
    if (summary.config.written) process.stdout.write(`Wrote ${summary.config.path}\n`)
    else process.stdout.write(`Note: kept the existing ${summary.config.path}\n`)
  } finally {
    progress.stop()
  }
}
