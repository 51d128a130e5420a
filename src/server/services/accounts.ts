/**
 * Accounts: sign-up (optionally by an organizer's invite code), log-in into a session, the
 * organizer role, and who a request is (session cookie or API token). Passwords and secrets are
 * stored only as hashes (secrets.ts).
 */
import { UserError } from '../../errors.js'
import { isUniqueViolation } from '../db/open.js'
import type { UsersTable } from '../db/schema.js'
import { appendAudit } from './audit.js'
import { iso, type ServerContext } from './context.js'
import { badRequest, ServiceError, unauthorized } from './errors.js'
import { newId } from '../db/ids.js'
import { hashPassword, newSecret, sha256Hex, verifyPassword } from './secrets.js'

export interface User {
  id: string
  email: string
  name: string
  role: 'participant' | 'organizer'
}

const EMAIL = /^[^\s@]+@[^\s@]+$/
const MIN_PASSWORD = 8

function toUser(row: Pick<UsersTable, 'id' | 'email' | 'name' | 'role'>): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role }
}

export async function signUp(
  ctx: ServerContext,
  input: { email: string; name: string; password: string; inviteCode?: string | undefined },
): Promise<User> {
  const email = input.email.trim().toLowerCase()
  if (!EMAIL.test(email)) throw badRequest(`'${input.email}' is not an email address`)
  const name = input.name.trim()
  if (name === '' || name.length > 100) throw badRequest('name: expected 1 to 100 characters')
  if (input.password.length < MIN_PASSWORD) throw badRequest(`password: expected at least ${MIN_PASSWORD} characters`)
  const passwordHash = await hashPassword(input.password)
  const now = iso(ctx.now())
  const user: User = { id: newId('usr'), email, name, role: 'participant' }
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      if (ctx.config.inviteOnly || input.inviteCode) {
        if (!input.inviteCode)
          throw new ServiceError(
            403,
            'invite_required',
            'sign-up on this server needs an invite code from the organizers',
          )
        const used = await trx
          .updateTable('signup_invites')
          .set({ used_by: user.id, used_at: now })
          .where('code_hash', '=', sha256Hex(input.inviteCode))
          .where('used_by', 'is', null)
          .executeTakeFirst()
        if (Number(used.numUpdatedRows) !== 1)
          throw new ServiceError(403, 'invite_invalid', 'that invite code is unknown or already used')
      }
      await trx
        .insertInto('users')
        .values({ ...user, password_hash: passwordHash, created_at: now })
        .execute()
    })
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ServiceError(409, 'email_taken', `an account with ${email} exists; log in instead`)
    throw err
  }
  return user
}

/**
 * The account with this email and password, or a 401. After `lockoutAfter` wrong passwords in a
 * row the account refuses log-ins for `lockoutMs`, doubled by each further wrong password (up to
 * `lockoutMaxMs`); a refusal while locked (429, with the time) checks no password and counts
 * nothing. The right password clears the count. API tokens keep working meanwhile.
 */
export async function checkPassword(ctx: ServerContext, emailRaw: string, password: string): Promise<User> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .selectAll()
    .where('email', '=', emailRaw.trim().toLowerCase())
    .executeTakeFirst()
  const now = ctx.now()
  if (row?.locked_until && row.locked_until > iso(now)) throw accountLocked(row.locked_until, now)
  // verify against a dummy hash when the user is unknown, so timing does not tell which emails exist
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
  if (row && ok) {
    if (row.failed_logins > 0 || row.locked_until)
      await ctx.db.kysely
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', row.id)
        .execute()
    return toUser(row)
  }
  if (row) {
    const counted = await ctx.db.kysely
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', row.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow()
    const over = counted.failed_logins - ctx.config.lockoutAfter
    if (over >= 0) {
      const ms = Math.min(ctx.config.lockoutMaxMs, ctx.config.lockoutMs * 2 ** Math.min(over, 30))
      const until = iso(new Date(now.getTime() + ms))
      await ctx.db.kysely.updateTable('users').set({ locked_until: until }).where('id', '=', row.id).execute()
      throw accountLocked(until, now, counted.failed_logins)
    }
  }
  throw new ServiceError(401, 'bad_credentials', 'wrong email or password')
}

function accountLocked(until: string, now: Date, failures?: number): ServiceError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000))
  const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`
  return new ServiceError(
    429,
    'account_locked',
    `${failures ? `${failures} wrong passwords in a row: ` : ''}this account refuses log-ins for ${wait} (until ${until}); API tokens keep working`,
    { locked_until: until, retry_after_seconds: seconds },
  )
}

/** Checks the password and opens a session; returns the cookie value (kept only hashed). */
export async function logIn(
  ctx: ServerContext,
  emailRaw: string,
  password: string,
): Promise<{ user: User; sessionToken: string; expiresAt: Date }> {
  const user = await checkPassword(ctx, emailRaw, password)
  const row = { id: user.id }
  const sessionToken = newSecret('dp_ses')
  const now = ctx.now()
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlMs)
  await ctx.db.kysely
    .insertInto('sessions')
    .values({ token_hash: sha256Hex(sessionToken), user_id: row.id, created_at: iso(now), expires_at: iso(expiresAt) })
    .execute()
  return { user, sessionToken, expiresAt }
}
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='

export async function logOut(ctx: ServerContext, sessionToken: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('sessions').where('token_hash', '=', sha256Hex(sessionToken)).execute()
}

export async function userForSession(ctx: ServerContext, sessionToken: string): Promise<User | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', sha256Hex(sessionToken))
    .executeTakeFirst()
  if (!row || row.expires_at <= iso(ctx.now())) return undefined
  return toUser(row)
}

export async function userForToken(ctx: ServerContext, token: string): Promise<User | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'api_tokens.id as token_id'])
    .where('api_tokens.token_hash', '=', sha256Hex(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  await ctx.db.kysely
    .updateTable('api_tokens')
    .set({ last_used_at: iso(ctx.now()) })
    .where('id', '=', row.token_id)
    .execute()
  return toUser(row)
}

export function requireUser(user: User | undefined): User {
  if (!user) throw unauthorized()
  return user
}

export function requireOrganizer(user: User | undefined): User {
  const u = requireUser(user)
  if (u.role !== 'organizer') throw new ServiceError(403, 'organizers_only', 'only organizers can do this')
  return u
}

/** `dataperf serve make-organizer EMAIL`: gives an existing account the organizer role. */
export async function makeOrganizer(ctx: ServerContext, emailRaw: string, actor = 'command-line'): Promise<User> {
  const email = emailRaw.trim().toLowerCase()
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role'])
      .where('email', '=', email)
      .executeTakeFirst()
    if (!row) throw new UserError(`no account with the email ${email}; sign up first, then run this again`)
    await trx.updateTable('users').set({ role: 'organizer' }).where('id', '=', row.id).execute()
    await appendAudit(ctx, trx, { kind: 'role', actor, payload: { user: row.id, email, role: 'organizer' } })
    return { ...toUser(row), role: 'organizer' as const }
  })
}

/** An organizer's single-use sign-up invite code (shown once). */
export async function createSignupInvite(ctx: ServerContext, organizer: User | undefined): Promise<string> {
  const code = newSecret('dp_inv')
  await ctx.db.kysely
    .insertInto('signup_invites')
    .values({
      code_hash: sha256Hex(code),
      created_by: organizer?.id ?? null,
      created_at: iso(ctx.now()),
      used_by: null,
      used_at: null,
    })
    .execute()
  return code
}
