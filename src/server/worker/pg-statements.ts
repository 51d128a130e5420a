/**
 * A job worker's statements on PostgreSQL, each built once (db/prepared.ts) and few per job: each
 * round trip costs the worker and the database a wake-up, and the audit log stays locked from the
 * lock to the commit, so every other worker's scoring waits meanwhile. Per job: `claim`; then in
 * the scoring transaction the lock, `state`, `write`.
 */
import { type Kysely, sql } from '../../vendor/kysely.js'
import { prepare } from '../db/prepared.js'
import type { Database, PhaseOverridesTable } from '../db/schema.js'
import { claimJobUpdate, closeJobUpdate, countJobUpdate } from '../queue/jobs.js'
import { auditHeadQuery } from '../services/audit.js'
import {
  type entryRows,
  notifyBoards,
  raiseVersion,
  teamEntryJson,
  teamRowsJson,
  upsertEntries,
} from '../services/standings.js'

/** A first scoring's submission, once a worker has taken its job. */
export const RUNNING = { status: 'running', stage: 'starting', error: null } as const

/** What a job worker reads of its job's submission, besides its id. */
export const SUBMISSION_COLUMNS = [
  'submissions.board',
  'submissions.sha256',
  'submissions.submitted_at',
  'submissions.score',
  'submissions.phase',
  'submissions.team_id',
] as const

export interface WriteValues {
  jobId: string
  workerId: string
  submissionId: string
  now: string
  audit: Database['audit_log']
  score: Database['scores']
  scored: Pick<Database['submissions'], 'status' | 'stage' | 'error' | 'score' | 'details' | 'score_id' | 'scored_at'>
}

export function pgStatements(kysely: Kysely<Database>) {
  /**
   * The next job, with its submission (marked running for a first scoring within the attempts
   * allowed), that submission's files and the organizers' changes of the phases. The columns read are not among those `u` sets: the
   * statement's snapshot has them as they are.
   */
  const claim = prepare((v: { workerId: string; now: string; leaseExpiresAt: string; maxAttempts: number }) =>
    kysely
      .with('c', (q) => claimJobUpdate(q, 'postgres', v).returningAll())
      .with('u', (q) =>
        q
          .updateTable('submissions')
          .set(RUNNING)
          .from('c')
          .whereRef('submissions.id', '=', 'c.submission_id')
          .where('c.kind', '=', 'score')
          .where('c.attempts', '<=', v.maxAttempts)
          .returning('submissions.id'),
      )
      .selectFrom('c')
      .innerJoin('submissions', 'submissions.id', 'c.submission_id')
      .innerJoin('teams', 'teams.id', 'submissions.team_id')
      .selectAll('c')
      .select([
        ...SUBMISSION_COLUMNS,
        'teams.name as team',
        (eb) =>
          eb
            .selectFrom('submission_files')
            .select(sql<string[] | null>`array_agg(name order by position)`.as('names'))
            .whereRef('submission_id', '=', 'c.submission_id')
            .as('file_names'),
        (eb) =>
          eb
            .selectFrom('submission_files')
            .innerJoin('blobs', 'blobs.sha256', 'submission_files.blob_sha256')
            .select(sql<Buffer[] | null>`array_agg(blobs.bytes order by submission_files.position)`.as('bytes'))
            .whereRef('submission_files.submission_id', '=', 'c.submission_id')
            .as('file_bytes'),
        (eb) =>
          eb
            .selectFrom('phase_overrides')
            .select(sql<PhaseOverridesTable[] | null>`json_agg(phase_overrides)`.as('rows'))
            .as('overrides'),
      ]),
  )

  /**
   * With the audit log locked: its head, the board's version raised (its row locked until the
   * commit; the NOTIFY rides on it) with the rule its entries were built with (null: no version row
   * yet), the team's entry (standings.ts teamEntryJson; why it is current: entryAfterFirstScoring),
   * the submission's baseline mark and status, and for a rescoring (`allRows`) all the team's rows
   * (teamRowsJson).
   */
  const state = prepare(
    (v: { board: string; phase: string; teamId: string; submissionId: string; notify: string; allRows: boolean }) =>
      kysely
        .with('head', (q) => auditHeadQuery(q))
        .with('raised', () => raiseVersion(kysely, v.board, v.phase))
        .selectNoFrom((eb) => [
          eb.selectFrom('head').select('seq').as('seq'),
          eb.selectFrom('head').select('hash').as('hash'),
          eb.selectFrom('raised').select('rule').as('built_with'),
          eb.selectFrom('raised').select(notifyBoards(v.notify).as('n')).as('notified'),
          teamEntryJson(kysely, v.board, v.phase, v.teamId).as('team_entry'),
          eb.selectFrom('submissions').select('baseline').where('id', '=', v.submissionId).as('baseline'),
          eb.selectFrom('submissions').select('status').where('id', '=', v.submissionId).as('status'),
          teamRowsJson(kysely, v.board, v.phase, v.teamId, v.submissionId, v.allRows).as('team_rows'),
        ]),
  )

  /** The job's rows: the job done (while this worker holds it), the audit entry, the score, the submission, the worker's count. */
  const rows = (v: WriteValues) =>
    kysely
      .with('j', (q) =>
        closeJobUpdate(q, {
          jobId: v.jobId,
          workerId: v.workerId,
          status: 'done',
          finishedAt: v.now,
          error: null,
        }).returning('id'),
      )
      .with('a', (q) => q.insertInto('audit_log').values(v.audit))
      .with('s', (q) => q.insertInto('scores').values(v.score))
      .with('u', (q) => q.updateTable('submissions').set(v.scored).where('id', '=', v.submissionId))
      .with('w', () => countJobUpdate(kysely, v.workerId, v.now))

  /** The job's rows; the selected id is the job's, none when the lease was lost (roll back). */
  const write = prepare((v: WriteValues) => rows(v).selectFrom('j').select('j.id'))

  /** The same and the team's entries (standings.ts upsertEntries). */
  const writeWithEntries = prepare((v: WriteValues & { entries: ReturnType<typeof entryRows> }) =>
    rows(v)
      .with('e', () => upsertEntries(kysely, v.entries))
      .selectFrom('j')
      .select('j.id'),
  )

  return { claim, state, write, writeWithEntries }
}
