/**
 * Teams as the rules an open challenge needs, on SQLite and PostgreSQL through a real server:
 * look-alike names are one name; the daily quota follows a person across teams; a person makes or
 * joins one team per phase unless an organizer allows another change; organizers read a team's
 * history. No workers: submissions are charged and queued, nothing is scored.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { runCliAsync } from './helpers/cli.js'
import { Api, freshPostgres, makeChallenge, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string

before(() => {
  root = tempFolder('teams')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 2 })
})

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(kind, () => {
    let db: string | undefined, server: Proc, api: Api

    before(async () => {
      db = kind === 'sqlite' ? join(root, 'sqlite', 'server.sqlite') : await freshPostgres()
      if (!db) return
      server = await startProc(
        [
          'serve',
          '--challenge',
          challenge,
          '--db',
          db,
          '--state',
          join(root, kind),
          '--port',
          '0',
          '--workers',
          '0',
          '--login-limit',
          '100',
        ],
        root,
      )
      api = new Api(server.url)
    })

    after(async () => server?.stop())

    test('"Team A", "team a", "TEAM A", "Team\\u200bA", full-width and bidi-wrapped look-alikes are one name', async (t) => {
      if (!db) return t.skip('no PostgreSQL cluster ($DATAPERF_TEST_PG_URL)')
      const first = await api.participant('names-1@example.org')
      assert.equal((await api.call('POST', 'teams', { token: first.token, json: { name: 'Team A' } })).status, 201)
      const other = await api.participant('names-2@example.org')
      for (const name of [
        'team a',
        'TEAM A',
        'Team\u200bA',
        'Ｔｅａｍ　Ａ',
        '\u202eTeam A\u202c',
        'Team\u00a0 A',
        'TeamA',
      ]) {
        const r = await api.call('POST', 'teams', { token: other.token, json: { name } })
        assert.equal(r.status, 409, `${JSON.stringify(name)}: ${JSON.stringify(r.body)}`)
        assert.equal(r.body.error.code, 'team_name_taken')
        assert.match(r.body.error.message, /^a team named 'Team A' exists/)
      }
      const invisible = await api.call('POST', 'teams', { token: other.token, json: { name: '\u200b\u200d\u202e' } })
      assert.equal(invisible.status, 400)
      assert.equal((await api.call('POST', 'teams', { token: other.token, json: { name: 'Team B' } })).status, 201)
    })

    test('the daily quota follows a person to a new team; one team per phase unless an organizer allows a change; the organizer sees the history', async (t) => {
      if (!db) return t.skip('no PostgreSQL cluster ($DATAPERF_TEST_PG_URL)')
      const mover = await api.participant('mover@example.org', 'Movers 1')
      const me = (await api.call('GET', 'me', { token: mover.token })).body.user.id as string
      const send = (seed: number) =>
        api.submit(mover.token, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, seed) }])
      assert.equal((await send(1)).status, 202)
      assert.equal((await send(2)).status, 202)
      const third = await send(3)
      assert.equal(third.status, 429)
      assert.match(third.body.error.message, /per team per UTC day/)

      // leaving and making a new team is refused in this phase ...
      assert.equal((await api.call('POST', 'teams/leave', { token: mover.token })).status, 200)
      const again = await api.call('POST', 'teams', { token: mover.token, json: { name: 'Movers 2' } })
      assert.equal(again.status, 403)
      assert.equal(again.body.error.code, 'team_change_limit')
      assert.match(
        again.body.error.message,
        /you created team Movers 1 on \S+ in phase open, and a person changes team once per phase/,
      )
      // ... and so is joining someone else's
      const host = await api.participant('host@example.org', 'Hosts')
      const code = (await api.call('POST', `teams/${host.teamId}/invites`, { token: host.token })).body.code
      assert.equal(
        (await api.call('POST', 'teams/join', { token: mover.token, json: { code } })).body.error.code,
        'team_change_limit',
      )

      // an organizer allows one more change
      const org = await api.participant('teams-org@example.org')
      const made = await runCliAsync(
        ['serve', 'make-organizer', 'teams-org@example.org', '--challenge', challenge, '--db', db],
        root,
      )
      assert.equal(made.code, 0, made.stderr)
      assert.equal((await api.call('POST', `admin/users/${me}/team-change`, { token: mover.token })).status, 403)
      assert.equal((await api.call('POST', `admin/users/${me}/team-change`, { token: org.token })).status, 200)
      const second = await api.call('POST', 'teams', { token: mover.token, json: { name: 'Movers 2' } })
      assert.equal(second.status, 201, JSON.stringify(second.body))

      // the new team has its own count, the person does not
      const quota = (await api.call('GET', 'boards/en-25/quota', { token: mover.token })).body
      assert.deepEqual([quota.used, quota.remaining, quota.team_used, quota.person_used], [2, 0, 0, 2])
      const fourth = await send(4)
      assert.equal(fourth.status, 429)
      assert.equal(fourth.body.error.counted, 'person')
      assert.match(
        fourth.body.error.message,
        /2 valid submissions per person \(whichever team they are in\) per UTC day/,
      )

      // one allowance is one change
      assert.equal((await api.call('POST', 'teams/leave', { token: mover.token })).status, 200)
      assert.equal(
        (await api.call('POST', 'teams', { token: mover.token, json: { name: 'Movers 3' } })).body.error.code,
        'team_change_limit',
      )

      // the organizer reads Movers 1's history: the person's every move, in order
      const history = await api.call('GET', `admin/teams/${mover.teamId}/history`, { token: org.token })
      assert.equal(history.status, 200)
      assert.equal(history.body.team.name, 'Movers 1')
      assert.deepEqual(history.body.members, [])
      assert.deepEqual(
        history.body.events.map((e: { kind: string; team: { name: string } | null; user: { email: string } }) => [
          e.kind,
          e.team?.name ?? null,
          e.user.email,
        ]),
        [
          ['created', 'Movers 1', 'mover@example.org'],
          ['left', 'Movers 1', 'mover@example.org'],
          ['change_allowed', null, 'mover@example.org'],
          ['created', 'Movers 2', 'mover@example.org'],
          ['left', 'Movers 2', 'mover@example.org'],
        ],
      )
      assert.equal((await api.call('GET', `admin/teams/${mover.teamId}/history`, { token: mover.token })).status, 403)
      const teams = (await api.call('GET', 'admin/teams', { token: org.token })).body.teams
      assert.ok(teams.some((x: { name: string; left: number }) => x.name === 'Movers 1' && x.left === 1))
      const audit = (await api.call('GET', 'admin/audit?limit=1000', { token: org.token })).body
      assert.equal(audit.chain.ok, true)
      assert.ok(audit.entries.filter((e: { kind: string }) => e.kind === 'team').length >= 5)
    })
  })
}
