// A participant's pages: submit (multipart form; an invalid file comes back with the validator's
// message next to the field), a submission's status, the team with its tokens and invitations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from '../../../vendor/fastify.js'
import type { SubmittedFile } from '../../boards/index.js'
import type { User } from '../../services/accounts.js'
import { notFound, ServiceError } from '../../services/errors.js'
import {
  getQuota,
  getPublicSubmission,
  getSubmission,
  listTeamSubmissions,
  submit,
  SUBMISSION_TEXT_LIMITS,
  type PublicSubmission,
} from '../../services/submissions.js'
import type { SubmissionView } from '../../wire.js'
import { checkCsrfToken } from '../../http/auth.js'
import { readUpload, refuseDeclaredOversize } from '../../http/upload.js'
import {
  createTeam,
  createTeamInvite,
  joinTeam,
  leaveTeam,
  myTeam,
  openTeamInvites,
  revokeTeamInvite,
} from '../../services/teams.js'
import { createToken, listTokens, revokeToken } from '../../services/tokens.js'
import { currentPhase } from '../../services/phases.js'
import { findBoard } from '../../challenge/load.js'
import { boardView, detailsView, quotaView, submissionRowView } from '../adapt.js'
import { submitPage } from '../pages/submit.js'
import { submissionPage } from '../pages/submission.js'
import { teamPage } from '../pages/team.js'
import type { QuotaView, SubmitField, SubmitView, TeamView } from '../view-models.js'
import { sentence } from '../format.js'
import type { Web } from '../web.js'
import { visibleBoards } from './public.js'

interface Upload {
  board: string
  files: SubmittedFile[]
  method: string
  description: string
  link: string
}

const FORM_FIELDS = ['board', 'method', 'description', 'link'] as const

const SUBMIT_FIELDS: readonly SubmitField[] = ['board', 'file', 'method', 'description', 'link']

/** Which field a service's refusal belongs next to: the one it names (err.field), else the file. */
function fieldOf(err: ServiceError): SubmitField {
  const named = err.field as SubmitField | undefined
  return named !== undefined && SUBMIT_FIELDS.includes(named) ? named : 'file'
}

