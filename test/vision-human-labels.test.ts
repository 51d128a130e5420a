/**
 * Real human labels: Open Images' oidv6-train-annotations-human-imagelabels.csv found by its
 * official name or given with --human-labels, filtered to the pool and the task's LabelName;
 * an algorithm that finds none says so on stderr and in its manifest; the download fetches the
 * file from a local HTTP server with resume and verification.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { readCsv } from '../src/io/csv.js'
import { generateVisionBenchmark, VISION_CONCEPTS, VISION_LAYOUT } from '../src/synth/vision.js'
import { readHumanLabels } from '../src/vision/human-labels.js'
import { startLocalServer, type LocalServer } from './helpers/local-server.js'
import { runCli, runCliAsync } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let work: string
let data: string
let poolIds: string[]
const hawk = VISION_CONCEPTS.find((c) => c.name === 'Hawk')!

before(async () => {
  work = tempFolder('human-labels')
  data = join(work, 'data')
  generateVisionBenchmark({ out: data, seed: 3, poolSize: 2000 })
  const pool = await ParquetFile.open(join(data, VISION_LAYOUT.pool))
  poolIds = (await pool.readScalars('ImageID')).map(String)
  await pool.close()
})

/** An Open Images-style file: the generator's rows, plus rows of images outside the pool and of other labels, some quoted. */
function openImagesStyle(): { text: string; positives: Set<string>; negatives: Set<string> } {
  const ours = readCsv(join(data, VISION_LAYOUT.humanLabels))
  const lines = ['ImageID,Source,LabelName,Confidence']
  const positives = new Set<string>(),
    negatives = new Set<string>()
  ours.rows.forEach(([id, source, label, conf], i) => {
    lines.push(i % 3 === 0 ? `"${id}",${source},"${label}",${conf}` : `${id},${source},${label},${conf}`)
    if (label === hawk.labelName) (conf === '1' ? positives : negatives).add(id!)
    lines.push(`ffff${i.toString(16).padStart(12, '0')},crowdsource-verification,${label},1`) // not in the pool
    lines.push(`${id},verification,/m/0bt9lr,0`) // another label
  })
  return { text: lines.join('\n') + '\n', positives, negatives }
}

function manifestOf(csv: string): {
  human_labels: { file: string | null; positives: number; negatives: number } | string
  notes: string[]
} {
  return JSON.parse(readFileSync(csv.replace(/\.csv$/, '.manifest.json'), 'utf8'))
}

test("readHumanLabels keeps only the task label and the pool's IDs of an Open Images-style file", async () => {
  const { text, positives, negatives } = openImagesStyle()
  const file = join(work, 'oi.csv')
  writeFileSync(file, text)
  const got = await readHumanLabels(file, hawk.labelName, new Set(poolIds))
  assert.deepEqual(new Set(got.positives), positives)
  assert.deepEqual(new Set(got.negatives), negatives)
  assert.ok(positives.size > 0 && negatives.size > 0)
  // the rows outside the pool were counted, then dropped
  assert.equal(got.rowsForLabel, 2 * (positives.size + negatives.size))
})

