/**
 * Robustness sweeps: the generators' knobs (byte-identical output at their defaults, each knob
 * changing what it says), the sweep file's checks, and `compare --sweep` end to end on tiny data.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { readCsv } from '../src/io/csv.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { generateSpeechBenchmark, resolveSpeechKnobs, type SpeechKnobs } from '../src/synth/speech.js'
import { generateVisionBenchmark, resolveVisionKnobs, VISION_LAYOUT, type VisionKnobs } from '../src/synth/vision.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
before(() => {
  base = tempFolder('sweep')
})

/** sha256 over every file's relative path and bytes (GENERATED.json / the marker, which record the knobs, excluded). */
function treeHash(dir: string): string {
  const h = createHash('sha256')
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (!name.endsWith('.json')) h.update(relative(dir, p)).update(readFileSync(p))
    }
  }
  walk(dir)
  return h.digest('hex')
}

let n = 0
function vision(knobs?: VisionKnobs) {
  const out = join(base, `v${n++}`)
  return { out, summary: generateVisionBenchmark({ out, seed: 6, poolSize: 3000, knobs }) }
}
function speech(knobs?: SpeechKnobs) {
  const out = join(base, `s${n++}`, 'data')
  return { out, summary: generateSpeechBenchmark({ out, seed: 6, scale: 0.1, languages: ['en'], knobs }) }
}

test('vision knobs at their defaults write the same bytes as no knobs; a knob changes the data as it says', async () => {
  const plain = vision()
  const defaults = vision({
    min_positives: 60,
    concept_modes: 3,
    mode_balance: 'skewed',
    mode_separation: 0.53,
    concept_noise: 1.5,
    lookalike_classes: 2,
    lookalike_closeness: 0.92,
    lookalike_share: 0.006,
    background: 'clusters',
    background_rank: 12,
    verification_rate: 0.35,
    verification_error: 0.03,
    test_lookalike_share: 0.65,
    test_positive_share: [0.5, 0.75],
  })
  assert.equal(treeHash(defaults.out), treeHash(plain.out))
  assert.deepEqual(JSON.parse(readFileSync(join(defaults.out, 'GENERATED.json'), 'utf8')).knobs.concept_modes, 3)

  const common = vision({ concept_share: 0.05 }) // 2.5x the 60-image floor of a 3,000-image pool
  for (const [task, count] of Object.entries(common.summary.positivesPerTask)) {
    assert.ok(
      count > 2 * plain.summary.positivesPerTask[task]!,
      `${task}: ${count} positives at 5% vs ${plain.summary.positivesPerTask[task]} by default`,
    )
  }
  const humanRows = (dir: string) => readCsv(join(dir, VISION_LAYOUT.humanLabels)).rows.length
  assert.ok(humanRows(vision({ verification_rate: 0.9 }).out) > 2 * humanRows(plain.out))
  // test sets: with a high positive share and no look-alikes, most test images are positives
  const mostlyPositive = vision({ test_positive_share: [0.9, 0.95], lookalike_classes: 0 })
  const test = await ParquetFile.open(join(mostlyPositive.out, VISION_LAYOUT.testSet('Hawk')))
  const labels = (await test.readScalars('Confidence')).map(Number)
  await test.close()
  assert.ok(labels.filter((l) => l === 1).length / labels.length > 0.85)
  assert.notEqual(treeHash(vision({ background: 'low-rank' }).out), treeHash(plain.out))
})

test('speech knobs at their defaults write the same bytes as no knobs; a knob changes the data as it says', () => {
  const plain = speech()
  const defaults = speech({
    speaker_scale: 0.75,
    eval_new_speaker_share: 0.25,
    mislabeled_rate: [0.015, 0.03],
    misaligned_rate: [0.01, 0.02],
    target_train_clips: [300, 2500],
    eval_nontarget_clips: [15, 150],
  })
  assert.equal(treeHash(defaults.out), treeHash(plain.out))
  const en = (s: ReturnType<typeof speech>) => s.summary.languages[0]!
  const noisy = speech({ mislabeled_rate: [0.1, 0.1] })
  const targetsTrain = en(noisy).targets.reduce((s, t) => s + t.train, 0)
  assert.ok(Math.abs(en(noisy).mislabeled / targetsTrain - 0.1) < 0.01, `${en(noisy).mislabeled} of ${targetsTrain}`)
  assert.equal(en(speech({ mislabeled_rate: [0, 0], misaligned_rate: [0, 0] })).mislabeled, 0)
  assert.equal(en(speech({ eval_keywords: 5 })).nontargetKeywords.eval, 5)
  const few = speech({ eval_nontarget_clips: [1, 2] })
  assert.ok(en(few).nontargetClips.eval < en(plain).nontargetClips.eval / 5)
  const marker = JSON.parse(readFileSync(join(few.out, 'dataperf_en_data/.dataperf-generated.json'), 'utf8'))
  assert.deepEqual(marker.knobs, { eval_nontarget_clips: [1, 2] })
})

