/**
 * Zips into the official layouts, served by a local HTTP server started here (no internet):
 * speech dataperf_{lang}_data/ (wrapped in a top folder or not), vision merged into data/,
 * corrupt, truncated and malicious zips, a disk that fills up while extracting, and what is left
 * on disk after each failure (nothing half-written).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { strToU8, zipSync, type Zippable } from 'fflate'
import { UserError } from '../src/errors.js'
import { decodeEntryName, extractZip } from '../src/download/extract.js'
import { loadParameters } from '../src/download/parameters.js'
import { fetchSpeechLanguage, fetchVision, type JobOptions } from '../src/download/resources.js'
import { startLocalServer, type LocalServer } from './helpers/local-server.js'
import { tempFolder } from './helpers/temp-folder.js'

const files = new Map<string, Buffer>()
const hits = new Map<string, number>()
let server: LocalServer
let base: string
let work: string

before(async () => {
  work = tempFolder('download-layout')
  server = await startLocalServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1)
    const body = files.get(req.url!)
    if (!body) {
      res.writeHead(404).end()
      return
    }
    res
      .writeHead(200, { 'Content-Length': body.length, ETag: `"${createHash('md5').update(body).digest('hex')}"` })
      .end(body)
  })
  base = server.base
})

after(() => {
  server.close()
})

function serve(name: string, body: Uint8Array): string {
  files.set(`/${name}`, Buffer.from(body))
  return `${base}/${name}`
}

/** A small speech layout (placeholder bytes stand in for the parquet files: only layout matters). */
const speechFiles = (): Zippable => ({
  'allowed_training_set.yaml': strToU8('targets: {yes: [yes/a.wav]}\nnontargets: [cat/b.wav]\n'),
  'eval.yaml': strToU8('targets: {yes: [yes/c.wav]}\nnontargets: [dog/d.wav]\n'),
  train_embeddings: { 'yes.parquet': new Uint8Array(5000).fill(7), 'nontarget.parquet': new Uint8Array(3000).fill(9) },
  eval_embeddings: { 'yes.parquet': new Uint8Array(4000).fill(1) },
})
const wrapped = zipSync({ dataperf_en_data: speechFiles() }, { level: 0 })
const flat = zipSync(speechFiles(), { level: 6 })

const quick: JobOptions = { backoffMs: 5, maxBackoffMs: 50, retries: 2, timeoutMs: 5000 }
const params = (url: string, extra: Record<string, unknown> = {}) => ({
  ...loadParameters(),
  en_embeddings_url: url,
  ...extra,
})
let counter = 0
const outDir = () => join(work, `out-${++counter}`)

function expectSpeechLayout(dest: string) {
  assert.deepEqual(readdirSync(dest).sort(), [
    'allowed_training_set.yaml',
    'eval.yaml',
    'eval_embeddings',
    'train_embeddings',
  ])
  assert.deepEqual(readdirSync(join(dest, 'train_embeddings')).sort(), ['nontarget.parquet', 'yes.parquet'])
  assert.deepEqual(readFileSync(join(dest, 'train_embeddings/yes.parquet')), Buffer.alloc(5000, 7))
  assert.match(readFileSync(join(dest, 'eval.yaml'), 'utf8'), /nontargets: \[dog\/d.wav\]/)
}
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : [])

test('speech: a zip wrapped in a top folder and a flat one both become dataperf_en_data/', async () => {
  for (const [name, zip] of [
    ['dataperf_eng_data.zip', wrapped],
    ['flat/dataperf_eng_data.zip', flat],
  ] as const) {
    const out = outDir()
    const dest = await fetchSpeechLanguage('en', params(serve(name, zip)), out, quick)
    assert.equal(dest, join(out, 'dataperf_en_data'))
    expectSpeechLayout(dest)
    assert.deepEqual(listing(out), ['dataperf_en_data'], 'the zip and temp folders are gone')
  }
})

