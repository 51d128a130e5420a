/**
 * The web pages as a Fastify plugin on the same app as /api/v1 (registered through
 * startServer's `plugins`). Routes are thin: they call the same services as the API and hand
 * plain view models to the views. Form posts are CSRF-checked by the app's hook (field `_csrf`);
 * every error becomes a page with a sentence to act on, never a stack trace or the API's JSON.
 */
import { type FastifyInstance, type FastifyPluginAsync, fastifyFormbody } from '../../vendor/fastify.js'
import { UserError } from '../../errors.js'
import type { ServerContext } from '../services/context.js'
import { ServiceError } from '../services/errors.js'
import { myTeam } from '../services/teams.js'
import { csrfTokenFor } from '../http/auth.js'
import { loadAssets } from './assets.js'
import { errorPage } from './pages/error.js'
import { publicRoutes } from './routes/public.js'
import { participantRoutes } from './routes/participant.js'
import { organizerRoutes } from './routes/organizer.js'
import { organizerTeamRoutes } from './routes/organizer-teams.js'
import { accountRoutes } from './routes/accounts.js'
import { sentence } from './format.js'
import type { PageContext } from './view-models.js'
import type { Web } from './web.js'

const FLASH_COOKIE = 'dataperf_flash'

function errorTitle(status: number): string {
  if (status === 401) return 'Please log in'
  if (status === 403) return 'Not allowed'
  if (status === 404) return 'Not found'
  if (status === 413) return 'File too large'
  if (status === 429) return 'Too many requests'
  if (status >= 500) return 'Something went wrong on the server'
  return 'That did not work'
}

export const webPages: FastifyPluginAsync<{ ctx: ServerContext }> = async (app: FastifyInstance, { ctx }) => {
  await app.register(fastifyFormbody)
  const assets = loadAssets()

  const web: Web = {
    ctx,
    async pageContext(req, reply) {
      const user = req.user
      const team = user ? await myTeam(ctx, user) : undefined
      let flash: PageContext['flash']
      const raw = req.cookies[FLASH_COOKIE]
      if (raw) {
        reply.clearCookie(FLASH_COOKIE, { path: '/' })
        const kind = raw.startsWith('error:') ? 'error' : 'ok'
        flash = { kind, text: raw.slice(raw.indexOf(':') + 1) }
      }
      return {
        challengeName: ctx.challenge.name,
        path: req.url.split('?')[0] ?? '/',
        user: user
          ? {
              name: user.name,
              email: user.email,
              isOrganizer: user.role === 'organizer',
              team: team ? { id: team.id, name: team.name } : undefined,
            }
          : undefined,
        csrfToken: req.sessionToken ? csrfTokenFor(reply, req.sessionToken) : '',
        flash,
      }
    },
    send(reply, page, status = 200) {
      return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value)
    },
    redirect(reply, to, flash) {
      if (flash)
        reply.setCookie(FLASH_COOKIE, `${flash.kind}:${flash.text}`, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          maxAge: 60,
        })
      return reply.redirect(to, 303)
    },
    needUser(req, reply) {
      if (req.user) return req.user
      void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
      return undefined
    },
    baseUrl(req) {
      return `${req.protocol}://${req.host}`
    },
  }

  app.setErrorHandler(async (err, req, reply) => {
    const e = err as Error & { statusCode?: number; code?: string }
    let status = 500
    let message = 'The server could not answer this request. The organizers will find the details in the server log.'
    if (err instanceof ServiceError) {
      status = err.status
      message = sentence(err.message)
    } else if (err instanceof UserError) {
      status = 400
      message = sentence(err.message)
    } else if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403
      message = 'This form has expired (or came from another site). Go back, reload the page and send it again.'
    } else if (
      e.code === 'FST_REQ_FILE_TOO_LARGE' ||
      e.code === 'FST_FILES_LIMIT' ||
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
    ) {
      status = 413
      message = `The upload is too large: at most ${Math.round(ctx.config.maxUploadBytes / (1024 * 1024))} MB per submission.`
    } else if (e.statusCode === 429) {
      status = 429
      message = 'Too many attempts in a short time. Wait a minute, then try again.'
    } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      status = e.statusCode
      message = sentence(e.message)
    } else process.stderr.write(`dataperf server: ${req.method} ${req.url}: ${e.stack ?? e.message}\n`)
    if (status === 401 && req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
    const ctxPage = await web
      .pageContext(req, reply)
      .catch((): PageContext => ({ challengeName: ctx.challenge.name, path: '', csrfToken: '' }))
    return web.send(reply, errorPage(ctxPage, { status, title: errorTitle(status), message }), status)
  })

  for (const [path, asset] of assets) {
    app.get(path, { schema: { hide: true } }, async (req, reply) => {
      reply.header('etag', asset.etag).header('cache-control', 'public, max-age=3600')
      if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send()
      return reply.type(asset.contentType).send(asset.body)
    })
  }

  publicRoutes(app, web)
  participantRoutes(app, web)
  organizerRoutes(app, web)
  organizerTeamRoutes(app, web)
  accountRoutes(app, web)

  // Any other GET: a page saying so (the API keeps its JSON answer).
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    if (path.startsWith('/api/'))
      return reply.status(404).send({ error: { code: 'not_found', message: `no route GET ${path}` } })
    return web.send(
      reply,
      errorPage(await web.pageContext(req, reply), {
        status: 404,
        title: 'Page not found',
        message: `There is no page at ${path}. The challenge page links to everything on this server.`,
      }),
      404,
    )
  })
}
