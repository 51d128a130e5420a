/**
 * What every service works with: the database, the loaded challenge, the settings, and the
 * in-process event bus (SSE listeners). Built once by `startServer` or `startWorker`; HTTP routes,
 * pages and CLI commands all call services with it, so none of them touches SQL.
 */
import { EventEmitter } from 'node:events'
import type { Challenge } from '../challenge/load.js'
import type { Db } from '../db/open.js'

export interface ServerConfig {
  /** named in manifests: the server's public URL or name (default: the challenge's name, never a path on this machine) */
  serverName: string
  /** uploads over this many bytes are refused while they stream in */
  maxUploadBytes: number
  /** sign-up needs an invite code made by an organizer */
  inviteOnly: boolean
  sessionTtlMs: number
  /** a job whose worker stops renewing its lease for this long is taken again */
  leaseMs: number
  /** a job taken this many times without finishing is failed */
  maxAttempts: number
  /** wrong passwords in a row before an account refuses log-ins for a while */
  lockoutAfter: number
  /** the first lock's length; each further wrong password doubles it (up to lockoutMaxMs) */
  lockoutMs: number
  lockoutMaxMs: number
}

export const DEFAULT_CONFIG: Omit<ServerConfig, 'serverName'> = {
  maxUploadBytes: 20 * 1024 * 1024,
  inviteOnly: false,
  sessionTtlMs: 14 * 24 * 3600 * 1000,
  leaseMs: 60_000,
  maxAttempts: 3,
  lockoutAfter: 5,
  lockoutMs: 60_000,
  lockoutMaxMs: 3600_000,
}

/**
 * Events about one submission: `submission:<id>` with the new status (listeners re-read it), and
 * `submission` with its id (a job worker's thread passes them on: worker/thread.ts).
 */
export class SubmissionEvents extends EventEmitter {
  constructor() {
    super()
    this.setMaxListeners(0)
  }
  changed(submissionId: string): void {
    this.emit(`submission:${submissionId}`)
    this.emit('submission', submissionId)
    this.emit('job')
  }
  /** A transaction that raised a board's version (standings.ts) committed: `boards` readers look again. */
  boardsChanged(): void {
    this.emit('boards')
  }
}

export interface ServerContext {
  db: Db
  challenge: Challenge
  config: ServerConfig
  events: SubmissionEvents
  now: () => Date
  /** where the server keeps signed checkpoints of the audit log's head, outside the database */
  auditCheckpoints?: { file: string; publicKeyPem: string }
}

export function createContext(db: Db, challenge: Challenge, config: Partial<ServerConfig> = {}): ServerContext {
  return {
    db,
    challenge,
    config: { serverName: challenge.name, ...DEFAULT_CONFIG, ...config },
    events: new SubmissionEvents(),
    now: () => new Date(),
  }
}

export const iso = (d: Date) => d.toISOString()
