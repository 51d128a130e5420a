/** `dataperf speech select`: {outdir}/{lang}_{size}_train.json with the configured selection, as python -m selection.main. */
import { runSpeechSelection } from '../../speech/select-job.js'
import { progressReporter } from '../progress.js'

export interface SpeechSelectFlags {
  language: string
  train_size: number
  allowed_training_set?: string
  train_embeddings_dir?: string
  audio_dir?: string
  config_file?: string
  outdir: string
  algorithm?: string
  timeout?: number
  maxMemory?: number
}

export async function speechSelect(flags: SpeechSelectFlags): Promise<void> {
  const progress = progressReporter()
  let r
  try {
    r = await runSpeechSelection({
      language: flags.language,
      trainSize: flags.train_size,
      allowedTrainingSet: flags.allowed_training_set,
      trainEmbeddingsDir: flags.train_embeddings_dir,
      audioDir: flags.audio_dir,
      configFile: flags.config_file,
      outdir: flags.outdir,
      algorithm: flags.algorithm,
      timeoutSeconds: flags.timeout,
      maxMemoryMb: flags.maxMemory,
      onProgress: progress.onProgress,
    })
  } finally {
    progress.stop()
  }
  process.stdout.write(`Wrote ${r.outputPath} (${r.selected} clips)\n`)
}