test('speech: --keep-zip keeps the zip under its official name; a second run keeps the folder in place', async () => {
  const url = serve('keep/dataperf_eng_data.zip', wrapped)
  const out = outDir()
  await fetchSpeechLanguage('en', params(url), out, { ...quick, keepZip: true })
  assert.deepEqual(listing(out), ['dataperf_en_data', 'dataperf_eng_data.zip'])
  const notes: string[] = []
  await fetchSpeechLanguage('en', params(url), out, { ...quick, log: (m) => notes.push(m) })
  assert.equal(hits.get('/keep/dataperf_eng_data.zip'), 1, 'not downloaded again')
  assert.ok(notes.some((n) => /already in place \(--force downloads it again\)/.test(n)))
  rmSync(join(out, 'dataperf_en_data'), { recursive: true })
  await fetchSpeechLanguage('en', params(url), out, quick)
  assert.equal(hits.get('/keep/dataperf_eng_data.zip'), 1, 'the kept zip was used')
  expectSpeechLayout(join(out, 'dataperf_en_data'))
})

test("speech: --force lays out again (the data replaced, the user's own files kept); when that fails the old folder stays untouched", async () => {
  const out = outDir()
  const dest = await fetchSpeechLanguage('en', params(serve('force/a.zip', wrapped)), out, quick)
  writeFileSync(join(dest, 'marker'), 'old')
  writeFileSync(join(dest, 'eval.yaml'), 'edited')
  const corrupt = Buffer.from(wrapped)
  corrupt[corrupt.indexOf(Buffer.alloc(64, 7)) + 10]! ^= 0xff // a byte inside train_embeddings/yes.parquet
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('force/bad.zip', corrupt)), out, { ...quick, force: true }),
    /fails its CRC-32 check/,
  )
  assert.ok(existsSync(join(dest, 'marker')), 'old folder kept')
  assert.deepEqual(listing(out), ['dataperf_en_data'])
  await fetchSpeechLanguage('en', params(serve('force/a.zip', wrapped)), out, { ...quick, force: true })
  assert.equal(readFileSync(join(dest, 'marker'), 'utf8'), 'old', 'a file the zip does not hold is never removed')
  rmSync(join(dest, 'marker'))
  expectSpeechLayout(dest) // eval.yaml, the zip's own file, replaced
})

test('checksum and size mismatch: an error, no zip, no .part, no extracted folder', async () => {
  const out = outDir()
  const url = serve('sum/dataperf_eng_data.zip', wrapped)
  await assert.rejects(
    fetchSpeechLanguage('en', params(url, { en_embeddings_sha256: 'ab'.repeat(32) }), out, quick),
    (err: Error) => {
      assert.ok(err instanceof UserError)
      assert.ok(
        err.message.startsWith(
          `${url}: sha256 mismatch: got ${createHash('sha256').update(wrapped).digest('hex')}, expected ${'ab'.repeat(32)}`,
        ),
        err.message,
      )
      return true
    },
  )
  assert.deepEqual(listing(out), [])
  await assert.rejects(
    fetchSpeechLanguage('en', params(url, { en_embeddings_size: wrapped.length - 1 }), out, quick),
    new RegExp(`size mismatch: the server announces ${wrapped.length} bytes, expected ${wrapped.length - 1}`),
  )
  assert.deepEqual(listing(out), [])
})

test('a corrupt zip (CRC), a truncated zip and a zip without the layout: refused, nothing left', async () => {
  const out = outDir()
  const corrupt = Buffer.from(wrapped)
  corrupt[corrupt.indexOf(Buffer.alloc(64, 9)) + 100]! ^= 0x01
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('bad/crc.zip', corrupt)), out, quick),
    /crc\.zip: corrupt zip \(entry 'dataperf_en_data\/train_embeddings\/nontarget\.parquet' fails its CRC-32 check\) \(removed the download; run again to download it afresh\)$/,
  )
  assert.deepEqual(listing(out), [])
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('bad/short.zip', wrapped.subarray(0, wrapped.length - 300))), out, quick),
    /short\.zip: (not a valid zip file|corrupt zip)/,
  )
  assert.deepEqual(listing(out), [])
  await assert.rejects(
    fetchSpeechLanguage(
      'en',
      params(serve('bad/other.zip', zipSync({ 'readme.txt': strToU8('hi'), 'notes.txt': strToU8('x') }))),
      out,
      quick,
    ),
    /other\.zip: does not hold the expected layout \(train_embeddings\/, eval_embeddings\/, allowed_training_set\.yaml, eval\.yaml\); found: notes\.txt, readme\.txt/,
  )
  assert.deepEqual(listing(out), [])
})

