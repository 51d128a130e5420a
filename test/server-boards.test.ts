/**
 * The server's per-board checks and scores against the real CLI on the same files: the score
 * equals `dataperf speech eval` / `dataperf vision eval` to the last bit, and an invalid file gets
 * the CLI's one-line message (naming the submitted file instead of the server's paths).
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../src/errors.js'
import { readCsv } from '../src/io/csv.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import {
  loadChallenge,
  speechBoardPaths,
  speechTrainFileName,
  type Challenge,
  type SpeechBoard,
  type VisionBoard,
} from '../src/server/challenge/load.js'
import {
  scoreSubmission,
  validateSubmission,
  type SpeechDetails,
  type SubmittedFile,
  type VisionDetails,
} from '../src/server/boards/index.js'
import { submissionSha256 } from '../src/server/boards/submission-sha.js'
import { createDemoChallenge } from '../src/server/demo.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { runCli } from './helpers/cli.js'
import { runOracle } from './helpers/oracle.js'
import { boardSpeechEvalArgs } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let challenge: Challenge

before(() => {
  root = tempFolder('server-boards')
  createDemoChallenge(join(root, 'challenge'), 5)
  challenge = loadChallenge(join(root, 'challenge'))
})

const speechBoard = (id: string) => challenge.boards.find((b) => b.id === id) as SpeechBoard
const visionBoard = () => challenge.boards.find((b) => b.id === 'vision') as VisionBoard

/** A training set of `perWord` clips per target word plus `nontargets` nontargets, skipping `offset` of each. */
function speechSelection(board: SpeechBoard, perWord: number, nontargets: number, offset = 0): Buffer {
  const allowed = readSampleIdsYaml(speechBoardPaths(board).allowedTrainingSet)
  const targets: Record<string, string[]> = {}
  for (const [word, ids] of allowed.targets) targets[word] = ids.slice(offset, offset + perWord)
  return Buffer.from(JSON.stringify({ targets, nontargets: allowed.nontargets.slice(offset, offset + nontargets) }))
}

/**
 * `dataperf speech eval` run where the board's data lives, with the training set beside it under
 * its submitted name, so its messages name files as the server's do.
 */
function cliSpeechEval(board: SpeechBoard, bytes: Buffer, json: boolean) {
  const name = speechTrainFileName(board)
  const trainFile = join(board.dataDir, name)
  writeFileSync(trainFile, bytes)
  try {
    return runCli([...boardSpeechEvalArgs(board, name, true), ...(json ? ['--json'] : [])], board.dataDir)
  } finally {
    rmSync(trainFile)
  }
}

async function refusal(board: SpeechBoard | VisionBoard, files: SubmittedFile[]): Promise<string> {
  try {
    await validateSubmission(board, files)
  } catch (err) {
    assert.ok(err instanceof UserError, String(err))
    assert.doesNotMatch(err.message, /\n/)
    return err.message
  }
  assert.fail('expected the submission to be refused')
}

for (const [id, perWord, nontargets, offset] of [
  ['en-25', 3, 7, 0],
  ['en-60', 8, 19, 2],
] as const) {
  test(`speech ${id}: scoreSubmission equals dataperf speech eval to the last bit, per seed and mean`, async () => {
    const board = speechBoard(id)
    const bytes = speechSelection(board, perWord, nontargets, offset)
    const files = [{ name: `en_${board.trainSize}_train.json`, bytes }]
    const valid = await validateSubmission(board, files)
    assert.deepEqual(valid.summary, { samples: perWord * 5 + nontargets })
    assert.equal(valid.sha256, createHash('sha256').update(bytes).digest('hex'))
    const stages: string[] = []
    const result = await scoreSubmission(board, files, (stage) => stages.push(stage))
    const cli = cliSpeechEval(board, bytes, true)
    assert.equal(cli.code, 0, cli.stderr)
    const doc = JSON.parse(cli.stdout) as { score: number; scores: number[]; seeds: number[] }
    const details = result.details as SpeechDetails
    assert.equal(result.score, doc.score)
    assert.deepEqual(details.perSeedF1, doc.scores)
    assert.deepEqual(details.seeds, doc.seeds)
    assert.equal(details.seeds.length, 10)
    assert.ok(result.score > 0 && result.score < 1)
    assert.equal(stages.at(-1), 'scored')
  })
}