test("vision select finds metadata/oidv6-train-annotations-human-imagelabels.csv by its official name, before the generator's file", () => {
  const { text, positives, negatives } = openImagesStyle()
  const official = join(data, VISION_LAYOUT.openImagesHumanLabels)
  writeFileSync(official, text)
  // the generator's file no longer agrees: were it read, the counts below would differ
  const ours = join(data, VISION_LAYOUT.humanLabels)
  renameSync(ours, ours + '.bak')
  writeFileSync(ours, 'ImageID,Source,LabelName,Confidence\n')
  try {
    const out = join(work, 'official.csv')
    const r = runCli([
      'vision',
      'select',
      '--setup',
      join(data, VISION_LAYOUT.setup),
      '--task',
      'Hawk',
      '--algorithm',
      'weak-labels',
      '--out',
      out,
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stderr, /no human labels/)
    const m = manifestOf(out)
    assert.deepEqual(m.human_labels, { file: official, positives: positives.size, negatives: negatives.size })
    assert.deepEqual(m.notes, [])
    // the verified labels are in the training set with their labels
    const set = new Map(readCsv(out).rows.map(([id, c]) => [id!, c!]))
    for (const id of negatives) assert.equal(set.get(id), '0', id)
  } finally {
    rmSync(official)
    renameSync(ours + '.bak', ours)
  }
})

test("--human-labels FILE is read instead of the data folder's file", () => {
  const { text, positives, negatives } = openImagesStyle()
  const file = join(work, 'elsewhere.csv')
  writeFileSync(
    file,
    text
      .split('\n')
      .filter((l, i) => i === 0 || !l.endsWith(',0'))
      .join('\n'),
  )
  const out = join(work, 'flag.csv')
  const r = runCli([
    'vision',
    'select',
    '--setup',
    join(data, VISION_LAYOUT.setup),
    '--task',
    'Hawk',
    '--algorithm',
    'fpscv',
    '--budget',
    '300',
    '--out',
    out,
    '--human-labels',
    file,
  ])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(manifestOf(out).human_labels, { file, positives: positives.size, negatives: 0 })
  assert.ok(negatives.size > 0)
})

test('an algorithm that uses human labels and finds none says so on stderr and in its manifest', () => {
  const ours = join(data, VISION_LAYOUT.humanLabels)
  renameSync(ours, ours + '.bak')
  try {
    for (const algorithm of ['weak-labels', 'fpscv', 'consensus']) {
      const out = join(work, `none-${algorithm}.csv`)
      const r = runCli([
        'vision',
        'select',
        '--setup',
        join(data, VISION_LAYOUT.setup),
        '--task',
        'Hawk',
        '--algorithm',
        algorithm,
        '--budget',
        '300',
        '--out',
        out,
      ])
      assert.equal(r.code, 0, r.stderr)
      assert.match(
        r.stderr,
        /warning: no human labels for Hawk: none of .*oidv6-train-annotations-human-imagelabels\.csv.* exists/,
      )
      const m = manifestOf(out)
      assert.deepEqual(m.human_labels, { file: null, positives: 0, negatives: 0 })
      assert.match(m.notes[0]!, /--human-labels FILE/)
      // consensus also says that it could not cross-validate, and its set is then exactly fpscv's
      assert.equal(m.notes.length, algorithm === 'consensus' ? 2 : 1, m.notes.join('\n'))
      if (algorithm === 'consensus') {
        assert.match(m.notes[1]!, /too few to cross-validate.*kept fpscv's set/)
        assert.equal(readFileSync(out, 'utf8'), readFileSync(join(work, 'none-fpscv.csv'), 'utf8'))
      }
    }
    // a file without the task's label is named in the note
    const empty = join(work, 'other-label.csv')
    writeFileSync(empty, 'ImageID,Source,LabelName,Confidence\nabc,verification,/m/0bt9lr,1\n')
    const out = join(work, 'none-label.csv')
    const r = runCli([
      'vision',
      'select',
      '--setup',
      join(data, VISION_LAYOUT.setup),
      '--task',
      'Hawk',
      '--algorithm',
      'weak-labels',
      '--out',
      out,
      '--human-labels',
      empty,
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`other-label\\.csv has no rows with LabelName ${hawk.labelName}`))
    // an algorithm that does not read human labels says nothing
    const plain = join(work, 'random.csv')
    const q = runCli([
      'vision',
      'select',
      '--setup',
      join(data, VISION_LAYOUT.setup),
      '--task',
      'Hawk',
      '--algorithm',
      'random',
      '--out',
      plain,
    ])
    assert.equal(q.code, 0, q.stderr)
    assert.equal(q.stderr, '')
    assert.equal(manifestOf(plain).human_labels, 'not used by this algorithm')
  } finally {
    renameSync(ours + '.bak', ours)
  }
})

test('a bad human-labels file is a one-line error and no training set is written', () => {
  const cases: Array<[string, RegExp]> = [
    ['ImageID,Source,LabelName\nx,y,z\n', /missing column 'Confidence'/],
    [
      `ImageID,Source,LabelName,Confidence\nabc,verification,${hawk.labelName},0.5\n`,
      /line 2: Confidence '0\.5' for abc; expected 0 or 1/,
    ],
  ]
  for (const [text, message] of cases) {
    const file = join(work, 'bad.csv'),
      out = join(work, 'bad-out.csv')
    writeFileSync(file, text)
    const r = runCli([
      'vision',
      'select',
      '--setup',
      join(data, VISION_LAYOUT.setup),
      '--task',
      'Hawk',
      '--algorithm',
      'weak-labels',
      '--out',
      out,
      '--human-labels',
      file,
    ])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, message)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.equal(existsSync(out), false)
  }
  const r = runCli([
    'vision',
    'select',
    '--setup',
    join(data, VISION_LAYOUT.setup),
    '--task',
    'Hawk',
    '--out',
    join(work, 'x.csv'),
    '--human-labels',
    join(work, 'missing.csv'),
  ])
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /missing\.csv: file not found \(--human-labels\)/)
})

