/** The unsigned manifest of a submission's current score (the worker wrote it); routes sign it. */
import type { ResultManifest } from '../manifest.js'
import type { ServerContext } from './context.js'
import { ServiceError } from './errors.js'

export async function manifestOf(ctx: ServerContext, submissionId: string): Promise<ResultManifest> {
  const row = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('scores', 'scores.id', 'submissions.score_id')
    .select('scores.manifest')
    .where('submissions.id', '=', submissionId)
    .executeTakeFirst()
  if (!row) throw new ServiceError(409, 'not_scored', `submission ${submissionId} has no score yet`)
  return JSON.parse(row.manifest) as ResultManifest
}
