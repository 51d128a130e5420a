/**
 * Request limits shared by routes: every password check from one address (API log-in, sign-up and
 * token routes, the web log-in and sign-up forms) counts in ONE bucket, and every upload of one
 * user (API and web form) in another; a route of its own would give an attacker a fresh bucket per
 * route. @fastify/rate-limit counts; its in-memory store gives each route a store of its own
 * (`groupId` shares a bucket only on Redis), so the store below, written by hand in a few lines,
 * is one fixed-window map that every route's `child` shares.
 */
import type { FastifyRequest } from '../../vendor/fastify.js'

export interface RateLimit {
  max: number
  windowMs: number
}

export interface RateLimits {
  /** password checks (and sign-ups) per address */
  login: RateLimit
  /** uploads per user */
  submit: RateLimit
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  login: { max: 10, windowMs: 60_000 },
  submit: { max: 30, windowMs: 60_000 },
}

/** A route's `config.rateLimit` for one of the shared buckets. */
export interface BucketConfig {
  max: number
  timeWindow: number
  groupId: string
  keyGenerator: (req: FastifyRequest) => string
}

export interface RouteLimits {
  password: BucketConfig
  upload: BucketConfig
}

export function routeLimits(limits: RateLimits): RouteLimits {
  return {
    password: {
      max: limits.login.max,
      timeWindow: limits.login.windowMs,
      groupId: 'password',
      keyGenerator: (req) => req.ip,
    },
    upload: {
      max: limits.submit.max,
      timeWindow: limits.submit.windowMs,
      groupId: 'upload',
      keyGenerator: (req) => (req.user ? `user:${req.user.id}` : `ip:${req.ip}`),
    },
  }
}

interface Window {
  count: number
  startMs: number
}

type Callback = (err: Error | null, res: { current: number; ttl: number }) => void

const MAX_KEYS = 100_000

/** One map of fixed windows for every route (the rate-limit plugin's `store` option). */
export class SharedWindowStore {
  private readonly windows: Map<string, Window>
  private readonly prefix: string

  constructor(_params?: unknown, shared?: Map<string, Window>, prefix = '') {
    this.windows = shared ?? new Map()
    this.prefix = prefix
  }

  incr(key: string, cb: Callback, timeWindow: number): void {
    const now = Date.now()
    const k = this.prefix + key
    let w = this.windows.get(k)
    if (!w || w.startMs + timeWindow <= now) {
      this.windows.delete(k) // re-inserted last: the map stays in order of window start
      w = { count: 0, startMs: now }
      if (this.windows.size >= MAX_KEYS) this.evict(now, timeWindow)
    }
    w.count++
    this.windows.set(k, w)
    cb(null, { current: w.count, ttl: w.startMs + timeWindow - now })
  }

  read(key: string, cb: Callback, timeWindow: number): void {
    const now = Date.now()
    const w = this.windows.get(this.prefix + key)
    if (!w || w.startMs + timeWindow <= now) cb(null, { current: 0, ttl: 0 })
    else cb(null, { current: w.count, ttl: w.startMs + timeWindow - now })
  }

  /** A route's view: routes in a group share its keys; any other route counts apart. */
  child(routeOptions: object): SharedWindowStore {
    const params = routeOptions as { groupId?: string; routeInfo?: { method?: unknown; url?: string } }
    const own = params.groupId ? '' : `${String(params.routeInfo?.method)} ${params.routeInfo?.url}\u0000`
    return new SharedWindowStore(undefined, this.windows, own)
  }

  private evict(now: number, timeWindow: number): void {
    for (const [k, w] of this.windows) {
      if (w.startMs + timeWindow > now && this.windows.size < MAX_KEYS) break
      this.windows.delete(k)
    }
  }
}
