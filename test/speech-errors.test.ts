/**
 * Bad speech input: each case gets one clear line on stderr naming the file and the clip or key at
 * fault, exit code 2, and no output file. Runs the built CLI in a generated workspace, the way a
 * user would (`cd` into the folder holding workspace/).
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let pristine: string
let n = 0

before(() => {
  pristine = tempFolder('speech-errors')
  generateSpeechBenchmark({ out: join(pristine, 'workspace/data'), languages: ['en'], seed: 3, scale: 0.2 })
  // a valid 25-clip training set for the eval cases to break
  const r = runCli(['speech', 'select', '--language', 'en', '--train_size', '25', '--algorithm', 'random'], pristine)
  assert.equal(r.code, 0, r.stderr)
})

/** A fresh copy of the workspace for one case. */
function workspace(): string {
  const dir = tempFolder(`speech-errors-case${n++}`)
  cpSync(pristine, dir, { recursive: true })
  return dir
}

const data = (dir: string) => join(dir, 'workspace/data/dataperf_en_data')
const trainFile = (dir: string) => join(dir, 'workspace/en_25_train.json')

function readTrain(dir: string): { targets: Record<string, string[]>; nontargets: string[] } {
  return JSON.parse(readFileSync(trainFile(dir), 'utf8'))
}
function writeTrain(dir: string, value: unknown): void {
  writeFileSync(trainFile(dir), JSON.stringify(value, null, 4))
}

/** Runs a command expected to fail: exit 2, one `dataperf: error:` line matching `pattern`. */
function expectError(dir: string, args: string[], pattern: RegExp): string {
  const r = runCli(args, dir)
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}; stdout: ${r.stdout} stderr: ${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.length, 1, r.stderr)
  assert.match(lines[0]!, /^dataperf: error: /)
  assert.match(lines[0]!, pattern)
  assert.doesNotMatch(r.stderr, /\n\s+at /) // no stack trace
  return lines[0]!
}

const evalArgs = ['speech', 'eval', '--language', 'en', '--train_size', '25']

test('malformed JSON training set', () => {
  const dir = workspace()
  writeFileSync(trainFile(dir), '{"targets": {"answer": ["a"]}, "nontargets": [')
  expectError(dir, evalArgs, /en_25_train\.json: not valid JSON/)
})

test('malformed YAML (allowed set and config), for eval and select', () => {
  const dir = workspace()
  writeFileSync(join(data(dir), 'allowed_training_set.yaml'), 'targets: {answer: [a, b\nnontargets: ]\n')
  expectError(dir, evalArgs, /allowed_training_set\.yaml: not valid YAML/)
  const dir2 = workspace()
  writeFileSync(join(dir2, 'workspace/dataperf_speech_config.yaml'), 'eval_random_seeds: [5, 69\n')
  expectError(dir2, evalArgs, /dataperf_speech_config\.yaml: not valid YAML/)
  expectError(
    dir2,
    ['speech', 'select', '--language', 'en', '--train_size', '25'],
    /dataperf_speech_config\.yaml: not valid YAML/,
  )
})

test('unsupported language, for eval and select', () => {
  const dir = workspace()
  expectError(
    dir,
    ['speech', 'eval', '--language', 'fr', '--train_size', '25'],
    /language fr not supported\. Supported languages are: en, id, pt/,
  )
  expectError(
    dir,
    ['speech', 'select', '--language', 'de', '--train_size', '25', '--outdir', 'workspace'],
    /language de not supported/,
  )
})

test('unknown target word', () => {
  const dir = workspace()
  const t = readTrain(dir)
  t.targets['zebra'] = ['zebra/common_voice_en_1.wav']
  writeTrain(dir, t)
  expectError(dir, evalArgs, /en_25_train\.json: target zebra not in allowed set/)
})

test('IDs outside the allowed set (targets and nontargets)', () => {
  const dir = workspace()
  const t = readTrain(dir)
  const word = Object.keys(t.targets)[0]!
  t.targets[word]![0] = `${word}/common_voice_en_99999999.wav`
  writeTrain(dir, t)
  expectError(
    dir,
    evalArgs,
    new RegExp(`${word} contains an ID not in allowed set: '${word}/common_voice_en_99999999\\.wav'`),
  )
  const dir2 = workspace()
  const t2 = readTrain(dir2)
  t2.nontargets[0] = 'nothing/common_voice_en_1.wav'
  writeTrain(dir2, t2)
  expectError(dir2, evalArgs, /nontargets contain an ID not in allowed set: 'nothing\/common_voice_en_1\.wav'/)
})

