/**
 * A job worker: takes jobs from the job table (queue/jobs.ts), scores each in its scoring process (score.ts),
 * renews its lease while scoring, and writes the score, the submission's new state, the unsigned
 * manifest and the audit entry in ONE transaction that first checks it still holds the lease;
 * the score row is unique per job, so each job leaves at most one score whatever happens.
 * The server runs one in-process; `dataperf worker` runs the same loop on other machines.
 */
import { hostname } from 'node:os'
import { threadId } from 'node:worker_threads'
import { findBoard, type Phase } from '../challenge/load.js'
import { applyOverrides } from '../services/phases.js'
import { boardDataHashes, EVALUATOR_VERSION, MANIFEST_FORMAT, type ResultManifest } from '../manifest.js'
import type { BoardScore, SubmittedFile } from '../boards/index.js'
import { claimJob, closeJob, countJobUpdate, JOBS_CHANNEL, releaseJob, renewLease, type Job } from '../queue/jobs.js'
import { appendAudit, auditHeadQuery, auditRowAfter, lockAudit } from '../services/audit.js'
import type { AuditHead } from '../audit/chain.js'
import { refundQuota } from '../services/quota.js'
import { iso, type ServerContext } from '../services/context.js'
import { newId } from '../db/ids.js'
import { entryAfterFirstScoring, entryRows, refreshTeamStandings, teamEntriesWith } from '../services/standings.js'
import { submissionFiles } from '../services/submissions.js'
import { pgStatements, RUNNING, SUBMISSION_COLUMNS } from './pg-statements.js'
import { type ScoringError, ScoringProcess, type ScoringRun } from './score.js'

export interface WorkerOptions {
  /** wait between polls of an empty queue (an in-process enqueue wakes the worker at once) */
  pollMs?: number
  log?: (line: string) => void
}

/** a busy worker's last_seen_at may lag this much behind (organizer pages show it in minutes) */
const HEARTBEAT_MS = 5000

interface SubmissionRow {
  id: string
  board: string
  sha256: string
  submitted_at: string
  score: number | null
  phase: string | null
  team_id: string
  team: string | null
}

interface Claimed {
  job: Job
  /** PostgreSQL: the claim's statement read these too */
  sub?: SubmissionRow
  files?: SubmittedFile[]
  /** challenge.yaml's phases with the organizers' changes, as they were at the claim */
  phases?: Phase[]
}

class LeaseLost extends Error {}
/** The worker stopped while scoring: the job went back to the queue. */
class Stopped extends Error {}

const listening = new WeakSet<ServerContext>()

/** PostgreSQL: a job queued by any process wakes this process's idle workers at once (NOTIFY). */
function listenForJobs(ctx: ServerContext): void {
  if (listening.has(ctx)) return
  listening.add(ctx)
  void ctx.db.listen(JOBS_CHANNEL, () => ctx.events.emit('job'))
}

export class JobWorker {
  readonly id: string
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private current: ScoringRun | undefined
  /** this worker's scoring process: started with the first job, kept for the next ones */
  private readonly scorer: ScoringProcess
  /** PostgreSQL: this worker's statements, built once (pg-statements.ts) */
  private readonly pg: ReturnType<typeof pgStatements> | undefined
  private readonly pollMs: number
  private readonly log: (line: string) => void
  /** when this worker last wrote its last_seen_at (ms since the epoch) */
  private lastSeen = 0

  constructor(
    private readonly ctx: ServerContext,
    options: WorkerOptions = {},
  ) {
    // a worker on a thread of its own (worker/in-process.ts) names it: wrk_<host>_<pid>_t<thread>_<random>
    this.id = `wrk_${hostname()}_${process.pid}${threadId ? `_t${threadId}` : ''}_${newId('').slice(1, 9)}`
    this.pollMs = options.pollMs ?? 1000
    this.log = options.log ?? (() => {})
    this.pg = ctx.db.dialect === 'postgres' ? pgStatements(ctx.db.kysely) : undefined
    this.scorer = new ScoringProcess(() => this.log(`worker ${this.id}: scoring process started`))
  }

  start(): void {
    if (this.running) return
    this.running = true
    const onJob = () => this.wake?.()
    this.ctx.events.on('job', onJob)
    listenForJobs(this.ctx)
    this.loop = (async () => {
      await this.register()
      while (this.running) {
        let worked = false
        try {
          worked = await this.runOnce()
        } catch (err) {
          this.log(`worker ${this.id}: ${(err as Error).message}`)
        }
        if (!worked && this.running)
          await new Promise<void>((r) => {
            this.wake = r
            setTimeout(r, this.pollMs)
          })
        this.wake = undefined
      }
      this.ctx.events.off('job', onJob)
    })()
  }

