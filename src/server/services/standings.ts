/**
 * The materialized boards (tables `standings` and `board_versions`): each board and phase keeps
 * one entry per team (its best or latest scored submission, by the phase's rule) and one per
 * baseline submission, changed inside the transaction that scores, rescores or marks a
 * submission, with a version counter raised in the same transaction. Readers rank the few
 * entries (one per team) and cache the result until the counter moves; PostgreSQL announces each
 * change to other processes with NOTIFY on BOARDS_CHANNEL.
 */
import { sql, type QueryCreator, type Transaction } from '../../vendor/kysely.js'
import type { RankRule } from '../challenge/load.js'
import type { Database } from '../db/schema.js'
import { standingKey, standingsOf, type Standing } from '../leaderboard/rank.js'
import type { ServerContext } from './context.js'
import { effectivePhases } from './phases.js'

export const BOARDS_CHANNEL = 'dataperf_boards'

/** The version row counting changes of phases and publication (not of any one board). */
export const SETTINGS_KEY = { board: '*', phase: '*' } as const

export const versionKey = (board: string, phase: string) => `${board}\u0000${phase}`

type Trx = Transaction<Database>

export interface EntryRow {
  submissionId: string
  teamId: string
  score: number
  submittedAt: string
  baseline: boolean
}

/** PostgreSQL: announces `payload` on BOARDS_CHANNEL, in the statement that raises a version (an expression). */
export function notifyBoards(payload: string) {
  return sql<string>`pg_notify(${BOARDS_CHANNEL}, ${payload})`
}

/** The UPDATE that raises (board, phase)'s version and locks its row until the transaction ends, not yet run. */
export function raiseVersion(q: QueryCreator<Database>, board: string, phase: string) {
  return q
    .updateTable('board_versions')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('board', '=', board)
    .where('phase', '=', phase)
    .returning(['version', 'rule'])
}

/**
 * Raises the version of (board, phase) and locks its row until the transaction ends. The row
 * is made only when the update finds none (its first change): one round trip per scoring, not two.
 * `notify` (PostgreSQL): the payload announced on BOARDS_CHANNEL by the same statement that raises it.
 */
async function bump(
  trx: Trx,
  board: string,
  phase: string,
  notify?: string,
): Promise<{ version: number; rule: string | null }> {
  const raise = () =>
    notify === undefined
      ? raiseVersion(trx, board, phase).executeTakeFirst()
      : trx
          .with('raised', (q) => raiseVersion(q, board, phase))
          .selectFrom('raised')
          .select(['raised.version', 'raised.rule', notifyBoards(notify).as('notified')])
          .executeTakeFirst()
  const raised = await raise()
  if (raised) return raised
  await trx
    .insertInto('board_versions')
    .values({ board, phase, version: 0, rule: null })
    .onConflict((oc) => oc.columns(['board', 'phase']).doNothing())
    .execute()
  const made = await raise()
  if (!made) throw new Error(`board_versions: no row for ${board} / ${phase} after inserting it`)
  return made
}

/**
 * The scored submissions of (board, phase), or of one team there. `dropTeamEntries` (PostgreSQL, with
 * a team): the team's standings entries are deleted by the same statement (one round trip, not two).
 */
async function scoredRows(
  trx: Trx,
  board: string,
  phase: string,
  teamId?: string,
  dropTeamEntries = false,
): Promise<EntryRow[]> {
  let q = (
    dropTeamEntries && teamId !== undefined
      ? trx
          .with('dropped', (w) =>
            w
              .deleteFrom('standings')
              .where('board', '=', board)
              .where('phase', '=', phase)
              .where('team_id', '=', teamId)
              .returning('entry'),
          )
          .selectFrom('submissions')
      : trx.selectFrom('submissions')
  )
    .select(['id', 'team_id', 'score', 'submitted_at', 'baseline'])
    .where('board', '=', board)
    .where('phase', '=', phase)
    .where('status', '=', 'scored')
  if (teamId !== undefined) q = q.where('team_id', '=', teamId)
  const rows = await q.execute()
  return rows.map((r) => ({
    submissionId: r.id,
    teamId: r.team_id,
    score: r.score!,
    submittedAt: r.submitted_at,
    baseline: r.baseline === 1,
  }))
}