test('speech: a submission is checked and scored from its bytes, with nothing written to the temporary folder', async () => {
  // what the folder sees (inotify) while the work runs; vision's evaluator reads files by path, so
  // its check stages them there: it shows the watch catches staging
  const seen = async (work: () => Promise<unknown>): Promise<string[]> => {
    const dir = mkdtempSync(join(root, 'tmp-'))
    const events: string[] = []
    const watcher = watch(dir, (event, name) => events.push(`${event} ${name}`))
    const before = process.env['TMPDIR']
    process.env['TMPDIR'] = dir // os.tmpdir() reads it on each call
    try {
      await work()
      await new Promise((r) => setTimeout(r, 50)) // the watch's events arrive after the calls
    } finally {
      if (before === undefined) delete process.env['TMPDIR']
      else process.env['TMPDIR'] = before
      watcher.close()
    }
    return events
  }
  const board = speechBoard('en-25')
  const files = [{ name: 'en_25_train.json', bytes: speechSelection(board, 3, 7) }]
  assert.deepEqual(
    await seen(async () => {
      await validateSubmission(board, files)
      await scoreSubmission(board, files)
    }),
    [],
  )
  assert.notDeepEqual(await seen(() => validateSubmission(visionBoard(), visionFiles(visionBoard()))), [])
})

test("speech: invalid files are refused with the CLI's one-line message, naming the submitted file", async () => {
  const board = speechBoard('en-25')
  const name = 'en_25_train.json'
  const allowed = readSampleIdsYaml(speechBoardPaths(board).allowedTrainingSet)
  const words = [...allowed.targets.keys()]
  const cases: Array<[string, Buffer, RegExp]> = [
    ['over the cap', speechSelection(board, 4, 6), /^en_25_train\.json: 26 samples exceeds limit of 25$/],
    [
      'unknown clip',
      Buffer.from(
        JSON.stringify({
          targets: Object.fromEntries(
            words.map((w, i) => [w, i === 0 ? ['nope/x.wav'] : allowed.targets.get(w)!.slice(0, 1)]),
          ),
          nontargets: allowed.nontargets.slice(0, 2),
        }),
      ),
      /^en_25_train\.json: \w+ contains an ID not in allowed set: 'nope\/x\.wav'$/,
    ],
    ['not JSON', Buffer.from('{"targets": '), /^en_25_train\.json: not valid JSON/],
    ['empty', Buffer.from(' \n'), /^en_25_train\.json: file is empty, expected a JSON training set$/],
    [
      'a missing class',
      Buffer.from(
        JSON.stringify({
          targets: { [words[0]!]: allowed.targets.get(words[0]!)!.slice(0, 2) },
          nontargets: allowed.nontargets.slice(0, 2),
        }),
      ),
      /^en_25_train\.json: no clips selected for target/,
    ],
  ]
  for (const [what, bytes, expected] of cases) {
    const message = await refusal(board, [{ name, bytes }])
    assert.match(message, expected, what)
    const cli = cliSpeechEval(board, bytes, false)
    assert.equal(cli.code, 2, what)
    assert.equal(cli.stderr.trim(), `dataperf: error: ${message}`, what)
    await assert.rejects(
      scoreSubmission(board, [{ name, bytes }]),
      (err: Error) => err instanceof UserError && err.message === message,
      what,
    )
  }
  assert.equal(
    await refusal(board, [{ name: 'en_60_train.json', bytes: speechSelection(board, 1, 1) }]),
    'board en-25 takes one file named en_25_train.json, got en_60_train.json',
  )
  assert.match(await refusal(board, []), /takes one file named en_25_train\.json, got no file/)
  const two = speechSelection(board, 1, 1)
  assert.match(
    await refusal(board, [
      { name, bytes: two },
      { name, bytes: two },
    ]),
    /got en_25_train\.json, en_25_train\.json$/,
  )
})

/** Per task, a training set from the generator's random template: a different slice each. */
function visionFiles(board: VisionBoard): SubmittedFile[] {
  const template = readCsv(join(challenge.dir, 'vision/train_sets/random_500.csv'))
  return board.tasks.map((task, t) => {
    const rows = template.rows.slice(t * 100, t * 100 + 200 + 50 * t)
    return {
      name: `${task}.csv`,
      bytes: Buffer.from('ImageID,Confidence\n' + rows.map((r) => `${r[0]},${r[1]}`).join('\n') + '\n'),
    }
  })
}

/** `dataperf vision eval` on the same CSVs, placed where the board's task_setup.yaml names them. */
function cliVisionEval(board: VisionBoard, files: SubmittedFile[]) {
  const setup = loadVisionSetup(board.setupPath)
  for (const task of setup.tasks) {
    const f = files.find((x) => x.name === `${task.name}.csv`)
    if (f) writeFileSync(task.trainCsv, f.bytes)
  }
  return { run: runCli(['vision', 'eval', '--setup', board.setupPath, '--json'], root), setup }
}

