/**
 * A board with many teams, written straight into the server's database (the tests and
 * bench:server need thousands of scored submissions; scoring each for real would take hours):
 * users, teams and scored speech submissions with per-seed figures, as the worker leaves them.
 * Scores are rounded to 3 decimals and times repeat, so equal scores and equal times occur.
 */
import { teamNameKey } from '../../src/server/team-name.js'
import { Rng } from '../../src/ml/rng.js'
import type { Db } from '../../src/server/db/open.js'
import type { SubmissionsTable } from '../../src/server/db/schema.js'
import { newId } from '../../src/server/db/ids.js'

export interface SeedOptions {
  board: string
  phase?: string
  teams: number
  /** scored submissions per team */
  perTeam: number
  seed?: number
  /** team names: `${prefix} ${i}` */
  prefix?: string
  /** the first submission time; later ones are up to `spreadMs` after it */
  start?: Date
  spreadMs?: number
}

export interface SeededTeam {
  id: string
  name: string
  userId: string
  submissionIds: string[]
}

const SEEDS = [5, 69, 98, 70, 95, 64, 37, 11, 4, 32]

/** A scored submission row as the worker leaves it. */
export function scoredSubmission(
  rng: Rng,
  o: { board: string; phase: string; teamId: string; userId: string; at: Date; method: string },
): SubmissionsTable {
  const perSeedF1 = SEEDS.map(() => Math.round((0.3 + 0.5 * rng.uniform()) * 1000) / 1000)
  const at = o.at.toISOString()
  return {
    id: newId('sub'),
    board: o.board,
    team_id: o.teamId,
    user_id: o.userId,
    phase: o.phase,
    method: o.method,
    description: null,
    link: null,
    sha256: newId('sha'),
    status: 'scored',
    stage: null,
    progress_done: 4,
    progress_total: 4,
    error: null,
    score: Math.round((perSeedF1.reduce((a, b) => a + b, 0) / SEEDS.length) * 1000) / 1000,
    details: JSON.stringify({ seeds: SEEDS, perSeedF1 }),
    score_id: null,
    baseline: 0,
    quota_day: at.slice(0, 10),
    submitted_at: at,
    scored_at: at,
  }
}

export async function seedBoard(db: Db, o: SeedOptions): Promise<SeededTeam[]> {
  const rng = new Rng(o.seed ?? 1)
  const phase = o.phase ?? 'open'
  const start = (o.start ?? new Date('2026-01-01T00:00:00Z')).getTime()
  const spread = o.spreadMs ?? 30 * 24 * 3600_000
  const created = new Date(start).toISOString()
  const teams: SeededTeam[] = []
  await db.kysely.transaction().execute(async (trx) => {
    for (let t = 0; t < o.teams; t++) {
      const userId = newId('usr')
      const team: SeededTeam = { id: newId('team'), name: `${o.prefix ?? 'Team'} ${t}`, userId, submissionIds: [] }
      await trx
        .insertInto('users')
        .values({
          id: userId,
          email: `${team.id}@seed.example`,
          name: `member of ${team.name}`,
          password_hash: 'x',
          role: 'participant',
          created_at: created,
        })
        .execute()
      await trx
        .insertInto('teams')
        .values({
          id: team.id,
          name: team.name,
          name_key: teamNameKey(team.name),
          created_by: userId,
          created_at: created,
        })
        .execute()
      const rows = Array.from({ length: o.perTeam }, (_, k) =>
        scoredSubmission(rng, {
          board: o.board,
          phase,
          teamId: team.id,
          userId,
          // whole minutes: equal times happen
          at: new Date(start + Math.floor((rng.uniform() * spread) / 60_000) * 60_000),
          method: `method ${k}`,
        }),
      )
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto('submissions')
          .values(rows.slice(i, i + 200))
          .execute()
      team.submissionIds = rows.map((r) => r.id)
      teams.push(team)
    }
  })
  return teams
}
