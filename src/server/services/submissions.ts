/**
 * Submissions: check at once with the board's validator (the CLI's own), then in ONE transaction
 * store the files by SHA-256, charge the quota and queue the scoring job. An invalid file is
 * refused with the validator's one-line message and costs nothing; a byte-equal resubmission by
 * the same team is answered with the earlier submission, also at no cost.
 */
import { UserError } from '../../errors.js'
import { validateSubmission, type SubmittedFile } from '../boards/index.js'
import type { Phase } from '../challenge/load.js'
import { isUniqueViolation } from '../db/open.js'
import type { SubmissionsTable } from '../db/schema.js'
import { enqueueJob } from '../queue/jobs.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import { requireBoard } from './boards.js'
import { iso, type ServerContext } from './context.js'
import { badRequest, notFound, ServiceError } from './errors.js'
import { boardIsVisible, teamRank } from './leaderboard.js'
import { rankedBoard } from './board-cache.js'
import { currentPhase, displayedPhase } from './phases.js'
import type { Quota, SubmissionView, SubmitResult } from '../wire.js'
import { chargeQuota, readQuota, utcDay } from './quota.js'
import { requireTeam, teamIdOf } from './teams.js'
import { newId } from '../db/ids.js'
import { sha256Hex } from './secrets.js'

export interface SubmissionMeta {
  method: string
  description?: string | undefined
  link?: string | undefined
}

/** The longest method name, description and link a submission keeps (longer ones are refused, never cut). */
export const SUBMISSION_TEXT_LIMITS = { method: 200, description: 5000, link: 2000 } as const

function tooLong(field: keyof typeof SUBMISSION_TEXT_LIMITS, value: string) {
  if (value.length > SUBMISSION_TEXT_LIMITS[field])
    throw badRequest(
      `${field}: at most ${SUBMISSION_TEXT_LIMITS[field]} characters; this one has ${value.length}`,
      'bad_request',
      field,
    )
}

function checkMeta(meta: SubmissionMeta): SubmissionMeta {
  const method = (meta.method ?? '').trim()
  if (method === '') throw badRequest("method: expected the method's name", 'bad_request', 'method')
  tooLong('method', method)
  const description = meta.description?.trim() || undefined
  if (description) tooLong('description', description)
  const link = meta.link?.trim() || undefined
  if (link) tooLong('link', link)
  if (link && !/^https?:\/\/\S+$/.test(link))
    throw badRequest(`link: expected an http(s) URL, got '${link}'`, 'bad_request', 'link')
  return { method, description, link }
}

export async function getQuota(ctx: ServerContext, user: User, boardId: string): Promise<Quota> {
  requireBoard(ctx, boardId)
  const teamId = await requireTeam(ctx, user)
  const phase = await currentPhase(ctx)
  if (!phase) return { limit: 0, used: 0, remaining: 0, resets_at: (await nextPhaseStart(ctx)) ?? '' }
  return readQuota(ctx, { teamId, userId: user.id }, boardId, phase)
}

async function nextPhaseStart(ctx: ServerContext): Promise<string | undefined> {
  const now = ctx.now()
  const next = ctx.challenge.phases
    .filter((p) => p.start > now)
    .sort((a, b) => a.start.getTime() - b.start.getTime())[0]
  return next?.start.toISOString()
}

