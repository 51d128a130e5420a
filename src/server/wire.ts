/**
 * The JSON that /api/v1 answers with, once: JSON Schemas (TypeBox) that the routes declare as their
 * responses, so they feed the OpenAPI document (/api/v1/openapi.json) and Fastify's serializer,
 * and the TypeScript types derived from them, which the services build and the CLI's HTTP client
 * reads (through server/index.ts). A field the services add must be added here, or it does not
 * type-check (and would not be sent).
 */
import Type, { type Static } from '../vendor/typebox.js'

const Timestamp = Type.String({ description: 'ISO 8601, UTC' })
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const QuotaSchema = Type.Object(
  {
    limit: Type.Number(),
    /** the larger of the team's and the person's count */
    used: Type.Number(),
    remaining: Type.Number(),
    resets_at: Timestamp,
    team_used: Type.Optional(Type.Number({ description: "the team's valid submissions today" })),
    person_used: Type.Optional(
      Type.Number({ description: "this person's valid submissions today, whichever team they were in" }),
    ),
  },
  {
    description:
      'Valid submissions on a board today (UTC): the limit holds per team and per person; what is left is what both have left',
  },
)
export type Quota = Static<typeof QuotaSchema>

export const SubmissionViewSchema = Type.Object(
  {
    id: Type.String(),
    board: Type.String(),
    team: Type.String(),
    team_id: Type.String(),
    phase: Nullable(Type.String()),
    method: Type.String(),
    description: Nullable(Type.String()),
    link: Nullable(Type.String()),
    sha256: Type.String(),
    status: Type.Union([
      Type.Literal('queued'),
      Type.Literal('running'),
      Type.Literal('scored'),
      Type.Literal('failed'),
    ]),
    stage: Nullable(Type.String()),
    progress: Type.Object({ done: Type.Number(), total: Type.Number() }),
    error: Nullable(Type.String()),
    score: Nullable(Type.Number()),
    details: Type.Unknown({ description: 'per-seed (speech) or per-task (vision) figures' }),
    rank: Nullable(Type.Number()),
    baseline: Type.Boolean(),
    score_hidden: Type.Boolean({
      description: 'true when the board is hidden from this viewer: the score waits for publication',
    }),
    submitted_at: Timestamp,
    scored_at: Nullable(Timestamp),
  },
  { description: 'A submission as its team (or an organizer) sees it' },
)
export type SubmissionView = Static<typeof SubmissionViewSchema>

export const SubmitResultSchema = Type.Object({
  submission: SubmissionViewSchema,
  quota: QuotaSchema,
  duplicate: Type.Boolean({ description: 'a byte-equal resubmission: the earlier submission, not charged' }),
})
export type SubmitResult = Static<typeof SubmitResultSchema>

export const PhaseViewSchema = Type.Object({
  name: Type.String(),
  start: Timestamp,
  end: Timestamp,
  daily_limit: Type.Number(),
  leaderboard: Type.Union([Type.Literal('public'), Type.Literal('hidden')]),
  rule: Type.Union([Type.Literal('best'), Type.Literal('latest')]),
})
export type PhaseView = Static<typeof PhaseViewSchema>

export const LeaderboardRowSchema = Type.Object({
  rank: Nullable(Type.Number({ description: 'null for baseline rows (placed by score, never moving a rank)' })),
  team: Type.String(),
  method: Type.String(),
  score: Type.Number(),
  details: Type.Unknown(),
  baseline: Type.Boolean(),
  submitted_at: Timestamp,
  submissions: Type.Number(),
  last_submitted_at: Timestamp,
  submission_id: Type.String(),
})
export type LeaderboardRow = Static<typeof LeaderboardRowSchema>

export const LeaderboardSchema = Type.Object({
  board: Type.String(),
  phase: PhaseViewSchema,
  rule: Type.Union([Type.Literal('best'), Type.Literal('latest')]),
  hidden: Type.Boolean(),
  published: Type.Boolean(),
  version: Type.Number({ description: "the board's version: it moves with every change of its rows" }),
  total: Type.Number({ description: 'rows on the board (or matching the search)' }),
  page: Type.Number(),
  limit: Type.Number(),
  pages: Type.Number(),
  query: Type.Optional(
    Type.String({ description: 'the search asked for (?q=): rows whose team or method contain it, any case' }),
  ),
  team: Type.Optional(
    Type.String({
      description: 'the team asked for (?team=): `rows` is its ranked row, `page` the page that holds it',
    }),
  ),
  position: Type.Optional(
    Type.Number({ description: "1-based place of the team's row in board order (baseline rows count as places)" }),
  ),
  rows: Type.Array(LeaderboardRowSchema),
})
export type Leaderboard = Static<typeof LeaderboardSchema>

/** What every refusal looks like: `{ error: { code, message, ...more } }` */
export const ApiErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
})
export type ApiError = Static<typeof ApiErrorSchema>
