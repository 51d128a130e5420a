/**
 * One job worker on a thread of its own, started by worker/in-process.ts: it opens its own
 * context (the challenge, a connection to the database), tells the starting thread its id, what
 * it changed (for the pages' live updates) and its log lines, wakes when told a job was queued,
 * and stops when told, within the grace it is given.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openContext } from '../open-context.js'
import type { ServerConfig } from '../services/context.js'
import { JobWorker } from './runner.js'

export interface ThreadData {
  challengeDir: string
  dbSpec: string
  config: Partial<ServerConfig>
  pollMs?: number
}

/** thread -> starting thread */
export type ThreadMessage = { ready: string } | { changed: string } | { boards: true } | { log: string }
/** starting thread -> thread: a job was queued; stop within this many ms */
type Order = { wake: true } | { stop: number }

const port = parentPort!
const data = workerData as ThreadData
const post = (m: ThreadMessage) => port.postMessage(m)

const ctx = await openContext(data.challengeDir, data.dbSpec, data.config)
ctx.events.on('submission', (id: string) => post({ changed: id }))
ctx.events.on('boards', () => post({ boards: true }))
const worker = new JobWorker(ctx, {
  log: (line) => post({ log: line }),
  ...(data.pollMs ? { pollMs: data.pollMs } : {}),
})
port.on('message', (m: Order) => {
  if ('wake' in m) ctx.events.emit('job')
  else
    void (async () => {
      await worker.stop(m.stop)
      await ctx.db.close()
      process.exit(0) // ends this thread only
    })()
})
worker.start()
post({ ready: worker.id })
