/**
 * The job table as a queue with leases. A worker claims the oldest job that is queued, or whose
 * lease ran out (its worker died), renews the lease while it works, and finishes it only if it
 * still holds the lease. On PostgreSQL the claim is one UPDATE over a `FOR UPDATE SKIP LOCKED`
 * pick, so any number of worker machines share the table without taking a job twice; on SQLite
 * the single UPDATE is atomic by itself.
 */
import type { QueryCreator, Transaction } from '../../vendor/kysely.js'
import type { Db } from '../db/open.js'
import type { Database, JobsTable } from '../db/schema.js'
import { newId } from '../db/ids.js'

export type Job = JobsTable

/** PostgreSQL: each queued job is announced here when its transaction commits; idle workers LISTEN. */
export const JOBS_CHANNEL = 'dataperf_jobs'

export async function enqueueJob(
  db: Db,
  trx: Transaction<Database>,
  submissionId: string,
  kind: Job['kind'],
  now: Date,
  rescoreId: string | null = null,
): Promise<string> {
  const id = newId('job')
  await trx
    .insertInto('jobs')
    .values({
      id,
      submission_id: submissionId,
      kind,
      status: 'queued',
      attempts: 0,
      lease_owner: null,
      lease_expires_at: null,
      error: null,
      created_at: now.toISOString(),
      started_at: null,
      finished_at: null,
      rescore_id: rescoreId,
    })
    .execute()
  await db.notify(trx, JOBS_CHANNEL, kind)
  return id
}

export async function claimJob(db: Db, workerId: string, leaseMs: number, now: Date): Promise<Job | undefined> {
  return claimJobUpdate(db.kysely, db.dialect, {
    workerId,
    now: now.toISOString(),
    leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
  })
    .returningAll()
    .executeTakeFirst()
}

/**
 * claimJob's UPDATE, not yet run (returning nothing yet): a worker on PostgreSQL runs it inside the
 * statement that also marks the job's submission running and reads it with its files.
 */
export function claimJobUpdate(
  q: QueryCreator<Database>,
  dialect: Db['dialect'],
  v: { workerId: string; now: string; leaseExpiresAt: string },
) {
  return q
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      lease_owner: v.workerId,
      lease_expires_at: v.leaseExpiresAt,
      attempts: eb('attempts', '+', 1),
      started_at: v.now,
    }))
    .where('id', '=', (eb) => {
      let pick = eb
        .selectFrom('jobs')
        .select('id')
        .where((w) =>
          w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'running'), w('lease_expires_at', '<', v.now)])]),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
      if (dialect === 'postgres') pick = pick.forUpdate().skipLocked()
      return pick
    })
}

/** Extends the lease; false when the job is no longer this worker's (lease lost and retaken). */
export async function renewLease(
  db: Db,
  jobId: string,
  workerId: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  const r = await db.kysely
    .updateTable('jobs')
    .set({ lease_expires_at: new Date(now.getTime() + leaseMs).toISOString() })
    .where('id', '=', jobId)
    .where('lease_owner', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Marks the job done or failed inside the caller's transaction, only if this worker still holds it. */
export async function closeJob(
  trx: Transaction<Database>,
  jobId: string,
  workerId: string,
  status: 'done' | 'failed',
  now: Date,
  error: string | null = null,
): Promise<boolean> {
  const r = await closeJobUpdate(trx, {
    jobId,
    workerId,
    status,
    finishedAt: now.toISOString(),
    error,
  }).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * closeJob's UPDATE, not yet run: it changes the job only while `workerId` holds it (a worker on
 * PostgreSQL runs it inside the one statement that writes a job's result).
 */
export function closeJobUpdate(
  q: QueryCreator<Database>,
  v: { jobId: string; workerId: string; status: 'done' | 'failed'; finishedAt: string; error: string | null },
) {
  return q
    .updateTable('jobs')
    .set({ status: v.status, finished_at: v.finishedAt, lease_expires_at: null, error: v.error })
    .where('id', '=', v.jobId)
    .where('lease_owner', '=', v.workerId)
    .where('status', '=', 'running')
}

/** A worker's count of finished jobs, one more, and its heartbeat (not yet run). */
export function countJobUpdate(q: QueryCreator<Database>, workerId: string, now: string) {
  return q
    .updateTable('workers')
    .set((eb) => ({ jobs_done: eb('jobs_done', '+', 1), last_seen_at: now }))
    .where('id', '=', workerId)
}

/**
 * Gives a job back to the queue (its worker is stopping): queued again at once, not after its
 * lease runs out, and the attempt does not count (a clean stop is not a crash). False when the job
 * was no longer this worker's.
 */
export async function releaseJob(trx: Transaction<Database>, jobId: string, workerId: string): Promise<boolean> {
  const r = await trx
    .updateTable('jobs')
    .set((eb) => ({
      status: 'queued',
      lease_owner: null,
      lease_expires_at: null,
      started_at: null,
      attempts: eb('attempts', '-', 1),
    }))
    .where('id', '=', jobId)
    .where('lease_owner', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function queueCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.kysely
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}
