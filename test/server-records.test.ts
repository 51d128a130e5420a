/**
 * What the server's records prove, on SQLite and PostgreSQL: a result manifest names the server by
 * the challenge's name (no folder of the server's machine) and the audit entry of its score; the
 * server keeps signed checkpoints of the audit log's head outside the database; cutting the newest
 * entries of audit_log, which leaves a shorter chain that still hashes right, makes
 * `serve audit-verify` say BROKEN, through the checkpoint or through a manifest.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { runCliAsync } from './helpers/cli.js'
import { Api, freshPostgres, makeChallenge, query, speechSelection, startProc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string

before(() => {
  root = tempFolder('records')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 5, seeds: [5] })
})

/** Runs a statement that changes the database (the tests' own tampering). */
async function tamper(dbSpec: string, text: string): Promise<void> {
  if (dbSpec.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: dbSpec })
    await client.connect()
    try {
      await client.query(text)
    } finally {
      await client.end()
    }
    return
  }
  const { default: SQLite } = await import('better-sqlite3')
  const db = new SQLite(dbSpec)
  try {
    db.exec(text)
  } finally {
    db.close()
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(kind, () => {
    let dbSpec: string | undefined
    let state: string

    before(async () => {
      state = join(root, `state-${kind}`)
      dbSpec = kind === 'sqlite' ? join(state, 'server.sqlite') : await freshPostgres()
    })

    test('a manifest names the challenge, not a folder, and its audit entry; cutting the log after the last checkpoint is BROKEN', async (t) => {
      if (!dbSpec) return t.skip('no PostgreSQL cluster ($DATAPERF_TEST_PG_URL)')
      const db = dbSpec
      const server = await startProc(
        ['serve', '--challenge', challenge, '--db', db, '--state', state, '--port', '0'],
        root,
      )
      let signed: { manifest: Record<string, any>; signature: string }
      try {
        const api = new Api(server.url)
        const p = await api.participant(`records-${kind}@example.org`, 'Records')
        const sent = await api.submit(p.token, 'en-25', [
          { name: 'en_25_train.json', bytes: speechSelection(challenge, 4) },
        ])
        assert.equal(sent.status, 202, JSON.stringify(sent.body))
        const scored = await api.waitScored(p.token, sent.body.submission.id)
        assert.equal(scored.status, 'scored', scored.error)
        signed = (await api.call('GET', `submissions/${scored.id}/manifest`, { token: p.token })).body
        writeFileSync(join(root, `manifest-${kind}.json`), JSON.stringify(signed))
        writeFileSync(join(root, `key-${kind}.pem`), (await api.call('GET', 'public-key')).body)
      } finally {
        await server.stop()
      }
      // no path of the server's machine in what a team keeps and shows
      assert.equal(signed.manifest['server'], 'Test challenge')
      assert.ok(!JSON.stringify(signed).includes(root), JSON.stringify(signed.manifest))
      const verified = await runCliAsync(
        ['verify-result', join(root, `manifest-${kind}.json`), '--public-key', join(root, `key-${kind}.pem`)],
        root,
      )
      assert.equal(verified.code, 0, verified.stderr)
      assert.ok(!verified.stdout.includes(root) && !verified.stdout.includes(state), verified.stdout)
      // the manifest names its score's audit entry
      const { seq, hash } = signed.manifest['audit'] as { seq: number; hash: string }
      const entry = (
        await query<{ kind: string; hash: string }>(db, `select kind, hash from audit_log where seq = ${seq}`)
      )[0]
      assert.deepEqual(entry, { kind: 'score', hash })

      // one more entry after the score (an organizer made from the command line), then the server
      // starts and stops again: its checkpoint covers it
      const made = await runCliAsync(
        ['serve', 'make-organizer', `records-${kind}@example.org`, '--challenge', challenge, '--db', db],
        root,
      )
      assert.equal(made.code, 0, made.stderr)
      const again = await startProc(
        ['serve', '--challenge', challenge, '--db', db, '--state', state, '--port', '0', '--workers', '0'],
        root,
      )
      await again.stop()
      const checkpoints = join(state, 'keys', 'audit-checkpoints.jsonl')
      assert.ok(existsSync(checkpoints))
      const last = readFileSync(checkpoints, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { seq: number })
      const total = Number((await query<{ n: number }>(db, 'select count(*) as n from audit_log'))[0]!.n)
      assert.equal(last.at(-1)!.seq, total, `checkpoints ${JSON.stringify(last)}; the server said:\n${again.output()}`)
      assert.equal(seq, total - 1, 'the role entry came after the score')

      const verify = (withState: boolean) =>
        runCliAsync(
          ['serve', 'audit-verify', '--challenge', challenge, '--db', db, ...(withState ? ['--state', state] : [])],
          root,
        )
      const intact = await verify(true)
      assert.equal(intact.code, 0, intact.stdout + intact.stderr)
      assert.match(
        intact.stdout,
        new RegExp(`audit log OK: ${total} entries, chain intact; .*signed checkpoints \\(the last: entry ${total},`),
      )

      // cut the newest entry: the chain that is left still hashes right
      await tamper(db, `delete from audit_log where seq = ${total}`)
      const cut = await verify(true)
      assert.equal(cut.code, 1)
      assert.match(
        cut.stdout,
        new RegExp(
          `audit log BROKEN at entry ${total} \\(of ${total - 1}\\): the log ends at entry ${total - 1}, but the signed checkpoint of \\S+ records entry ${total}: entries ${total} to ${total} were removed`,
        ),
      )
      // without the server's state folder the manifests still anchor the log: cut the score's entry too
      await tamper(db, `delete from audit_log where seq = ${seq}`)
      const noState = await verify(false)
      assert.equal(noState.code, 1)
      assert.match(
        noState.stdout,
        new RegExp(`but the result manifest of ${signed.manifest['submission_id']} records entry ${seq}`),
      )
      assert.match(noState.stdout, /^audit log BROKEN/)
    })
  })
}