export function participantRoutes(app: FastifyInstance, web: Web): void {
  const { ctx } = web

  async function submitView(
    user: User,
    selected: string | undefined,
    values: SubmitView['values'],
    errors: SubmitView['errors'],
  ): Promise<SubmitView> {
    const boards = (await visibleBoards(web, user)).map((b) => b.board)
    const team = await myTeam(ctx, user)
    const phase = await currentPhase(ctx)
    const quotas: Record<string, QuotaView> = {}
    if (team && phase) for (const b of boards) quotas[b.id] = quotaView(await getQuota(ctx, user, b.id))
    return {
      boards,
      selectedBoard: selected,
      quotas,
      values,
      errors,
      maxUploadBytes: ctx.config.maxUploadBytes,
      textLimits: SUBMISSION_TEXT_LIMITS,
      closedReason: !team
        ? 'Submissions belong to teams: create or join one on your team page first.'
        : !phase
          ? 'No phase is open now, so submissions are closed. The challenge page shows the next phase.'
          : undefined,
    }
  }

  app.get<{ Querystring: { board?: string } }>('/submit', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    return web.send(
      reply,
      submitPage(
        await web.pageContext(req, reply),
        await submitView(user, req.query.board, { method: '', description: '', link: '' }, {}),
      ),
    )
  })

  /** The form again, with the reason next to the field it concerns and the typed values kept. */
  async function refusedUpload(req: FastifyRequest, reply: FastifyReply, user: User, form: Upload, err: ServiceError) {
    const field = fieldOf(err)
    // The validator's message is shown as the CLI prints it (it starts with the file's name);
    // beside another field, without the field's name the message starts with
    const prefix = `${field}: `
    const message =
      field === 'file'
        ? err.message
        : sentence(err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message)
    const view = await submitView(
      user,
      form.board || undefined,
      { method: form.method, description: form.description, link: form.link },
      { [field]: message },
    )
    return web.send(reply, submitPage(await web.pageContext(req, reply), view), err.status)
  }

  app.post(
    '/submit',
    {
      schema: { hide: true },
      // the CSRF token is the form's first field, checked by readUpload before any file is read
      config: {
        csrfInHandler: true,
        rateLimit: {
          ...app.routeLimits.upload,
          errorResponseBuilder: (_req: FastifyRequest, c: { after: string }) =>
            new ServiceError(
              429,
              'rate_limited',
              `too many uploads in a short time; send this one again in ${c.after}`,
            ),
        },
      },
      onRequest: refuseDeclaredOversize(ctx),
      // a refusal before the handler (too large, too many uploads) keeps the form too
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Fastify awaits an error handler's promise (its type says void)
      errorHandler: async (err, req, reply) => {
        if (!(err instanceof ServiceError) || err.status >= 500 || !req.user) throw err
        const empty: Upload = { board: '', files: [], method: '', description: '', link: '' }
        return refusedUpload(req, reply, req.user, empty, err)
      },
    },
    async (req, reply) => {
      const user = web.needUser(req, reply)
      if (!user) return reply
      const form: Upload = { board: '', files: [], method: '', description: '', link: '' }
      try {
        const sessionToken = req.sessionToken
        const upload = await readUpload(req, {
          maxBytes: ctx.config.maxUploadBytes,
          fields: FORM_FIELDS,
          csrf: sessionToken === undefined ? undefined : (token) => checkCsrfToken(app, req, token),
        })
        Object.assign(form, upload.fields, { files: upload.files })
        if (!findBoard(ctx.challenge, form.board))
          throw new ServiceError(400, 'bad_request', 'board: choose one of the boards in the list', { field: 'board' })
        if (form.files.length === 0)
          throw new ServiceError(400, 'invalid_file', 'choose the training-set file to submit')
        const result = await submit(ctx, user, form.board, form.files, {
          method: form.method,
          description: form.description,
          link: form.link,
        })
        return web.redirect(reply, `/submissions/${encodeURIComponent(result.submission.id)}`, {
          kind: 'ok',
          text: result.duplicate
            ? 'Your team submitted these exact bytes before: here is that submission (nothing was charged).'
            : `Submitted to ${form.board}: ${result.quota.remaining} of ${result.quota.limit} left today.`,
        })
      } catch (err) {
        if (!(err instanceof ServiceError) || err.status >= 500 || err.code === 'csrf') throw err
        return refusedUpload(req, reply, user, form, err)
      }
    },
  )

  app.get<{ Params: { id: string } }>('/submissions/:id', { schema: { hide: true } }, async (req, reply) => {
    const user = req.user
    // the whole submission for its team and organizers; for anyone else who may see its board, the
    // public summary of a row of that board; else a log-in (a team's own page) or 'not found'
    const own = user ? await getSubmission(ctx, user, req.params.id).catch(unlessNotFound) : undefined
    if (!own) {
      const pub = await getPublicSubmission(ctx, user, req.params.id).catch(unlessNotFound)
      if (!pub) {
        if (!web.needUser(req, reply)) return reply
        throw notFound(`submission ${req.params.id}`)
      }
      return web.send(
        reply,
        submissionPage(await web.pageContext(req, reply), {
          ...sharedFields(pub),
          status: 'scored',
          score: pub.score,
          eventsUrl: '',
        }),
      )
    }
    const s = own
    const id = encodeURIComponent(s.id)
    return web.send(
      reply,
      submissionPage(await web.pageContext(req, reply), {
        ...sharedFields(s),
        status: s.status,
        stage: s.stage ?? undefined,
        progress: s.progress.total > 0 ? s.progress : undefined,
        error: s.error ?? undefined,
        score: s.score ?? undefined,
        sha256: s.sha256,
        scoreHidden: s.score_hidden,
        manifestUrl: s.status === 'scored' && !s.score_hidden ? `/api/v1/submissions/${id}/manifest` : undefined,
        eventsUrl: `/api/v1/submissions/${id}/events`,
      }),
    )
  })

  /** The page's fields that a team's own view and the public summary of a board row show alike. */
  function sharedFields(s: PublicSubmission | SubmissionView) {
    const board = findBoard(ctx.challenge, s.board)
    return {
      id: s.id,
      board: board ? boardView(board) : { id: s.board, track: 'speech' as const },
      team: s.team,
      method: s.method,
      description: s.description ?? undefined,
      link: s.link ?? undefined,
      details: detailsView(s.details),
      rank: s.rank ?? undefined,
      baseline: s.baseline,
      submittedAt: new Date(s.submitted_at),
      scoredAt: s.scored_at ? new Date(s.scored_at) : undefined,
      publicKeyUrl: '/api/v1/public-key',
    }
  }

  async function teamView(user: User, extra: Partial<TeamView> = {}, req?: FastifyRequest): Promise<TeamView> {
    const team = await myTeam(ctx, user)
    const phase = await currentPhase(ctx)
    const boards = (await visibleBoards(web, user)).map((b) => b.board)
    const quotas =
      team && phase
        ? await Promise.all(boards.map(async (b) => ({ board: b, quota: quotaView(await getQuota(ctx, user, b.id)) })))
        : []
    return {
      team: team
        ? { id: team.id, name: team.name, members: team.members.map((m) => ({ name: m.name, email: m.email })) }
        : undefined,
      invites: team
        ? (await openTeamInvites(ctx, user, team.id)).map((i) => ({
            id: i.id,
            createdBy: i.createdBy,
            createdAt: new Date(i.createdAt),
            expiresAt: new Date(i.expiresAt),
          }))
        : [],
      tokens: (await listTokens(ctx, user))
        .filter((t) => !t.revoked_at)
        .map((t) => ({
          id: t.id,
          name: t.name,
          createdAt: new Date(t.created_at),
          lastUsedAt: t.last_used_at ? new Date(t.last_used_at) : undefined,
        })),
      submissions: (await listTeamSubmissions(ctx, user)).map(submissionRowView),
      quotas,
      errors: {},
      serverUrl: req ? web.baseUrl(req) : '',
      ...extra,
    }
  }

  // A new token or invitation code is shown once, on the page the POST redirects to (so a reload
  // repeats nothing): it rides in a short-lived cookie scoped to /team, read and cleared there.
  const REVEAL_COOKIE = 'dataperf_reveal'
  const revealOnce = (reply: FastifyReply, extra: Partial<TeamView>) =>
    reply.setCookie(REVEAL_COOKIE, Buffer.from(JSON.stringify(extra)).toString('base64url'), {
      path: '/team',
      httpOnly: true,
      sameSite: 'strict',
      maxAge: 120,
    })
  const takeReveal = (req: FastifyRequest, reply: FastifyReply): Partial<TeamView> => {
    const raw = req.cookies[REVEAL_COOKIE]
    if (!raw) return {}
    reply.clearCookie(REVEAL_COOKIE, { path: '/team' })
    try {
      const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<TeamView>
      return {
        ...(typeof v.newInviteCode === 'string' ? { newInviteCode: v.newInviteCode } : {}),
        ...(v.newToken && typeof v.newToken.token === 'string'
          ? { newToken: { name: String(v.newToken.name), token: v.newToken.token } }
          : {}),
      }
    } catch {
      return {}
    }
  }

  app.get('/team', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    const reveal = takeReveal(req, reply)
    return web.send(reply, teamPage(await web.pageContext(req, reply), await teamView(user, reveal, req)))
  })

  /** Runs a team action, then redirects (303) to the team page; a refusal comes back on the team page next to the field it concerns. */
  function teamAction<B>(
    path: string,
    field: keyof TeamView['errors'] | undefined,
    action: (user: User, body: B, req: FastifyRequest) => Promise<{ flash?: string; extra?: Partial<TeamView> }>,
  ): void {
    app.post<{ Body: B }>(path, { schema: { hide: true } }, async (req, reply) => {
      const user = web.needUser(req, reply)
      if (!user) return reply
      try {
        const done = await action(user, (req.body ?? {}) as B, req)
        if (done.extra) revealOnce(reply, done.extra)
        return web.redirect(reply, '/team', done.flash ? { kind: 'ok', text: done.flash } : undefined)
      } catch (err) {
        if (!(err instanceof ServiceError) || err.status >= 500) throw err
        const errors = field ? { [field]: sentence(err.message) } : {}
        const ctxPage = await web.pageContext(req, reply)
        if (!field) ctxPage.flash = { kind: 'error', text: sentence(err.message) }
        return web.send(reply, teamPage(ctxPage, await teamView(user, { errors }, req)), err.status)
      }
    })
  }

  teamAction<{ name?: string }>('/team', 'teamName', async (user, body) => {
    const team = await createTeam(ctx, user, body.name ?? '')
    return { flash: `Team ${team.name} created. Invite the others with a code from this page.` }
  })
  teamAction<{ code?: string }>('/team/join', 'inviteCode', async (user, body) => {
    const team = await joinTeam(ctx, user, (body.code ?? '').trim())
    return { flash: `You joined ${team.name}.` }
  })
  teamAction('/team/leave', undefined, async (user) => {
    await leaveTeam(ctx, user)
    return { flash: 'You left the team.' }
  })
  teamAction('/team/invites', undefined, async (user) => {
    const team = await myTeam(ctx, user)
    if (!team) throw new ServiceError(403, 'no_team', 'you are in no team')
    const invite = await createTeamInvite(ctx, user, team.id)
    return { extra: { newInviteCode: invite.code } }
  })
  teamAction('/team/invites/:id/revoke', undefined, async (user, _body, req) => {
    const team = await myTeam(ctx, user)
    if (!team) throw new ServiceError(403, 'no_team', 'you are in no team')
    await revokeTeamInvite(ctx, user, team.id, (req.params as { id: string }).id)
    return { flash: 'Invitation withdrawn: its code no longer joins the team.' }
  })
  teamAction<{ name?: string }>('/team/tokens', 'tokenName', async (user, body) => {
    const token = await createToken(ctx, user, body.name ?? '')
    return { extra: { newToken: { name: (body.name ?? '').trim(), token: token.token } } }
  })
  app.post<{ Params: { id: string } }>('/team/tokens/:id/revoke', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    await revokeToken(ctx, user, req.params.id)
    return web.redirect(reply, '/team', { kind: 'ok', text: 'Token revoked: it no longer opens the API.' })
  })
}

/** For a lookup that may be refused: undefined for 'not found' (404), other errors go on. */
function unlessNotFound(err: unknown): undefined {
  if (err instanceof ServiceError && err.status === 404) return undefined
  throw err
}