test('download vision --open-images-labels fetches the CSV into metadata/, resuming a dropped transfer and checking its sha256', async () => {
  const body = Buffer.from(openImagesStyle().text)
  let served = 0
  const ranges: string[] = []
  const server: LocalServer = await startLocalServer((req, res) => {
    if (req.url !== '/oidv6-train-annotations-human-imagelabels.csv') {
      res.writeHead(404).end()
      return
    }
    served++
    const etag = '"v1"'
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))
    if (range && req.headers['if-range'] === etag) {
      ranges.push(range[1]!)
      const start = Number(range[1])
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        ETag: etag,
      })
      res.end(body.subarray(start))
      return
    }
    res.writeHead(200, { 'Content-Length': body.length, ETag: etag, 'Accept-Ranges': 'bytes' })
    // the first transfer drops halfway
    if (served === 1) {
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.destroy(), 100))
      return
    }
    res.end(body)
  })
  try {
    const url = `${server.base}/oidv6-train-annotations-human-imagelabels.csv`
    const out = join(work, 'download')
    const params = join(work, 'params.yaml')
    writeFileSync(params, `open_images_labels_sha256: "${createHash('sha256').update(body).digest('hex')}"\n`)
    const r = await runCliAsync([
      'download',
      'vision',
      '--open-images-labels',
      '--url',
      url,
      '--output_path',
      out,
      '--parameters_file',
      params,
    ])
    assert.equal(r.code, 0, r.stderr)
    const dest = join(out, VISION_LAYOUT.openImagesHumanLabels)
    assert.deepEqual(readFileSync(dest), body)
    assert.equal(ranges.length, 1, 'resumed once with a Range request')
    assert.ok(Number(ranges[0]) > 0)
    assert.equal(existsSync(dest + '.part'), false)

    // a second run keeps the verified file
    const again = await runCliAsync([
      'download',
      'vision',
      '--open-images-labels',
      '--url',
      url,
      '--output_path',
      out,
      '--parameters_file',
      params,
    ])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stderr, /already in place/)

    // a wrong checksum: refused, nothing left under the official name
    writeFileSync(params, `open_images_labels_sha256: "${'0'.repeat(64)}"\n`)
    const bad = await runCliAsync([
      'download',
      'vision',
      '--open-images-labels',
      '--url',
      url,
      '--output_path',
      join(work, 'download-bad'),
      '--parameters_file',
      params,
    ])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /sha256 mismatch/)
    assert.equal(existsSync(join(work, 'download-bad', VISION_LAYOUT.openImagesHumanLabels)), false)
  } finally {
    server.close()
  }
})
