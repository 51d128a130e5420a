/**
 * The Fastify application: plugins (cookies, CSRF, rate limits, multipart uploads, OpenAPI), the
 * /api/v1 routes (thin: each calls one service), the error shape `{ error: { code, message } }`,
 * and the place where the pages plugin (issue 10) registers: `options.plugins`.
 */
import { randomBytes } from 'node:crypto'
import { constants as zlibConstants } from 'node:zlib'
import {
  Fastify,
  type FastifyInstance,
  fastifyCompress,
  fastifyCookie,
  fastifyCsrf,
  fastifyMultipart,
  fastifyRateLimit,
  fastifySwagger,
  helmet,
  type HelmetOptions,
} from '../../vendor/fastify.js'
import { UserError } from '../../errors.js'
import { VERSION } from '../../version.js'
import type { ServerContext } from '../services/context.js'
import { ServiceError } from '../services/errors.js'
import { csrfError, PRE_SESSION, registerAuth, SESSION_COOKIE } from './auth.js'
import { MULTIPART_LIMITS } from './upload.js'
import { DEFAULT_CONNECTION_LIMITS, limitedServer } from './connections.js'
import { EventStreams } from './event-stream.js'
import { DEFAULT_RATE_LIMITS, routeLimits, SharedWindowStore } from './limits.js'
import { adminRoutes } from './routes/admin.js'
import { authRoutes } from './routes/auth.js'
import { challengeRoutes } from './routes/challenge.js'
import { leaderboardRoutes } from './routes/leaderboard.js'
import { submissionRoutes } from './routes/submissions.js'
import { teamRoutes } from './routes/teams.js'
import { tokenRoutes } from './routes/tokens.js'
import type { AppOptions, RouteDeps } from './route-deps.js'

/**
 * The headers every answer carries (helmet): the pages load one script and one stylesheet from this
 * server and nothing else, so the policy allows 'self' only (no inline script or style); no site may
 * frame a page; no MIME sniffing; the path (not the query) as referrer within the site only. HSTS
 * only behind a TLS-terminating proxy (browsers ignore it over plain HTTP anyway).
 */
function securityHeaders(behindTls: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(behindTls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    hsts: behindTls ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  }
}

/** JSON and form bodies (uploads are multipart, with their own cap) */
const JSON_BODY_LIMIT = 1024 * 1024

export async function buildApp(ctx: ServerContext, options: AppOptions): Promise<FastifyInstance> {
  const trustProxy = options.trustProxy ?? false
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy,
    serverFactory: limitedServer({ ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits }, trustProxy),
  })
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }

  // pages and JSON over 1 KiB go out compressed when the client accepts it; bodies sent already
  // encoded (a board's cached pages, http/cached-body.ts) pass through as they are
  await app.register(fastifyCompress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  })
  // helmet's middleware built once and run on every answer (@fastify/helmet built it anew for each
  // request: a tenth of a board answer's CPU time)
  const applySecurityHeaders = helmet(securityHeaders(trustProxy !== false))
  app.addHook('onRequest', (req, reply, done) =>
    applySecurityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
  )
  const connectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits }
  // a quiet stream sends a comment well within the idle timeout
  app.decorate('eventStreams', new EventStreams(Math.min(15_000, connectionLimits.idleTimeoutMs / 2)))
  app.addHook('preClose', async () => app.eventStreams.endAll())
  await app.register(fastifyCookie)
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax' },
    csrfOpts: { hmacKey: randomBytes(32).toString('hex'), userInfo: true },
    getUserInfo: (req) => req.sessionToken ?? PRE_SESSION,
  })
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler', store: SharedWindowStore })
  const limits = routeLimits(rateLimits)
  app.decorate('routeLimits', limits)
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.config.maxUploadBytes, ...MULTIPART_LIMITS } })
  // compressed request bodies are not taken (a zip bomb would pass the size cap): say so, before parsing
  app.addHook('onRequest', async (req) => {
    const encoding = req.headers['content-encoding']
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      throw new ServiceError(
        415,
        'unsupported_encoding',
        `request bodies are taken uncompressed; this one says Content-Encoding: ${encoding}. Send it without compression`,
      )
  })
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'dataperf leaderboard server',
        version: VERSION,
        description: 'Submit DataPerf training sets, follow their scoring, read the leaderboards.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  })

  app.setErrorHandler((err, req, reply) => {
    const e = err as Error & { statusCode?: number; code?: string; validation?: unknown }
    if (err instanceof ServiceError)
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...err.extra } })
    if (err instanceof UserError)
      return reply.status(400).send({ error: { code: 'bad_request', message: err.message } })
    if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') {
      const c = csrfError()
      return reply.status(403).send({ error: { code: c.code, message: c.message } })
    }
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .status(413)
        .send({ error: { code: 'too_large', message: `request body too large: at most ${JSON_BODY_LIMIT} bytes` } })
    if (e.validation) return reply.status(400).send({ error: { code: 'bad_request', message: e.message } })
    if (e.statusCode === 429) return reply.status(429).send({ error: { code: 'rate_limited', message: e.message } })
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      return reply.status(e.statusCode).send({ error: { code: e.code ?? 'bad_request', message: e.message } })
    req.log.error(err)
    process.stderr.write(`dataperf server: ${req.method} ${req.url}: ${e.stack ?? e.message}\n`)
    return reply
      .status(500)
      .send({ error: { code: 'internal', message: 'internal error; the server log has the details' } })
  })
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  )

  registerAuth(app, ctx)
  const deps: RouteDeps = { ctx, options, limits }
  await app.register(
    async (api) => {
      for (const routes of [
        authRoutes,
        teamRoutes,
        tokenRoutes,
        challengeRoutes,
        submissionRoutes,
        leaderboardRoutes,
        adminRoutes,
      ])
        routes(api, deps)
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    },
    { prefix: '/api/v1' },
  )
  for (const plugin of options.plugins ?? []) await app.register(plugin, { ctx })
  await app.ready()
  return app
}
