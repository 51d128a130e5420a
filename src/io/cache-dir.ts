import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where dataperf keeps what it can always rebuild: $DATAPERF_CACHE_DIR, else $XDG_CACHE_HOME/dataperf, else ~/.cache/dataperf. */
export function cacheDir(): string {
  return process.env.DATAPERF_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dataperf')
}