test('knob mistakes are one-line user errors naming the knob', () => {
  assert.throws(() => vision({ concept_modes: 0 }), /concept_modes must be an integer in \[1, 8\], got 0/)
  assert.throws(() => vision({ colour: 'red' } as VisionKnobs), /unknown knob 'colour'/)
  assert.throws(() => speech({ mislabeled_rate: [0.2, 0.1] }), /mislabeled_rate: low 0.2 is above high 0.1/)
})

const tinySweep = `seeds: [1, 2]
vision:
  pool_size: 2000
  budget: 200
  algorithms: [random, centroid]
  ours: centroid
  settings:
    default: {}
    one-mode: {concept_modes: 1}
speech:
  languages: [en]
  scale: 0.15
  algorithms: [random, coreset]
  ours: coreset
  settings:
    clean: {mislabeled_rate: [0, 0], misaligned_rate: [0, 0]}
`

test('compare --sweep: a row per setting (speech: per cap), mean ± std per algorithm, a verdict and a summary; HTML and text reports', () => {
  const dir = mkdtempSync(join(base, 'cli-'))
  writeFileSync(join(dir, 'sweep.yaml'), tinySweep)
  const r = runCli(['compare', '--sweep', 'sweep.yaml', '--out', 'sweep.html', '--work-dir', 'work', '--json'], dir)
  assert.equal(r.code, 0, r.stderr)
  const json = JSON.parse(r.stdout) as {
    tracks: Array<{
      track: string
      rows: Array<{ setting: string; cap?: number; perSeed: Record<string, number[]> }>
      settings: Array<{ name: string; scores: Record<string, number[][]> }>
    }>
  }
  const [v, s] = json.tracks
  assert.deepEqual(
    v!.rows.map((x) => x.setting),
    ['default', 'one-mode'],
  )
  assert.deepEqual(
    s!.rows.map((x) => `${x.setting} ${x.cap}`),
    ['clean 25', 'clean 60'],
  )
  // a row's score per seed is the mean over the concepts of that seed
  const perTask = v!.settings[0]!.scores.centroid!
  const expected = [0, 1].map((k) => perTask.reduce((a, t) => a + t[k]!, 0) / perTask.length)
  assert.deepEqual(v!.rows[0]!.perSeed.centroid, expected)
  // the benchmarks of each setting are kept apart (and reused): default and one-mode differ
  const folders = readdirSync(join(dir, 'work')).filter((f) => f.startsWith('vision-seed-1-'))
  assert.equal(folders.length, 2)
  const text = readFileSync(join(dir, 'sweep.txt'), 'utf8')
  assert.match(text, /^\$ dataperf compare --sweep sweep\.yaml\n/)
  assert.match(text, /one-mode +\d\.\d{3} ± \d\.\d{3}/)
  assert.match(text, /clean @60/)
  assert.match(text, /all rows: centroid (has|does NOT have) the best mean/)
  assert.match(text, /cap 25: coreset/)
  assert.match(readFileSync(join(dir, 'sweep.html'), 'utf8'), /<table>.*<th>centroid \(ours\)<\/th>/s)
  // --track runs one section and reuses the generated benchmarks
  const again = runCli(
    ['compare', '--sweep', 'sweep.yaml', '--track', 'speech', '--out', 'speech.html', '--work-dir', 'work'],
    dir,
  )
  assert.equal(again.code, 0, again.stderr)
  assert.doesNotMatch(again.stderr, /generating/)
  assert.doesNotMatch(again.stdout, /vision sweep/)
})

