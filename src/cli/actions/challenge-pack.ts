/** `dataperf challenge pack`: the public bundle and the server's challenge folder from experiments. */
import { packChallenge } from '../../organizer/pack.js'

export interface ChallengePackFlags {
  out: string
  baseUrl: string
  name?: string
  description?: string
  start?: string
  end?: string
  dailyLimit: number
}

export async function challengePack(dir: string, opts: ChallengePackFlags): Promise<void> {
  const p = await packChallenge({ dir, ...opts })
  for (const z of p.zips)
    process.stdout.write(`public/${z.name}: ${z.entries} files, ${z.size} bytes, sha256 ${z.sha256}\n`)
  const upload = p.publicFiles.filter((f) => f !== 'parameters.yaml').join(', ')
  const next = p.baseUrl
    ? `upload ${upload} to ${p.baseUrl}; parameters.yaml names them there`
    : `upload ${upload}, then set their URLs in parameters.yaml, or pack again with --base-url`
  process.stdout.write(
    `Wrote ${p.out}/public (${next}) and ${p.out}/challenge ` +
      `(boards ${p.boards.join(', ')}; ${p.hiddenIds.speech} eval clips and ${p.hiddenIds.vision} test images kept off the public bundle)\n`,
  )
}