test('duplicate clip IDs', () => {
  const dir = workspace()
  const t = readTrain(dir)
  const word = Object.keys(t.targets)[1]!
  t.targets[word]!.push(t.targets[word]![0]!)
  writeTrain(dir, t)
  expectError(
    dir,
    evalArgs,
    new RegExp(`clip '${word}/[^']+' is listed twice \\(targets\\.${word} and targets\\.${word}\\)`),
  )
})

test('over the size cap', () => {
  const dir = workspace()
  const r = runCli(['speech', 'select', '--language', 'en', '--train_size', '60', '--algorithm', 'random'], dir)
  assert.equal(r.code, 0, r.stderr)
  cpSync(join(dir, 'workspace/en_60_train.json'), trainFile(dir))
  expectError(dir, evalArgs, /en_25_train\.json: 60 samples exceeds limit of 25/)
})

test('a missing parquet file for a nontarget keyword or a target word', () => {
  const dir = workspace()
  const t = readTrain(dir)
  const keyword = t.nontargets[0]!.split('/')[0]!
  rmSync(join(data(dir), 'train_embeddings', `${keyword}.parquet`))
  expectError(
    dir,
    evalArgs,
    new RegExp(`train_embeddings/${keyword}\\.parquet: file not found \\(nontarget clip '${keyword}/`),
  )
  const dir2 = workspace()
  const word = Object.keys(readTrain(dir2).targets)[0]!
  rmSync(join(data(dir2), 'eval_embeddings', `${word}.parquet`))
  expectError(
    dir2,
    evalArgs,
    new RegExp(`eval_embeddings/${word}\\.parquet: file not found \\(target word '${word}' in .*eval\\.yaml\\)`),
  )
})

/** Rewrites one word's training file with vectors from `make` (same clip IDs). */
function rewriteWord(dir: string, word: string, dim: number, make: (row: number, k: number) => number): string[] {
  const allowed = readFileSync(join(data(dir), 'allowed_training_set.yaml'), 'utf8')
  const ids = readTrain(dir).targets[word]!
  assert.ok(allowed.includes(ids[0]!))
  writeVectorTable(join(data(dir), 'train_embeddings', `${word}.parquet`), {
    rows: ids.length,
    dim,
    leading: [{ name: 'clip_id', type: 'STRING', value: (r) => ids[r]! }],
    vectorColumn: 'mswc_embedding_vector',
    vectors: (start, end) =>
      Float32Array.from({ length: (end - start) * dim }, (_, i) => make(start + Math.floor(i / dim), i % dim)),
  })
  return ids
}

test('wrong vector length', () => {
  const dir = workspace()
  const word = Object.keys(readTrain(dir).targets)[2]!
  const ids = rewriteWord(dir, word, 1000, () => 0.5)
  expectError(
    dir,
    evalArgs,
    new RegExp(
      `train_embeddings/${word}\\.parquet: .*row 0 \\(clip_id ${ids[0]!.replace(/[.]/g, '\\.')}\\).*1000.*1024`,
    ),
  )
})

test('NaN in a vector', () => {
  const dir = workspace()
  const word = Object.keys(readTrain(dir).targets)[3]!
  const ids = rewriteWord(dir, word, 1024, (row, k) => (row === 1 && k === 7 ? NaN : 0.25))
  expectError(
    dir,
    evalArgs,
    new RegExp(
      `train_embeddings/${word}\\.parquet: .*row 1 \\(clip_id ${ids[1]!.replace(/[.]/g, '\\.')}\\).*(NaN|not finite)`,
    ),
  )
})

test('an empty class (a target word with no clips, or no nontargets)', () => {
  const dir = workspace()
  const t = readTrain(dir)
  const word = Object.keys(t.targets)[4]!
  t.targets[word] = []
  writeTrain(dir, t)
  expectError(
    dir,
    evalArgs,
    new RegExp(`no clips selected for target '${word}'; every class needs at least one training clip`),
  )
  const dir2 = workspace()
  writeTrain(dir2, { ...readTrain(dir2), nontargets: [] })
  expectError(dir2, evalArgs, /no nontarget clips selected/)
})

