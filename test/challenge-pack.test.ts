/**
 * `dataperf challenge pack` on a created speech and vision experiment: no eval clip ID or test
 * image ID appears in any public file (every file in every public zip is read back: parquet ID
 * columns, YAML scalars, CSV cells); the zips download with `dataperf download --parameters_file`
 * from a local HTTP server, size and SHA-256 verified (a tampered zip is refused); participants'
 * selection runs on the downloaded data; the challenge folder loads as `dataperf serve` loads it,
 * and the server's scoring of those selections equals `dataperf speech eval` / `vision eval`
 * run on the full experiments, and so does `dataperf serve` on the challenge folder when the
 * participant uploads with `dataperf submit` (issue 11, item 4).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
import { parse as parseYaml } from 'yaml'
import { parse as parseCsv } from 'csv-parse/sync'
import { runCli, runCliAsync } from './helpers/cli.js'
import { Api, startProc } from './helpers/server.js'
import { startLocalServer } from './helpers/local-server.js'
import { rawVisionPool } from './helpers/shared-fixtures.js'
import { writeMswcCorpus } from './helpers/mswc-corpus.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { loadChallenge } from '../src/server/challenge/load.js'
import { scoreSubmission } from '../src/server/boards/index.js'
import { tempFolder } from './helpers/temp-folder.js'

async function stringsOf(path: string): Promise<string[]> {
  if (path.endsWith('.parquet')) {
    const f = await ParquetFile.open(path)
    try {
      const out: string[] = []
      for (const c of ['ImageID', 'clip_id']) if (f.column(c)) out.push(...(await f.readScalars(c)).map(String))
      return out
    } finally {
      await f.close()
    }
  }
  const text = readFileSync(path, 'utf8')
  if (path.endsWith('.csv')) return (parseCsv(text, { relax_column_count: true }) as string[][]).flat()
  if (path.endsWith('.yaml')) return JSON.stringify(parseYaml(text)).split('"')
  return [text]
}

function yamlIds(path: string): string[] {
  const y = parseYaml(readFileSync(path, 'utf8')) as { targets: Record<string, string[]>; nontargets: string[] }
  return [...Object.values(y.targets).flat(), ...y.nontargets]
}

test('create, pack, download, select, serve, submit: nothing hidden goes public; the server scores as eval does', async () => {
  const dir = tempFolder('pack')
  const served = new Map<string, Buffer>()
  const server = await startLocalServer((req, res) => {
    const body = served.get(decodeURIComponent((req.url ?? '').slice(1)))
    if (!body) {
      res.statusCode = 404
      res.end()
      return
    }
    res.setHeader('content-length', body.length)
    res.end(body)
  })
  try {
    // experiments: speech from a generated MSWC-style corpus, vision from a generated pool with human labels
    const corpus = writeMswcCorpus(join(dir, 'mswc'), {
      seed: 5,
      targets: ['music', 'window', 'family'],
      otherWords: 30,
      clips: [20, 40],
      dim: 1024,
      duplicateRows: false,
    })
    const exps = join(dir, 'exps')
    let r = runCli([
      'create',
      'speech',
      '--metadata',
      corpus.metadata,
      '--splits',
      corpus.splits,
      '--embeddings',
      corpus.embeddings,
      '--language',
      'en',
      '--targets',
      corpus.targets.join(','),
      '--out',
      join(exps, 'dataperf_en_data'),
      '--minimum-samples-for-nontarget-words',
      '16',
      '--num-nontarget-training-words',
      '8',
      '--num-nontarget-eval-words',
      '6',
    ])
    assert.equal(r.code, 0, r.stderr)
    const raw = rawVisionPool()
    r = runCli([
      'create',
      'vision',
      '--pool',
      join(raw, 'embeddings/train_emb_256_dataperf.parquet'),
      '--human-labels',
      join(raw, 'metadata/train-annotations-human-imagelabels.csv'),
      '--class-descriptions',
      join(raw, 'metadata/class-descriptions.csv'),
      '--concepts',
      'Cupcake,Hawk,Sushi',
      '--test-positives',
      '5',
      '--test-negatives',
      '15',
      '--out',
      join(exps, 'vision'),
    ])
    assert.equal(r.code, 0, r.stderr)

    // what must stay hidden, read from the experiments themselves
    const allowedIds = new Set(yamlIds(join(exps, 'dataperf_en_data/allowed_training_set.yaml')))
    const evalIds = yamlIds(join(exps, 'dataperf_en_data/eval.yaml'))
    assert.ok(
      evalIds.every((id) => !allowedIds.has(id)),
      'the corpus has no clip both allowed and in eval',
    )
    const hidden = new Set(evalIds)
    for (const f of readdirSync(join(exps, 'vision/test_sets')))
      for (const id of await stringsOf(join(exps, 'vision/test_sets', f))) hidden.add(id)
    assert.ok(hidden.size > 100)

    const out = join(dir, 'packed')
    r = runCli([
      'challenge',
      'pack',
      exps,
      '--out',
      out,
      '--base-url',
      `${server.base}/files/`,
      '--start',
      '2026-01-01T00:00:00Z',
      '--end',
      '2100-01-01T00:00:00Z',
    ])
    assert.equal(r.code, 0, r.stderr)
    const pub = join(out, 'public')
    assert.deepEqual(readdirSync(pub).sort(), [
      'dataperf-vision-selection-resources.zip',
      'dataperf_en_data.zip',
      'dataperf_speech_config.yaml',
      'parameters.yaml',
    ])

    // every public file, inside the zips too
    const unpacked = join(dir, 'unpacked')
    let checked = 0
    for (const name of readdirSync(pub)) {
      const files: Array<[string, Buffer]> = name.endsWith('.zip')
        ? Object.entries(unzipSync(readFileSync(join(pub, name))))
            .filter(([n]) => !n.endsWith('/'))
            .map(([n, b]) => [join(name, n), Buffer.from(b)])
        : [[name, readFileSync(join(pub, name))]]
      for (const [rel, bytes] of files) {
        const path = join(unpacked, rel)
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, bytes)
        const leaked = (await stringsOf(path)).filter((s) => hidden.has(s))
        assert.deepEqual(leaked, [], `${rel} holds hidden IDs`)
        checked++
      }
    }
    const speechZip = Object.keys(unzipSync(readFileSync(join(pub, 'dataperf_en_data.zip'))))
    assert.ok(
      speechZip.every((n) =>
        ['allowed_training_set.yaml', 'PUBLIC_BUNDLE.txt', 'train_embeddings/'].some((p) =>
          n.startsWith(`dataperf_en_data/${p}`),
        ),
      ),
      speechZip.join(', '),
    )
    const visionZip = Object.keys(unzipSync(readFileSync(join(pub, 'dataperf-vision-selection-resources.zip'))))
    assert.ok(
      visionZip.every((n) => !n.includes('test_sets')),
      visionZip.join(', '),
    )
    assert.ok(checked > 20)

    // download from a local HTTP server with the parameters file: sizes and SHA-256 verified
    for (const name of readdirSync(pub)) served.set(`files/${name}`, readFileSync(join(pub, name)))
    const params = join(pub, 'parameters.yaml')
    const ws = join(dir, 'participant')
    const dl = await runCliAsync([
      'download',
      'speech',
      '--languages',
      'en',
      '--output_path',
      join(ws, 'data'),
      '--parameters_file',
      params,
    ])
    assert.equal(dl.code, 0, dl.stderr)
    assert.ok(
      readFileSync(join(ws, 'data/dataperf_en_data/allowed_training_set.yaml')).equals(
        readFileSync(join(exps, 'dataperf_en_data/allowed_training_set.yaml')),
      ),
    )
    const dv = await runCliAsync([
      'download',
      'vision',
      '--output_path',
      join(ws, 'vision'),
      '--parameters_file',
      params,
    ])
    assert.equal(dv.code, 0, dv.stderr)
    assert.doesNotMatch(dl.stdout + dl.stderr, /warning/i, 'a public bundle is complete without eval data')
    // a second run finds both in place (the public bundle counts as complete) and downloads nothing
    const again = await runCliAsync([
      'download',
      'speech',
      '--languages',
      'en',
      '--output_path',
      join(ws, 'data'),
      '--parameters_file',
      params,
    ])
    assert.match(again.stdout + again.stderr, /already in place/)
    const againVision = await runCliAsync([
      'download',
      'vision',
      '--output_path',
      join(ws, 'vision'),
      '--parameters_file',
      params,
    ])
    assert.match(againVision.stdout + againVision.stderr, /already in place/)
    // doctor passes on what participants downloaded
    writeFileSync(join(ws, 'dataperf_speech_config.yaml'), readFileSync(join(pub, 'dataperf_speech_config.yaml')))
    for (const d of [join(ws, 'data'), join(ws, 'vision')]) {
      const doc = runCli(['doctor', d])
      assert.match(doc.stdout, /\b0 error\(s\)/, doc.stdout + doc.stderr)
      assert.match(doc.stdout, /public bundle/)
    }
    // a zip changed on the server is refused by its checksum
    const tampered = Buffer.from(served.get('files/dataperf_en_data.zip')!)
    tampered[tampered.length - 30] = tampered[tampered.length - 30]! ^ 0xff
    served.set('files/dataperf_en_data.zip', tampered)
    const bad = await runCliAsync([
      'download',
      'speech',
      '--languages',
      'en',
      '--output_path',
      join(dir, 'other'),
      '--parameters_file',
      params,
    ])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /sha256|SHA-256|checksum/i)

    // participants select on the public data only
    const sel = runCli([
      'speech',
      'select',
      '--language',
      'en',
      '--train_size',
      '25',
      '--algorithm',
      'random',
      '--allowed_training_set',
      join(ws, 'data/dataperf_en_data/allowed_training_set.yaml'),
      '--train_embeddings_dir',
      join(ws, 'data/dataperf_en_data/train_embeddings'),
      '--config_file',
      join(ws, 'dataperf_speech_config.yaml'),
      '--outdir',
      ws,
    ])
    assert.equal(sel.code, 0, sel.stderr)
    for (const task of ['Cupcake', 'Hawk', 'Sushi']) {
      const vsel = runCli([
        'vision',
        'select',
        '--setup',
        join(ws, 'vision/task_setup.yaml'),
        '--task',
        task,
        '--algorithm',
        'centroid',
        '--budget',
        '100',
        '--out',
        join(ws, `${task}.csv`),
      ])
      assert.equal(vsel.code, 0, vsel.stderr)
    }

    // the server's challenge folder: boards as the contract says, scores as the CLI's eval
    const challenge = loadChallenge(join(out, 'challenge'))
    assert.deepEqual(
      challenge.boards.map((b) => b.id),
      ['en-25', 'en-60', 'vision'],
    )
    const board = challenge.boards[0]!
    const submitted = readFileSync(join(ws, 'en_25_train.json'))
    const serverScore = await scoreSubmission(board, [{ name: 'en_25_train.json', bytes: submitted }])
    const full = join(exps, 'dataperf_en_data')
    const local = runCli([
      'speech',
      'eval',
      '--language',
      'en',
      '--train_size',
      '25',
      '--eval_embeddings_dir',
      join(full, 'eval_embeddings'),
      '--train_embeddings_dir',
      join(full, 'train_embeddings'),
      '--allowed_training_set',
      join(full, 'allowed_training_set.yaml'),
      '--eval_file',
      join(full, 'eval.yaml'),
      '--train_file',
      join(ws, 'en_25_train.json'),
      '--config_file',
      join(ws, 'dataperf_speech_config.yaml'),
      '--json',
    ])
    assert.equal(local.code, 0, local.stderr)
    const localScore = (JSON.parse(local.stdout) as { score: number }).score
    assert.equal(serverScore.score, localScore)

    const vision = challenge.boards[2]!
    const files = ['Cupcake', 'Hawk', 'Sushi'].map((t) => ({
      name: `${t}.csv`,
      bytes: readFileSync(join(ws, `${t}.csv`)),
    }))
    const visionScore = await scoreSubmission(vision, files)
    mkdirSync(join(exps, 'vision/train_sets'), { recursive: true })
    for (const f of files) writeFileSync(join(exps, 'vision/train_sets', f.name), f.bytes)
    const ve = runCli(['vision', 'eval', '--setup', join(exps, 'vision/task_setup.yaml'), '--json'])
    assert.equal(ve.code, 0, ve.stderr)
    const localVision = (JSON.parse(ve.stdout) as { results: Record<string, { f1: number }> }).results
    const meanF1 = Object.values(localVision).reduce((a, t) => a + t.f1, 0) / 3
    assert.equal(visionScore.score, meanF1)

    // the organizer's checks pass on the server's data
    for (const d of ['speech', 'vision']) {
      const doc = runCli(['doctor', join(out, 'challenge', d)])
      assert.equal(doc.code, 0, doc.stdout + doc.stderr)
      assert.match(doc.stdout, /\b0 error\(s\)/)
    }

    // `dataperf serve` on the challenge folder; the participant submits with `dataperf submit`
    const state = join(dir, 'state')
    const srv = await startProc(
      [
        'serve',
        '--challenge',
        join(out, 'challenge'),
        '--db',
        join(state, 'server.sqlite'),
        '--state',
        state,
        '--port',
        '0',
      ],
      dir,
    )
    try {
      const { token } = await new Api(srv.url).participant('pat@example.org', 'Team Pat')
      const sub = await runCliAsync(
        [
          'submit',
          '--server',
          srv.url,
          '--token',
          token,
          '--board',
          'en-25',
          '--method',
          'random',
          join(ws, 'en_25_train.json'),
        ],
        dir,
      )
      assert.equal(sub.code, 0, sub.stderr)
      assert.equal(Number(/^Score: (\S+)$/m.exec(sub.stdout)?.[1]), localScore)
      const vsub = await runCliAsync(
        [
          'submit',
          '--server',
          srv.url,
          '--token',
          token,
          '--board',
          'vision',
          '--method',
          'centroid',
          ...['Cupcake', 'Hawk', 'Sushi'].map((t) => join(ws, `${t}.csv`)),
        ],
        dir,
      )
      assert.equal(vsub.code, 0, vsub.stderr)
      assert.equal(Number(/^Score: (\S+)$/m.exec(vsub.stdout)?.[1]), meanF1)
    } finally {
      await srv.stop()
    }
  } finally {
    server.close()
  }
})
