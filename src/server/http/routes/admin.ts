import type { FastifyInstance } from '../../../vendor/fastify.js'
import { queueCounts } from '../../queue/jobs.js'
import { duplicateFiles } from '../../services/duplicates.js'
import { createSignupInvite, requireOrganizer } from '../../services/accounts.js'
import { readAudit, verifyAudit } from '../../services/audit.js'
import { publishBoard, setBaseline } from '../../services/leaderboard.js'
import { patchPhase, type PhasePatch } from '../../services/phase-changes.js'
import { phaseJson } from '../../services/phases.js'
import { finishRescore, getRescore, type Rescore, startRescore } from '../../services/rescore.js'
import { allowTeamChange, listTeams, teamHistory } from '../../services/team-history.js'
import type { RouteDeps } from '../route-deps.js'

const tags = ['organizers']

export function adminRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.post<{ Params: { board: string }; Body: { phase?: string } | undefined }>(
    '/admin/boards/:board/publish',
    {
      schema: { tags, summary: "Publish a hidden phase's board (everyone sees it from now on)" },
    },
    async (req) => publishBoard(ctx, requireOrganizer(req.user), req.params.board, req.body?.phase),
  )

  api.post<{ Params: { id: string }; Body: { baseline?: boolean } | undefined }>(
    '/admin/submissions/:id/baseline',
    {
      schema: { tags, summary: 'Mark a submission as a baseline row ({"baseline": false} unmarks it)' },
    },
    async (req) => {
      const baseline = req.body?.baseline ?? true
      await setBaseline(ctx, requireOrganizer(req.user), req.params.id, baseline)
      return { submission: req.params.id, baseline }
    },
  )

  api.post<{ Params: { board: string }; Querystring: { wait?: string } }>(
    '/admin/boards/:board/rescore',
    {
      schema: {
        tags,
        summary:
          'Re-evaluate every scored submission of a board; old scores are kept. ?wait=1 answers with the rank changes when done',
      },
    },
    async (req, reply) => {
      const { rescore, started } = await startRescore(ctx, requireOrganizer(req.user), req.params.board)
      if (req.query.wait === '1' || req.query.wait === 'true') return finishRescore(ctx, rescore.id)
      // a rescoring of this board already running is the answer (200), not a second one
      return reply.status(started ? 202 : 200).send(rescoreJson(rescore))
    },
  )

  api.get(
    '/admin/duplicates',
    {
      schema: {
        tags,
        summary:
          'The same file (SHA-256) submitted on a board by more than one team, with those submissions, earliest first',
      },
    },
    async (req) => ({ duplicates: await duplicateFiles(ctx, req.user) }),
  )

  api.get<{ Params: { id: string } }>(
    '/admin/rescores/:id',
    {
      schema: {
        tags,
        summary: "A board rescoring's progress (done, failed of total) and, once done, the rank changes",
      },
    },
    async (req) => rescoreJson(await getRescore(ctx, req.user, req.params.id)),
  )

  api.get<{ Params: { id: string } }>(
    '/admin/rescores/:id/events',
    {
      schema: {
        tags,
        summary:
          "Server-sent events: the rescoring (event 'rescore', as GET /admin/rescores/:id) now and whenever it moves, until it is done",
      },
    },
    async (req, reply) => {
      const user = req.user
      let last = JSON.stringify(rescoreJson(await getRescore(ctx, user, req.params.id)))
      const stream = api.eventStreams.start(req, reply)
      stream.send('rescore', last)
      if ((JSON.parse(last) as { status: string }).status === 'done') return stream.end()
      let busy = false
      const check = async () => {
        if (stream.closed || busy) return
        busy = true
        try {
          const now = JSON.stringify(rescoreJson(await getRescore(ctx, user, req.params.id)))
          if (now !== last) stream.send('rescore', (last = now))
          if ((JSON.parse(now) as { status: string }).status === 'done') stream.end()
        } catch {
          stream.end()
        } finally {
          busy = false
        }
      }
      // jobs end here (in-process workers) or on other machines: listen and poll
      const onJob = () => void check()
      ctx.events.on('job', onJob)
      const poll = setInterval(onJob, 1000)
      stream.onClose(() => {
        clearInterval(poll)
        ctx.events.off('job', onJob)
      })
    },
  )

  api.patch<{ Params: { name: string }; Body: PhasePatch }>(
    '/admin/phases/:name',
    {
      schema: {
        tags,
        summary: 'Change a phase (dates, daily limit, public/hidden, best/latest)',
        body: {
          type: 'object',
          properties: {
            start: { type: 'string' },
            end: { type: 'string' },
            daily_limit: { type: 'integer' },
            leaderboard: { type: 'string' },
            rule: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    async (req) => phaseJson(await patchPhase(ctx, requireOrganizer(req.user), req.params.name, req.body)),
  )

  api.get<{ Querystring: { after?: string; limit?: string } }>(
    '/admin/audit',
    {
      schema: { tags, summary: 'The audit log (hash-chained) and whether the chain verifies' },
    },
    async (req) => {
      requireOrganizer(req.user)
      const chain = await verifyAudit(ctx)
      const entries = await readAudit(ctx, {
        afterSeq: req.query.after ? Number(req.query.after) : undefined,
        limit: Math.min(1000, Number(req.query.limit ?? 200)),
      })
      return { chain, entries }
    },
  )

  api.get('/admin/health', { schema: { tags, summary: 'Queue counts and workers seen' } }, async (req) => {
    requireOrganizer(req.user)
    const workers = await ctx.db.kysely
      .selectFrom('workers')
      .selectAll()
      .orderBy('last_seen_at', 'desc')
      .limit(50)
      .execute()
    return { database: ctx.db.dialect, jobs: await queueCounts(ctx.db), workers }
  })

  api.post(
    '/admin/signup-invites',
    { schema: { tags, summary: 'A single-use sign-up invite code (for invite-only servers)' } },
    async (req, reply) => {
      return reply.status(201).send({ code: await createSignupInvite(ctx, requireOrganizer(req.user)) })
    },
  )

  api.get('/admin/teams', { schema: { tags, summary: 'Every team: members, people who left' } }, async (req) => ({
    teams: await listTeams(ctx, req.user),
  }))

  api.get<{ Params: { id: string } }>(
    '/admin/teams/:id/history',
    {
      schema: {
        tags,
        summary:
          "A team's history: its members, and every creation, join, leave and allowed change of the people ever in it",
      },
    },
    async (req) => teamHistory(ctx, req.user, req.params.id),
  )

  api.post<{ Params: { id: string } }>(
    '/admin/users/:id/team-change',
    {
      schema: {
        tags,
        summary: 'Let a person create or join one more team in the current phase (one team per phase otherwise)',
      },
    },
    async (req) => {
      await allowTeamChange(ctx, req.user, req.params.id)
      return { user: req.params.id, allowed: true }
    },
  )
}

/** A rescoring as the API shows it (snake_case, like every answer). */
function rescoreJson(r: Rescore) {
  return {
    id: r.id,
    board: r.board,
    status: r.status,
    started_by: r.startedBy,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    total: r.total,
    done: r.done,
    failed: r.failed,
    changes: r.changes,
    page: `/organizer/rescores/${r.id}`,
  }
}
