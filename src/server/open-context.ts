/**
 * What the server, the workers and the organizer's operations share to begin: the challenge loaded
 * and the database opened (and migrated) as one context, and where the state folder keeps the audit
 * checkpoints. Nothing here loads the HTTP app or the pages, so `dataperf worker` and the admin
 * commands (make-organizer, invite, audit-verify, rescore) start without Fastify and the schemas.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CHECKPOINT_FILE } from './audit/checkpoints.js'
import { loadChallenge } from './challenge/load.js'
import { openDb, type Db } from './db/open.js'
import { PUBLIC_KEY_FILE } from './manifest.js'
import { createContext, type ServerConfig, type ServerContext } from './services/context.js'

/** Where a server keeps its signed audit checkpoints: beside its key, outside the database. */
export function checkpointFile(stateDir: string): string {
  return join(resolve(stateDir), 'keys', CHECKPOINT_FILE)
}

/** The state folder's checkpoints and public key, for audit-verify (undefined when it holds no key). */
export function auditCheckpointsIn(stateDir: string): ServerContext['auditCheckpoints'] {
  const publicKey = join(resolve(stateDir), 'keys', PUBLIC_KEY_FILE)
  if (!existsSync(publicKey)) return undefined
  return { file: checkpointFile(stateDir), publicKeyPem: readFileSync(publicKey, 'utf8') }
}

export async function openContext(
  challengeDir: string,
  dbSpec: string,
  config: Partial<ServerConfig> = {},
): Promise<ServerContext> {
  const challenge = loadChallenge(challengeDir)
  const db: Db = await openDb(dbSpec)
  return createContext(db, challenge, config)
}