/** The rows of table standings for `entries` of (board, phase). */
export function entryRows(board: string, phase: string, entries: Array<Standing<EntryRow>>) {
  return entries.map((e) => ({
    board,
    phase,
    entry: standingKey(e),
    team_id: e.teamId,
    submission_id: e.submissionId,
    score: e.score,
    submitted_at: e.submittedAt,
    submissions: e.submissions,
    last_submitted_at: e.lastSubmittedAt,
    baseline: e.baseline ? 1 : 0,
  }))
}

async function insertEntries(trx: Trx, board: string, phase: string, entries: Array<Standing<EntryRow>>) {
  const rows = entryRows(board, phase, entries)
  // 10 values a row: 400 rows stay far below either database's limit on bound values
  for (let i = 0; i < rows.length; i += 400)
    await trx
      .insertInto('standings')
      .values(rows.slice(i, i + 400))
      .execute()
}

async function ruleOf(ctx: ServerContext, trx: Trx, phase: string): Promise<RankRule | undefined> {
  return (await effectivePhases(ctx, trx)).find((p) => p.name === phase)?.rule
}

/** Every entry of (board, phase) from its scored submissions; the row of board_versions must be locked. */
async function rebuild(trx: Trx, board: string, phase: string, rule: RankRule): Promise<void> {
  await trx.deleteFrom('standings').where('board', '=', board).where('phase', '=', phase).execute()
  await insertEntries(trx, board, phase, standingsOf(await scoredRows(trx, board, phase), rule))
  await trx.updateTable('board_versions').set({ rule }).where('board', '=', board).where('phase', '=', phase).execute()
}

/**
 * A team's scored submissions on a board changed (one scored or rescored, a baseline marked or
 * unmarked): its entries are computed again, inside the caller's transaction. Call
 * `ctx.events.boardsChanged()` after the commit. A submission of no known phase changes nothing.
 */
export async function refreshTeamStandings(
  ctx: ServerContext,
  trx: Trx,
  board: string,
  phase: string | null,
  teamId: string,
): Promise<void> {
  if (phase === null) return
  const rule = await ruleOf(ctx, trx, phase)
  if (!rule) return
  // PostgreSQL: the NOTIFY rides on the version's update and the team's old entries are deleted by
  // the statement that reads its rows (each round trip costs both processes a wake-up)
  const pg = ctx.db.dialect === 'postgres'
  const { rule: builtWith } = await bump(trx, board, phase, pg ? `${board} ${phase}` : undefined)
  if (!pg) await ctx.db.notify(trx, BOARDS_CHANNEL, `${board} ${phase}`)
  if (builtWith !== rule) return rebuild(trx, board, phase, rule)
  if (!pg)
    await trx
      .deleteFrom('standings')
      .where('board', '=', board)
      .where('phase', '=', phase)
      .where('team_id', '=', teamId)
      .execute()
  await insertEntries(trx, board, phase, standingsOf(await scoredRows(trx, board, phase, teamId, pg), rule))
}

/**
 * PostgreSQL, for a statement that also writes other rows: a team's entry on (board, phase) as
 * [submission_id, score, submitted_at, submissions, last_submitted_at], null when it has none yet
 * (an expression for a select list, not yet run).
 */
export function teamEntryJson(q: QueryCreator<Database>, board: string, phase: string, teamId: string) {
  return q
    .selectFrom('standings')
    .select(
      sql<TeamEntryJson>`json_build_array(submission_id, score, submitted_at, submissions, last_submitted_at)`.as(
        'entry',
      ),
    )
    .where('board', '=', board)
    .where('phase', '=', phase)
    .where('entry', '=', teamId)
}

export type TeamEntryJson = [
  submissionId: string,
  score: number,
  submittedAt: string,
  submissions: number,
  lastSubmittedAt: string,
]

/**
 * PostgreSQL, for a statement that also writes other rows: a team's scored submissions of (board,
 * phase), and the submission `also` whatever its state, as one JSON array of
 * [id, score, submitted_at, baseline]; an empty array unless `wanted` (a parameter of the prepared
 * statement: a rescoring needs them, a first scoring does not). An expression for a select list.
 */