test('entries that escape the folder (../, absolute) and symbolic links are refused before anything is written', async () => {
  const out = outDir()
  mkdirSync(out)
  const cases: Array<[string, Zippable, RegExp]> = [
    [
      'dotdot.zip',
      { '../evil.txt': strToU8('x'), dataperf_en_data: speechFiles() },
      /entry '\.\.\/evil\.txt' would be written outside the output folder; refusing this zip/,
    ],
    [
      'deep.zip',
      { dataperf_en_data: { ...speechFiles(), 'a/../../../evil.txt': strToU8('x') } },
      /would be written outside the output folder/,
    ],
    ['abs.zip', { '/tmp/evil.txt': strToU8('x') }, /entry '\/tmp\/evil\.txt' has an absolute path; refusing this zip/],
    [
      'link.zip',
      {
        dataperf_en_data: {
          ...speechFiles(),
          'eval.yaml': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
        },
      },
      /entry 'dataperf_en_data\/eval\.yaml' is a symbolic link; refusing this zip/,
    ],
  ]
  for (const [name, tree, message] of cases) {
    await assert.rejects(fetchSpeechLanguage('en', params(serve(`evil/${name}`, zipSync(tree))), out, quick), message)
    assert.deepEqual(listing(out), [], name)
  }
  assert.ok(!existsSync(join(work, 'evil.txt')) && !existsSync(join(out, '..', 'evil.txt')))
})

test('a disk that fills up while extracting: no partial folder; the verified zip is kept for the next run', async () => {
  const out = outDir()
  const big = zipSync(
    { dataperf_en_data: { ...speechFiles(), train_embeddings: { 'yes.parquet': new Uint8Array(300_000) } } },
    { level: 9 },
  )
  const url = serve('full/dataperf_eng_data.zip', big)
  assert.ok(big.length < 10_000)
  await assert.rejects(
    fetchSpeechLanguage('en', params(url), out, { ...quick, diskLimitBytes: 100_000 }),
    (err: Error) => {
      assert.ok(err instanceof UserError)
      assert.match(
        err.message,
        /yes\.parquet: cannot write \(ENOSPC: no space left on the device\); while extracting .*dataperf_eng_data\.zip; free some space and run again \(the downloaded .*dataperf_eng_data\.zip is kept, so the next run only extracts\)$/,
      )
      return true
    },
  )
  assert.deepEqual(listing(out), ['dataperf_eng_data.zip'])
  await fetchSpeechLanguage('en', params(url), out, quick)
  assert.equal(hits.get('/full/dataperf_eng_data.zip'), 1)
  assert.deepEqual(listing(out), ['dataperf_en_data'])
})

test('a full disk while downloading leaves nothing behind', async () => {
  const out = outDir()
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('full2/dataperf_eng_data.zip', wrapped)), out, {
      ...quick,
      diskLimitBytes: 1000,
    }),
    /no space left on the device/,
  )
  assert.deepEqual(listing(out), [])
})

test('an output path that cannot be a folder: one clear line naming it', async () => {
  writeFileSync(join(work, 'a-file'), '')
  await assert.rejects(
    fetchSpeechLanguage('en', params(serve('nd.zip', wrapped)), join(work, 'a-file', 'data'), quick),
    (err: Error) =>
      err instanceof UserError &&
      err.message ===
        `${join(work, 'a-file', 'data')}: cannot write (ENOTDIR: a parent is a file, not a folder); choose another --output_path`,
  )
})

test('temp folders of a killed run are removed by the next one', async () => {
  const out = outDir()
  mkdirSync(join(out, '.dataperf-extract-999999999-0badc0de', 'dataperf_en_data'), { recursive: true })
  await fetchSpeechLanguage('en', params(serve('stale.zip', wrapped)), out, quick)
  assert.deepEqual(listing(out), ['dataperf_en_data'])
})

