/** API tokens for the CLI and scripts: shown once at creation, stored as SHA-256, revocable. */
import type { User } from './accounts.js'
import { iso, type ServerContext } from './context.js'
import { badRequest, notFound } from './errors.js'
import { newId } from '../db/ids.js'
import { newSecret, sha256Hex } from './secrets.js'

export interface TokenInfo {
  id: string
  name: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export async function createToken(
  ctx: ServerContext,
  user: User,
  nameRaw: string,
): Promise<{ id: string; token: string }> {
  const name = nameRaw.trim()
  if (name === '' || name.length > 80) throw badRequest('token name: expected 1 to 80 characters')
  const token = newSecret('dp_tok')
  const id = newId('tok')
  await ctx.db.kysely
    .insertInto('api_tokens')
    .values({
      id,
      user_id: user.id,
      name,
      token_hash: sha256Hex(token),
      created_at: iso(ctx.now()),
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
  return { id, token }
}

export async function listTokens(ctx: ServerContext, user: User): Promise<TokenInfo[]> {
  return ctx.db.kysely
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', user.id)
    .orderBy('created_at')
    .execute()
}

export async function revokeToken(ctx: ServerContext, user: User, id: string): Promise<void> {
  // a token id of another user is "not found", not "forbidden": ids are not confirmed to strangers
  const r = await ctx.db.kysely
    .updateTable('api_tokens')
    .set({ revoked_at: iso(ctx.now()) })
    .where('id', '=', id)
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) === 0) throw notFound(`token ${id}`)
}
