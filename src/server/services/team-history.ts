/**
 * Who made, joined and left which team, and when: the record behind the rule that a person
 * creates or joins a team once per phase (a second team in the same phase would be a fresh daily
 * quota and a second place on the board), unless an organizer lets them change once more. The
 * organizers read a team's history, with every move of the people who were ever in it.
 */
import type { Transaction } from '../../vendor/kysely.js'
import type { Database, TeamEventsTable } from '../db/schema.js'
import { newId } from '../db/ids.js'
import { requireOrganizer, type User } from './accounts.js'
import { appendAudit } from './audit.js'
import { iso, type ServerContext } from './context.js'
import { notFound, ServiceError } from './errors.js'
import { currentPhase } from './phases.js'

/**
 * The phase whose count a move belongs to ('' before and between phases). Read it before the
 * move's transaction: on SQLite a read outside the open transaction would wait for it forever.
 */
export async function teamPhase(ctx: ServerContext): Promise<string> {
  return (await currentPhase(ctx))?.name ?? ''
}

/** Refuses a second team in `phase` without an organizer's leave; call inside the move's transaction. */
export async function checkTeamChange(trx: Transaction<Database>, user: User, phase: string): Promise<void> {
  const events = await trx
    .selectFrom('team_events')
    .leftJoin('teams', 'teams.id', 'team_events.team_id')
    .select(['team_events.kind', 'team_events.at', 'teams.name'])
    .where('team_events.user_id', '=', user.id)
    .where('team_events.phase', '=', phase)
    .orderBy('team_events.at')
    .execute()
  const moves = events.filter((e) => e.kind === 'created' || e.kind === 'joined')
  const allowed = events.filter((e) => e.kind === 'change_allowed').length
  if (moves.length < 1 + allowed) return
  const first = moves[0]!
  throw new ServiceError(
    403,
    'team_change_limit',
    `you ${first.kind} team ${first.name ?? '?'} on ${first.at.slice(0, 10)}${phase ? ` in phase ${phase}` : ''}, and a person changes team once per phase: ask the organizers to allow another change (they see your team history)`,
    { phase },
  )
}

export async function recordTeamEvent(
  ctx: ServerContext,
  trx: Transaction<Database>,
  event: { teamId: string | null; userId: string; kind: TeamEventsTable['kind']; actor: string; phase: string },
): Promise<void> {
  const { phase } = event
  const at = iso(ctx.now())
  await trx
    .insertInto('team_events')
    .values({
      id: newId('tev'),
      team_id: event.teamId,
      user_id: event.userId,
      kind: event.kind,
      phase,
      actor: event.actor,
      at,
    })
    .execute()
  await appendAudit(ctx, trx, {
    kind: 'team',
    actor: event.actor,
    payload: { event: event.kind, team: event.teamId, user: event.userId, phase },
  })
}

/** An organizer lets a person create or join one more team in the current phase. */
export async function allowTeamChange(ctx: ServerContext, organizer: User | undefined, userId: string): Promise<void> {
  const org = requireOrganizer(organizer)
  const phase = await teamPhase(ctx)
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()
    if (!user) throw notFound(`user ${userId}`)
    await recordTeamEvent(ctx, trx, { teamId: null, userId, kind: 'change_allowed', actor: org.id, phase })
  })
}

export interface TeamEventView {
  at: string
  kind: TeamEventsTable['kind']
  phase: string
  team: { id: string; name: string } | null
  user: { id: string; name: string; email: string }
  /** the organizer's name for change_allowed; the person's otherwise */
  by: string
}

export interface TeamHistory {
  team: { id: string; name: string; created_at: string }
  members: Array<{ id: string; name: string; email: string }>
  /** this team's events and every move of the people ever in it, oldest first */
  events: TeamEventView[]
}

export async function teamHistory(ctx: ServerContext, viewer: User | undefined, teamId: string): Promise<TeamHistory> {
  requireOrganizer(viewer)
  const db = ctx.db.kysely
  const team = await db
    .selectFrom('teams')
    .select(['id', 'name', 'created_at'])
    .where('id', '=', teamId)
    .executeTakeFirst()
  if (!team) throw notFound(`team ${teamId}`)
  const members = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.id', 'users.name', 'users.email'])
    .where('team_members.team_id', '=', teamId)
    .orderBy('team_members.joined_at')
    .execute()
  const people = db.selectFrom('team_events').select('user_id').where('team_id', '=', teamId)
  const rows = await db
    .selectFrom('team_events')
    .innerJoin('users', 'users.id', 'team_events.user_id')
    .innerJoin('users as actors', 'actors.id', 'team_events.actor')
    .leftJoin('teams', 'teams.id', 'team_events.team_id')
    .select([
      'team_events.at',
      'team_events.kind',
      'team_events.phase',
      'team_events.team_id',
      'teams.name as team_name',
      'users.id as user_id',
      'users.name as user_name',
      'users.email as user_email',
      'actors.name as actor_name',
    ])
    .where((eb) => eb.or([eb('team_events.team_id', '=', teamId), eb('team_events.user_id', 'in', people)]))
    .orderBy('team_events.at')
    .orderBy('team_events.id')
    .execute()
  return {
    team,
    members,
    events: rows.map((r) => ({
      at: r.at,
      kind: r.kind,
      phase: r.phase,
      team: r.team_id ? { id: r.team_id, name: r.team_name ?? '?' } : null,
      user: { id: r.user_id, name: r.user_name, email: r.user_email },
      by: r.actor_name,
    })),
  }
}

export interface TeamSummary {
  id: string
  name: string
  created_at: string
  members: number
  /** people who have left it */
  left: number
}

/** Every team, by name (organizers). */
export async function listTeams(ctx: ServerContext, viewer: User | undefined): Promise<TeamSummary[]> {
  requireOrganizer(viewer)
  const rows = await ctx.db.kysely
    .selectFrom('teams')
    .select((eb) => [
      'teams.id',
      'teams.name',
      'teams.created_at',
      eb
        .selectFrom('team_members')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('team_members.team_id', '=', 'teams.id')
        .as('members'),
      eb
        .selectFrom('team_events')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('team_events.team_id', '=', 'teams.id')
        .where('team_events.kind', '=', 'left')
        .as('left'),
    ])
    .orderBy('teams.name')
    .execute()
  return rows.map((r) => ({ ...r, members: Number(r.members ?? 0), left: Number(r.left ?? 0) }))
}