test("vision: the resources zip is merged into data/, keeping the user's own files", async () => {
  const out = outDir()
  mkdirSync(join(out, 'train_sets'), { recursive: true })
  writeFileSync(join(out, 'train_sets', 'mine.csv'), 'ImageID,Confidence\n')
  mkdirSync(join(out, 'embeddings'))
  writeFileSync(join(out, 'embeddings', '.gitignore'), '*\n')
  const zip = zipSync({
    'dataperf-vision-selection-resources': {
      embeddings: { 'train_emb_256_dataperf.parquet': new Uint8Array(100).fill(3) },
      test_sets: { 'alpha_test_set_Hawk_256.parquet': new Uint8Array(50) },
      train_sets: { 'random_500.csv': strToU8('ImageID,Confidence\n') },
      examples: { 'alpha_example_set_Hawk.csv': strToU8('ImageID,Confidence\n') },
      results: { 'result_for_random_500.json': strToU8('{}') },
    },
    __MACOSX: { '._embeddings': strToU8('junk') },
  })
  await fetchVision(serve('dataperf-vision-selection-resources.zip', zip), loadParameters(), out, quick)
  assert.deepEqual(listing(out), ['embeddings', 'examples', 'results', 'test_sets', 'train_sets'])
  assert.deepEqual(listing(join(out, 'train_sets')), ['mine.csv', 'random_500.csv'])
  assert.deepEqual(listing(join(out, 'embeddings')), ['.gitignore', 'train_emb_256_dataperf.parquet'])
  assert.deepEqual(readFileSync(join(out, 'embeddings/train_emb_256_dataperf.parquet')), Buffer.alloc(100, 3))
  // in place: kept; --zip (a hand-downloaded file) lays out again and is never removed
  const notes: string[] = []
  await fetchVision(`${base}/never-asked.zip`, loadParameters(), out, { ...quick, log: (m) => notes.push(m) })
  assert.ok(notes.some((n) => /already in place/.test(n)))
  assert.equal(hits.get('/never-asked.zip'), undefined)
  const handZip = join(work, 'hand.zip')
  writeFileSync(handZip, zip)
  await fetchVision(undefined, loadParameters(), out, { zip: handZip })
  assert.ok(existsSync(handZip))
  assert.deepEqual(listing(join(out, 'train_sets')), ['mine.csv', 'random_500.csv'])
})

test('zip names decode as unzip shows them: UTF-8 flag, unflagged UTF-8, CP437, Info-ZIP Unicode path', () => {
  const utf8 = Buffer.from('train_embeddings/não.parquet')
  assert.equal(decodeEntryName(utf8, 0x800, []), 'train_embeddings/não.parquet')
  assert.equal(decodeEntryName(utf8, 0, []), 'train_embeddings/não.parquet')
  assert.equal(decodeEntryName(Buffer.from([0x63, 0x61, 0x66, 0x82]), 0, []), 'café')
  const unicodePath = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from('ação.yaml')])
  const plain = Buffer.from('a??o.yaml')
  unicodePath.writeUInt32LE(crc32(plain), 1)
  assert.equal(decodeEntryName(plain, 0, [{ id: 0x7075, data: unicodePath }]), 'ação.yaml')
})

test('extractZip reports what it wrote', async () => {
  const dir = join(work, 'plain-extract')
  mkdirSync(dir)
  const zipPath = join(work, 'plain.zip')
  writeFileSync(zipPath, flat)
  const r = await extractZip(zipPath, dir)
  assert.equal(r.files, 5)
  assert.equal(
    r.bytes,
    readFileSync(join(dir, 'allowed_training_set.yaml')).length + readFileSync(join(dir, 'eval.yaml')).length + 12_000,
  )
  await assert.rejects(
    extractZip(join(work, 'no-such.zip'), dir),
    new UserError(`${join(work, 'no-such.zip')}: file not found`),
  )
})
