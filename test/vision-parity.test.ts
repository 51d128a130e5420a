/**
 * Fidelity of `vision eval` against the oracle: 50 varied training sets on a generated benchmark,
 * scored by our evaluator (the same code path as the CLI) and by Debian's scikit-learn 1.2.1
 * (LogisticRegression(random_state=0) and sklearn.metrics) on the same arrays.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateVisionBenchmark, VISION_CONCEPTS, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { evaluateVision, readTestSet } from '../src/vision/evaluate.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { weakLabelBaseline } from '../src/vision/baseline.js'
import { readExampleSet } from '../src/vision/metadata.js'
import { decisionFunction, fitLogisticRegression } from '../src/ml/logistic-regression.js'
import { Rng } from '../src/ml/rng.js'
import { runOracle } from './helpers/oracle.js'
import { tempFolder } from './helpers/temp-folder.js'

const D = 256
const SETS = 50
let dir: string
let ids: string[]
let pool: Float32Array
const tests: Record<string, { X: Float64Array; y: Int32Array; rows: number }> = {}

before(async () => {
  dir = tempFolder('parity')
  generateVisionBenchmark({ out: dir, seed: 11, poolSize: 20000 })
  const file = await ParquetFile.open(join(dir, VISION_LAYOUT.pool))
  ids = (await file.readScalars('ImageID')).map(String)
  pool = (await file.readVectors('embedding', { dim: D })).data as Float32Array
  await file.close()
  for (const c of VISION_CONCEPTS) tests[c.name] = await readTestSet(join(dir, VISION_LAYOUT.testSet(c.name)), D)
})

interface Spec {
  kind: string
  task: string
  rows: number[]
  labels: number[]
}

/** Cosine similarity of every pool row to the centroid of the task's example positives. */
function teacherScores(task: string): Float64Array {
  const rowOf = new Map(ids.map((id, r) => [id, r]))
  const centroid = new Float64Array(D)
  const ex = readExampleSet(dir, task).ids.map((id) => rowOf.get(id)!)
  for (const r of ex) for (let j = 0; j < D; j++) centroid[j]! += pool[r * D + j]! / ex.length
  const out = new Float64Array(ids.length)
  for (let r = 0; r < ids.length; r++) {
    let dot = 0,
      nn = 0
    for (let j = 0; j < D; j++) {
      dot += pool[r * D + j]! * centroid[j]!
      nn += pool[r * D + j]! ** 2
    }
    out[r] = dot / Math.sqrt(nn)
  }
  return out
}

async function buildSpecs(): Promise<Spec[]> {
  const rng = new Rng(2024)
  const specs: Spec[] = []
  const scores = Object.fromEntries(VISION_CONCEPTS.map((c) => [c.name, teacherScores(c.name)]))
  const kinds = ['random', 'teacher', 'tiny', 'imbalanced', 'full', 'duplicates', 'weak', 'teacher-noisy']
  // Consecutive pool rows that are near-duplicates of each other.
  const dupPairs: number[] = []
  for (let r = 1; r < ids.length; r++) {
    let dist = 0
    for (let j = 0; j < D; j++) dist += (pool[r * D + j]! - pool[(r - 1) * D + j]!) ** 2
    if (dist < 0.01) dupPairs.push(r)
  }
  for (let k = 0; k < SETS; k++) {
    const task = VISION_CONCEPTS[k % 3]!.name
    const kind = kinds[k % kinds.length]!
    const s = scores[task]!
    const ranked = Array.from(s.keys()).sort((a, b) => s[b]! - s[a]!)
    const threshold = s[ranked[120]!]!
    let rows: number[] = []
    let labels: number[] = []
    const teacherLabel = (r: number) => (s[r]! >= threshold ? 1 : 0)
    if (kind === 'random') {
      rows = Array.from(rng.sampleIndices(ids.length, 50 + rng.int(951)))
      labels = rows.map(() => rng.int(2))
    } else if (kind === 'teacher' || kind === 'teacher-noisy') {
      const n = 100 + rng.int(900)
      const top = ranked.slice(0, 150 + rng.int(100))
      rows = [...new Set([...top, ...Array.from(rng.sampleIndices(ids.length, n))])].slice(0, n)
      labels = rows.map((r) =>
        kind === 'teacher-noisy' && rng.uniform() < 0.15 ? 1 - teacherLabel(r) : teacherLabel(r),
      )
    } else if (kind === 'tiny') {
      rows = Array.from(rng.sampleIndices(ids.length, 2 + rng.int(7)))
      labels = rows.map((_, i) => i % 2)
    } else if (kind === 'imbalanced') {
      const positives = ranked.slice(0, 1 + rng.int(3))
      rows = [...new Set([...positives, ...Array.from(rng.sampleIndices(ids.length, 300 + rng.int(700)))])].slice(
        0,
        1000,
      )
      const pos = new Set(positives)
      labels = rows.map((r) => (pos.has(r) ? 1 : 0))
    } else if (kind === 'full') {
      rows = [...new Set([...ranked.slice(0, 300), ...Array.from(rng.sampleIndices(ids.length, 1000))])].slice(0, 1000)
      labels = rows.map(teacherLabel)
    } else if (kind === 'duplicates') {
      const pairs = dupPairs.slice(0, 200)
      rows = [
        ...new Set([
          ...pairs.flatMap((r) => [r - 1, r]),
          ...ranked.slice(0, 100),
          ...Array.from(rng.sampleIndices(ids.length, 200)),
        ]),
      ].slice(0, 1000)
      labels = rows.map((r) => (rng.uniform() < 0.1 ? rng.int(2) : teacherLabel(r)))
    } else {
      const set = await weakLabelBaseline(dir, task, ids, 1000, k)
      const rowOf = new Map(ids.map((id, r) => [id, r]))
      rows = set.ids.map((id) => rowOf.get(id)!)
      labels = set.labels
    }
    if (!labels.includes(1)) labels[0] = 1
    if (!labels.includes(0)) labels[labels.length - 1] = 0
    specs.push({ kind, task, rows, labels })
  }
  return specs
}