test('a selection module that does not exist, and a class that does not implement the interface', () => {
  const dir = workspace()
  const config = join(dir, 'workspace/dataperf_speech_config.yaml')
  const selectArgs = ['speech', 'select', '--language', 'en', '--train_size', '25']
  writeFileSync(
    config,
    'selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "my/selection.ts"\nselection_algorithm_class: "Mine"\n',
  )
  expectError(
    dir,
    selectArgs,
    /selection_algorithm_module 'my\/selection\.ts' not found \(looked for .*my\/selection\.ts/,
  )
  writeFileSync(
    config,
    'selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "selection.implementations.mine"\nselection_algorithm_class: "Mine"\n',
  )
  expectError(
    dir,
    selectArgs,
    /'selection\.implementations\.mine' is neither a built-in .* nor a path to a \.ts or \.js file/,
  )
  writeFileSync(
    join(dir, 'mine.ts'),
    'export class Other { select() { return { targets: {}, nontargets: [] } } }\nexport const Mine = 42\n',
  )
  writeFileSync(
    config,
    'selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "mine.ts"\nselection_algorithm_class: "Missing"\n',
  )
  expectError(dir, selectArgs, /mine\.ts: no export named 'Missing' .*the module exports Mine, Other/)
  writeFileSync(
    config,
    'selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "mine.ts"\nselection_algorithm_class: "Mine"\n',
  )
  expectError(
    dir,
    selectArgs,
    /mine\.ts: 'Mine' does not implement TrainingSetSelection: expected a class with a select\(\) method/,
  )
  assert.ok(!existsSync(join(dir, 'workspace/en_25_train.json.tmp')))
})

test("a selection that eval would refuse is refused by select, with eval's checks, and nothing is written", () => {
  const dir = workspace()
  rmSync(join(dir, 'workspace/en_25_train.json'))
  const config = join(dir, 'workspace/dataperf_speech_config.yaml')
  writeFileSync(
    join(dir, 'greedy.ts'),
    `
type Init = { allowedEmbeddings: { targets: Map<string, { ids: string[] }>; nontargets: { ids: string[] } } }
export class Greedy {
  constructor(private init: Init) {}
  select() {
    const targets: Record<string, string[]> = {}
    for (const [w, c] of this.init.allowedEmbeddings.targets) targets[w] = c.ids.slice(0, 10)
    return { targets, nontargets: [] }
  }
}
export class Liar {
  select() { return { targets: { answer: ['answer/common_voice_en_0.wav'] }, nontargets: [] } }
}
/** one clip twice: the official evaluator would count it twice and train on it once */
export class Twice {
  constructor(private init: Init) {}
  select() {
    const targets: Record<string, string[]> = {}
    for (const [w, c] of this.init.allowedEmbeddings.targets) targets[w] = c.ids.slice(0, 2)
    const first = this.init.allowedEmbeddings.nontargets.ids[0]!
    return { targets, nontargets: [first, first] }
  }
}
/** no clip of one target word: eval would renumber the classes */
export class Forgetful {
  constructor(private init: Init) {}
  select() {
    const targets: Record<string, string[]> = {}
    for (const [w, c] of [...this.init.allowedEmbeddings.targets].slice(1)) targets[w] = c.ids.slice(0, 2)
    return { targets, nontargets: this.init.allowedEmbeddings.nontargets.ids.slice(0, 2) }
  }
}
`,
  )
  const use = (cls: string) =>
    writeFileSync(
      config,
      `selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "greedy.ts"\nselection_algorithm_class: "${cls}"\n`,
    )
  const selectArgs = ['speech', 'select', '--language', 'en', '--train_size', '25']
  use('Greedy')
  expectError(
    dir,
    selectArgs,
    /^dataperf: error: the selection of Greedy \(greedy\.ts\): 50 samples exceeds limit of 25; nothing written$/,
  )
  use('Liar')
  expectError(
    dir,
    selectArgs,
    /the selection of Liar \(greedy\.ts\): answer contains an ID not in allowed set: 'answer\/common_voice_en_0\.wav'; nothing written$/,
  )
  use('Twice')
  expectError(
    dir,
    selectArgs,
    /the selection of Twice \(greedy\.ts\): clip '[^']+' is listed twice \(nontargets and nontargets\); each clip may be selected once; nothing written$/,
  )
  use('Forgetful')
  expectError(
    dir,
    selectArgs,
    /the selection of Forgetful \(greedy\.ts\): no clips selected for target 'answer'; every class needs at least one training clip; nothing written$/,
  )
  assert.ok(!existsSync(join(dir, 'workspace/en_25_train.json')))
})
