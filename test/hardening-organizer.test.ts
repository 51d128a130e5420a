/**
 * Issue 21 (hardening, round 3), the organizer side, through the real CLI: create speech checks its
 * inputs (missing files, languages, targets, vector length, targets without training clips, clips
 * in both splits), and challenge pack checks every eval clip and says what to upload where.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { runCli } from './helpers/cli.js'
import { writeMswcCorpus, type MswcCorpus } from './helpers/mswc-corpus.js'
import { tempFolder } from './helpers/temp-folder.js'

let work: string
let corpus: MswcCorpus

before(() => {
  work = tempFolder('hardening-org')
  corpus = writeMswcCorpus(join(work, 'mswc'), {
    seed: 7,
    targets: ['music', 'window', 'family'],
    otherWords: 20,
    clips: [20, 30],
    dim: 1024,
    duplicateRows: false,
  })
})

function create(
  out: string,
  change: Partial<Record<'metadata' | 'splits' | 'language' | 'targets', string>> = {},
  extra: string[] = [],
) {
  return runCli([
    'create',
    'speech',
    '--metadata',
    change.metadata ?? corpus.metadata,
    '--splits',
    change.splits ?? corpus.splits,
    '--embeddings',
    corpus.embeddings,
    '--language',
    change.language ?? 'en',
    '--targets',
    change.targets ?? corpus.targets.join(','),
    '--out',
    out,
    '--minimum-samples-for-nontarget-words',
    '16',
    '--num-nontarget-training-words',
    '6',
    '--num-nontarget-eval-words',
    '5',
    ...extra,
  ])
}

/** One line, exit 2, nothing written beside --out (no temp folder either). */
function refused(r: ReturnType<typeof runCli>, pattern: RegExp, out: string): void {
  assert.equal(r.code, 2, r.stdout + r.stderr)
  assert.match(r.stderr, pattern)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
  assert.ok(!existsSync(out), `${out} was written`)
  assert.deepEqual(
    readdirSync(dirname(out)).filter((n) => n.includes('.tmp-')),
    [],
    'no temp folder left',
  )
}

/** The splits CSV with `edit` applied to its data rows. */
function splitsWith(name: string, edit: (rows: string[][]) => string[][]): string {
  const [header, ...rows] = readFileSync(corpus.splits, 'utf8').trim().split('\n')
  const path = join(work, name)
  writeFileSync(
    path,
    [header, ...edit(rows.map((r) => r.split(',')))].map((r) => (Array.isArray(r) ? r.join(',') : r)).join('\n') + '\n',
  )
  return path
}

