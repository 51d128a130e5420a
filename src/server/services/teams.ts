/**
 * Teams: a user belongs to at most one team; a member invites others with a single-use code
 * (valid 7 days, kept hashed; open ones are listed by hash and can be withdrawn); leaving the last member leaves the team and its submissions.
 * Team names are unique as compared by team-name.ts (look-alikes are one name); a person makes or
 * joins one team per phase unless an organizer allows a change (team-history.ts).
 */
import type { Kysely, Transaction } from '../../vendor/kysely.js'
import { isUniqueViolation } from '../db/open.js'
import type { Database } from '../db/schema.js'
import { teamNameKey } from '../team-name.js'
import type { User } from './accounts.js'
import { iso, type ServerContext } from './context.js'
import { badRequest, forbidden, ServiceError } from './errors.js'
import { newId } from '../db/ids.js'
import { newSecret, sha256Hex } from './secrets.js'
import { checkTeamChange, recordTeamEvent, teamPhase } from './team-history.js'

export interface Team {
  id: string
  name: string
  members: Array<{ id: string; name: string; email: string }>
}

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000

export async function teamIdOf(
  ctx: ServerContext,
  userId: string,
  trx: Transaction<Database> | Kysely<Database> = ctx.db.kysely,
): Promise<string | undefined> {
  const row = await trx.selectFrom('team_members').select('team_id').where('user_id', '=', userId).executeTakeFirst()
  return row?.team_id
}

export async function myTeam(ctx: ServerContext, user: User): Promise<Team | undefined> {
  const teamId = await teamIdOf(ctx, user.id)
  return teamId ? getTeam(ctx, teamId) : undefined
}

export async function getTeam(ctx: ServerContext, teamId: string): Promise<Team | undefined> {
  const team = await ctx.db.kysely
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('id', '=', teamId)
    .executeTakeFirst()
  if (!team) return undefined
  const members = await ctx.db.kysely
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.id', 'users.name', 'users.email'])
    .where('team_members.team_id', '=', teamId)
    .orderBy('team_members.joined_at')
    .execute()
  return { ...team, members }
}

/** The caller's team, or a 403 saying how to get one. */
export async function requireTeam(ctx: ServerContext, user: User): Promise<string> {
  const teamId = await teamIdOf(ctx, user.id)
  if (!teamId)
    throw new ServiceError(
      403,
      'no_team',
      'you are in no team: create one (POST /api/v1/teams) or join one with an invite code',
    )
  return teamId
}

export async function createTeam(ctx: ServerContext, user: User, nameRaw: string): Promise<Team> {
  const name = nameRaw.trim()
  const key = teamNameKey(name)
  if (key === '' || name.length > 80) throw badRequest('team name: expected 1 to 80 characters, some of them visible')
  const id = newId('team')
  const now = iso(ctx.now())
  const phase = await teamPhase(ctx)
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      if (await teamIdOf(ctx, user.id, trx))
        throw new ServiceError(409, 'already_in_team', 'you are already in a team; leave it first')
      await checkTeamChange(trx, user, phase)
      await trx.insertInto('teams').values({ id, name, name_key: key, created_by: user.id, created_at: now }).execute()
      await trx.insertInto('team_members').values({ team_id: id, user_id: user.id, joined_at: now }).execute()
      await recordTeamEvent(ctx, trx, { teamId: id, userId: user.id, kind: 'created', actor: user.id, phase })
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      const existing = await teamIdOf(ctx, user.id)
      if (existing) throw new ServiceError(409, 'already_in_team', 'you are already in a team; leave it first')
      const twin = await ctx.db.kysely.selectFrom('teams').select('name').where('name_key', '=', key).executeTakeFirst()
      throw new ServiceError(
        409,
        'team_name_taken',
        `a team named '${twin?.name ?? name}' exists, and names are compared without case, width, spaces or invisible characters; choose another name`,
      )
    }
    throw err
  }
  return (await getTeam(ctx, id))!
}

/** Refuses (403) a caller who is not a member of `teamId`; `what` says what only members may do. */
async function requireMember(ctx: ServerContext, user: User, teamId: string, what: string): Promise<void> {
  if ((await teamIdOf(ctx, user.id)) !== teamId) throw forbidden(`only members of a team can ${what}`)
}

