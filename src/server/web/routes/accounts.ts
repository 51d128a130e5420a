// Sign up, log in, log out. A refused form comes back with the reason next to the field (or at
// the top: a wrong e-mail or password, a rate limit, a lock), and the typed values kept, the
// password not. Both forms carry a pre-session CSRF token (no other site can log a visitor in),
// and both count in the one per-address bucket of password checks that the API's routes share.
import type { FastifyInstance, FastifyReply, FastifyRequest } from '../../../vendor/fastify.js'
import { logIn, logOut, signUp } from '../../services/accounts.js'
import { ServiceError } from '../../services/errors.js'
import { preSessionCsrfToken, SESSION_COOKIE, sessionCookie } from '../../http/auth.js'
import { accountPage } from '../pages/accounts.js'
import { sameOriginPath } from '../same-origin.js'
import type { AccountView } from '../view-models.js'
import { sentence } from '../format.js'
import type { Web } from '../web.js'

interface Form {
  email?: string
  name?: string
  password?: string
  invite_code?: string
}

const CSRF_CODES = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET'])

export function accountRoutes(app: FastifyInstance, web: Web): void {
  const { ctx } = web
  /** Only paths on this server are followed after logging in. */
  const safeNext = (req: FastifyRequest, next: string | undefined) => sameOriginPath(next, web.baseUrl(req))

  function show(
    req: FastifyRequest,
    reply: FastifyReply,
    mode: AccountView['mode'],
    form: Form,
    errors: AccountView['errors'],
    status: number,
    next?: string,
  ) {
    return web.pageContext(req, reply).then((c) => {
      // not logged in: a pre-session token, bound to this browser's CSRF secret cookie
      if (!c.csrfToken) c.csrfToken = preSessionCsrfToken(reply)
      return web.send(
        reply,
        accountPage(c, {
          mode,
          values: { email: form.email ?? '', name: form.name ?? '', inviteCode: form.invite_code ?? '' },
          errors,
          inviteRequired: ctx.config.inviteOnly,
          next,
        }),
        status,
      )
    })
  }

  /** Where a service's refusal goes on the form: its field when the message names it, else the top. */
  function errorsOf(err: unknown): AccountView['errors'] {
    if (CSRF_CODES.has((err as { code?: string }).code ?? ''))
      return {
        form: 'This form had expired or came from another site, so it was not sent. It is fresh now: send it again.',
      }
    if (err instanceof ServiceError && err.code === 'account_locked') return { form: sentence(err.message) }
    if (err instanceof ServiceError || (err as { statusCode?: number }).statusCode === 429) {
      const e = err as Error & { statusCode?: number; status?: number }
      if ((e.status ?? e.statusCode) === 429)
        return { form: 'Too many attempts from here in a short time. Wait a minute, then try again.' }
      const m = e.message
      if (/password/i.test(m) && !/email or password|e-mail or password/i.test(m)) return { password: sentence(m) }
      if (/invite/i.test(m)) return { inviteCode: sentence(m) }
      if (/email|e-mail/i.test(m) && !/password/i.test(m)) return { email: sentence(m) }
      if (/\bname\b/i.test(m)) return { name: sentence(m) }
      return { form: sentence(m) }
    }
    throw err
  }

  const statusOf = (err: unknown) =>
    CSRF_CODES.has((err as { code?: string }).code ?? '')
      ? 403
      : ((err as { status?: number }).status ?? (err as { statusCode?: number }).statusCode ?? 400)

  /** logs the form's account in and sets the session cookie (throws the service's error on a bad password) */
  const startSession = async (req: FastifyRequest, reply: FastifyReply, form: Form) => {
    const { sessionToken, expiresAt } = await logIn(ctx, form.email ?? '', form.password ?? '')
    reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie(req, expiresAt))
  }
  // both forms: over the limit, the page is shown again with the limit's sentence (not a JSON 429)
  const limitedForm = {
    ...app.routeLimits.password,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { statusCode: number }) =>
      Object.assign(new Error('rate limited'), { statusCode: ctx.statusCode }),
  }

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { hide: true } }, async (req, reply) => {
    if (req.user) return reply.redirect(safeNext(req, req.query.next), 303)
    return show(req, reply, 'login', {}, {}, 200, req.query.next)
  })
  app.get('/signup', { schema: { hide: true } }, async (req, reply) => show(req, reply, 'signup', {}, {}, 200))

  app.post<{ Body: Form; Querystring: { next?: string } }>(
    '/login',
    {
      schema: { hide: true },
      config: { rateLimit: limitedForm, csrfWithoutSession: true },
      errorHandler: (err, req, reply) => {
        void show(req, reply, 'login', (req.body ?? {}) as Form, errorsOf(err), statusOf(err), req.query.next)
      },
    },
    async (req, reply) => {
      const form = req.body ?? {}
      try {
        await startSession(req, reply, form)
        return web.redirect(reply, safeNext(req, req.query.next))
      } catch (err) {
        return show(req, reply, 'login', form, errorsOf(err), statusOf(err), req.query.next)
      }
    },
  )

  app.post<{ Body: Form }>(
    '/signup',
    {
      schema: { hide: true },
      config: { rateLimit: limitedForm, csrfWithoutSession: true },
      errorHandler: (err, req, reply) => {
        void show(req, reply, 'signup', (req.body ?? {}) as Form, errorsOf(err), statusOf(err))
      },
    },
    async (req, reply) => {
      const form = req.body ?? {}
      try {
        await signUp(ctx, {
          email: form.email ?? '',
          name: form.name ?? '',
          password: form.password ?? '',
          inviteCode: form.invite_code || undefined,
        })
        await startSession(req, reply, form)
        return web.redirect(reply, '/team', {
          kind: 'ok',
          text: 'Welcome! Create a team, or join one with the code a member gives you.',
        })
      } catch (err) {
        return show(req, reply, 'signup', form, errorsOf(err), statusOf(err))
      }
    },
  )

  app.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    if (req.sessionToken) await logOut(ctx, req.sessionToken)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return web.redirect(reply, '/', { kind: 'ok', text: 'You are logged out.' })
  })
}
