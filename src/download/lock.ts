/**
 * One writer per download: `X.lock` holds the process id of the run writing `X.part`, so two
 * runs started on the same output folder do not append to the same file. A lock whose process
 * is gone (a killed run) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { UserError } from '../errors.js'
import { keepTemp, processAlive, registerTemp } from '../io/temp-files.js'
import { writeError } from './write-error.js'

const held = new Set<string>()

/** Takes the lock for `path`; returns the function that releases it. */
export function acquireLock(path: string): () => void {
  const lock = `${path}.lock`
  if (held.has(lock)) throw new UserError(`${path}: this file is already being downloaded`)
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(lock, 'wx')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(lock, err) ?? err
      let pid = NaN
      try {
        pid = Number(readFileSync(lock, 'utf8').trim())
      } catch {
        /* vanished meanwhile: try again */
      }
      // our own pid on a lock we do not hold: a killed run's lock whose pid came round again
      if (processAlive(pid) && pid !== process.pid) {
        throw new UserError(
          `${path}: another dataperf download (process ${pid}) is writing this file; wait for it or stop it (remove ${lock} if no such process is running)`,
        )
      }
      rmSync(lock, { force: true })
      continue
    }
    try {
      writeSync(fd, String(process.pid))
    } catch (err) {
      rmSync(lock, { force: true }) // e.g. a full disk: no lock file without its pid
      throw writeError(lock, err) ?? err
    } finally {
      closeSync(fd)
    }
    registerTemp(lock)
    held.add(lock)
    return () => {
      keepTemp(lock)
      held.delete(lock)
      rmSync(lock, { force: true })
    }
  }
  throw new UserError(`${lock}: cannot take the download lock; remove it if no dataperf download is running`)
}
