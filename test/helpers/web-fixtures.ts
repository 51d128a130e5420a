// View models for the page views' tests and for rendering the pages without a server.
import type {
  BoardView,
  HomeView,
  LeaderboardView,
  OrganizerView,
  PageContext,
  SubmissionPageView,
  SubmitView,
  TeamView,
} from '../../src/server/web/view-models.js'

const day = (d: number, h = 0) => new Date(Date.UTC(2026, 11, d, h))

export const SPEECH_BOARDS: BoardView[] = ['en', 'id', 'pt'].flatMap((language) =>
  [25, 60].map((trainSize) => ({ id: `${language}-${trainSize}`, track: 'speech' as const, language, trainSize })),
)
export const VISION_BOARD: BoardView = { id: 'vision', track: 'vision', tasks: ['Cupcake', 'Hawk', 'Sushi'] }
export const BOARDS: BoardView[] = [...SPEECH_BOARDS, VISION_BOARD]

export function ctx(over: Partial<PageContext> = {}): PageContext {
  return {
    challengeName: 'DataPerf selection challenge 2026',
    path: '/',
    csrfToken: 'csrf-token-123',
    user: { name: 'Ada', email: 'ada@example.org', isOrganizer: false, team: { id: 't1', name: 'Lovelace Lab' } },
    ...over,
  }
}

export const PHASE = {
  name: 'open',
  start: day(1),
  end: new Date(Date.UTC(2027, 1, 1)),
  dailyLimit: 3,
  leaderboard: 'public' as const,
  rule: 'best' as const,
}

export const SPEECH_ROWS: LeaderboardView['rows'] = [
  {
    rank: 1,
    team: 'Lovelace Lab',
    method: 'cleanlab + k-medoids',
    score: 0.41234567,
    submissions: 4,
    lastSubmission: day(5, 10),
    baseline: false,
    submissionId: 's4',
  },
  {
    rank: null,
    team: 'Organizers',
    method: 'official baseline',
    score: 0.3524,
    submissions: 1,
    lastSubmission: day(1, 9),
    baseline: true,
    submissionId: 'b1',
  },
  {
    rank: 2,
    team: 'Babbage & Co <b>',
    method: 'random',
    score: 0.30111,
    submissions: 2,
    lastSubmission: day(3, 12),
    baseline: false,
    submissionId: 's7',
  },
]

export const VISION_ROWS: LeaderboardView['rows'] = [
  {
    rank: 1,
    team: 'Hopper',
    method: 'fpscv',
    score: 0.81,
    submissions: 2,
    lastSubmission: day(4),
    baseline: false,
    taskF1: { Cupcake: 0.8, Hawk: 0.78, Sushi: 0.85 },
  },
  {
    rank: null,
    team: 'Organizers',
    method: 'random 500',
    score: 0.462,
    submissions: 1,
    lastSubmission: day(1),
    baseline: true,
    taskF1: { Cupcake: 0.504, Hawk: 0.25, Sushi: 0.632 },
  },
]

export function leaderboardView(board = SPEECH_BOARDS[0]!): LeaderboardView {
  const vision = board.track === 'vision'
  return {
    board,
    boards: BOARDS,
    hidden: false,
    rule: 'best',
    rows: vision ? VISION_ROWS : SPEECH_ROWS,
    series: [
      {
        name: 'Lovelace Lab',
        points: [
          { at: day(2), score: 0.33 },
          { at: day(3), score: 0.31 },
          { at: day(4), score: 0.39 },
          { at: day(5, 10), score: 0.41234567 },
        ],
      },
      { name: 'Organizers', baseline: true, points: [{ at: day(1, 9), score: 0.3524 }] },
      {
        name: 'Babbage & Co <b>',
        points: [
          { at: day(2, 6), score: 0.2 },
          { at: day(3, 12), score: 0.30111 },
        ],
      },
    ],
    csvUrl: `/api/v1/boards/${board.id}/leaderboard?format=csv`,
    jsonUrl: `/api/v1/boards/${board.id}/leaderboard`,
    eventsUrl: `/boards/${board.id}/events`,
  }
}

export function homeView(): HomeView {
  return {
    name: 'DataPerf selection challenge 2026',
    description: 'Choose small training sets from a large pool.\n\nThe model is frozen; the data is the variable.',
    boards: BOARDS,
    phases: [PHASE],
    currentPhase: PHASE,
    serverUrl: 'http://127.0.0.1:8080',
    tops: [
      { board: SPEECH_BOARDS[0]!, rows: SPEECH_ROWS, withheld: false },
      { board: SPEECH_BOARDS[1]!, rows: [], withheld: false },
      { board: VISION_BOARD, rows: VISION_ROWS, withheld: true },
    ],
  }
}