  /**
   * Stops taking jobs. A job being scored may finish within `graceMs`; after that it is stopped
   * and given back to the queue (queued again at once, its submission shown as queued), so the next
   * worker or the restarted server takes it without waiting for the lease to run out.
   */
  async stop(graceMs = 0): Promise<void> {
    this.running = false
    this.wake?.()
    if (this.current && graceMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([this.loop, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))])
      clearTimeout(timer)
    }
    this.current?.abort()
    await this.loop
    this.scorer.close()
  }

  private async heartbeat(): Promise<void> {
    const now = this.ctx.now()
    await this.ctx.db.kysely
      .updateTable('workers')
      .set({ last_seen_at: iso(now) })
      .where('id', '=', this.id)
      .execute()
    this.lastSeen = now.getTime()
  }

  private async register(): Promise<void> {
    const now = iso(this.ctx.now())
    await this.ctx.db.kysely
      .insertInto('workers')
      .values({ id: this.id, host: hostname(), pid: process.pid, started_at: now, last_seen_at: now, jobs_done: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    this.lastSeen = Date.parse(now)
  }

  /** Takes and processes one job; false when the queue had none. */
  async runOnce(): Promise<boolean> {
    const { config } = this.ctx
    // the heartbeat: a finished job writes it too (with jobs_done), so a busy worker skips this
    // round trip between jobs; an idle one writes it at most every HEARTBEAT_MS
    if (this.ctx.now().getTime() - this.lastSeen >= HEARTBEAT_MS) await this.heartbeat()
    const claimed = await this.claim()
    if (!claimed) return false
    const { job } = claimed
    this.log(`worker ${this.id}: job ${job.id} (${job.kind} ${job.submission_id}, attempt ${job.attempts})`)
    if (job.attempts > config.maxAttempts) {
      await this.fail(
        job,
        `scoring was started ${config.maxAttempts} times and never finished (a worker crashed or was stopped each time); ask the organizers`,
      )
      return true
    }
    try {
      await this.process(claimed, claimed.sub ?? (await this.readSubmission(job)))
    } catch (err) {
      if (err instanceof LeaseLost)
        this.log(`worker ${this.id}: lost the lease of job ${job.id}; another worker has it`)
      else if (err instanceof Stopped) this.log(`worker ${this.id}: stopping; job ${job.id} is queued again`)
      else throw err
    }
    return true
  }

  /**
   * The next job. PostgreSQL: with its submission (marked running for a first scoring), that
   * submission's files and the phases, in the claim's one statement: each round trip costs this
   * process and the database a wake-up, and a worker's jobs are short (tens of ms). SQLite: the job alone.
   */
  private async claim(): Promise<Claimed | undefined> {
    const { db, config } = this.ctx
    const now = this.ctx.now()
    if (!this.pg) {
      const job = await claimJob(db, this.id, config.leaseMs, now)
      return job && { job }
    }
    const [row] = await this.pg.claim(db.kysely, {
      workerId: this.id,
      now: now.toISOString(),
      leaseExpiresAt: new Date(now.getTime() + config.leaseMs).toISOString(),
      maxAttempts: config.maxAttempts,
    })
    if (!row) return undefined
    const { board, sha256, submitted_at, score, phase, team_id, team, file_names, file_bytes, overrides, ...job } = row
    const names = file_names ?? []
    return {
      job,
      sub: { id: job.submission_id, board, sha256, submitted_at, score, phase, team_id, team },
      files: names.map((name, i) => ({ name, bytes: file_bytes![i]! })),
      phases: applyOverrides(this.ctx.challenge.phases, overrides ?? []),
    }
  }

  /**
   * SQLite: a first scoring marks its submission running and reads it back in one round trip (the
   * columns read are not among those it sets); a rescore leaves the submission as it is.
   */
  private async readSubmission(job: Job): Promise<SubmissionRow> {
    const { db } = this.ctx
    return job.kind === 'score'
      ? await db.kysely
          .updateTable('submissions')
          .set(RUNNING)
          .where('id', '=', job.submission_id)
          .returning((eb) => [
            'submissions.id',
            ...SUBMISSION_COLUMNS,
            eb.selectFrom('teams').select('teams.name').whereRef('teams.id', '=', 'submissions.team_id').as('team'),
          ])
          .executeTakeFirstOrThrow()
      : await db.kysely
          .selectFrom('submissions')
          .innerJoin('teams', 'teams.id', 'submissions.team_id')
          .select(['submissions.id', ...SUBMISSION_COLUMNS, 'teams.name as team'])
          .where('submissions.id', '=', job.submission_id)
          .executeTakeFirstOrThrow()
  }

  private async process(claimed: Claimed, sub: SubmissionRow): Promise<void> {
    const { job } = claimed
    const { db, config, challenge } = this.ctx
    if (job.kind === 'score') this.ctx.events.changed(sub.id)
    const board = findBoard(challenge, sub.board)
    if (!board) return this.fail(job, `board ${sub.board} is no longer in challenge.yaml`)
    const files = claimed.files ?? (await submissionFiles(this.ctx, sub.id))
    let lost = false
    // the scoring process tells progress only of a job past 200 ms, at most every 200 ms
    // (score-process.ts): a short job writes none, saving round trips and page updates
    const run = this.scorer.score(challenge.dir, board.id, files, (stage, done, total) => {
      if (job.kind !== 'score') return
      void db.kysely
        .updateTable('submissions')
        .set({ stage, progress_done: done, progress_total: total })
        .where('id', '=', sub.id)
        .where('status', '=', 'running')
        .execute()
        .then(
          () => this.ctx.events.changed(sub.id),
          () => {},
        )
    })
    this.current = run
    if (!this.running) run.abort() // stop() came while the job was being taken
    const renew = setInterval(
      () => {
        renewLease(db, job.id, this.id, config.leaseMs, this.ctx.now()).then(
          (ok) => {
            if (!ok) {
              lost = true
              run.abort()
            }
          },
          () => {},
        )
      },
      Math.max(200, config.leaseMs / 3),
    )
    let score: BoardScore
    try {
      score = await run.result
    } catch (err) {
      if (lost) throw new LeaseLost()
      if (!this.running) {
        await this.release(job)
        throw new Stopped()
      }
      const e = err as ScoringError
      return this.fail(job, e.user ? e.message : `scoring failed: ${e.message}`)
    } finally {
      clearInterval(renew)
      this.current = undefined
    }
    if (lost) throw new LeaseLost()
    const dataFiles = await boardDataHashes(challenge, board)
    const now = this.ctx.now()
    const scoreId = newId('scr')
    const details = score.details as unknown as Record<string, unknown>
    const manifest: ResultManifest = {
      format: MANIFEST_FORMAT,
      server: config.serverName,
      board: board.id,
      submission_id: sub.id,
      team: sub.team!, // submissions.team_id references teams
      submitted_at: sub.submitted_at,
      scored_at: iso(now),
      submission_sha256: sub.sha256,
      data_files: dataFiles,
      evaluator_version: EVALUATOR_VERSION,
      ...(Array.isArray(details['seeds']) ? { seeds: details['seeds'] as number[] } : {}),
      score: score.score,
      details: score.details,
    }
    const auditInput = {
      kind: job.kind === 'score' ? ('score' as const) : ('rescore' as const),
      actor: this.id,
      payload: {
        submission: sub.id,
        board: board.id,
        score: score.score,
        ...(job.kind === 'rescore' ? { previous: sub.score } : {}),
        evaluator_version: EVALUATOR_VERSION,
      },
    }
    const scoreRow = (manifestText: string) => ({
      id: scoreId,
      submission_id: sub.id,
      job_id: job.id,
      score: score.score,
      details: JSON.stringify(score.details),
      manifest: manifestText,
      evaluator_version: EVALUATOR_VERSION,
      created_at: iso(now),
    })
    const scored = {
      status: 'scored' as const,
      stage: null,
      error: null,
      score: score.score,
      details: JSON.stringify(score.details),
      score_id: scoreId,
      scored_at: iso(now),
    }
    await db.kysely.transaction().execute(async (trx) => {
      const pg = this.pg
      if (pg) {
        // a job's rows in few round trips (pg-statements.ts): the audit log's lock, `state`,
        // `write`, the commit. The manifest names the audit entry, so the entry is computed
        // before the write. A lease lost meanwhile rolls it all back (the new holder's score, if
        // it wrote one first, stops the statement at the score's unique job_id instead).
        const phase = sub.phase
        // the phase's rule as the claim read it: `state` tells whether the board's entries were
        // built with it (a rule changed since rebuilt them with the new one: refreshTeamStandings
        // below then reads it again)
        const rule = claimed.phases!.find((p) => p.name === phase)?.rule
        await lockAudit(this.ctx, trx)
        let last: AuditHead | undefined
        let entries: ReturnType<typeof entryRows> | undefined
        if (phase === null || rule === undefined) last = await auditHeadQuery(trx).executeTakeFirst()
        else {
          const state = (
            await pg.state(trx, {
              board: board.id,
              phase,
              teamId: sub.team_id,
              submissionId: sub.id,
              notify: `${board.id} ${phase}`,
              allRows: job.kind === 'rescore',
            })
          )[0]! // a select without FROM: one row
          if (state.seq !== null && state.hash !== null) last = { seq: state.seq, hash: state.hash }
          // a first scoring changes one entry; a rescoring (a score that moved can change the
          // team's pick) the team's entries from all its rows; entries built with another rule (or
          // never built: no version row yet) are built again by refreshTeamStandings below, after the write
          if (state.built_with === rule && job.kind === 'rescore')
            entries = entryRows(
              board.id,
              phase,
              teamEntriesWith(state.team_rows ?? [], sub.team_id, sub.id, score.score, rule),
            )
          else if (state.built_with === rule && state.status !== 'scored')
            entries = entryRows(board.id, phase, [
              entryAfterFirstScoring(
                state.team_entry,
                {
                  submissionId: sub.id,
                  teamId: sub.team_id,
                  score: score.score,
                  submittedAt: sub.submitted_at,
                  baseline: state.baseline === 1,
                },
                rule,
              ),
            ])
        }
        const entry = auditRowAfter(this.ctx, last, auditInput)
        manifest.audit = { seq: entry.seq, hash: entry.hash }
        const values = {
          jobId: job.id,
          workerId: this.id,
          submissionId: sub.id,
          now: iso(now),
          audit: entry,
          score: scoreRow(JSON.stringify(manifest)),
          scored,
        }
        const [held] = entries ? await pg.writeWithEntries(trx, { ...values, entries }) : await pg.write(trx, values)
        if (!held) throw new LeaseLost()
        if (!entries) await refreshTeamStandings(this.ctx, trx, board.id, phase, sub.team_id)
        return
      }
      if (!(await closeJob(trx, job.id, this.id, 'done', now))) throw new LeaseLost()
      // the score's audit entry first: the manifest names it (seq and hash), anchoring the log's
      // head at this time in a document the team keeps
      manifest.audit = await appendAudit(this.ctx, trx, auditInput)
      await trx
        .insertInto('scores')
        .values(scoreRow(JSON.stringify(manifest)))
        .execute()
      await trx.updateTable('submissions').set(scored).where('id', '=', sub.id).execute()
      await countJobUpdate(trx, this.id, iso(now)).execute()
      await refreshTeamStandings(this.ctx, trx, board.id, sub.phase, sub.team_id)
    })
    this.lastSeen = now.getTime()
    this.ctx.events.boardsChanged()
    this.ctx.events.changed(sub.id)
  }

  /** Gives the job back (the worker is stopping); a first scoring's page says queued again. */
  private async release(job: Job): Promise<void> {
    const released = await this.ctx.db.kysely.transaction().execute(async (trx) => {
      if (!(await releaseJob(trx, job.id, this.id))) return false
      if (job.kind === 'score')
        await trx
          .updateTable('submissions')
          .set({ status: 'queued', stage: null, progress_done: 0, progress_total: 0 })
          .where('id', '=', job.submission_id)
          .where('status', '=', 'running')
          .execute()
      return true
    })
    if (!released) throw new LeaseLost()
    this.ctx.events.changed(job.submission_id)
  }

  private async fail(job: Job, message: string): Promise<void> {
    const { db } = this.ctx
    const now = this.ctx.now()
    await db.kysely.transaction().execute(async (trx) => {
      if (!(await closeJob(trx, job.id, this.id, 'failed', now, message))) throw new LeaseLost()
      // a failed rescore keeps the earlier score; a failed first scoring shows the reason and gives
      // the quota back (the file was valid: the failure is the server's, not the team's)
      if (job.kind === 'score') {
        const sub = await trx
          .updateTable('submissions')
          .set({ status: 'failed', stage: null, error: message })
          .where('id', '=', job.submission_id)
          .returning(['team_id', 'user_id', 'board', 'quota_day'])
          .executeTakeFirst()
        if (sub) await refundQuota(trx, { teamId: sub.team_id, userId: sub.user_id }, sub.board, sub.quota_day)
        await appendAudit(this.ctx, trx, {
          kind: 'quota',
          actor: this.id,
          payload: { decision: 'refunded', submission: job.submission_id, reason: message },
        })
      }
    })
    this.ctx.events.changed(job.submission_id)
  }
}