export async function submit(
  ctx: ServerContext,
  user: User,
  boardId: string,
  files: SubmittedFile[],
  metaRaw: SubmissionMeta,
): Promise<SubmitResult> {
  const board = requireBoard(ctx, boardId)
  const teamId = await requireTeam(ctx, user)
  const meta = checkMeta(metaRaw)
  const phase = await currentPhase(ctx)
  if (!phase) {
    const next = await nextPhaseStart(ctx)
    throw new ServiceError(
      403,
      'no_open_phase',
      next
        ? `submissions are closed; the next phase opens at ${next}`
        : 'submissions are closed: no phase of this challenge is open',
    )
  }
  if (files.length === 0) throw badRequest('no file: send the submission as multipart field "file"', 'invalid_file')
  let valid
  try {
    valid = await validateSubmission(board, files)
  } catch (err) {
    if (err instanceof UserError) throw new ServiceError(400, 'invalid_file', err.message)
    throw err
  }
  const earlier = await findByHash(ctx, teamId, board.id, valid.sha256)
  if (earlier && earlier.status === 'failed') return retryFailed(ctx, user, earlier, phase)
  if (earlier)
    return {
      submission: await viewOf(ctx, user, earlier),
      quota: await readQuota(ctx, { teamId, userId: user.id }, board.id, phase),
      duplicate: true,
    }

  const id = newId('sub')
  const now = ctx.now()
  let quota: Quota
  try {
    quota = await ctx.db.kysely.transaction().execute(async (trx) => {
      const q = await chargeQuota(ctx, trx, { teamId, userId: user.id }, board.id, phase)
      for (const f of valid.files) {
        await trx
          .insertInto('blobs')
          .values({ sha256: sha256Hex(f.bytes), bytes: f.bytes, size: f.bytes.length })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .execute()
      }
      await trx
        .insertInto('submissions')
        .values({
          id,
          board: board.id,
          team_id: teamId,
          user_id: user.id,
          phase: phase.name,
          method: meta.method,
          description: meta.description ?? null,
          link: meta.link ?? null,
          sha256: valid.sha256,
          status: 'queued',
          stage: 'queued',
          progress_done: 0,
          progress_total: 0,
          error: null,
          score: null,
          details: null,
          score_id: null,
          baseline: 0,
          quota_day: utcDay(now),
          submitted_at: iso(now),
          scored_at: null,
        })
        .execute()
      await trx
        .insertInto('submission_files')
        .values(
          valid.files.map((f, position) => ({
            submission_id: id,
            position,
            name: f.name,
            blob_sha256: sha256Hex(f.bytes),
          })),
        )
        .execute()
      await enqueueJob(ctx.db, trx, id, 'score', now)
      await appendAudit(ctx, trx, {
        kind: 'submission',
        actor: user.id,
        payload: {
          submission: id,
          team: teamId,
          board: board.id,
          phase: phase.name,
          sha256: valid.sha256,
          quota_used: q.used,
          quota_limit: q.limit,
        },
      })
      return q
    })
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'quota_exceeded') {
      await ctx.db.kysely.transaction().execute((trx) =>
        appendAudit(ctx, trx, {
          kind: 'quota',
          actor: user.id,
          payload: {
            decision: 'refused',
            team: teamId,
            board: board.id,
            limit: err.extra['limit'],
            resets_at: err.extra['resets_at'],
          },
        }),
      )
      throw err
    }
    if (isUniqueViolation(err)) {
      // a byte-equal twin sent at the same moment won the race; answer with it
      const twin = await findByHash(ctx, teamId, board.id, valid.sha256)
      if (twin)
        return {
          submission: await viewOf(ctx, user, twin),
          quota: await readQuota(ctx, { teamId, userId: user.id }, board.id, phase),
          duplicate: true,
        }
    }
    throw err
  }
  ctx.events.changed(id)
  return { submission: await getSubmission(ctx, user, id), quota, duplicate: false }
}

/** The same file again after its scoring failed (the failure gave the quota back): charged and queued anew. */
async function retryFailed(
  ctx: ServerContext,
  user: User,
  earlier: SubmissionsTable,
  phase: Phase,
): Promise<SubmitResult> {
  const now = ctx.now()
  const quota = await ctx.db.kysely.transaction().execute(async (trx) => {
    const q = await chargeQuota(ctx, trx, { teamId: earlier.team_id, userId: user.id }, earlier.board, phase)
    await trx
      .updateTable('submissions')
      // charged to the sender of this retry, so a refund goes back to them
      .set({ status: 'queued', stage: 'queued', error: null, quota_day: utcDay(now), user_id: user.id })
      .where('id', '=', earlier.id)
      .execute()
    await enqueueJob(ctx.db, trx, earlier.id, 'score', now)
    await appendAudit(ctx, trx, {
      kind: 'submission',
      actor: user.id,
      payload: {
        submission: earlier.id,
        team: earlier.team_id,
        board: earlier.board,
        phase: phase.name,
        sha256: earlier.sha256,
        retry: true,
        quota_used: q.used,
        quota_limit: q.limit,
      },
    })
    return q
  })
  ctx.events.changed(earlier.id)
  return { submission: await getSubmission(ctx, user, earlier.id), quota, duplicate: false }
}

async function findByHash(
  ctx: ServerContext,
  teamId: string,
  board: string,
  sha256: string,
): Promise<SubmissionsTable | undefined> {
  return ctx.db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('board', '=', board)
    .where('sha256', '=', sha256)
    .executeTakeFirst()
}

/** Reads one submission for `viewer`: its team's members and organizers only (others get 404). */
export async function getSubmission(ctx: ServerContext, viewer: User, id: string): Promise<SubmissionView> {
  const row = await ctx.db.kysely.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row || !(await canSee(ctx, viewer, row))) throw notFound(`submission ${id}`)
  return viewOf(ctx, viewer, row)
}