test('vision: scoreSubmission equals dataperf vision eval per task (all four metrics), score is np.mean of the F1s', async () => {
  const board = visionBoard()
  const files = visionFiles(board)
  const valid = await validateSubmission(board, [...files].reverse())
  assert.deepEqual(
    valid.files.map((f) => f.name),
    ['Cupcake.csv', 'Hawk.csv', 'Sushi.csv'],
  )
  assert.deepEqual(valid.summary, { rows: { Cupcake: 200, Hawk: 250, Sushi: 300 } })
  assert.equal(valid.sha256, submissionSha256([...files].reverse()))
  const result = await scoreSubmission(board, files)
  const { run } = cliVisionEval(board, files)
  assert.equal(run.code, 0, run.stderr)
  const doc = JSON.parse(run.stdout) as { results: VisionDetails['tasks'] }
  assert.deepEqual((result.details as VisionDetails).tasks, doc.results)
  const f1s = Object.values(doc.results).map((m) => m.f1)
  const mean = runOracle<{ mean: number }>(
    'print(json.dumps({"mean": float(np.mean(np.array(ARGS["f1"], dtype=np.float64)))}))',
    {},
    { f1: f1s },
  )
  assert.equal(result.score, mean.mean)
})

test("vision: invalid CSVs get the CLI's message; names must be the tasks', all tasks at once", async () => {
  const board = visionBoard()
  const dataDir = loadVisionSetup(board.setupPath).dataDir
  const good = visionFiles(board)
  const replace = (name: string, text: string) =>
    good.map((f) => (f.name === name ? { name, bytes: Buffer.from(text) } : f))
  const poolIds = readCsv(join(challenge.dir, 'vision/train_sets/random_500.csv')).rows.map((r) => r[0]!)
  const cases: Array<[SubmittedFile[], RegExp]> = [
    [
      replace('Hawk.csv', `ImageID,Confidence\n${poolIds[0]},1\nnot-in-pool,0\n`),
      /^Hawk\.csv: ImageIDs not in the candidate pool embeddings\/train_emb_256_dataperf\.parquet: not-in-pool$/,
    ],
    [
      replace('Sushi.csv', `ImageID,Label\n${poolIds[0]},1\n`),
      /^Sushi\.csv: missing column 'Confidence' \(header: ImageID,Label\)$/,
    ],
    [
      replace('Cupcake.csv', `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},2\n`),
      /^Cupcake\.csv: line 3 \(ImageID \w+\): Confidence is '2', expected 0 or 1$/,
    ],
    [
      replace(
        'Cupcake.csv',
        'ImageID,Confidence\n' + Array.from({ length: 1002 }, (_, i) => `img${i},${i % 2}`).join('\n') + '\n',
      ),
      /^Cupcake\.csv: more than 1000 rows; the challenge allows at most 1000 per task/,
    ],
  ]
  for (const [files, expected] of cases) {
    const message = await refusal(board, files)
    assert.match(message, expected)
    const { run } = cliVisionEval(board, files)
    assert.equal(run.code, 2)
    // the CLI names the same files by their full paths on this machine
    const cliMessage = run.stderr
      .trim()
      .replace('dataperf: error: ', '')
      .split(`${dataDir}/train_sets/`)
      .join('')
      .split(`${dataDir}/`)
      .join('')
    assert.equal(cliMessage, message)
  }
  assert.equal(
    await refusal(board, [...good, { name: 'Owl.csv', bytes: Buffer.from('x') }]),
    'Owl.csv: board vision takes one CSV per task named Cupcake.csv, Hawk.csv, Sushi.csv',
  )
  assert.equal(
    await refusal(board, good.slice(0, 2)),
    'board vision scores all tasks at once: missing Sushi.csv (got Cupcake.csv, Hawk.csv)',
  )
  assert.equal(await refusal(board, [...good, good[0]!]), "Cupcake.csv: submitted twice; send each task's CSV once")
  assert.equal(
    await refusal(
      board,
      good.map((f) => ({ ...f, name: `../${f.name}` })),
    ),
    '../Cupcake.csv: board vision takes one CSV per task named Cupcake.csv, Hawk.csv, Sushi.csv',
  )
})

test('submissionSha256: one file is sha256sum of it; several are the sha256 of their sorted sha256sum lines', () => {
  const a = { name: 'a.csv', bytes: Buffer.from('x\n') },
    b = { name: 'b.csv', bytes: Buffer.from('y\n') }
  const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex')
  assert.equal(submissionSha256([a]), sha('x\n'))
  assert.equal(submissionSha256([b, a]), sha(`${sha('x\n')}  a.csv\n${sha('y\n')}  b.csv\n`))
  assert.equal(submissionSha256([a, b]), submissionSha256([b, a]))
  assert.notEqual(submissionSha256([a, b]), submissionSha256([{ ...a, name: 'c.csv' }, b]))
})
