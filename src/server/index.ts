/**
 * The server as the rest of dataperf reaches it: cli/ imports nothing else under server/ (but
 * state-dir.ts, the default its help shows; `npm run lint` holds it to that). Here: start the
 * server (API and pages) or scoring workers, the organizer's operations on a database, the demo
 * challenge, the offline check of a signed result, and the wire types of /api/v1 that the CLI's
 * HTTP client reads.
 *
 * The server's own modules (fastify, kysely, pg, the pages) load when an operation is called,
 * not when this module is imported: `verify-result` checks a manifest without them.
 */
import type { RescoreOutcome, ServerDatabase } from './admin.js'
import type { DemoChallenge } from './demo.js'
import type { RunningServer, ServeOptions } from './serve.js'
import type { StartedWorker } from './start-workers.js'
import type { AuditVerdict } from './services/audit.js'
import type { ServerConfig } from './services/context.js'

export type { RescoreOutcome, ServerDatabase } from './admin.js'
export type { RunningServer, ServeOptions } from './serve.js'
export type { StartedWorker } from './start-workers.js'
export type { ServerConfig } from './services/context.js'
export type { ApiError, Leaderboard, SubmissionView, SubmitResult } from './wire.js'
export { submissionSha256 } from './boards/submission-sha.js'
export { manifestProblem, type SignedManifest } from './manifest.js'

/** `dataperf serve`: the API and the pages on host:port, with in-process scoring workers. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  return (await import('./serve.js')).startServer(options)
}

/** `dataperf worker`: scoring loops only, on a shared database (PostgreSQL for other machines). */
export async function startWorkers(
  challengeDir: string,
  db: string,
  count: number,
  config: Partial<ServerConfig>,
  log?: (line: string) => void,
): Promise<StartedWorker> {
  return (await import('./start-workers.js')).startWorkers(challengeDir, db, count, config, log)
}

/** `dataperf serve --demo`: a small generated challenge in `dir`. */
export async function createDemoChallenge(dir: string, seed: number): Promise<DemoChallenge> {
  return (await import('./demo.js')).createDemoChallenge(dir, seed)
}

/** `dataperf serve --demo`: the official baselines submitted, marked and queued for the server's workers. */
export async function seedDemoBaselines(server: RunningServer, log?: (line: string) => void): Promise<string[]> {
  return (await import('./demo-baselines.js')).seedDemoBaselines(server.ctx, log)
}

/** `serve make-organizer`: gives an existing account the organizer role; its email. */
export async function grantOrganizer(target: ServerDatabase, email: string): Promise<string> {
  return (await import('./admin.js')).grantOrganizer(target, email)
}

/** `serve invite`: a single-use sign-up invite code. */
export async function newSignupInvite(target: ServerDatabase): Promise<string> {
  return (await import('./admin.js')).newSignupInvite(target)
}

/** `serve audit-verify`: re-computes the audit log's hash chain and holds it against its anchors. */
export async function verifyAuditLog(target: ServerDatabase): Promise<AuditVerdict> {
  return (await import('./admin.js')).verifyAuditLog(target)
}

/** `serve rescore`: re-evaluates every scored submission of a board; the rank changes. */
export async function rescoreBoard(
  target: ServerDatabase,
  board: string,
  options: { workers: number; onQueued?: (submissions: number) => void },
): Promise<RescoreOutcome> {
  return (await import('./admin.js')).rescoreBoard(target, board, options)
}
