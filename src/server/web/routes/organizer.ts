// The organizers' page and its forms: phase changes, publishing, baselines, rescoring (the page
// redirects to the rescoring's own page, which follows it and shows the rank changes), audit log and health.
import type { FastifyInstance, FastifyReply, FastifyRequest } from '../../../vendor/fastify.js'
import { requireOrganizer, type User } from '../../services/accounts.js'
import { readAudit, verifyAudit } from '../../services/audit.js'
import { ServiceError } from '../../services/errors.js'
import { publishBoard, setBaseline } from '../../services/leaderboard.js'
import { health, listSubmissions, type SubmissionQuery } from '../../services/overview.js'
import { patchPhase } from '../../services/phase-changes.js'
import { effectivePhases } from '../../services/phases.js'
import { getRescore, startRescore } from '../../services/rescore.js'
import { duplicateFiles } from '../../services/duplicates.js'
import { phaseView, submissionRowView } from '../adapt.js'
import { organizerPage } from '../pages/organizer.js'
import { rescorePage } from '../pages/organizer-rescore.js'
import type { OrganizerView } from '../view-models.js'
import { sentence } from '../format.js'
import type { Web } from '../web.js'
import { visibleBoards } from './public.js'

const AUDIT_SHOWN = 50
const SUBMISSIONS_SHOWN = 50

/** One line per audit entry: its payload's fields, as "key value" pairs. */
function auditSummary(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return String(payload ?? '')
  return Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ')
}

