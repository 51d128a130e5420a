/** `dataperf create vision`: a new vision experiment from a pool with human labels. */
import { createVisionExperiment } from '../../organizer/create-vision.js'
import { progressReporter } from '../progress.js'

export interface CreateVisionFlags {
  pool: string
  humanLabels: string
  classDescriptions: string
  concepts: string
  out: string
  imageUrls?: string
  examples: number
  testPositives: number
  testNegatives: number
  seed: number
}

export async function createVision(opts: CreateVisionFlags): Promise<void> {
  const progress = progressReporter()
  try {
    const s = await createVisionExperiment({
      ...opts,
      concepts: opts.concepts.split(','),
      onProgress: progress.onProgress,
    })
    progress.stop()
    const tasks = s.tasks
      .map((t) => `${t.task} (${t.testPositives}+${t.testNegatives} test, ${t.examples} examples)`)
      .join(', ')
    process.stdout.write(`Wrote ${s.out}: pool of ${s.poolSize} (${s.removed} test images removed), tasks ${tasks}\n`)
  } finally {
    progress.stop()
  }
}