const ORACLE = `
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, recall_score, precision_score, f1_score
out = []
pool = ARGS["pool"].astype(np.float64)
off = ARGS["offsets"]
for k, task in enumerate(ARGS["tasks"]):
    rows = ARGS["rows"][off[k]:off[k+1]]
    y = [str(v) for v in ARGS["labels"][off[k]:off[k+1]]]
    clf = LogisticRegression(random_state=0).fit(pool[rows].tolist(), y)
    Xt = ARGS["test_" + task]
    yt = [str(v) for v in ARGS["testy_" + task]]
    yp = clf.predict(Xt.tolist()).tolist()
    out.append({
        "metrics": [accuracy_score(yt, yp), recall_score(yt, yp, pos_label="1"), precision_score(yt, yp, pos_label="1", zero_division=0), f1_score(yt, yp, pos_label="1", zero_division=0)],
        "decision": clf.decision_function(Xt).tolist(),
        "n_iter": int(clf.n_iter_[0]),
    })
print(json.dumps(out))
`

test(`vision eval equals scikit-learn on ${SETS} varied training sets`, async () => {
  const specs = await buildSpecs()
  const offsets = new Int32Array(SETS + 1)
  specs.forEach((s, k) => (offsets[k + 1] = offsets[k]! + s.rows.length))
  const arrays: Record<string, { data: Float64Array | Float32Array | Int32Array; shape: number[] }> = {
    pool: { data: pool, shape: [ids.length, D] },
    rows: { data: Int32Array.from(specs.flatMap((s) => s.rows)), shape: [offsets[SETS]!] },
    labels: { data: Int32Array.from(specs.flatMap((s) => s.labels)), shape: [offsets[SETS]!] },
    offsets: { data: offsets, shape: [SETS + 1] },
  }
  for (const [task, t] of Object.entries(tests)) {
    arrays[`test_${task}`] = { data: t.X, shape: [t.rows, D] }
    arrays[`testy_${task}`] = { data: t.y, shape: [t.rows] }
  }
  const oracle = runOracle<Array<{ metrics: number[]; decision: number[]; n_iter: number }>>(ORACLE, arrays, {
    tasks: specs.map((s) => s.task),
  })

  let identical = 0
  const report: string[] = []
  for (let k = 0; k < SETS; k++) {
    const spec = specs[k]!
    // Our side runs the real evaluator on a CSV and a setup file, as the CLI does.
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet(spec.task)),
      `ImageID,Confidence\n${spec.rows.map((r, i) => `${ids[r]},${spec.labels[i]}`).join('\n')}\n`,
    )
    writeFileSync(
      join(dir, 'parity_setup.yaml'),
      `data_dir: .\nemb_file: ${VISION_LAYOUT.pool}\ndim: 256\neval_tasks: [${spec.task}]\n${spec.task}: ['${VISION_LAYOUT.trainSet(spec.task)}', '${VISION_LAYOUT.testSet(spec.task)}']\nresults_dir: results\n`,
    )
    const [ours] = await evaluateVision(loadVisionSetup(join(dir, 'parity_setup.yaml')))
    const m = ours!.metrics
    const theirs = oracle[k]!
    const same = [m.accuracy, m.recall, m.precision, m.f1].every((v, i) => v === theirs.metrics[i])
    if (same) {
      identical++
      continue
    }
    // Explain the difference: rows predicted differently must be near-ties for sklearn.
    const X = new Float64Array(spec.rows.length * D)
    spec.rows.forEach((r, i) => {
      for (let j = 0; j < D; j++) X[i * D + j] = pool[r * D + j]!
    })
    const model = fitLogisticRegression(X, spec.rows.length, D, Int32Array.from(spec.labels))
    const t = tests[spec.task]!
    const dec = decisionFunction(model, t.X, t.rows)
    const differing = theirs.decision
      .map((v, i) => ({ i, sk: v, ours: dec[i]! }))
      .filter((e) => e.sk > 0 !== e.ours > 0)
    const explained = differing.every((e) => Math.abs(e.sk) < 1e-3)
    report.push(
      `set ${k} (${spec.kind}, ${spec.task}, ${spec.rows.length} rows, sklearn n_iter ${theirs.n_iter}): ` +
        `ours ${JSON.stringify(m)} vs sklearn ${JSON.stringify(theirs.metrics)}; rows predicted differently: ` +
        `${differing.map((e) => `#${e.i} sklearn ${e.sk.toExponential(2)} ours ${e.ours.toExponential(2)}`).join(', ')} -> ${explained ? 'near-tie' : 'NOT a near-tie'}`,
    )
    assert.ok(explained, `difference not explained by a near-tie:\n${report.join('\n')}`)
  }
  console.log(`vision parity: ${identical}/${SETS} identical${report.length ? `\n${report.join('\n')}` : ''}`)
  assert.ok(identical >= SETS - 1, `only ${identical}/${SETS} identical:\n${report.join('\n')}`)
})
