/**
 * Signed result manifests and `dataperf verify-result`: a manifest signed with the server's key
 * verifies offline; any change to it (the score by one ulp, a hash, any field, an added field),
 * another key, or a changed signature does not, each with a one-line reason and exit code 1.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../src/errors.js'
import { loadChallenge } from '../src/server/challenge/load.js'
import { createDemoChallenge } from '../src/server/demo.js'
import {
  boardDataHashes,
  canonicalJson,
  loadOrCreateServerKey,
  MANIFEST_FORMAT,
  manifestProblem,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  signManifest,
  verifyManifest,
  type ResultManifest,
  type SignedManifest,
} from '../src/server/manifest.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let keyDir: string

before(() => {
  root = tempFolder('server-manifest')
  keyDir = join(root, 'keys')
})

const submission = Buffer.from('{"targets": {"a": ["a/1.wav"]}, "nontargets": ["n/2.wav"]}')

function manifest(): ResultManifest {
  return {
    format: MANIFEST_FORMAT,
    server: 'http://127.0.0.1:8080',
    board: 'en-25',
    submission_id: '17',
    team: 'Ünïcode team "q"',
    submitted_at: '2026-12-02T10:00:00.000Z',
    scored_at: '2026-12-02T10:00:07.123Z',
    submission_sha256: createHash('sha256').update(submission).digest('hex'),
    data_files: {
      'speech/data/dataperf_en_data/eval.yaml': 'ab'.repeat(32),
      'speech/dataperf_speech_config.yaml': 'cd'.repeat(32),
    },
    evaluator_version: 'dataperf 0.1.0',
    seeds: [5, 69, 98],
    score: 0.7234117647058824,
    details: { seeds: [5, 69, 98], perSeedF1: [0.7, 0.7402352941176471, 0.73] },
  }
}

/** The next double above x (x > 0): the smallest change a score can have. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  view.setBigUint64(0, view.getBigUint64(0) + 1n)
  return view.getFloat64(0)
}

test('the server key is created once with a private file of mode 0600, reused, and refused when others can read it', () => {
  const first = loadOrCreateServerKey(keyDir)
  assert.equal(statSync(join(keyDir, PRIVATE_KEY_FILE)).mode & 0o777, 0o600)
  assert.equal(readFileSync(join(keyDir, PUBLIC_KEY_FILE), 'utf8'), first.publicKeyPem)
  assert.match(first.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/)
  const again = loadOrCreateServerKey(keyDir)
  assert.equal(again.publicKeyPem, first.publicKeyPem)
  const signed = signManifest(manifest(), again.privateKey)
  assert.ok(verifyManifest(signed, first.publicKeyPem))
  chmodSync(join(keyDir, PRIVATE_KEY_FILE), 0o644)
  try {
    assert.throws(
      () => loadOrCreateServerKey(keyDir),
      (err: Error) => err instanceof UserError && /readable by others \(mode 644\); run chmod 600/.test(err.message),
    )
  } finally {
    chmodSync(join(keyDir, PRIVATE_KEY_FILE), 0o600)
  }
})

test('canonical JSON: sorted keys, no whitespace, numbers in their shortest form (RFC 8785)', () => {
  assert.equal(
    canonicalJson({ b: [1, 0.1, 1e21], a: { d: 'é', c: null } }),
    '{"a":{"c":null,"d":"é"},"b":[1,0.1,1e+21]}',
  )
})

test('dataperf verify-result: OK with the score for a signed manifest; exit 1 and one line for any change', () => {
  const key = loadOrCreateServerKey(keyDir)
  const signed = signManifest(manifest(), key.privateKey)
  const file = join(root, 'result.json')
  const publicKey = join(keyDir, PUBLIC_KEY_FILE)
  const check = (doc: unknown, extra: string[] = [], keyArg = publicKey) => {
    writeFileSync(file, JSON.stringify(doc, null, 2))
    return runCli(['verify-result', file, '--public-key', keyArg, ...extra])
  }
  const ok = check(signed)
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(
    ok.stdout,
    'OK: score 0.7234117647058824 on board en-25 for team Ünïcode team "q", submission 17 ' +
      '(submitted 2026-12-02T10:00:00.000Z, scored 2026-12-02T10:00:07.123Z by dataperf 0.1.0 on http://127.0.0.1:8080)\n',
  )
  assert.equal(check(signed, [], key.publicKeyPem).code, 0) // the key's text instead of its file

  const submissionFile = join(root, 'en_25_train.json')
  writeFileSync(submissionFile, submission)
  const withFile = check(signed, ['--submission', submissionFile])
  assert.equal(withFile.code, 0, withFile.stderr)
  assert.match(withFile.stdout, /; the submission files match\n$/)
  writeFileSync(submissionFile, Buffer.concat([submission, Buffer.from('\n')]))
  const otherFile = check(signed, ['--submission', submissionFile])
  assert.equal(otherFile.code, 1)
  assert.match(
    otherFile.stderr,
    /^dataperf: verify-result: FAILED: .*result\.json: the submission's SHA-256 is [0-9a-f]{64}, but .*en_25_train\.json hash to [0-9a-f]{64}\n$/,
  )

  const changed = (edit: (m: Record<string, unknown>) => void): SignedManifest => {
    const copy = JSON.parse(JSON.stringify(signed)) as SignedManifest
    edit(copy.manifest as unknown as Record<string, unknown>)
    return copy
  }
  const tampered: Array<[string, SignedManifest]> = [
    [
      'score by one ulp',
      changed((m) => {
        m['score'] = nextUp(m['score'] as number)
      }),
    ],
    [
      'submission hash',
      changed((m) => {
        m['submission_sha256'] = (m['submission_sha256'] as string).replace(/^./, (c) => (c === '0' ? '1' : '0'))
      }),
    ],
    [
      'a data file hash',
      changed((m) => {
        ;(m['data_files'] as Record<string, string>)['speech/dataperf_speech_config.yaml'] = 'ce'.repeat(32)
      }),
    ],
    [
      'team',
      changed((m) => {
        m['team'] = 'another team'
      }),
    ],
    [
      'a per-seed F1',
      changed((m) => {
        ;(m['details'] as { perSeedF1: number[] }).perSeedF1[1] = 0.75
      }),
    ],
    [
      'seeds',
      changed((m) => {
        m['seeds'] = [5, 69, 99]
      }),
    ],
    [
      'scored_at',
      changed((m) => {
        m['scored_at'] = '2026-12-02T10:00:08.123Z'
      }),
    ],
    [
      'an added field',
      changed((m) => {
        m['note'] = 'verified'
      }),
    ],
    [
      'a removed field',
      changed((m) => {
        delete m['seeds']
      }),
    ],
  ]
  for (const [what, doc] of tampered) {
    const r = check(doc)
    assert.equal(r.code, 1, what)
    assert.equal(r.stdout, '', what)
    assert.equal(
      r.stderr,
      `dataperf: verify-result: FAILED: ${file}: the signature does not match the manifest under this public key (the manifest was changed, or another key signed it)\n`,
      what,
    )
    assert.equal(verifyManifest(doc, key.publicKeyPem), false, what)
  }
  // the same manifest re-serialised with other key order and spacing still verifies: the signature is over canonical JSON
  const reordered = {
    signature: signed.signature,
    manifest: Object.fromEntries(Object.entries(signed.manifest).reverse()),
  }
  assert.equal(check(reordered).code, 0)

  const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const wrongKey = check(signed, [], otherKey)
  assert.equal(wrongKey.code, 1)
  assert.match(wrongKey.stderr, /FAILED: .*: the signature does not match the manifest under this public key/)
  const flipped = Buffer.from(signed.signature, 'base64')
  flipped[10] = flipped[10]! ^ 1
  assert.match(
    check({ ...signed, signature: flipped.toString('base64') }).stderr,
    /FAILED: .*the signature does not match/,
  )
  assert.match(
    check({ ...signed, signature: 'AAAA' }).stderr,
    /FAILED: .*the signature has 3 bytes, an ed25519 signature has 64\n$/,
  )
  assert.match(check({ manifest: signed.manifest }).stderr, /FAILED: .*no base64 'signature'\n$/)
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString()
  assert.match(check(signed, [], rsa).stderr, /FAILED: .*the public key is rsa, expected ed25519\n$/)

  writeFileSync(file, '{"manifest": ')
  const broken = runCli(['verify-result', file, '--public-key', publicKey])
  assert.equal(broken.code, 2)
  assert.match(broken.stderr, /^dataperf: error: .*result\.json: not valid JSON/)
  assert.equal(manifestProblem(signed, 'not a key')?.startsWith('the public key is not a PEM public key'), true)
})

test("boardDataHashes: the SHA-256 of every file the board's evaluation reads", async () => {
  const dir = join(root, 'challenge')
  createDemoChallenge(dir, 4)
  const challenge = loadChallenge(dir)
  for (const board of [challenge.boards[0]!, challenge.boards[2]!]) {
    const hashes = await boardDataHashes(challenge, board)
    assert.ok(Object.keys(hashes).length >= 3)
    for (const [path, sha] of Object.entries(hashes))
      assert.equal(
        sha,
        createHash('sha256')
          .update(readFileSync(join(dir, path)))
          .digest('hex'),
        path,
      )
  }
})