async function canSee(ctx: ServerContext, viewer: User, row: SubmissionsTable): Promise<boolean> {
  return viewer.role === 'organizer' || (await teamIdOf(ctx, viewer.id)) === row.team_id
}

async function viewOf(ctx: ServerContext, viewer: User | undefined, row: SubmissionsTable): Promise<SubmissionView> {
  const team = await ctx.db.kysely.selectFrom('teams').select('name').where('id', '=', row.team_id).executeTakeFirst()
  const phase = await displayedPhase(ctx, row.phase ?? undefined).catch(() => undefined)
  const visible = phase ? await boardIsVisible(ctx, row.board, phase, viewer) : true
  const scored = row.status === 'scored'
  return {
    id: row.id,
    board: row.board,
    team: team?.name ?? '?',
    team_id: row.team_id,
    phase: row.phase,
    method: row.method,
    description: row.description,
    link: row.link,
    sha256: row.sha256,
    status: row.status,
    stage: row.stage,
    progress: { done: row.progress_done, total: row.progress_total },
    error: row.error,
    score: scored && visible ? row.score : null,
    details: scored && visible && row.details ? (JSON.parse(row.details) as unknown) : null,
    rank: scored && visible && phase ? await teamRank(ctx, row.board, phase, row.id) : null,
    baseline: row.baseline === 1,
    score_hidden: scored && !visible,
    submitted_at: row.submitted_at,
    scored_at: row.scored_at,
  }
}

/** What anyone who may see a board reads of a submission shown on it: no file, hash or manifest. */
export interface PublicSubmission {
  id: string
  board: string
  team: string
  phase: string
  method: string
  description: string | null
  link: string | null
  score: number
  /** speech { seeds, perSeedF1 } or vision { tasks } */
  details: unknown
  /** null for a baseline row */
  rank: number | null
  baseline: boolean
  submitted_at: string
  scored_at: string | null
}

/**
 * A submission's public summary (issue 18 item 11): readable by anyone who may see its board in
 * its phase (logged in or not), for a submission that is a row of that board (a team's counted
 * submission, or a baseline); any other is 'not found', as for a stranger's file.
 */
export async function getPublicSubmission(
  ctx: ServerContext,
  viewer: User | undefined,
  id: string,
): Promise<PublicSubmission> {
  const row = await ctx.db.kysely.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst()
  const phase =
    row?.phase && row.status === 'scored' ? await displayedPhase(ctx, row.phase).catch(() => undefined) : undefined
  if (!row || !phase || !(await boardIsVisible(ctx, row.board, phase, viewer))) throw notFound(`submission ${id}`)
  if (!(await rankedBoard(ctx, row.board, phase)).submissionIndex.has(row.id)) throw notFound(`submission ${id}`)
  const v = await viewOf(ctx, viewer, row)
  return {
    id: v.id,
    board: v.board,
    team: v.team,
    phase: phase.name,
    method: v.method,
    description: v.description,
    link: v.link,
    score: v.score ?? Number.NaN,
    details: v.details,
    rank: v.rank,
    baseline: v.baseline,
    submitted_at: v.submitted_at,
    scored_at: v.scored_at,
  }
}

export async function listTeamSubmissions(ctx: ServerContext, viewer: User): Promise<SubmissionView[]> {
  const teamId = await teamIdOf(ctx, viewer.id)
  if (!teamId) return []
  const rows = await ctx.db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('team_id', '=', teamId)
    .orderBy('submitted_at', 'desc')
    .limit(500)
    .execute()
  return Promise.all(rows.map((r) => viewOf(ctx, viewer, r)))
}

/** The submitted files (for the worker, and for the owning team and organizers). */
export async function submissionFiles(ctx: Pick<ServerContext, 'db'>, submissionId: string): Promise<SubmittedFile[]> {
  const rows = await ctx.db.kysely
    .selectFrom('submission_files')
    .innerJoin('blobs', 'blobs.sha256', 'submission_files.blob_sha256')
    .select(['submission_files.name', 'blobs.bytes'])
    .where('submission_files.submission_id', '=', submissionId)
    .orderBy('submission_files.position')
    .execute()
  return rows.map((r) => ({ name: r.name, bytes: Buffer.from(r.bytes) }))
}

export async function downloadSubmissionFiles(ctx: ServerContext, viewer: User, id: string): Promise<SubmittedFile[]> {
  await getSubmission(ctx, viewer, id) // 404 unless the viewer may see it
  return submissionFiles(ctx, id)
}
