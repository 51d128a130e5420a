/**
 * Speech benchmark: the baseline selection and the evaluation of all six leaderboards on the
 * generated benchmark, next to the same work in scikit-learn (bench/speech_sklearn.py follows
 * the official eval.py and baseline_selection.py on the same arrays), in the same run.
 * Checks that the scores agree and that both baselines pick the same clips.
 * Targets (issue 20): evaluation at least 10x sklearn's time, baseline selection at least 8x,
 * scores and clips the same. The load average is printed before and after; the last line is one
 * JSON object (speech_eval_speedup, baseline_speedup, ...).
 * Environment: BENCH_SPEECH_BASELINE (languages for the baseline, default "en"),
 * BENCH_SPEECH_THREADS (default: all cores).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../src/io/atomic-write.js'
import { fitSoftVoting, softVotingScores } from '../src/ml/soft-voting.js'
import { loadSpeechConfig } from '../src/speech/config.js'
import { createDataset, loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { defaultEvalThreads, evaluateMany } from '../src/speech/evaluate-many.js'
import { LEADERBOARD_SIZES, SPEECH_LANGUAGE_CODES } from '../src/speech/layout.js'
import { readSampleIdsJson, readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { baselinePool, baselineSelect } from '../src/speech/select/baseline.js'
import { RandomSelection } from '../src/speech/select/random.js'
import { trainingSetJson } from '../src/speech/select-job.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { figure, loadLine, printJsonLast } from './report.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const workspace = join(root, 'bench/out/speech/workspace')
const threads = Number(process.env.BENCH_SPEECH_THREADS ?? availableParallelism())
const baselineLanguages = (process.env.BENCH_SPEECH_BASELINE ?? 'en').split(',').filter(Boolean)
const TARGET_EVAL = 10
const TARGET_BASELINE = 8
const loadBefore = loadLine()

if (!existsSync(join(workspace, 'data/dataperf_pt_data/eval.yaml'))) {
  mkdirSync(workspace, { recursive: true })
  console.log('generating the speech benchmark (en, id, pt) ...')
  generateSpeechBenchmark({ out: join(workspace, 'data'), seed: 0 })
}
const config = loadSpeechConfig(join(workspace, 'dataperf_speech_config.yaml'))
const dataOf = (lang: string) => join(workspace, `data/dataperf_${lang}_data`)
const pools = new Map<string, SpeechEmbeddings>()
for (const lang of SPEECH_LANGUAGE_CODES) {
  pools.set(
    lang,
    await loadSpeechEmbeddings(
      readSampleIdsYaml(join(dataOf(lang), 'allowed_training_set.yaml')),
      join(dataOf(lang), 'train_embeddings'),
      { idsFile: 'allowed' },
    ),
  )
}

// 1. baseline selections (ours), timed without parquet loading, as sklearn's side has arrays
const dir = mkdtempSync(join(tmpdir(), 'dataperf-speech-bench-'))
let counter = 0
function dump(data: Float32Array | Int32Array, shape: number[]) {
  const file = join(dir, `a${counter++}.bin`)
  writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  return { file, dtype: data instanceof Float32Array ? '<f4' : '<i4', shape }
}
const baselineJobs: Array<{
  lang: string
  size: number
  seconds: number
  targets: Record<string, string[]>
  nontargets: string[]
}> = []
for (const lang of baselineLanguages) {
  for (const size of LEADERBOARD_SIZES) {
    const t = performance.now()
    const set = await baselineSelect(pools.get(lang)!, size, config.selectionRandomSeed, { threads })
    baselineJobs.push({ lang, size, seconds: (performance.now() - t) / 1000, ...set })
    writeFileAtomic(join(workspace, `${lang}_${size}_train.json`), trainingSetJson(set))
  }
}
// random selections for the other leaderboards
for (const lang of SPEECH_LANGUAGE_CODES) {
  if (baselineLanguages.includes(lang)) continue
  for (const size of LEADERBOARD_SIZES) {
    const set = await new RandomSelection({
      allowedEmbeddings: pools.get(lang)!,
      trainSize: size,
      config: config.raw,
      audioFlag: false,
    }).select()
    writeFileAtomic(join(workspace, `${lang}_${size}_train.json`), trainingSetJson(set))
  }
}

// 2. evaluation of the six leaderboards, as `speech eval --all` runs it (worker threads; parquet reading included)
const t0 = performance.now()
const evaluated = await evaluateMany(
  SPEECH_LANGUAGE_CODES.flatMap((lang) =>
    LEADERBOARD_SIZES.map((size) => ({
      language: lang,
      trainSize: size,
      configFile: join(workspace, 'dataperf_speech_config.yaml'),
      trainFile: join(workspace, `${lang}_${size}_train.json`),
      evalEmbeddingsDir: join(dataOf(lang), 'eval_embeddings'),
      trainEmbeddingsDir: join(dataOf(lang), 'train_embeddings'),
      allowedTrainingSet: join(dataOf(lang), 'allowed_training_set.yaml'),
      evalFile: join(dataOf(lang), 'eval.yaml'),
    })),
  ),
)
const evals = evaluated.map((e) => {
  if (!e.result) throw e.error
  return e.result
})
const oursEvalSeconds = (performance.now() - t0) / 1000

// 3. the same work in scikit-learn on the same arrays
const manifest = {
  seeds: config.evalRandomSeeds,
  selection_seed: config.selectionRandomSeed,
  evals: [] as unknown[],
  baselines: [] as unknown[],
}
// ours on the very arrays handed to sklearn (no file reading on either side)
let oursArraysSeconds = 0
for (const lang of SPEECH_LANGUAGE_CODES) {
  const evalSet = createDataset(
    await loadSpeechEmbeddings(
      readSampleIdsYaml(join(dataOf(lang), 'eval.yaml')),
      join(dataOf(lang), 'eval_embeddings'),
      { idsFile: 'eval' },
    ),
  )
  for (const size of LEADERBOARD_SIZES) {
    const selected = readSampleIdsJson(join(workspace, `${lang}_${size}_train.json`))
    const train = createDataset(
      await loadSpeechEmbeddings(selected, join(dataOf(lang), 'train_embeddings'), { idsFile: 'train' }),
    )
    const d = evalSet.X.length / evalSet.rows
    const t = performance.now()
    softVotingScores(
      fitSoftVoting(train.X, train.rows, d, train.y),
      evalSet.X,
      evalSet.y,
      evalSet.rows,
      config.evalRandomSeeds,
    )
    oursArraysSeconds += (performance.now() - t) / 1000
    manifest.evals.push({
      train_x: dump(Float32Array.from(train.X), [train.rows, d]),
      train_y: dump(train.y, [train.rows]),
      eval_x: dump(Float32Array.from(evalSet.X), [evalSet.rows, d]),
      eval_y: dump(evalSet.y, [evalSet.rows]),
    })
  }
}
for (const job of baselineJobs) {
  const pool = baselinePool(pools.get(job.lang)!)
  const d = pool.dim
  manifest.baselines.push({
    train_size: job.size,
    target_x: dump(pool.X.subarray(0, pool.nTargets * d), [pool.nTargets, d]),
    target_y: dump(pool.targetLabels, [pool.nTargets]),
    nontarget_x: dump(pool.X.subarray(pool.nTargets * d), [pool.nNontargets, d]),
  })
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
console.log('running scikit-learn (this takes a while) ...')
const sk = JSON.parse(
  execFileSync('/usr/bin/python3', [join(root, 'bench/speech_sklearn.py'), join(dir, 'manifest.json')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }),
) as {
  evals: number[]
  baselines: Array<{ targets: number[]; nontargets: number[] }>
  eval_seconds: number
  baseline_seconds: number
}
rmSync(dir, { recursive: true, force: true })

console.log(
  `\nspeech benchmark on ${availableParallelism()} cores: baseline on ${threads} worker threads, evaluation on ${defaultEvalThreads()} thread(s); ${config.evalRandomSeeds.length} eval seeds`,
)
let worst = 0
evals.forEach((r, i) => {
  const diff = Math.abs(r.score - sk.evals[i]!)
  worst = Math.max(worst, diff)
  console.log(
    `  ${r.language} ${r.trainSize}: score ${r.score.toFixed(6)}  sklearn ${sk.evals[i]!.toFixed(6)}  |diff| ${diff.toExponential(1)}`,
  )
})
console.log(`before: ${loadBefore}`)
const evalSpeedup = sk.eval_seconds / oursArraysSeconds
console.log(
  figure(
    `evaluation, six boards, same arrays: sklearn ${sk.eval_seconds.toFixed(2)} s, dataperf ${oursArraysSeconds.toFixed(2)} s`,
    `${evalSpeedup.toFixed(1)}x`,
    `>= ${TARGET_EVAL}x`,
    evalSpeedup >= TARGET_EVAL,
  ),
)
console.log(
  `  dataperf's whole \`speech eval --all\` job, reading the parquet files too: ${oursEvalSeconds.toFixed(2)} s (${(sk.eval_seconds / oursEvalSeconds).toFixed(1)}x sklearn's array-only time)`,
)
const oursBaseline = baselineJobs.reduce((a, j) => a + j.seconds, 0)
let same = true
baselineJobs.forEach((job, i) => {
  const pool = baselinePool(pools.get(job.lang)!)
  const theirs = sk.baselines[i]!
  const theirTargets = theirs.targets.map((r) => pool.ids[r]!)
  const ours = Object.values(job.targets).flat()
  const theirNontargets = theirs.nontargets.map((r) => pools.get(job.lang)!.nontargets.ids[r]!)
  const equal =
    JSON.stringify([...ours].sort()) === JSON.stringify([...theirTargets].sort()) &&
    JSON.stringify(job.nontargets) === JSON.stringify(theirNontargets)
  same &&= equal
  console.log(`  baseline ${job.lang} ${job.size}: ${job.seconds.toFixed(2)} s; same clips as sklearn: ${equal}`)
})
const baselineSpeedup = sk.baseline_seconds / oursBaseline
console.log(
  figure(
    `baseline selection (${baselineJobs.length} runs): sklearn ${sk.baseline_seconds.toFixed(2)} s, dataperf ${oursBaseline.toFixed(2)} s`,
    `${baselineSpeedup.toFixed(1)}x`,
    `>= ${TARGET_BASELINE}x, same clips`,
    baselineSpeedup >= TARGET_BASELINE && same,
  ),
)
console.log(`after: ${loadLine()}`)
if (worst > 1e-4 || !same) process.exitCode = 1
printJsonLast({
  speech_eval_speedup: evalSpeedup,
  baseline_speedup: baselineSpeedup,
  speech_eval_seconds: oursArraysSeconds,
  baseline_seconds: oursBaseline,
  eval_all_job_seconds: oursEvalSeconds,
  worst_score_diff_x1e6: worst * 1e6, // the JSON line keeps 3 decimals
  same_clips: same ? 1 : 0,
})