export function teamRowsJson(
  q: QueryCreator<Database>,
  board: string,
  phase: string,
  teamId: string,
  also: string,
  wanted: boolean,
) {
  return q
    .selectFrom('submissions')
    .select(
      sql<TeamRowJson[]>`coalesce(json_agg(json_build_array(id, score, submitted_at, baseline)), '[]')`.as('rows'),
    )
    .where(sql<boolean>`${wanted}`)
    .where('board', '=', board)
    .where('phase', '=', phase)
    .where('team_id', '=', teamId)
    .where((eb) => eb.or([eb('status', '=', 'scored'), eb('id', '=', also)]))
}

type TeamRowJson = [id: string, score: number | null, submittedAt: string, baseline: number]

/**
 * A team's entries once its submission `scoredId` has score `score` (a rescoring: a score that
 * moved can change which submission the team's entry is), from teamRowsJson's rows, read after the
 * audit log's lock as entryAfterFirstScoring says.
 */
export function teamEntriesWith(
  rows: TeamRowJson[],
  teamId: string,
  scoredId: string,
  score: number,
  rule: RankRule,
): Array<Standing<EntryRow>> {
  const entries = rows.map(([id, s, submittedAt, baseline]) => ({
    submissionId: id,
    teamId,
    score: id === scoredId ? score : s!,
    submittedAt,
    baseline: baseline === 1,
  }))
  return standingsOf(entries, rule)
}

/**
 * The entry that changes when a submission is scored for the first time, from the team's entry
 * before it (teamEntryJson; null: none yet): a baseline gets its own entry; otherwise both rules
 * pick one submission by a total order (standingsOf), so the team's pick among all its scored
 * submissions is the pick between its earlier pick and this one, its count one more and its last
 * submission time the later one. What a job costs then does not grow with the team's history
 * (reading all the team's rows took ~5-7 us per row per job, under the audit log's lock).
 *
 * The entry before must have been read after the audit log's lock was taken: every change to
 * which of a team's submissions are scored, their scores or their baseline marks is written or
 * followed, in its transaction, by the audit entry that takes that lock, so none can commit in
 * between. (The version row's lock, taken by the same statement as the read, does not cover it:
 * the statement reads as of its start.)
 */
export function entryAfterFirstScoring(
  before: TeamEntryJson | null,
  scored: EntryRow,
  rule: RankRule,
): Standing<EntryRow> {
  if (scored.baseline || !before) return standingsOf([scored], rule)[0]!
  const [submissionId, score, submittedAt, submissions, lastSubmittedAt] = before
  const kept: EntryRow = { submissionId, teamId: scored.teamId, score, submittedAt, baseline: false }
  const [pick] = standingsOf([kept, scored], rule)
  return {
    ...pick!,
    submissions: submissions + 1,
    lastSubmittedAt:
      Date.parse(scored.submittedAt) > Date.parse(lastSubmittedAt) ? scored.submittedAt : lastSubmittedAt,
  }
}

/**
 * The INSERT that writes entries (entryRows) over the rows of the same keys, not yet run:
 * a team's entries after one of its submissions was scored (a PostgreSQL job worker runs it in the
 * statement that writes the score). No entry of the team goes away then: each scored submission
 * keeps its key (the team's, or its own as a baseline), and scoring only adds or changes one.
 */
export function upsertEntries(q: QueryCreator<Database>, rows: ReturnType<typeof entryRows>) {
  return q
    .insertInto('standings')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['board', 'phase', 'entry']).doUpdateSet((eb) => ({
        team_id: eb.ref('excluded.team_id'),
        submission_id: eb.ref('excluded.submission_id'),
        score: eb.ref('excluded.score'),
        submitted_at: eb.ref('excluded.submitted_at'),
        submissions: eb.ref('excluded.submissions'),
        last_submitted_at: eb.ref('excluded.last_submitted_at'),
        baseline: eb.ref('excluded.baseline'),
      })),
    )
}

