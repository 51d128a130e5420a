/**
 * What the page routes are handed (web/plugin.ts builds it), in a module of its own so that the
 * routes and the plugin that registers them do not import each other.
 */
import type { FastifyReply, FastifyRequest } from '../../vendor/fastify.js'
import type { ServerContext } from '../services/context.js'
import type { SafeHtml } from './html.js'
import type { PageContext } from './view-models.js'

/** What the page routes share. */
export interface Web {
  ctx: ServerContext
  /** The context every view takes: who is visiting, the CSRF token, a pending flash message. */
  pageContext(req: FastifyRequest, reply: FastifyReply): Promise<PageContext>
  send(reply: FastifyReply, page: SafeHtml, status?: number): FastifyReply
  /** Redirects (303, so a form post becomes a GET) with a message for the next page. */
  redirect(reply: FastifyReply, to: string, flash?: { kind: 'ok' | 'error'; text: string }): FastifyReply
  /** The user, or a redirect to the log-in page that comes back here. */
  needUser(req: FastifyRequest, reply: FastifyReply): NonNullable<FastifyRequest['user']> | undefined
  /** The server's own base URL as the visitor reached it (for command examples). */
  baseUrl(req: FastifyRequest): string
}
