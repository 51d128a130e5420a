// The plain objects the page views render. The route layer fills them from the server's services;
// the views know nothing of the database, of Fastify or of the challenge loader, so they can be
// rendered and tested on their own.

export interface UserView {
  name: string
  email: string
  isOrganizer: boolean
  team?: { id: string; name: string }
}

/** What every page needs besides its own content. */
export interface PageContext {
  challengeName: string
  /** The path of the page, to mark the current navigation entry. */
  path: string
  user?: UserView
  /** Token for the hidden `_csrf` field of every state-changing form. */
  csrfToken: string
  flash?: { kind: 'ok' | 'error'; text: string }
}

export interface BoardView {
  id: string
  track: 'speech' | 'vision'
  /** Speech: en | id | pt. */
  language?: string
  /** Speech: the cap on the training set (25 or 60). */
  trainSize?: number
  /** Vision: the task names, in the challenge's order. */
  tasks?: string[]
  /** Hidden from participants until an organizer publishes it (hidden phase). */
  hidden?: boolean
}

export interface PhaseView {
  name: string
  start: Date
  end: Date
  dailyLimit: number
  leaderboard: 'public' | 'hidden'
  rule: 'best' | 'latest'
}

export interface LeaderboardRowView {
  /** null for baseline rows: they are placed by score but take no rank from a team */
  rank: number | null
  team: string
  method: string
  score: number
  submissions: number
  lastSubmission: Date
  baseline: boolean
  submissionId?: string
  /** Vision: F1 per task. */
  taskF1?: Record<string, number>
  /** 1-based place in board order (baseline rows count): the row's anchor is #pos-N */
  position?: number
  /** the visitor's team */
  mine?: boolean
}

export interface ChartPoint {
  at: Date
  score: number
}
export interface ChartSeries {
  name: string
  baseline?: boolean
  points: ChartPoint[]
  /** the team's rank on the board (the legend is in rank order) */
  rank?: number | null
  /** the visitor's team: drawn heavier, named as theirs */
  mine?: boolean
}

/** Where a list of rows is: which page of how many, the places shown. */
export interface PagerView {
  page: number
  pages: number
  /** rows in all (or matching the search) */
  total: number
  /** 1-based places of the first and last row shown (0 and 0 when none) */
  from: number
  to: number
}

export interface BoardTop {
  board: BoardView
  rows: LeaderboardRowView[]
  /** True when the board exists but the visitor may not see it yet. */
  withheld: boolean
}

export interface HomeView {
  name: string
  description: string
  boards: BoardView[]
  phases: PhaseView[]
  currentPhase?: PhaseView
  nextPhase?: PhaseView
  tops: BoardTop[]
  /** The server's own URL, for the `dataperf submit --server` example. */
  serverUrl: string
}

export interface LeaderboardView {
  board: BoardView
  boards: BoardView[]
  /** The board is hidden from participants; only organizers reach this page then. */
  hidden: boolean
  rule: 'best' | 'latest'
  rows: LeaderboardRowView[]
  series: ChartSeries[]
  /** When the page was made: the chart's lines run up to it. */
  now?: Date
  csvUrl: string
  jsonUrl: string
  /** Server-sent events announcing new scores on this board (progressive enhancement). */
  eventsUrl?: string
  /** The board version the page shows (the events name versions: a newer one means refresh). */
  version?: number
  pager?: PagerView
  /** the search shown (?q=): rows whose team or method contain it */
  query?: string
  /** the visitor's team's row, wherever it is on the board */
  myTeam?: { row: LeaderboardRowView; page: number; onPage: boolean }
  /** teams the visitor added to the chart (?with=), beyond the top 10 and their own */
  chartWith?: string[]
}

export interface QuotaView {
  limit: number
  used: number
  remaining: number
  resetsAt: Date
}

export type SubmitField = 'board' | 'file' | 'method' | 'description' | 'link'

export interface SubmitView {
  boards: BoardView[]
  selectedBoard?: string
  quotas: Record<string, QuotaView>
  values: { method: string; description: string; link: string }
  errors: Partial<Record<SubmitField, string>>
  /** Why submitting is not possible now (no team, no open phase); the form is then not shown. */
  closedReason?: string
  maxUploadBytes: number
  /** the longest method, description and link the server keeps (the fields' maxlength) */
  textLimits: { method: number; description: number; link: number }
}

export type SubmissionStatus = 'queued' | 'running' | 'scored' | 'failed'

