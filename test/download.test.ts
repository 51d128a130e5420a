/**
 * Downloads against a local HTTP server started here (no internet): layout, resume after a
 * dropped connection, retry after 503, a server that ignores Range, size and checksum checks,
 * corrupt and malicious zips, a full disk, and the Google Drive message.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { zipSync, strToU8 } from 'fflate'
import { fetchSpeechLanguage } from '../src/download/resources.js'
import { loadParameters } from '../src/download/parameters.js'
import { startLocalServer, type LocalServer } from './helpers/local-server.js'
import { runCliAsync } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

type Mode = 'normal' | 'drop-first' | 'fail-twice' | 'ignore-range'
const files = new Map<string, { body: Buffer; mode: Mode; served: number }>()
const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = []
let server: LocalServer
let base: string
let work: string

// A small speech layout wrapped in one top folder, as the official zips are.
const layout = zipSync(
  {
    dataperf_en_data: {
      'allowed_training_set.yaml': strToU8('targets: {yes: [yes/a.wav]}\nnontargets: [cat/b.wav]\n'),
      'eval.yaml': strToU8('targets: {yes: [yes/c.wav]}\nnontargets: [dog/d.wav]\n'),
      train_embeddings: { 'yes.parquet': new Uint8Array(5000).fill(7), 'cat.parquet': new Uint8Array(3000).fill(9) },
      eval_embeddings: { 'yes.parquet': new Uint8Array(4000).fill(1) },
    },
  },
  { level: 0 },
)

function serve(name: string, body: Uint8Array, mode: Mode = 'normal'): string {
  files.set(`/${name}`, { body: Buffer.from(body), mode, served: 0 })
  return `${base}/${name}`
}

before(async () => {
  work = tempFolder('download')
  server = await startLocalServer((req, res) => {
    seen.push({ path: req.url!, headers: req.headers })
    const f = files.get(req.url!)
    if (!f) {
      res.writeHead(404).end()
      return
    }
    f.served++
    if (f.mode === 'fail-twice' && f.served <= 2) {
      res.writeHead(503).end()
      return
    }
    const etag = `"${createHash('md5').update(f.body).digest('hex')}"`
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))
    if (range && f.mode !== 'ignore-range' && req.headers['if-range'] === etag) {
      const start = Number(range[1])
      res.writeHead(206, {
        'Content-Length': f.body.length - start,
        'Content-Range': `bytes ${start}-${f.body.length - 1}/${f.body.length}`,
        ETag: etag,
      })
      res.end(f.body.subarray(start))
      return
    }
    res.writeHead(200, { 'Content-Length': f.body.length, ETag: etag, 'Accept-Ranges': 'bytes' })
    if ((f.mode === 'drop-first' || f.mode === 'ignore-range') && f.served === 1) {
      // let the first half reach the client before the connection drops
      res.write(f.body.subarray(0, Math.floor(f.body.length / 2)), () => setTimeout(() => res.destroy(), 150))
      return
    }
    res.end(f.body)
  })
  base = server.base
})

after(() => server.close())

const quick = { backoffMs: 5, retries: 3 }
function params(url: string, extra: Record<string, unknown> = {}) {
  return { ...loadParameters(), en_embeddings_url: url, ...extra }
}
function expectLayout(dest: string) {
  assert.deepEqual(readdirSync(dest).sort(), [
    'allowed_training_set.yaml',
    'eval.yaml',
    'eval_embeddings',
    'train_embeddings',
  ])
  assert.equal(readFileSync(join(dest, 'train_embeddings/yes.parquet')).length, 5000)
}
function noLeftovers(out: string) {
  assert.deepEqual(
    existsSync(out) ? readdirSync(out).filter((n) => n !== 'dataperf_en_data') : [],
    [],
    'no partial files left',
  )
}

test('a plain download is laid out as dataperf_en_data/', async () => {
  const out = join(work, 'plain')
  const dest = await fetchSpeechLanguage('en', params(serve('plain.zip', layout)), out, quick)
  assert.equal(dest, join(out, 'dataperf_en_data'))
  expectLayout(dest)
  noLeftovers(out)
})

test('a dropped connection resumes with a Range request and yields identical bytes', async () => {
  const out = join(work, 'resume')
  const url = serve('resume.zip', layout, 'drop-first')
  expectLayout(
    await fetchSpeechLanguage(
      'en',
      params(url, { en_embeddings_sha256: createHash('sha256').update(layout).digest('hex') }),
      out,
      quick,
    ),
  )
  const requests = seen.filter((s) => s.path === '/resume.zip')
  assert.equal(requests.length, 2)
  assert.match(String(requests[1]!.headers.range), /^bytes=\d+-$/)
  assert.ok(Number(/\d+/.exec(String(requests[1]!.headers.range))![0]) > 0)
})

test('503 twice, then 200: retried with back-off', async () => {
  const out = join(work, 'retry')
  expectLayout(await fetchSpeechLanguage('en', params(serve('retry.zip', layout, 'fail-twice')), out, quick))
  assert.equal(seen.filter((s) => s.path === '/retry.zip').length, 3)
})

test('a server that ignores Range: the download restarts from zero', async () => {
  const out = join(work, 'norange')
  expectLayout(await fetchSpeechLanguage('en', params(serve('norange.zip', layout, 'ignore-range')), out, quick))
})

test('too many failures give up with a clear message and keep the .part for a later resume', async () => {
  const out = join(work, 'giveup')
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('giveup.zip', layout, 'fail-twice')), out, { backoffMs: 1, retries: 1 }),
    /HTTP 503 \(gave up after 2 attempts; run again to resume\)/,
  )
  assert.ok(!existsSync(join(out, 'dataperf_en_data')))
})

test('size and checksum mismatches: an error with both values, no final file, no extracted folder', async () => {
  const out = join(work, 'verify')
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('size.zip', layout), { en_embeddings_size: 123 }), out, quick),
    new RegExp(`size mismatch: the server announces ${layout.length} bytes, expected 123`),
  )
  noLeftovers(out)
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('sum.zip', layout), { en_embeddings_sha256: 'ab'.repeat(32) }), out, quick),
    /sha256 mismatch: got [0-9a-f]{64}, expected abab/,
  )
  noLeftovers(out)
  assert.ok(!existsSync(join(out, 'dataperf_en_data')))
})

test('a corrupt zip and a zip that escapes its folder are refused, leaving nothing behind', async () => {
  const out = join(work, 'badzip')
  const corrupt = Buffer.from(layout)
  corrupt.fill(0, 40, 400)
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('corrupt.zip', corrupt)), out, quick),
    /corrupt|not a valid zip/,
  )
  noLeftovers(out)
  const evil = zipSync({ '../evil.txt': strToU8('x'), dataperf_en_data: { 'eval.yaml': strToU8('a: 1') } })
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('evil.zip', evil)), out, quick),
    /would be written outside the output folder/,
  )
  assert.ok(!existsSync(join(work, 'evil.txt')))
  noLeftovers(out)
})

test('a full disk stops with a clear error and no partial files', async () => {
  const out = join(work, 'full')
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('full.zip', layout)), out, { ...quick, diskLimitBytes: 1000 }),
    /no space left on the device/,
  )
  noLeftovers(out)
  writeFileSync(join(work, 'not-a-dir'), '')
  const r = await runCliAsync([
    'download',
    'speech',
    '--languages',
    'en',
    '--output_path',
    join(work, 'not-a-dir', 'x'),
    '--parameters_file',
    writeParams({ en_embeddings_url: serve('nd.zip', layout) }),
  ])
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /^dataperf: error: .*not-a-dir.*cannot write \(E(NOTDIR|EXIST)\b/)
})

function writeParams(values: Record<string, unknown>): string {
  const path = join(work, `params-${seen.length}.yaml`)
  writeFileSync(
    path,
    Object.entries(values)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n') + '\n',
  )
  return path
}

test('the CLI: download speech with a parameters file, and the Google Drive message', async () => {
  const out = join(work, 'cli')
  const r = await runCliAsync([
    'download',
    'speech',
    '--languages',
    'en',
    '--output_path',
    out,
    '--parameters_file',
    writeParams({ en_embeddings_url: serve('cli.zip', layout) }),
  ])
  assert.equal(r.code, 0, r.stderr)
  expectLayout(join(out, 'dataperf_en_data'))
  const g = await runCliAsync(['download', 'vision', '--output_path', join(work, 'v')])
  assert.notEqual(g.code, 0)
  assert.match(g.stderr, /Google Drive link.*--zip FILE/)
  assert.equal(g.stderr.trim().split('\n').length, 1)
})

test('download vision --zip lays out a hand-downloaded resources zip', async () => {
  const zip = join(work, 'resources.zip')
  writeFileSync(
    zip,
    zipSync({
      'dataperf-vision-selection-resources': {
        embeddings: { 'train_emb_256_dataperf.parquet': new Uint8Array(100) },
        test_sets: { 'alpha_test_set_Hawk_256.parquet': new Uint8Array(50) },
      },
    }),
  )
  const out = join(work, 'vision-data')
  const r = await runCliAsync(['download', 'vision', '--zip', zip, '--output_path', out])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(readdirSync(out).sort(), ['embeddings', 'test_sets'])
  assert.equal(readFileSync(join(out, 'embeddings/train_emb_256_dataperf.parquet')).length, 100)
})

test("download vision --zip never replaces a user's folder or file: a clash is refused, a task_setup.yaml of theirs is kept", async () => {
  const out = join(work, 'vision-clash')
  mkdirSync(join(out, 'results'), { recursive: true })
  writeFileSync(join(out, 'results', 'result_UTC-old.json'), '{}')
  writeFileSync(join(out, 'task_setup.yaml'), 'data_dir: mine\n')
  const data = {
    embeddings: { 'train_emb_256_dataperf.parquet': new Uint8Array(100) },
    test_sets: { 'alpha_test_set_Hawk_256.parquet': new Uint8Array(50) },
  }
  // a file named `results` where the user has a folder: one line, exit 2, nothing changed
  const clash = join(work, 'clash.zip')
  writeFileSync(clash, zipSync({ x: { ...data, results: strToU8('not a folder') } }))
  const r = await runCliAsync(['download', 'vision', '--zip', clash, '--output_path', out])
  assert.equal(r.code, 2, r.stderr)
  assert.match(
    r.stderr,
    /vision-clash\/results is a folder and .*clash\.zip holds a file 'results' there; refusing to replace it/,
  )
  assert.equal(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !/^extracting/.test(l)).length,
    1,
  )
  assert.deepEqual(readdirSync(out).sort(), ['results', 'task_setup.yaml'])
  assert.equal(readFileSync(join(out, 'results', 'result_UTC-old.json'), 'utf8'), '{}')
  // the zip's own task_setup.yaml: the user's stays, the new one lands beside it, and the log says so
  const setup = join(work, 'setup.zip')
  writeFileSync(setup, zipSync({ x: { ...data, 'task_setup.yaml': strToU8('data_dir: zips\n') } }))
  const s = await runCliAsync(['download', 'vision', '--zip', setup, '--output_path', out])
  assert.equal(s.code, 0, s.stderr)
  assert.equal(readFileSync(join(out, 'task_setup.yaml'), 'utf8'), 'data_dir: mine\n')
  assert.equal(readFileSync(join(out, 'task_setup.downloaded.yaml'), 'utf8'), 'data_dir: zips\n')
  assert.match(s.stderr, /task_setup\.yaml: kept yours; the one from .*setup\.zip is .*task_setup\.downloaded\.yaml/)
  assert.equal(readFileSync(join(out, 'results', 'result_UTC-old.json'), 'utf8'), '{}')
})