/** Phases or publication changed: readers drop what they cached. Call `ctx.events.boardsChanged()` after the commit. */
export async function settingsChanged(ctx: ServerContext, trx: Trx): Promise<void> {
  await bump(trx, SETTINGS_KEY.board, SETTINGS_KEY.phase)
  await ctx.db.notify(trx, BOARDS_CHANNEL, 'settings')
}

/** Rebuilds every board of a phase whose entries were made with another rule (after a rule change). */
export async function rebuildPhase(ctx: ServerContext, trx: Trx, phase: string): Promise<void> {
  const rule = await ruleOf(ctx, trx, phase)
  if (!rule) return
  for (const b of ctx.challenge.boards) {
    const { rule: builtWith } = await bump(trx, b.id, phase)
    if (builtWith !== rule) await rebuild(trx, b.id, phase, rule)
  }
  await ctx.db.notify(trx, BOARDS_CHANNEL, '')
}

/** Every version counter: `versionKey(board, phase)` (and SETTINGS_KEY's) -> version. */
export async function readVersions(ctx: ServerContext): Promise<Map<string, number>> {
  const rows = await ctx.db.kysely.selectFrom('board_versions').select(['board', 'phase', 'version']).execute()
  return new Map(rows.map((r) => [versionKey(r.board, r.phase), Number(r.version)]))
}

export interface StandingRow extends Standing<EntryRow> {
  team: string
  method: string
  details: unknown
}

/**
 * Builds the entries of (board, phase) when they were never built, or were built with another
 * rule than the phase's (challenge.yaml changed between runs). True when it built them.
 */
async function ensureBuilt(ctx: ServerContext, board: string, phase: string): Promise<boolean> {
  const built = await ctx.db.kysely.transaction().execute(async (trx) => {
    const rule = await ruleOf(ctx, trx, phase)
    if (!rule) return false
    const row = await trx
      .selectFrom('board_versions')
      .select('rule')
      .where('board', '=', board)
      .where('phase', '=', phase)
      .executeTakeFirst()
    if (row?.rule === rule) return false
    // the locked row's rule: another process may have built them meanwhile
    const { rule: builtWith } = await bump(trx, board, phase)
    if (builtWith !== rule) await rebuild(trx, board, phase, rule)
    await ctx.db.notify(trx, BOARDS_CHANNEL, `${board} ${phase}`)
    return true
  })
  if (built) ctx.events.boardsChanged()
  return built
}

/**
 * The entries of (board, phase) as stored, with the version they belong to (read first, so the
 * rows are never older than it). `rule` is the phase's rule as the caller knows it: entries
 * built with another one (or never built) are built first.
 */
export async function readStandings(
  ctx: ServerContext,
  board: string,
  phase: string,
  rule: RankRule,
): Promise<{ version: number; entries: StandingRow[] }> {
  const kysely = ctx.db.kysely
  const state = () =>
    kysely
      .selectFrom('board_versions')
      .select(['version', 'rule'])
      .where('board', '=', board)
      .where('phase', '=', phase)
      .executeTakeFirst()
  let version = await state()
  if (version?.rule !== rule && (await ensureBuilt(ctx, board, phase))) version = await state()
  const rows = await kysely
    .selectFrom('standings')
    .innerJoin('teams', 'teams.id', 'standings.team_id')
    .innerJoin('submissions', 'submissions.id', 'standings.submission_id')
    .select([
      'standings.team_id',
      'standings.submission_id',
      'standings.score',
      'standings.submitted_at',
      'standings.submissions',
      'standings.last_submitted_at',
      'standings.baseline',
      'teams.name as team',
      'submissions.method',
      'submissions.details',
    ])
    .where('standings.board', '=', board)
    .where('standings.phase', '=', phase)
    .execute()
  return {
    version: Number(version?.version ?? 0),
    entries: rows.map((r) => ({
      submissionId: r.submission_id,
      teamId: r.team_id,
      score: r.score,
      submittedAt: r.submitted_at,
      baseline: r.baseline === 1,
      submissions: Number(r.submissions),
      lastSubmittedAt: r.last_submitted_at,
      team: r.team,
      method: r.method,
      details: r.details ? (JSON.parse(r.details) as unknown) : null,
    })),
  }
}
