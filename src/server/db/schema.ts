import type { Generated } from '../../vendor/kysely.js'

/**
 * The server's tables, as Kysely sees them. Times are ISO-8601 UTC strings (sortable as text in
 * both databases); flags are 0/1 integers; ids are random text, so nothing differs between SQLite
 * and PostgreSQL and no id can be guessed.
 */
export interface UsersTable {
  id: string
  email: string
  name: string
  /** scrypt$N$r$p$salt$hash, never the password */
  password_hash: string
  role: 'participant' | 'organizer'
  created_at: string
  /** wrong passwords since the last right one */
  failed_logins: Generated<number>
  /** log-ins are refused until then (ISO), after too many wrong passwords */
  locked_until: string | null
}

export interface SessionsTable {
  /** SHA-256 of the cookie value */
  token_hash: string
  user_id: string
  created_at: string
  expires_at: string
}

export interface ApiTokensTable {
  id: string
  user_id: string
  name: string
  /** SHA-256 of the token; the token is shown once */
  token_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface SignupInvitesTable {
  code_hash: string
  created_by: string | null
  created_at: string
  used_by: string | null
  used_at: string | null
}

export interface TeamsTable {
  id: string
  /** as typed */
  name: string
  /** unique: the name as compared (team-name.ts), so look-alike names are one */
  name_key: string
  created_by: string
  created_at: string
}

export interface TeamMembersTable {
  team_id: string
  /** unique: one team per user */
  user_id: string
  joined_at: string
}

export interface TeamInvitesTable {
  code_hash: string
  team_id: string
  created_by: string
  created_at: string
  expires_at: string
  used_by: string | null
}

export interface BlobsTable {
  /** SHA-256 of bytes: content-addressed, stored once */
  sha256: string
  bytes: Buffer
  size: number
}

export interface SubmissionsTable {
  id: string
  board: string
  team_id: string
  user_id: string
  phase: string | null
  method: string
  description: string | null
  link: string | null
  /** the submission's SHA-256 (boards/submissionSha256); unique per team and board */
  sha256: string
  status: 'queued' | 'running' | 'scored' | 'failed'
  stage: string | null
  progress_done: number
  progress_total: number
  error: string | null
  /** the current score (the latest scoring); old ones stay in `scores` */
  score: number | null
  details: string | null
  score_id: string | null
  baseline: number
  /** UTC day charged to the quota (YYYY-MM-DD) */
  quota_day: string
  submitted_at: string
  scored_at: string | null
}

export interface SubmissionFilesTable {
  submission_id: string
  position: number
  name: string
  blob_sha256: string
}

export interface QuotaCountersTable {
  team_id: string
  board: string
  day: string
  used: number
}

/** The same count per person, whatever their team (charged and refunded with the team's) */
export interface PersonQuotaCountersTable {
  user_id: string
  board: string
  day: string
  used: number
}

export interface TeamEventsTable {
  id: string
  /** null for 'change_allowed' */
  team_id: string | null
  user_id: string
  /** created, joined, left: the person's moves; change_allowed: an organizer lets them change once more */
  kind: 'created' | 'joined' | 'left' | 'change_allowed'
  /** the phase open then ('' between phases) */
  phase: string
  /** who did it: the person, or the organizer */
  actor: string
  at: string
}

export interface JobsTable {
  id: string
  submission_id: string
  kind: 'score' | 'rescore'
  status: 'queued' | 'running' | 'done' | 'failed'
  attempts: number
  lease_owner: string | null
  lease_expires_at: string | null
  error: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  /** the board rescoring this job belongs to (rescores.id), else null */
  rescore_id: string | null
}

/** A board's rescoring: progress is counted from its jobs; the rank changes are kept when it ends. */
export interface RescoresTable {
  id: string
  board: string
  status: 'running' | 'done'
  started_by: string
  started_at: string
  finished_at: string | null
  total: number
  done: number | null
  failed: number | null
  /** JSON: the ranked rows (without their details) when it started */
  ranks_before: string
  /** JSON: rankChanges(before, after), once done */
  changes: string | null
}

export interface ScoresTable {
  id: string
  submission_id: string
  /** unique: a job writes at most one score, whatever happens to its worker */
  job_id: string
  score: number
  details: string
  /** the unsigned manifest (JSON); the server signs it when asked */
  manifest: string
  evaluator_version: string
  created_at: string
}

export interface AuditLogTable {
  seq: number
  at: string
  kind: string
  actor: string
  payload: string
  prev_hash: string
  hash: string
}

export interface BoardStateTable {
  board: string
  phase: string
  published_at: string | null
  published_by: string | null
}

export interface PhaseOverridesTable {
  name: string
  start: string | null
  end: string | null
  daily_limit: number | null
  leaderboard: string | null
  rule: string | null
}

export interface WorkersTable {
  id: string
  host: string
  pid: number
  started_at: string
  last_seen_at: string
  jobs_done: number
}

/**
 * The materialized board: one row per team (its best or latest scored submission, by the phase's
 * rule) and one per baseline submission, per board and phase; updated in the transaction that
 * scores, rescores or marks a submission, so a board read never ranks every submission.
 */
export interface StandingsTable {
  board: string
  phase: string
  /** the team id, or 'baseline:<submission id>' (leaderboard/rank.ts standingKey) */
  entry: string
  team_id: string
  submission_id: string
  score: number
  submitted_at: string
  /** the team's scored submissions on this board and phase (1 for a baseline row) */
  submissions: number
  last_submitted_at: string
  baseline: number
}

/**
 * A counter per board and phase, raised in every transaction that changes its standings (and the
 * rule they were built with); board '*', phase '*' counts changes of phases and publication.
 * Readers cache a board until its counter moves.
 */
export interface BoardVersionsTable {
  board: string
  phase: string
  version: number
  /** the rule the standings were built with; null before the first build */
  rule: string | null
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  signup_invites: SignupInvitesTable
  teams: TeamsTable
  team_members: TeamMembersTable
  team_invites: TeamInvitesTable
  blobs: BlobsTable
  submissions: SubmissionsTable
  submission_files: SubmissionFilesTable
  quota_counters: QuotaCountersTable
  person_quota_counters: PersonQuotaCountersTable
  team_events: TeamEventsTable
  jobs: JobsTable
  rescores: RescoresTable
  scores: ScoresTable
  audit_log: AuditLogTable
  board_state: BoardStateTable
  phase_overrides: PhaseOverridesTable
  workers: WorkersTable
  standings: StandingsTable
  board_versions: BoardVersionsTable
}