test('compare --sweep: mistakes in the sweep file are one-line errors naming the file and key', () => {
  const dir = mkdtempSync(join(base, 'bad-'))
  const cases: Array<[string, RegExp]> = [
    [
      'seeds: [1]\nvision:\n  algorithms: [random]\n  settings:\n    a: {concept_modes: 99}\n',
      /bad\.yaml: vision\.settings\.a: concept_modes must be an integer/,
    ],
    [
      'seeds: [1]\nspeech:\n  algorithms: [random]\n  settings:\n    a: {loudness: 2}\n',
      /speech\.settings\.a: unknown knob 'loudness'/,
    ],
    [
      'seeds: [1]\nvision:\n  algorithms: [random]\n  ours: magic\n  settings: {a: {}}\n',
      /vision\.ours: expected one of the listed algorithms/,
    ],
    ['seeds: [1]\ntracks: []\n', /unknown key 'tracks'/],
    ['seeds: [1]\nvision:\n  algorithms: [random]\n', /vision\.settings: expected a mapping/],
  ]
  for (const [text, message] of cases) {
    writeFileSync(join(dir, 'bad.yaml'), text)
    const r = runCli(['compare', '--sweep', 'bad.yaml', '--work-dir', 'work'], dir)
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, message)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
  }
  assert.equal(existsSync(join(dir, 'work')), false, 'nothing generated for a bad file')
})

test('the default sweep file has at least 16 vision and 12 speech settings over 3 seeds, all valid', () => {
  const doc = parse(readFileSync(new URL('../../sweeps/default.yaml', import.meta.url), 'utf8')) as {
    seeds: number[]
    vision: { settings: Record<string, VisionKnobs> }
    speech: { settings: Record<string, SpeechKnobs> }
  }
  assert.ok(doc.seeds.length >= 3)
  assert.ok(Object.keys(doc.vision.settings).length >= 16)
  assert.ok(Object.keys(doc.speech.settings).length >= 12)
  assert.deepEqual(doc.vision.settings.default, {})
  assert.deepEqual(doc.speech.settings.default, {})
  for (const [name, knobs] of Object.entries(doc.vision.settings)) resolveVisionKnobs(knobs, name)
  for (const [name, knobs] of Object.entries(doc.speech.settings)) resolveSpeechKnobs(knobs, name)
})

// A setting and seed that were not used while choosing our methods' grids and rules (vision
// development used seeds 41-43, 101-104, 111, 112, 121 and 201-203, never seed 31 nor this combination
// of knobs; earlier, the default data and seeds 1-5 and 11-12): ours must beat random here too.
test('ours beats random on settings not used to choose hyperparameters (vision: one mode, many look-alikes)', async () => {
  const { compareVision } = await import('../src/compare/vision.js')
  const work = mkdtempSync(join(base, 'unseen-'))
  const v = await compareVision({
    algorithms: ['random', 'pu-neighbourhood'],
    seeds: [31],
    workDir: work,
    poolSize: 3000,
    budget: 300,
    knobs: { concept_modes: 1, lookalike_share: 0.02 },
    projection: false,
  })
  const vMean = (a: string) => v.scores[a]!.reduce((s, t) => s + t[0]!, 0) / v.tasks.length
  assert.ok(
    vMean('pu-neighbourhood') > vMean('random') + 0.1,
    `pu-neighbourhood ${vMean('pu-neighbourhood')} vs random ${vMean('random')}`,
  )
})

// Speech development (kernel-herding) used seeds 41-43 on the twelve settings of sweeps/default.yaml,
// one knob changed at a time; seed 61 and this mix of three changed knobs were never looked at.
test('ours beats random on settings not used to choose hyperparameters (speech: varied speakers, 7% mislabeled, more eval nontargets)', async () => {
  const { compareSpeech } = await import('../src/compare/speech.js')
  const work = mkdtempSync(join(base, 'unseen-speech-'))
  const knobs = {
    speaker_scale: 1.0,
    mislabeled_rate: [0.07, 0.07] as [number, number],
    eval_nontarget_clips: [30, 200] as [number, number],
  }
  const s = await compareSpeech({
    algorithms: ['random', 'kernel-herding'],
    seeds: [61],
    workDir: work,
    scale: 0.15,
    languages: ['en'],
    knobs,
    projection: false,
  })
  const sMean = (a: string) => s.scores[a]!.reduce((sum, t) => sum + t[0]!, 0) / s.tasks.length
  assert.deepEqual(s.tasks, ['en 25', 'en 60'])
  console.log(
    `# unseen speech setting: kernel-herding ${sMean('kernel-herding').toFixed(4)} vs random ${sMean('random').toFixed(4)}`,
  )
  assert.ok(
    sMean('kernel-herding') > sMean('random'),
    `kernel-herding ${sMean('kernel-herding')} vs random ${sMean('random')}`,
  )
})