export interface SpeechDetailsView {
  kind: 'speech'
  seeds: number[]
  perSeedF1: number[]
}
export interface VisionDetailsView {
  kind: 'vision'
  tasks: Record<string, { accuracy: number; recall: number; precision: number; f1: number }>
}

export interface SubmissionPageView {
  id: string
  board: BoardView
  team: string
  method: string
  description?: string
  link?: string
  status: SubmissionStatus
  stage?: string
  progress?: { done: number; total: number }
  error?: string
  score?: number
  details?: SpeechDetailsView | VisionDetailsView
  rank?: number
  baseline?: boolean
  /** Scored, but the board is hidden from this viewer until the organizers publish it. */
  scoreHidden?: boolean
  submittedAt: Date
  scoredAt?: Date
  sha256?: string
  manifestUrl?: string
  publicKeyUrl: string
  eventsUrl: string
}

export interface SubmissionRowView {
  id: string
  board: string
  method: string
  status: SubmissionStatus
  score?: number
  submittedAt: Date
  baseline?: boolean
  team?: string
}

export interface TeamView {
  team?: { id: string; name: string; members: { name: string; email: string }[] }
  /** open invitations: their codes were shown once, so they are named by creator and dates */
  invites: { id: string; createdBy: string; createdAt: Date; expiresAt: Date }[]
  /** An invitation code just created, shown once. */
  newInviteCode?: string
  tokens: { id: string; name: string; createdAt: Date; lastUsedAt?: Date }[]
  /** A token just created: its secret is shown this once and never again. */
  newToken?: { name: string; token: string }
  submissions: SubmissionRowView[]
  quotas: { board: BoardView; quota: QuotaView }[]
  errors: Partial<Record<'teamName' | 'inviteCode' | 'tokenName', string>>
  serverUrl: string
}

export interface RankChangeView {
  team: string
  rankBefore?: number
  rankAfter?: number
  scoreBefore?: number
  scoreAfter?: number
}

/** One file (SHA-256) that several teams submitted on a board, with those submissions. */
export interface DuplicateView {
  board: string
  sha256: string
  submissions: Array<{ id: string; team: string; method: string; status: string; submittedAt: Date }>
}

/** A board's rescoring: its progress, and once done the rank changes. */
export interface RescoreView {
  id: string
  board: string
  status: 'running' | 'done'
  startedAt: Date
  finishedAt?: Date
  total: number
  done: number
  failed: number
  changes?: RankChangeView[]
  eventsUrl: string
}

export interface AuditEntryView {
  seq: number
  at: Date
  kind: string
  actor: string
  summary: string
}

export interface OrganizerView {
  phases: PhaseView[]
  boards: BoardView[]
  submissions: SubmissionRowView[]
  /** which page of all submissions (newest first), and the search that narrowed them */
  submissionsPager?: PagerView
  submissionsQuery?: string
  /** files submitted by more than one team (organizer-duplicates page) */
  duplicates?: number
  audit: { entries: AuditEntryView[]; chain: { ok: boolean; brokenAt?: number } }
  health: {
    queue: { queued: number; running: number; failed: number; scored: number }
    workers: { id: string; host: string; lastSeen: Date; jobsDone: number }[]
  }
  errors: Partial<Record<string, string>>
}

export interface AccountView {
  mode: 'login' | 'signup'
  values: { email: string; name: string; inviteCode: string }
  errors: Partial<Record<'email' | 'name' | 'password' | 'inviteCode' | 'form', string>>
  /** The server asks for an invitation code at sign-up. */
  inviteRequired: boolean
  /** Where to go after logging in. */
  next?: string
}

export interface ErrorView {
  status: number
  title: string
  message: string
}

/** /organizer/teams: every team, with links to its history. */
export interface TeamsAdminView {
  teams: Array<{ id: string; name: string; members: number; left: number; createdAt: Date }>
}

/** /organizer/teams/:id: a team's members and the moves of everyone ever in it. */
export interface TeamHistoryView {
  team: { id: string; name: string; createdAt: Date }
  members: Array<{ id: string; name: string; email: string }>
  events: Array<{
    at: Date
    kind: 'created' | 'joined' | 'left' | 'change_allowed'
    phase: string
    team?: { id: string; name: string }
    user: { id: string; name: string; email: string }
    by: string
  }>
  /** everyone ever in the team, each with a form to allow one more team change */
  people: Array<{ id: string; name: string; email: string }>
}