export function organizerRoutes(app: FastifyInstance, web: Web): void {
  const { ctx } = web

  async function view(
    user: User,
    extra: Partial<OrganizerView> = {},
    query: SubmissionQuery = {},
  ): Promise<OrganizerView> {
    const chain = await verifyAudit(ctx)
    const entries = await readAudit(ctx, { afterSeq: Math.max(0, chain.total - AUDIT_SHOWN) })
    const h = await health(ctx, user)
    return {
      phases: (await effectivePhases(ctx)).map(phaseView),
      boards: (await visibleBoards(web, user)).map((b) => b.board),
      ...(await submissionsOf(user, query)),
      audit: {
        entries: entries.reverse().map((e) => ({
          seq: e.seq,
          at: new Date(e.at),
          kind: e.kind,
          actor: e.actor,
          summary: auditSummary(e.payload),
        })),
        chain: { ok: chain.ok, brokenAt: chain.brokenAt },
      },
      health: {
        queue: h.submissions,
        workers: h.workers.map((w) => ({
          id: w.id,
          host: `${w.host} (pid ${w.pid})`,
          lastSeen: new Date(w.last_seen_at),
          jobsDone: w.jobs_done,
        })),
      },
      duplicates: (await duplicateFiles(ctx, user)).length,
      errors: {},
      ...extra,
    }
  }

  /** A page of every team's submissions, newest first, narrowed by a search (?q=, ?status=). */
  async function submissionsOf(user: User, query: SubmissionQuery) {
    const list = await listSubmissions(ctx, user, { ...query, limit: SUBMISSIONS_SHOWN })
    const from = (list.page - 1) * list.limit
    return {
      submissions: list.rows.map((s) => submissionRowView({ ...s, score: s.score })),
      submissionsPager: {
        page: list.page,
        pages: list.pages,
        total: list.total,
        from: list.rows.length ? from + 1 : 0,
        to: from + list.rows.length,
      },
      ...(query.q ? { submissionsQuery: query.q } : {}),
    }
  }

  function organizer(req: FastifyRequest, reply: FastifyReply): User | undefined {
    const user = web.needUser(req, reply)
    return user ? requireOrganizer(user) : undefined
  }

  app.get<{ Querystring: { page?: string; q?: string; status?: string } }>(
    '/organizer',
    { schema: { hide: true } },
    async (req, reply) => {
      const user = organizer(req, reply)
      if (!user) return reply
      const page = Number(req.query.page ?? 1)
      const status = ['queued', 'running', 'scored', 'failed'].find((s) => s === req.query.status) as
        | SubmissionQuery['status']
        | undefined
      const query: SubmissionQuery = {
        page: Number.isInteger(page) && page > 0 ? page : 1,
        q: req.query.q?.trim().slice(0, 200) || undefined,
        status,
      }
      return web.send(reply, organizerPage(await web.pageContext(req, reply), await view(user, {}, query)))
    },
  )

  /** A refusal (bad dates, unknown submission) comes back on the page, next to what it concerns. */
  async function refused(req: FastifyRequest, reply: FastifyReply, user: User, key: string, err: unknown) {
    if (!(err instanceof ServiceError) || err.status >= 500) throw err
    return web.send(
      reply,
      organizerPage(await web.pageContext(req, reply), await view(user, { errors: { [key]: sentence(err.message) } })),
      err.status,
    )
  }

  app.post<{
    Params: { name: string }
    Body: { start?: string; end?: string; daily_limit?: string; leaderboard?: string; rule?: string }
  }>('/organizer/phases/:name', { schema: { hide: true } }, async (req, reply) => {
    const user = organizer(req, reply)
    if (!user) return reply
    const b = req.body ?? {}
    // datetime-local gives "2026-12-01T00:00" without a zone; the form says UTC.
    const utc = (v: string | undefined) =>
      v ? (/Z$|[+-]\d\d:\d\d$/.test(v) ? v : `${v}:00Z`.replace(/:(\d\d):00Z$/, ':$1:00Z')) : undefined
    try {
      const limit = b.daily_limit === undefined || b.daily_limit === '' ? undefined : Number(b.daily_limit)
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
        throw new ServiceError(
          400,
          'bad_request',
          `daily limit: expected a whole number of submissions, got '${b.daily_limit}'`,
        )
      await patchPhase(ctx, user, req.params.name, {
        start: utc(b.start),
        end: utc(b.end),
        daily_limit: limit,
        leaderboard: b.leaderboard,
        rule: b.rule,
      })
      return web.redirect(reply, '/organizer#phases-h', { kind: 'ok', text: `Phase ${req.params.name} saved.` })
    } catch (err) {
      return refused(req, reply, user, `phase:${req.params.name}`, err)
    }
  })

  app.post<{ Params: { board: string } }>(
    '/organizer/boards/:board/publish',
    { schema: { hide: true } },
    async (req, reply) => {
      const user = organizer(req, reply)
      if (!user) return reply
      try {
        const r = await publishBoard(ctx, user, req.params.board)
        return web.redirect(reply, '/organizer#boards-h', {
          kind: 'ok',
          text: `Board ${r.board} published for phase ${r.phase}: everyone sees it now.`,
        })
      } catch (err) {
        return refused(req, reply, user, 'boards', err)
      }
    },
  )

  // the rescoring runs in the background: the form answers at once with a redirect to its page
  // (a reload or a second click lands on the running one instead of starting another)
  app.post<{ Params: { board: string } }>(
    '/organizer/boards/:board/rescore',
    { schema: { hide: true } },
    async (req, reply) => {
      const user = organizer(req, reply)
      if (!user) return reply
      try {
        const { rescore, started } = await startRescore(ctx, user, req.params.board)
        return web.redirect(reply, `/organizer/rescores/${rescore.id}`, {
          kind: 'ok',
          text: started
            ? `Rescoring ${rescore.board}: ${rescore.total} submissions queued.`
            : `${rescore.board} is being rescored already (${rescore.done + rescore.failed} of ${rescore.total} done): this is that rescoring.`,
        })
      } catch (err) {
        return refused(req, reply, user, 'boards', err)
      }
    },
  )

  app.get<{ Params: { id: string } }>('/organizer/rescores/:id', { schema: { hide: true } }, async (req, reply) => {
    const user = organizer(req, reply)
    if (!user) return reply
    const r = await getRescore(ctx, user, req.params.id)
    return web.send(
      reply,
      rescorePage(await web.pageContext(req, reply), {
        id: r.id,
        board: r.board,
        status: r.status,
        startedAt: new Date(r.startedAt),
        ...(r.finishedAt ? { finishedAt: new Date(r.finishedAt) } : {}),
        total: r.total,
        done: r.done,
        failed: r.failed,
        ...(r.changes
          ? {
              changes: r.changes.map((c) => ({
                team: c.team,
                rankBefore: c.before ?? undefined,
                rankAfter: c.after ?? undefined,
                scoreBefore: c.scoreBefore,
                scoreAfter: c.scoreAfter,
              })),
            }
          : {}),
        eventsUrl: `/api/v1/admin/rescores/${encodeURIComponent(r.id)}/events`,
      }),
    )
  })

  app.post<{ Params: { id: string }; Body: { baseline?: string } }>(
    '/organizer/submissions/:id/baseline',
    { schema: { hide: true } },
    async (req, reply) => {
      const user = organizer(req, reply)
      if (!user) return reply
      const baseline = (req.body?.baseline ?? 'true') !== 'false'
      try {
        await setBaseline(ctx, user, req.params.id, baseline)
        return web.redirect(reply, '/organizer#subs-h', {
          kind: 'ok',
          text: baseline ? 'Marked as a baseline row.' : 'No longer a baseline row.',
        })
      } catch (err) {
        return refused(req, reply, user, 'boards', err)
      }
    },
  )
}
