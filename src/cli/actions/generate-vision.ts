/** `dataperf generate vision`: a deterministic synthetic vision benchmark in the official layout. */
import { generateVisionBenchmark } from '../../synth/vision.js'
import { progressReporter } from '../progress.js'

export interface GenerateVisionFlags {
  out: string
  seed: number
  poolSize: number
}

export function generateVision(opts: GenerateVisionFlags): void {
  const progress = progressReporter()
  try {
    const summary = generateVisionBenchmark({
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
  } finally {
    progress.stop()
  }
}