export async function createTeamInvite(
  ctx: ServerContext,
  user: User,
  teamId: string,
): Promise<{ code: string; expiresAt: string }> {
  await requireMember(ctx, user, teamId, 'invite to it')
  const code = newSecret('dp_team')
  const now = ctx.now()
  const expiresAt = iso(new Date(now.getTime() + INVITE_TTL_MS))
  await ctx.db.kysely
    .insertInto('team_invites')
    .values({
      code_hash: sha256Hex(code),
      team_id: teamId,
      created_by: user.id,
      created_at: iso(now),
      expires_at: expiresAt,
      used_by: null,
    })
    .execute()
  return { code, expiresAt }
}

/** An open invitation: not used, not expired. Its code is kept only hashed, so the list names it by that hash. */
export interface OpenTeamInvite {
  id: string
  createdBy: string
  createdAt: string
  expiresAt: string
}

/** The team's open invitations, newest first (members only). */
export async function openTeamInvites(ctx: ServerContext, user: User, teamId: string): Promise<OpenTeamInvite[]> {
  await requireMember(ctx, user, teamId, 'see its invitations')
  const rows = await ctx.db.kysely
    .selectFrom('team_invites')
    .innerJoin('users', 'users.id', 'team_invites.created_by')
    .select(['team_invites.code_hash', 'users.name', 'team_invites.created_at', 'team_invites.expires_at'])
    .where('team_invites.team_id', '=', teamId)
    .where('team_invites.used_by', 'is', null)
    .where('team_invites.expires_at', '>', iso(ctx.now()))
    .orderBy('team_invites.created_at', 'desc')
    .execute()
  return rows.map((r) => ({ id: r.code_hash, createdBy: r.name, createdAt: r.created_at, expiresAt: r.expires_at }))
}

/** Withdraws an open invitation of the caller's team, so its code no longer joins. */
export async function revokeTeamInvite(
  ctx: ServerContext,
  user: User,
  teamId: string,
  inviteId: string,
): Promise<void> {
  await requireMember(ctx, user, teamId, 'withdraw its invitations')
  const deleted = await ctx.db.kysely
    .deleteFrom('team_invites')
    .where('code_hash', '=', inviteId)
    .where('team_id', '=', teamId)
    .where('used_by', 'is', null)
    .executeTakeFirst()
  if (Number(deleted.numDeletedRows) !== 1)
    throw new ServiceError(
      404,
      'invite_not_found',
      'no open invitation of your team has that id (it was used, withdrawn or never existed)',
    )
}

export async function joinTeam(ctx: ServerContext, user: User, code: string): Promise<Team> {
  const now = iso(ctx.now())
  const phase = await teamPhase(ctx)
  const teamId = await ctx.db.kysely.transaction().execute(async (trx) => {
    const invite = await trx
      .selectFrom('team_invites')
      .selectAll()
      .where('code_hash', '=', sha256Hex(code))
      .executeTakeFirst()
    if (!invite || invite.used_by !== null || invite.expires_at <= now)
      throw new ServiceError(
        403,
        'invite_invalid',
        'that team invite code is unknown, used or expired; ask the team for a new one',
      )
    const claimed = await trx
      .updateTable('team_invites')
      .set({ used_by: user.id })
      .where('code_hash', '=', invite.code_hash)
      .where('used_by', 'is', null)
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1)
      throw new ServiceError(403, 'invite_invalid', 'that team invite code was just used')
    if (await teamIdOf(ctx, user.id, trx))
      throw new ServiceError(409, 'already_in_team', 'you are already in a team; leave it first')
    await checkTeamChange(trx, user, phase)
    try {
      await trx
        .insertInto('team_members')
        .values({ team_id: invite.team_id, user_id: user.id, joined_at: now })
        .execute()
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ServiceError(409, 'already_in_team', 'you are already in a team; leave it first')
      throw err
    }
    await recordTeamEvent(ctx, trx, { teamId: invite.team_id, userId: user.id, kind: 'joined', actor: user.id, phase })
    return invite.team_id
  })
  return (await getTeam(ctx, teamId))!
}

export async function leaveTeam(ctx: ServerContext, user: User): Promise<void> {
  const phase = await teamPhase(ctx)
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const left = await trx
      .deleteFrom('team_members')
      .where('user_id', '=', user.id)
      .returning('team_id')
      .executeTakeFirst()
    if (!left) throw new ServiceError(409, 'no_team', 'you are in no team')
    await recordTeamEvent(ctx, trx, { teamId: left.team_id, userId: user.id, kind: 'left', actor: user.id, phase })
  })
}