export function submitView(over: Partial<SubmitView> = {}): SubmitView {
  return {
    boards: BOARDS,
    selectedBoard: 'en-25',
    quotas: Object.fromEntries(
      BOARDS.map((b, i) => [b.id, { limit: 3, used: i % 3, remaining: 3 - (i % 3), resetsAt: day(6) }]),
    ),
    values: { method: '', description: '', link: '' },
    errors: {},
    maxUploadBytes: 20 * 1024 * 1024,
    textLimits: { method: 200, description: 5000, link: 2000 },
    ...over,
  }
}

export function submissionView(over: Partial<SubmissionPageView> = {}): SubmissionPageView {
  return {
    id: 's4',
    board: SPEECH_BOARDS[0]!,
    team: 'Lovelace Lab',
    method: 'cleanlab + k-medoids',
    description: 'Two passes.\nSecond line.',
    link: 'https://example.org/paper',
    status: 'scored',
    score: 0.41234567,
    rank: 1,
    details: {
      kind: 'speech',
      seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      perSeedF1: [0.4, 0.42, 0.41, 0.43, 0.39, 0.41, 0.42, 0.4, 0.44, 0.4134567],
    },
    submittedAt: day(5, 10),
    scoredAt: day(5, 11),
    sha256: 'a'.repeat(64),
    manifestUrl: '/api/v1/submissions/s4/manifest',
    publicKeyUrl: '/api/v1/public-key',
    eventsUrl: '/api/v1/submissions/s4/events',
    ...over,
  }
}

export function teamView(over: Partial<TeamView> = {}): TeamView {
  return {
    team: {
      id: 't1',
      name: 'Lovelace Lab',
      members: [
        { name: 'Ada', email: 'ada@example.org' },
        { name: 'Charles', email: 'charles@example.org' },
      ],
    },
    invites: [{ id: 'a1b2c3', createdBy: 'Alice', createdAt: day(2), expiresAt: day(9) }],
    tokens: [{ id: 'k1', name: 'laptop', createdAt: day(2), lastUsedAt: day(5) }],
    submissions: [
      {
        id: 's4',
        board: 'en-25',
        method: 'cleanlab + k-medoids',
        status: 'scored',
        score: 0.41234567,
        submittedAt: day(5, 10),
      },
      { id: 's5', board: 'vision', method: 'fpscv', status: 'failed', submittedAt: day(5, 12) },
      { id: 's6', board: 'en-60', method: 'k-medoids', status: 'running', submittedAt: day(5, 13) },
    ],
    quotas: [{ board: SPEECH_BOARDS[0]!, quota: { limit: 3, used: 1, remaining: 2, resetsAt: day(6) } }],
    errors: {},
    serverUrl: 'http://127.0.0.1:8080',
    ...over,
  }
}

export function organizerView(): OrganizerView {
  return {
    phases: [
      PHASE,
      {
        ...PHASE,
        name: 'final',
        start: new Date(Date.UTC(2027, 1, 1)),
        end: new Date(Date.UTC(2027, 2, 1)),
        leaderboard: 'hidden',
        rule: 'latest',
      },
    ],
    boards: [SPEECH_BOARDS[0]!, { ...VISION_BOARD, hidden: true }],
    submissions: [
      {
        id: 's4',
        board: 'en-25',
        team: 'Lovelace Lab',
        method: 'cleanlab',
        status: 'scored',
        score: 0.41,
        submittedAt: day(5),
      },
      {
        id: 'b1',
        board: 'en-25',
        team: 'Organizers',
        method: 'official baseline',
        status: 'scored',
        score: 0.3524,
        submittedAt: day(1),
        baseline: true,
      },
    ],
    audit: {
      entries: [{ seq: 1, at: day(1), kind: 'submission', actor: 'ada@example.org', summary: 'en-25 s4 sha256 aaaa…' }],
      chain: { ok: true },
    },
    health: {
      queue: { queued: 1, running: 1, failed: 0, scored: 12 },
      workers: [{ id: 'worker-1', host: 'box', lastSeen: day(5), jobsDone: 12 }],
    },
    errors: {},
  }
}
