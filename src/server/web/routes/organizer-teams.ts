// The organizers' team pages: the list of teams, one team's history, and allowing a person one
// more team change (a form that redirects back to the team's page).
import type { FastifyInstance } from '../../../vendor/fastify.js'
import { requireOrganizer } from '../../services/accounts.js'
import { allowTeamChange, listTeams, teamHistory } from '../../services/team-history.js'
import { duplicateFiles } from '../../services/duplicates.js'
import { duplicatesPage, teamHistoryPage, teamsAdminPage } from '../pages/organizer-teams.js'
import type { Web } from '../web.js'

export function organizerTeamRoutes(app: FastifyInstance, web: Web): void {
  const { ctx } = web

  app.get('/organizer/duplicates', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    const files = await duplicateFiles(ctx, user)
    return web.send(
      reply,
      duplicatesPage(
        await web.pageContext(req, reply),
        files.map((f) => ({
          board: f.board,
          sha256: f.sha256,
          submissions: f.submissions.map((s) => ({ ...s, submittedAt: new Date(s.submitted_at) })),
        })),
      ),
    )
  })

  app.get('/organizer/teams', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    const teams = await listTeams(ctx, requireOrganizer(user))
    return web.send(
      reply,
      teamsAdminPage(await web.pageContext(req, reply), {
        teams: teams.map((t) => ({ ...t, createdAt: new Date(t.created_at) })),
      }),
    )
  })

  app.get<{ Params: { id: string } }>('/organizer/teams/:id', { schema: { hide: true } }, async (req, reply) => {
    const user = web.needUser(req, reply)
    if (!user) return reply
    const h = await teamHistory(ctx, requireOrganizer(user), req.params.id)
    const people = new Map(h.members.map((m) => [m.id, m]))
    for (const e of h.events) if (e.team?.id === h.team.id) people.set(e.user.id, e.user)
    return web.send(
      reply,
      teamHistoryPage(await web.pageContext(req, reply), {
        team: { id: h.team.id, name: h.team.name, createdAt: new Date(h.team.created_at) },
        members: h.members,
        events: h.events.map((e) => ({ ...e, at: new Date(e.at), team: e.team ?? undefined })),
        people: [...people.values()],
      }),
    )
  })

  app.post<{ Params: { id: string }; Body: { back?: string } }>(
    '/organizer/users/:id/team-change',
    { schema: { hide: true } },
    async (req, reply) => {
      const user = web.needUser(req, reply)
      if (!user) return reply
      await allowTeamChange(ctx, requireOrganizer(user), req.params.id)
      const back = req.body?.back ? `/organizer/teams/${encodeURIComponent(req.body.back)}` : '/organizer/teams'
      return web.redirect(reply, back, {
        kind: 'ok',
        text: 'Allowed: that person may create or join one more team in this phase.',
      })
    },
  )
}
