/**
 * What the /api/v1 routes are handed (the context, the app's options, the shared rate-limit
 * buckets), in a module of its own so that the routes and the app that registers them do not
 * import each other.
 */
import type { FastifyPluginAsync } from '../../vendor/fastify.js'
import type { ServerContext } from '../services/context.js'
import type { ConnectionLimits } from './connections.js'
import type { EventStreams } from './event-stream.js'
import type { RateLimits, RouteLimits } from './limits.js'

export interface AppOptions {
  /** signs result manifests; absent on a server without keys */
  keys: { privateKey: import('node:crypto').KeyObject; publicKeyPem: string }
  rateLimits?: Partial<RateLimits>
  /** more plugins (the web pages) registered after the API, with the same context */
  plugins?: Array<FastifyPluginAsync<{ ctx: ServerContext }>>
  logger?: boolean
  /**
   * Behind a reverse proxy: which peers to believe about the client's address and protocol
   * (X-Forwarded-For / -Proto): true for any, or the proxies' addresses (CIDR ranges allowed).
   * The proxy is taken to terminate TLS, so HSTS is sent.
   */
  trustProxy?: boolean | string[]
  /** timeouts and the per-address connection cap (http/connections.ts) */
  connectionLimits?: Partial<ConnectionLimits>
}

export interface RouteDeps {
  ctx: ServerContext
  options: AppOptions
  /** the shared buckets: `config: { rateLimit: limits.password }` */
  limits: RouteLimits
}

declare module 'fastify' {
  interface FastifyInstance {
    /** the shared rate-limit buckets, for the pages' routes too */
    routeLimits: RouteLimits
    /** every open server-sent event stream (ended when the server stops) */
    eventStreams: EventStreams
  }
}
