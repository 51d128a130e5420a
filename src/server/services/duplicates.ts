/**
 * The same file submitted by several teams (issue 18 item 15): both would be ranked with the same
 * score, so organizers are shown every board and SHA-256 that more than one team submitted, with
 * those submissions, to judge whether one team copied another's selection.
 */
import { requireOrganizer, type User } from './accounts.js'
import type { ServerContext } from './context.js'

export interface DuplicateFile {
  board: string
  sha256: string
  submissions: Array<{
    id: string
    team_id: string
    team: string
    method: string
    status: string
    score: number | null
    submitted_at: string
  }>
}

export async function duplicateFiles(ctx: ServerContext, viewer: User | undefined): Promise<DuplicateFile[]> {
  requireOrganizer(viewer)
  const shared = await ctx.db.kysely
    .selectFrom('submissions')
    .select(['board', 'sha256'])
    .groupBy(['board', 'sha256'])
    .having((eb) => eb.fn.count('team_id').distinct(), '>', 1)
    .orderBy('board')
    .orderBy('sha256')
    .execute()
  const out: DuplicateFile[] = []
  for (const d of shared) {
    const rows = await ctx.db.kysely
      .selectFrom('submissions')
      .innerJoin('teams', 'teams.id', 'submissions.team_id')
      .select([
        'submissions.id',
        'submissions.team_id',
        'teams.name as team',
        'submissions.method',
        'submissions.status',
        'submissions.score',
        'submissions.submitted_at',
      ])
      .where('submissions.board', '=', d.board)
      .where('submissions.sha256', '=', d.sha256)
      .orderBy('submissions.submitted_at')
      .execute()
    out.push({ board: d.board, sha256: d.sha256, submissions: rows })
  }
  return out
}
