/**
 * What the /api/v1 routes are handed (the context, the app's options, the rate limits), in a
 * module of its own so that the routes and the app that registers them do not import each other.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ServerContext } from '../services/context.js'

export interface RateLimit {
  max: number
  windowMs: number
}

export interface AppOptions {
  /** signs result manifests; absent on a server without keys */
  keys: { privateKey: import('node:crypto').KeyObject; publicKeyPem: string }
  rateLimits?: { login?: RateLimit; submit?: RateLimit }
  /** more plugins (the web pages) registered after the API, with the same context */
  plugins?: Array<FastifyPluginAsync<{ ctx: ServerContext }>>
  logger?: boolean
  /** Secure flag on cookies (behind HTTPS) */
  secureCookies?: boolean
}

export interface RouteDeps {
  ctx: ServerContext
  options: AppOptions
  rateLimits: { login: RateLimit; submit: RateLimit }
}

export const DEFAULT_RATE_LIMITS = { login: { max: 10, windowMs: 60_000 }, submit: { max: 30, windowMs: 60_000 } }
