/** Where `dataperf serve` keeps its SQLite file and signing key unless told otherwise (no heavy imports: the CLI reads it at start-up). */
import { join, resolve } from 'node:path'

export const DEFAULT_STATE_DIR = 'dataperf-server'

export function defaultDbPath(stateDir = DEFAULT_STATE_DIR): string {
  return join(resolve(stateDir), 'dataperf.sqlite')
}
