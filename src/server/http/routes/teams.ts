import type { FastifyInstance } from '../../../vendor/fastify.js'
import {
  createTeam,
  createTeamInvite,
  joinTeam,
  leaveTeam,
  myTeam,
  openTeamInvites,
  revokeTeamInvite,
} from '../../services/teams.js'
import { listTeamSubmissions } from '../../services/submissions.js'
import { requireAuth } from '../auth.js'
import type { RouteDeps } from '../route-deps.js'
import { SubmissionViewSchema } from '../../wire.js'
import Type from '../../../vendor/typebox.js'

const tags = ['teams']

export function teamRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.post<{ Body: { name: string } }>(
    '/teams',
    {
      schema: {
        tags,
        summary: 'Create a team (you become its first member)',
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    },
    async (req, reply) => reply.status(201).send({ team: await createTeam(ctx, requireAuth(req), req.body.name) }),
  )

  api.get('/teams/mine', { schema: { tags, summary: 'Your team and its members' } }, async (req) => ({
    team: (await myTeam(ctx, requireAuth(req))) ?? null,
  }))

  api.get(
    '/teams/mine/submissions',
    {
      schema: {
        tags,
        summary: "Your team's submissions, newest first",
        response: { 200: Type.Object({ submissions: Type.Array(SubmissionViewSchema) }) },
      },
    },
    async (req) => ({ submissions: await listTeamSubmissions(ctx, requireAuth(req)) }),
  )

  api.post<{ Params: { id: string } }>(
    '/teams/:id/invites',
    {
      schema: {
        tags,
        summary: 'A single-use invite code for your team (valid 7 days)',
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const invite = await createTeamInvite(ctx, requireAuth(req), req.params.id)
      return reply.status(201).send({ code: invite.code, expires_at: invite.expiresAt })
    },
  )

  api.get<{ Params: { id: string } }>(
    '/teams/:id/invites',
    {
      schema: {
        tags,
        summary:
          "Your team's open invitations (unused, unexpired), by id; their codes were shown once and are kept only hashed",
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req) => ({
      invites: (await openTeamInvites(ctx, requireAuth(req), req.params.id)).map((i) => ({
        id: i.id,
        created_by: i.createdBy,
        created_at: i.createdAt,
        expires_at: i.expiresAt,
      })),
    }),
  )

  api.delete<{ Params: { id: string; invite: string } }>(
    '/teams/:id/invites/:invite',
    {
      schema: {
        tags,
        summary: 'Withdraw an open invitation: its code no longer joins',
        params: { type: 'object', properties: { id: { type: 'string' }, invite: { type: 'string' } } },
      },
    },
    async (req) => {
      await revokeTeamInvite(ctx, requireAuth(req), req.params.id, req.params.invite)
      return { ok: true }
    },
  )

  api.post<{ Body: { code: string } }>(
    '/teams/join',
    {
      schema: {
        tags,
        summary: 'Join a team with its invite code',
        body: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      },
    },
    async (req) => ({ team: await joinTeam(ctx, requireAuth(req), req.body.code) }),
  )

  api.post('/teams/leave', { schema: { tags, summary: 'Leave your team' } }, async (req) => {
    await leaveTeam(ctx, requireAuth(req))
    return { ok: true }
  })
}
