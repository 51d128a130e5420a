/**
 * The materialized boards (table standings) against the ranking rules: for every board and phase
 * with scored submissions, the entries stored and those standingsOf gives over every scored
 * submission, as sorted rows of [entry, submission, score, submissions, last submitted, baseline].
 * Used by the tests and by bench:server after its workers scored.
 */
import { standingKey, standingsOf } from '../../src/server/leaderboard/rank.js'
import type { ServerContext } from '../../src/server/services/context.js'
import { effectivePhases } from '../../src/server/services/phases.js'

export type EntryTuple = [string, string, number, number, string, number]

export async function storedAndExpectedEntries(
  ctx: ServerContext,
): Promise<Array<{ key: string; stored: EntryTuple[]; expected: EntryTuple[] }>> {
  const scored = await ctx.db.kysely
    .selectFrom('submissions')
    .select(['id', 'board', 'phase', 'team_id', 'score', 'submitted_at', 'baseline'])
    .where('status', '=', 'scored')
    .execute()
  const stored = await ctx.db.kysely.selectFrom('standings').selectAll().execute()
  const phases = await effectivePhases(ctx)
  const keys = [...new Set(scored.map((r) => `${r.board} ${r.phase}`))]
  return keys.map((key) => {
    const [board, phase] = key.split(' ')
    const rule = phases.find((p) => p.name === phase)!.rule
    const rows = scored
      .filter((r) => r.board === board && r.phase === phase)
      .map((r) => ({
        submissionId: r.id,
        teamId: r.team_id,
        score: r.score!,
        submittedAt: r.submitted_at,
        baseline: r.baseline === 1,
      }))
    return {
      key,
      expected: standingsOf(rows, rule)
        .map(
          (e): EntryTuple => [
            standingKey(e),
            e.submissionId,
            e.score,
            e.submissions,
            e.lastSubmittedAt,
            e.baseline ? 1 : 0,
          ],
        )
        .sort(),
      stored: stored
        .filter((r) => r.board === board && r.phase === phase)
        .map((r): EntryTuple => [r.entry, r.submission_id, r.score, r.submissions, r.last_submitted_at, r.baseline])
        .sort(),
    }
  })
}