test('21.10: create speech with a missing --metadata or --splits: one line naming the flag, no stack, no temp folder', () => {
  const out = join(work, 'exp-missing')
  refused(
    create(out, { metadata: join(work, 'nope.json.gz') }),
    /nope\.json\.gz: file not found \(--metadata: MSWC's metadata\.json\.gz\)$/m,
    out,
  )
  refused(
    create(out, { splits: join(work, 'nope.csv') }),
    /nope\.csv: file not found \(--splits: the language's splits CSV\)$/m,
    out,
  )
})

test('21.11: create speech refuses what the participant tools could not use: another language, empty or repeated targets, short vectors, a target without TRAIN clips', () => {
  const out = join(work, 'exp-refused')
  refused(
    create(out, { language: 'de' }),
    /--language de: the speech track's tools \(select, eval, download, serve\) support en, id, pt/,
    out,
  )
  refused(create(out, { targets: 'music,,window' }), /--targets: item 2 of 3 is empty/, out)
  refused(create(out, { targets: 'music,window,music' }), /--targets: music is given twice/, out)
  // a target whose clips are all DEV/TEST: every participant's selection would fail
  const noTrain = splitsWith('no-train.csv', (rows) =>
    rows.map((r) => (r[2] === 'window' && r[0] === 'TRAIN' ? ['DEV', ...r.slice(1)] : r)),
  )
  refused(
    create(out, { splits: noTrain }),
    /no-train\.csv: target word window has no TRAIN rows \(\d+ DEV, \d+ TEST\)/,
    out,
  )
})

test('21.9: a clip in both sets is reported by create and refused by pack; pack checks every eval clip', () => {
  // the splits list a music clip as TRAIN and again as DEV: written to both (as the official script does), reported
  const twice = splitsWith('twice.csv', (rows) => {
    const train = rows.find((r) => r[2] === 'music' && r[0] === 'TRAIN')!
    return [...rows, ['DEV', ...train.slice(1)]]
  })
  const exps = join(work, 'exps-leak')
  const r = create(join(exps, 'dataperf_en_data'), { splits: twice })
  assert.equal(r.code, 0, r.stderr)
  assert.match(
    r.stderr,
    /warning: 1 target clip is listed both as TRAIN and as DEV or TEST .*`challenge pack` refuses to publish an eval clip/,
  )
  const out = join(work, 'release-leak')
  refused(
    runCli(['challenge', 'pack', exps, '--out', out]),
    /allowed_training_set\.yaml: 1 clip of the eval set also allowed for training \(music\/common_voice_en_\d+\.wav\); it would be published, so nothing was packed/,
    out,
  )

  // an eval clip injected into the allowed set of a sound experiment is refused the same way
  const exps2 = join(work, 'exps-injected')
  assert.equal(create(join(exps2, 'dataperf_en_data')).code, 0)
  const allowedPath = join(exps2, 'dataperf_en_data', 'allowed_training_set.yaml')
  const evalSet = parse(readFileSync(join(exps2, 'dataperf_en_data', 'eval.yaml'), 'utf8')) as { nontargets: string[] }
  const allowed = readFileSync(allowedPath, 'utf8')
  const injected = allowed.replace(/^nontargets: \[/m, `nontargets: [${evalSet.nontargets[0]}, `)
  assert.notEqual(injected, allowed)
  writeFileSync(allowedPath, injected)
  const out2 = join(work, 'release-injected')
  refused(runCli(['challenge', 'pack', exps2, '--out', out2]), /1 clip of the eval set also allowed for training/, out2)
})

test('21.11 and 21.12: pack refuses vectors that are not 1024-d; parameters.yaml names the speech config; the last line says where to upload', () => {
  // an experiment of 5-d vectors (made with the hidden --dim, as by another tool): create refuses it by default, pack always
  const small = writeMswcCorpus(join(work, 'mswc5'), {
    seed: 8,
    targets: ['music', 'window'],
    otherWords: 14,
    clips: [20, 30],
    dim: 5,
    duplicateRows: false,
  })
  const createSmall = (out: string, extra: string[]) =>
    runCli([
      'create',
      'speech',
      '--metadata',
      small.metadata,
      '--splits',
      small.splits,
      '--embeddings',
      small.embeddings,
      '--language',
      'en',
      '--targets',
      'music,window',
      '--out',
      out,
      '--minimum-samples-for-nontarget-words',
      '16',
      '--num-nontarget-training-words',
      '4',
      '--num-nontarget-eval-words',
      '3',
      ...extra,
    ])
  const shortExps = join(work, 'exps-short')
  refused(
    createSmall(join(shortExps, 'dataperf_en_data'), []),
    /music\.parquet: mswc_embedding_vector vectors have 5 values, expected 1024/,
    join(shortExps, 'dataperf_en_data'),
  )
  assert.equal(createSmall(join(shortExps, 'dataperf_en_data'), ['--dim', '5']).code, 0)
  const out = join(work, 'release-short')
  refused(
    runCli(['challenge', 'pack', shortExps, '--out', out]),
    /row 0 of mswc_embedding_vector has 5 values, expected 1024/,
    out,
  )

  const exps = join(work, 'exps-good')
  assert.equal(create(join(exps, 'dataperf_en_data')).code, 0)
  const release = join(work, 'release-good')
  const p = runCli(['challenge', 'pack', exps, '--out', release, '--base-url', 'https://files.example.org/r1/'])
  assert.equal(p.code, 0, p.stderr)
  assert.match(
    p.stdout,
    /upload dataperf_en_data\.zip, dataperf_speech_config\.yaml to https:\/\/files\.example\.org\/r1\/; parameters\.yaml names them there/,
  )
  assert.doesNotMatch(p.stdout, /set (the|their) URLs/)
  const params = parse(readFileSync(join(release, 'public', 'parameters.yaml'), 'utf8')) as Record<string, unknown>
  assert.equal(params['speech_config_url'], 'https://files.example.org/r1/dataperf_speech_config.yaml')
  assert.equal(
    params['speech_config_size'],
    readFileSync(join(release, 'public', 'dataperf_speech_config.yaml')).length,
  )
  assert.match(String(params['speech_config_sha256']), /^[0-9a-f]{64}$/)
  // left at the placeholder, the URLs are the organizer's to set
  const q = runCli(['challenge', 'pack', exps, '--out', join(work, 'release-placeholder')])
  assert.equal(q.code, 0, q.stderr)
  assert.match(q.stdout, /then set their URLs in parameters\.yaml, or pack again with --base-url/)
})
