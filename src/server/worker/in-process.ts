/**
 * The job workers a process runs (`serve --workers N`, `dataperf worker --concurrency N`, `serve
 * rescore --workers N`). One runs on the calling thread, as before. Two or more run on a thread
 * each (worker/thread.ts), with their own event loop and database connection: sharing one event
 * loop, each worker's claim and commit waited behind the other's, and two workers in one process
 * scored 9-20% fewer submissions per minute than two processes (bench:server, 1 x 2 against 2 x 1);
 * on threads they score as many. Each thread tells this one what the in-process workers told the
 * context's event bus (a submission changed, a board changed: the pages' live updates), and this
 * one wakes them when a job is queued here.
 */
import { Worker } from 'node:worker_threads'
import type { ServerConfig, ServerContext } from '../services/context.js'
import { JobWorker } from './runner.js'
import type { ThreadData, ThreadMessage } from './thread.js'

export interface JobWorkers {
  /** each worker's id (the organizer pages list them) */
  ids: string[]
  /** Stops them all: a job being scored may finish within `graceMs`, else it goes back to the queue. */
  stop(graceMs?: number): Promise<void>
}

export interface JobWorkersOptions {
  /** the database `ctx` was opened on (a SQLite file or a postgres:// URL): each thread opens its own */
  dbSpec: string
  count: number
  config?: Partial<ServerConfig>
  pollMs?: number
  log?: (line: string) => void
}

export async function startJobWorkers(ctx: ServerContext, options: JobWorkersOptions): Promise<JobWorkers> {
  const { count, pollMs, log } = options
  if (count <= 1) {
    const workers = count === 1 ? [new JobWorker(ctx, { log, ...(pollMs ? { pollMs } : {}) })] : []
    for (const w of workers) w.start()
    return {
      ids: workers.map((w) => w.id),
      async stop(graceMs) {
        await Promise.all(workers.map((w) => w.stop(graceMs)))
      },
    }
  }
  const data: ThreadData = {
    challengeDir: ctx.challenge.dir,
    dbSpec: options.dbSpec,
    config: options.config ?? {},
    ...(pollMs ? { pollMs } : {}),
  }
  const threads: WorkerThread[] = []
  const wake = () => {
    for (const t of threads) t.thread.postMessage({ wake: true })
  }
  ctx.events.on('job', wake)
  try {
    for (let i = 0; i < count; i++) threads.push(await startThread(ctx, data, log))
  } catch (err) {
    ctx.events.off('job', wake)
    await Promise.all(threads.map((t) => t.thread.terminate()))
    throw err
  }
  return {
    ids: threads.map((t) => t.id),
    async stop(graceMs = 0) {
      ctx.events.off('job', wake)
      for (const t of threads) t.thread.postMessage({ stop: graceMs })
      await Promise.all(threads.map((t) => t.ended))
    },
  }
}

interface WorkerThread {
  thread: Worker
  /** its worker's id */
  id: string
  /** resolves when the thread has ended (told to stop, or failed) */
  ended: Promise<void>
}

/** One worker on a thread of its own, once it has started. */
function startThread(
  ctx: ServerContext,
  data: ThreadData,
  log: ((line: string) => void) | undefined,
): Promise<WorkerThread> {
  const thread = new Worker(new URL('./thread.js', import.meta.url), { workerData: data })
  const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
  return new Promise<WorkerThread>((resolve, reject) => {
    thread.on('message', (m: ThreadMessage) => {
      if ('ready' in m) resolve({ thread, id: m.ready, ended })
      else if ('changed' in m) ctx.events.changed(m.changed)
      else if ('boards' in m) ctx.events.boardsChanged()
      else if ('log' in m) log?.(m.log)
    })
    // before `ready`: the thread could not start (its database, its challenge); after, its worker
    // catches its jobs' errors itself, so this is the thread failing: said, and the others go on
    thread.on('error', (err) => {
      log?.(`a job worker's thread failed: ${err.message}`)
      reject(err)
    })
    void ended.then(() => reject(new Error("a job worker's thread ended before it started")))
  })
}
