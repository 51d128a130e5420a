/** `dataperf generate vision`: a deterministic synthetic vision benchmark in the official layout. */
import { generateVisionBenchmarkAsync } from '../../synth/vision.js'
import { progressReporter } from '../progress.js'

export interface GenerateVisionFlags {
  out: string
  seed: number
  poolSize: number
}

export async function generateVision(opts: GenerateVisionFlags): Promise<void> {
  const progress = progressReporter()
  try {
    const summary = await generateVisionBenchmarkAsync({
      out: opts.out,
      seed: opts.seed,
      poolSize: opts.poolSize,
      onProgress: progress.onProgress,
    })
    progress.stop()
    const positives = Object.entries(summary.positivesPerTask)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')
    process.stdout.write(
      `Wrote a vision benchmark to ${opts.out}: pool of ${summary.poolSize} (positives: ${positives}); ` +
        `test sets: ${Object.entries(summary.testSizes)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}\n`,
    )
    if (summary.setupKept) process.stdout.write(`Note: kept your edited ${summary.setupKept}\n`)
  } finally {
    progress.stop()
  }
}
