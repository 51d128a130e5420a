/**
 * The speech workflow through the built CLI, as a user coming from the official repo runs it:
 * generate, select (built-ins, a user's own .ts module, audio), evaluate (one leaderboard,
 * --json, --all), with files in the official formats.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import wavefile from 'wavefile'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { runOracle } from './helpers/oracle.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string

before(() => {
  root = tempFolder('speech-cli')
  generateSpeechBenchmark({ out: join(root, 'workspace/data'), languages: ['en', 'pt'], seed: 11, scale: 0.2 })
})

test('select writes {lang}_{size}_train.json exactly as the official json.dumps(sort_keys=True, indent=4)', () => {
  const r = runCli(['speech', 'select', '--language', 'en', '--train_size', '25', '--algorithm', 'random'], root)
  assert.equal(r.code, 0, r.stderr)
  const path = join(root, 'workspace/en_25_train.json')
  const text = readFileSync(path, 'utf8')
  const parsed = JSON.parse(text) as { targets: Record<string, string[]>; nontargets: string[] }
  const python = runOracle<{ text: string }>(
    `
d = ARGS['value']
print(json.dumps({'text': json.dumps(dict(targets=d['targets'], nontargets=d['nontargets']), sort_keys=True, indent=4)}))
`,
    {},
    { value: parsed },
  )
  assert.equal(text, python.text)
  assert.equal(Object.values(parsed.targets).flat().length + parsed.nontargets.length, 24) // 25 // 6 per class
})

test('eval prints per-seed macro F1 and the official "Score:" line; --json carries the same numbers', () => {
  const r = runCli(['speech', 'eval', '--language', 'en', '--train_size', '25'], root)
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.deepEqual(lines.slice(0, 3), [
    'validating selected IDs',
    'loading selected training data',
    'loading eval data',
  ])
  assert.equal(lines.filter((l) => /^seed \d+: macro F1 0\.\d+/.test(l)).length, 10)
  const score = Number(/^Score: {2}(\S+)$/.exec(lines.at(-1)!)![1])
  const j = runCli(['speech', 'eval', '--language', 'en', '--train_size', '25', '--json'], root)
  assert.equal(j.code, 0, j.stderr)
  const doc = JSON.parse(j.stdout) as { score: number; scores: number[]; seeds: number[] }
  assert.equal(doc.score, score)
  assert.deepEqual(doc.seeds, [5, 69, 98, 70, 95, 64, 37, 11, 4, 32])
  assert.ok(doc.score > 0.2 && doc.score < 1, String(doc.score))
})

test('a size other than 25 or 60 gets the official warning; the baseline runs and stays under the cap', () => {
  const s = runCli(['speech', 'select', '--language', 'pt', '--train_size', '30', '--algorithm', 'baseline'], root)
  assert.equal(s.code, 0, s.stderr)
  const set = JSON.parse(readFileSync(join(root, 'workspace/pt_30_train.json'), 'utf8')) as {
    targets: Record<string, string[]>
    nontargets: string[]
  }
  assert.equal(Object.values(set.targets).flat().length, 18) // int(30 * 0.6)
  assert.equal(set.nontargets.length, 12) // int(30 * 0.4)
  const again = runCli(['speech', 'select', '--language', 'pt', '--train_size', '30', '--algorithm', 'baseline'], root)
  assert.equal(again.code, 0)
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'workspace/pt_30_train.json'), 'utf8')), set) // same seed, same clips
  const e = runCli(['speech', 'eval', '--language', 'pt', '--train_size', '30'], root)
  assert.equal(e.code, 0, e.stderr)
  assert.match(e.stdout, /^Warning: train_size 30 does not match one of the leaderboards on dynabench/)
})

test('eval --all scores every leaderboard present and reports the missing ones (exit 1)', () => {
  for (const size of ['25', '60'])
    assert.equal(
      runCli(['speech', 'select', '--language', 'en', '--train_size', size, '--algorithm', 'random'], root).code,
      0,
    )
  const r = runCli(['speech', 'eval', '--all', '--json'], root)
  assert.equal(r.code, 1, r.stderr)
  const doc = JSON.parse(r.stdout) as Array<{ language: string; trainSize: number; score?: number; missing?: string }>
  assert.equal(doc.length, 6)
  assert.deepEqual(
    doc.filter((d) => d.score !== undefined).map((d) => `${d.language}${d.trainSize}`),
    ['en25', 'en60'],
  )
  assert.match(doc.find((d) => d.language === 'id')!.missing!, /workspace\/id_25_train\.json/)
  const single = JSON.parse(
    runCli(['speech', 'eval', '--language', 'en', '--train_size', '60', '--json'], root).stdout,
  ) as { score: number }
  assert.equal(doc.find((d) => d.language === 'en' && d.trainSize === 60)!.score, single.score)
})

test("a selection module of the user's own (.ts, no rebuild) gets the embeddings and, with --audio_dir, each clip's audio", () => {
  const ws = join(root, 'workspace')
  // 16 kHz mono wavs for every allowed clip; clip i of a class is 8000 + i samples long
  const allowed = readSampleIdsYaml(join(ws, 'data/dataperf_en_data/allowed_training_set.yaml'))
  const audio = join(root, 'audio')
  const all = [...[...allowed.targets.values()].flat(), ...allowed.nontargets]
  all.forEach((id, i) => {
    const wav = new wavefile.WaveFile()
    wav.fromScratch(
      1,
      16000,
      '16',
      Int16Array.from({ length: 8000 + (i % 50) }, (_, k) => ((k * 7) % 200) - 100),
    )
    mkdirSync(dirname(join(audio, id)), { recursive: true })
    writeFileSync(join(audio, id), wav.toBuffer())
  })
  writeFileSync(
    join(root, 'longest.ts'),
    `
interface Cls { ids: string[]; vectors: Float32Array; audio?: { data: Int16Array; offsets: Int32Array; sampleRate: number } }
export class LongestClips {
  private init: { allowedEmbeddings: { targets: Map<string, Cls>; nontargets: Cls; dim: number }; trainSize: number; audioFlag: boolean }
  constructor(init: LongestClips['init']) { this.init = init }
  select() {
    if (!this.init.audioFlag) throw new Error('expected audio')
    const pick = (c: Cls, k: number): string[] => {
      const a = c.audio!
      if (a.sampleRate !== 16000 || c.vectors.length !== c.ids.length * this.init.allowedEmbeddings.dim) throw new Error('bad input')
      const order = c.ids.map((_, i) => i).sort((x, y) => (a.offsets[y + 1]! - a.offsets[y]!) - (a.offsets[x + 1]! - a.offsets[x]!) || x - y)
      return order.slice(0, k).map((i) => c.ids[i]!)
    }
    const targets: Record<string, string[]> = {}
    for (const [w, c] of this.init.allowedEmbeddings.targets) targets[w] = pick(c, 2)
    return { targets, nontargets: pick(this.init.allowedEmbeddings.nontargets, 3) }
  }
}
`,
  )
  writeFileSync(
    join(ws, 'my_config.yaml'),
    'selection_random_seed: 0\neval_random_seeds: [5, 69]\nselection_algorithm_module: "longest.ts"\nselection_algorithm_class: "LongestClips"\n',
  )
  const out = join(root, 'out')
  mkdirSync(out)
  const r = runCli(
    [
      'speech',
      'select',
      '--language',
      'en',
      '--train_size',
      '13',
      '--config_file',
      'workspace/my_config.yaml',
      '--audio_dir',
      audio,
      '--outdir',
      out,
    ],
    root,
  )
  assert.equal(r.code, 0, r.stderr)
  const set = JSON.parse(readFileSync(join(out, 'en_13_train.json'), 'utf8')) as {
    targets: Record<string, string[]>
    nontargets: string[]
  }
  // the longest clips are those with index % 50 == 49, 48, ...: check against the lengths we wrote
  const length = (id: string) => 8000 + (all.indexOf(id) % 50)
  for (const [word, ids] of Object.entries(set.targets)) {
    const best = [...allowed.targets.get(word)!].sort((a, b) => length(b) - length(a))
    assert.equal(length(ids[0]!), length(best[0]!))
  }
  assert.equal(set.nontargets.length, 3)
  const noAudio = runCli(
    [
      'speech',
      'select',
      '--language',
      'en',
      '--train_size',
      '13',
      '--config_file',
      'workspace/my_config.yaml',
      '--outdir',
      out,
    ],
    root,
  )
  assert.equal(noAudio.code, 2)
  assert.equal(
    noAudio.stderr,
    'dataperf: error: longest.ts: the selection algorithm failed: expected audio; nothing written\n',
  )
  assert.ok(existsSync(join(out, 'en_13_train.json'))) // the earlier run's file is untouched
})
