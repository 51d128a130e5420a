/**
 * `dataperf create speech` against a Python oracle of the official create_experiment.py
 * (test/oracles/speech_create_experiment.py: numpy's RandomState.choice, pandas' isin filtering,
 * PyYAML's dump) on generated MSWC-style corpora: the YAML files must be byte-equal, the same
 * parquet files must exist, and each must hold the oracle's source rows, in order, with the
 * source's clip IDs and bit-identical vectors.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from './helpers/cli.js'
import { ORACLE_PYTHON } from './helpers/oracle.js'
import { REPO_ROOT } from './helpers/paths.js'
import { writeMswcCorpus, type MswcCorpus } from './helpers/mswc-corpus.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { tempFolder } from './helpers/temp-folder.js'

const ORACLE = join(REPO_ROOT, 'test/oracles/speech_create_experiment.py')

interface Params {
  minSamples: number
  known: number
  unknown: number
  seed: number
}

function runOracle(
  corpus: MswcCorpus,
  targets: string[],
  out: string,
  p: Params,
): { rows: Record<string, number[]>; drawn: string[] } {
  const args = join(corpus.dir, 'oracle-args.json')
  writeFileSync(
    args,
    JSON.stringify({
      metadata: corpus.metadata,
      language: corpus.language,
      splits: corpus.splits,
      clip_ids_dir: corpus.clipIds,
      targets,
      outdir: out,
      min_samples: p.minSamples,
      n_known: p.known,
      n_unknown: p.unknown,
      seed: p.seed,
    }),
  )
  return JSON.parse(execFileSync(ORACLE_PYTHON, [ORACLE, args], { encoding: 'utf8', maxBuffer: 1 << 28 })) as {
    rows: Record<string, number[]>
    drawn: string[]
  }
}

function create(corpus: MswcCorpus, targets: string[], out: string, p?: Params, extra: string[] = []) {
  const flags = p
    ? [
        '--minimum-samples-for-nontarget-words',
        String(p.minSamples),
        '--num-nontarget-training-words',
        String(p.known),
        '--num-nontarget-eval-words',
        String(p.unknown),
        '--seed-nontarget-selection',
        String(p.seed),
      ]
    : []
  return runCli([
    'create',
    'speech',
    '--metadata',
    corpus.metadata,
    '--splits',
    corpus.splits,
    '--embeddings',
    corpus.embeddings,
    '--language',
    corpus.language,
    '--targets',
    targets.join(','),
    '--out',
    out,
    '--dim', // the corpora's short vectors (1024 is the default and the participant tools' length)
    String(corpus.dim),
    ...flags,
    ...extra,
  ])
}

function parquetFiles(out: string): string[] {
  return ['train_embeddings', 'eval_embeddings']
    .flatMap((d) => readdirSync(join(out, d)).map((f) => `${d}/${f}`))
    .sort()
}

async function assertParity(
  corpus: MswcCorpus,
  targets: string[],
  p: Params,
  label: string,
): Promise<{ drawn: string[] }> {
  const ours = join(corpus.dir, `ours-${label}`),
    theirs = join(corpus.dir, `oracle-${label}`)
  const r = create(corpus, targets, ours, p)
  assert.equal(r.code, 0, r.stderr)
  const oracle = runOracle(corpus, targets, theirs, p)
  for (const f of ['allowed_training_set.yaml', 'eval.yaml']) {
    assert.equal(
      readFileSync(join(ours, f), 'utf8'),
      readFileSync(join(theirs, f), 'utf8'),
      `${label}: ${f} differs from PyYAML's`,
    )
  }
  assert.deepEqual(parquetFiles(ours), Object.keys(oracle.rows).sort(), `${label}: the set of parquet files`)
  for (const [rel, rows] of Object.entries(oracle.rows)) {
    const word = rel.split('/')[1]!.replace(/\.parquet$/, '')
    const source = corpus.files.get(word)!
    const file = await ParquetFile.open(join(ours, rel))
    try {
      const ids = (await file.readScalars('clip_id')).map(String)
      assert.deepEqual(
        ids,
        rows.map((r) => source.ids[r]!),
        `${label}: ${rel} clip_id column`,
      )
      const v = await file.readVectors('mswc_embedding_vector')
      assert.ok(v.data instanceof Float32Array, `${label}: ${rel} keeps float32 vectors`)
      const expected = new Float32Array(rows.length * corpus.dim)
      rows.forEach((r, i) =>
        expected.set(source.vectors.subarray(r * corpus.dim, (r + 1) * corpus.dim), i * corpus.dim),
      )
      assert.deepEqual(v.data, expected, `${label}: ${rel} vectors`)
    } finally {
      await file.close()
    }
  }
  return oracle
}

test('create speech equals the oracle on a small corpus (tricky words, two seeds, target order)', async () => {
  const dir = tempFolder('create-speech')
  try {
    const corpus = writeMswcCorpus(dir, {
      seed: 1,
      targets: ['no', 'music', 'n\u00e3o'],
      otherWords: 40,
      clips: [8, 30],
      dim: 5,
    })
    const a = await assertParity(corpus, corpus.targets, { minSamples: 12, known: 9, unknown: 7, seed: 0 }, 'seed0')
    const b = await assertParity(
      corpus,
      ['music', 'n\u00e3o', 'no'],
      { minSamples: 12, known: 9, unknown: 7, seed: 3 },
      'seed3',
    )
    assert.notDeepEqual(a.drawn, b.drawn, 'another seed draws other nontarget words')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('create speech equals the oracle with the official defaults (100 + 100 words of 200 clips)', async () => {
  const dir = tempFolder('create-speech')
  try {
    const corpus = writeMswcCorpus(dir, {
      seed: 2,
      targets: ['fifty', 'episode', 'restaurant', 'route', 'job'],
      otherWords: 240,
      clips: [195, 260],
      dim: 2,
    })
    const { drawn } = await assertParity(
      corpus,
      corpus.targets,
      { minSamples: 200, known: 100, unknown: 100, seed: 0 },
      'defaults',
    )
    assert.equal(drawn.length, 200)
    // the same run without the flags: the defaults are the official ones
    const r = create(corpus, corpus.targets, join(dir, 'no-flags'))
    assert.equal(r.code, 0, r.stderr)
    for (const f of ['allowed_training_set.yaml', 'eval.yaml']) {
      assert.equal(readFileSync(join(dir, 'no-flags', f), 'utf8'), readFileSync(join(dir, 'ours-defaults', f), 'utf8'))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('create speech errors: one line, exit 2, nothing written', () => {
  const dir = tempFolder('create-speech')
  try {
    const corpus = writeMswcCorpus(dir, { seed: 4, targets: ['music', 'job'], otherWords: 20, clips: [8, 30], dim: 3 })
    const p = { minSamples: 12, known: 5, unknown: 4, seed: 0 }
    const expectError = (r: ReturnType<typeof runCli>, pattern: RegExp, out: string) => {
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, pattern)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      if (existsSync(out)) assert.deepEqual(readdirSync(out), ['keep'], `${out} was written`)
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.includes('.tmp-')),
        [],
        'no temporary folder left',
      )
    }
    const out = join(dir, 'out')
    expectError(
      create(corpus, ['music', 'zebra'], out, p),
      /unknown target word zebra: not in .*metadata\.json\.gz's en wordcounts/,
      out,
    )
    expectError(
      create(corpus, ['music'], out, { ...p, known: 30, unknown: 20 }),
      /only \d+ nontarget candidate words in en .* 50 are needed/,
      out,
    )
    expectError(
      runCli([
        'create',
        'speech',
        '--metadata',
        corpus.metadata,
        '--splits',
        corpus.splits,
        '--embeddings',
        corpus.embeddings,
        '--language',
        'xx',
        '--targets',
        'music',
        '--out',
        out,
      ]),
      /--language xx: the speech track's tools \(select, eval, download, serve\) support en, id, pt/,
      out,
    )

    // a target clip listed in the splits without a vector
    const music = corpus.files.get('music')!
    const listed = readFileSync(corpus.splits, 'utf8')
      .split('\n')
      .find((l) => l.includes(',music,'))!
      .split(',')[1]!
      .replace('.opus', '.wav')
    const keep = music.ids.map((id, i) => [id, i] as const).filter(([id]) => id !== listed)
    writeVectorTable(join(corpus.embeddings, 'music.parquet'), {
      rows: keep.length,
      leading: [{ name: 'clip_id', type: 'STRING', value: (r) => keep[r]![0] }],
      vectorColumn: 'mswc_embedding_vector',
      dim: corpus.dim,
      vectors: (s, e) =>
        Float32Array.from(
          keep.slice(s, e).flatMap(([, i]) => Array.from(music.vectors.subarray(i * corpus.dim, (i + 1) * corpus.dim))),
        ),
    })
    expectError(
      create(corpus, ['music'], out, p),
      new RegExp(`music\\.parquet: no vector for 1 clip listed for 'music' in .*: ${listed.replace(/[.]/g, '\\.')}`),
      out,
    )

    // an existing non-empty output folder is left alone
    mkdirSync(out)
    writeFileSync(join(out, 'keep'), 'x')
    expectError(create(corpus, ['job'], out, p), /out: folder is not empty/, out)
    assert.deepEqual(readdirSync(out), ['keep'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
