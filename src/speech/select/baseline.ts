/**
 * The official baseline_selection.py: nested cross-validation. 10 stratified shuffle splits of
 * the targets (train part: int(0.6 * train_size) clips) times 10 shuffle splits of the
 * nontargets (int(0.4 * train_size) clips); each pair trains the soft-voting SVC + LR on the
 * train parts and is scored by macro F1 on everything left over; the first best pair wins.
 *
 * Splits are sklearn's StratifiedShuffleSplit(random_state=selection_random_seed), index for
 * index. The official SVC draws its Platt folds from numpy's global RNG (a different selection
 * on every run); ours uses random_state=selection_random_seed, so a seed gives one answer.
 *
 * Speed: every training clip of every split is among at most 10*(0.6+0.4)*train_size distinct
 * rows, so squared distances from all clips to those rows are computed once (libsvm's predict
 * formula, same bits) and each of the 100 fits only exponentiates its columns.
 */
import { availableParallelism } from 'node:os'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import { predictProba, rowBasisPrefix, type RowBasisPrefix } from '../../ml/logistic-regression.js'
import { denseRows } from '../../ml/matrix-rows.js'
import { macroF1 } from '../../ml/metrics.js'
import { fitSoftVoting, predictSoftVoting, scalingForSeed } from '../../ml/soft-voting.js'
import { stratifiedShuffleSplit, type TrainTestSplit } from '../../ml/stratified-shuffle-split.js'
import { pairDecisionValues, pairSupports } from '../../ml/svm/svc.js'
import { rbf, squaredDistancesEach } from '../../ml/svm/rbf-kernel.js'
import type { SpeechEmbeddings } from '../embeddings.js'
import { labelledPool, toTrainingSet, type LabelledPool, type PoolBuffer } from './pool-features.js'
import { TrainingSetSelection, type SpeechTrainingSet } from './types.js'
import type { ProgressCount } from '../../progress.js'

export const TARGET_FRACTION = 0.6
export const N_FOLDS = 10

/** All clips as one labelled matrix (targets in key order, then nontargets), plus the targets' labels as the official code numbers them. */
export interface BaselinePool extends LabelledPool {
  nTargets: number
  nNontargets: number
  /** class id per target row: 1..n by sorted word, as baseline_selection.py */
  targetLabels: Int32Array
}

/** `buffer`: where the pool's X lives (a SharedArrayBuffer for worker threads: see labelledPool). */
export function baselinePool(embeddings: SpeechEmbeddings, options: { buffer?: PoolBuffer } = {}): BaselinePool {
  const pool = labelledPool(embeddings, options)
  const nNontargets = embeddings.nontargets.ids.length
  const nTargets = pool.rows - nNontargets
  const sorted = [...pool.words].sort()
  const official = [0, ...pool.words.map((w) => sorted.indexOf(w) + 1)]
  return {
    ...pool,
    nTargets,
    nNontargets,
    targetLabels: Int32Array.from(pool.labels.subarray(0, nTargets), (y) => official[y]!),
  }
}

export interface BaselinePlan {
  targetSplits: TrainTestSplit[]
  nontargetSplits: TrainTestSplit[]
  /** distinct pool rows used for training by any split, sorted */
  trainRows: Int32Array
  /**
   * the distance table's columns: every target split's training rows in split order, then every
   * nontarget split's (as pool rows), so a pair's training rows are two runs of adjacent columns
   */
  columns: Int32Array
  /** first column of target split i (targetAt[i]) and of nontarget split j (nontargetAt[j]) */
  targetAt: Int32Array
  nontargetAt: Int32Array
}

export function baselinePlan(pool: BaselinePool, trainSize: number, seed: number): BaselinePlan {
  const numTargets = Math.trunc(trainSize * TARGET_FRACTION)
  const nontargetSize = Math.trunc(trainSize * (1 - TARGET_FRACTION))
  const split = (labels: ArrayLike<number>, size: number, what: string): TrainTestSplit[] => {
    try {
      return stratifiedShuffleSplit(labels, { nSplits: N_FOLDS, trainSize: size, randomState: seed })
    } catch (err) {
      throw new UserError(
        `baseline selection: cannot split the ${what} for --train_size ${trainSize} (${(err as Error).message})`,
      )
    }
  }
  const targetSplits = split(pool.targetLabels, numTargets, 'targets')
  const nontargetSplits = split(new Int32Array(pool.nNontargets), nontargetSize, 'nontargets')
  const rows = new Set<number>()
  const columns: number[] = []
  const targetAt = new Int32Array(targetSplits.length),
    nontargetAt = new Int32Array(nontargetSplits.length)
  targetSplits.forEach((s, i) => {
    targetAt[i] = columns.length
    for (const r of s.train) columns.push(r)
  })
  nontargetSplits.forEach((s, j) => {
    nontargetAt[j] = columns.length
    for (const r of s.train) columns.push(pool.nTargets + r)
  })
  for (const r of columns) rows.add(r)
  return {
    targetSplits,
    nontargetSplits,
    trainRows: Int32Array.from(rows).sort(),
    columns: Int32Array.from(columns),
    targetAt,
    nontargetAt,
  }
}

/**
 * Squared distances from pool rows [from, to) to the plan's columns, written into `table` (pool
 * rows x columns: row r at r * columns). Each distinct training row's distances are computed once,
 * then copied to every column it fills, a block of rows at a time (no temporary table: on this
 * kind of machine fresh memory costs more to touch than the copying).
 */
export function distanceTable(
  pool: BaselinePool,
  plan: BaselinePlan,
  from: number,
  to: number,
  table: Float64Array = new Float64Array((pool.nTargets + pool.nNontargets) * plan.columns.length),
): Float64Array {
  const d = pool.dim
  const U = plan.trainRows.length
  const B = new Float32Array(U * d)
  plan.trainRows.forEach((r, k) => B.set(pool.X.subarray(r * d, (r + 1) * d), k * d))
  const C = plan.columns.length
  const source = Int32Array.from(plan.columns, (row) => binarySearch(plan.trainRows, row))
  squaredDistancesEach(pool.X.subarray(from * d, to * d), to - from, B, U, d, (first, rows, distinct, width) => {
    for (let r = 0; r < rows; r++) {
      const src = r * width,
        at = (from + first + r) * C
      for (let c = 0; c < C; c++) table[at + c] = distinct[src + source[c]!]!
    }
  })
  return table
}

/**
 * Macro F1 of the pair (target split i, nontarget split j), as the official inner loop scores it.
 * `distances` is pool rows x plan.columns (distanceTable).
 */
export function scorePair(
  pool: BaselinePool,
  plan: BaselinePlan,
  distances: Float64Array,
  i: number,
  j: number,
  seed: number,
): number {
  const d = pool.dim
  const t = plan.targetSplits[i]!,
    n = plan.nontargetSplits[j]!
  const train = new Int32Array(t.train.length + n.train.length)
  train.set(t.train)
  for (let k = 0; k < n.train.length; k++) train[t.train.length + k] = pool.nTargets + n.train[k]!
  // the held-out rows in pool order (macro F1 counts them, so their order does not matter): the
  // kernel, distance and pool rows below are then read front to back
  const nPool = pool.nTargets + pool.nNontargets
  const heldOut = new Uint8Array(nPool)
  for (const r of t.test) heldOut[r] = 1
  for (const r of n.test) heldOut[pool.nTargets + r] = 1
  const val = new Int32Array(t.test.length + n.test.length)
  for (let row = 0, r = 0; row < nPool; row++) if (heldOut[row]) val[r++] = row
  const label = (row: number) => (row < pool.nTargets ? pool.targetLabels[row]! : 0) // official class ids

  const X = denseRows({ values: pool.X, rows: train }, train.length, d)
  const y = Int32Array.from(train, label)
  // the training rows' squared distances are in the distance table (the same sums)
  const C = plan.columns.length
  const nT = t.train.length,
    nN = n.train.length,
    tAt = plan.targetAt[i]!,
    nAt = plan.nontargetAt[j]!
  const width = train.length
  const trainSq = new Float64Array(width * width)
  for (let a = 0; a < width; a++) {
    const base = train[a]! * C
    for (let b = 0; b < nT; b++) trainSq[a * width + b] = distances[base + tAt + b]!
    for (let b = 0; b < nN; b++) trainSq[a * width + nT + b] = distances[base + nAt + b]!
  }
  const model = fitSoftVoting(X, width, d, y, {
    svc: { squaredDistances: trainSq },
    lr: { rowBasis: targetRowBasis(plan, i, X, nT, d) },
  })
  // kernel rows against the pair's training rows (two runs of the distance table's columns), a
  // block of rows at a time, each block's decision values taken while it is in the cache
  const P = model.svc.pairs.length
  if (pairScratch.decision.length < val.length * P) pairScratch.decision = new Float64Array(val.length * P)
  if (pairScratch.kernel.length < KERNEL_BLOCK * width) pairScratch.kernel = new Float64Array(KERNEL_BLOCK * width)
  const kernel = pairScratch.kernel,
    decision = pairScratch.decision
  const gamma = model.svc.gamma
  const support = pairSupports(model.svc)
  for (let r0 = 0; r0 < val.length; r0 += KERNEL_BLOCK) {
    const rows = Math.min(KERNEL_BLOCK, val.length - r0)
    for (let r = 0; r < rows; r++) {
      const at = r * width,
        base = val[r0 + r]! * C
      for (let k = 0; k < nT; k++) kernel[at + k] = rbf(distances[base + tAt + k]!, gamma)
      for (let k = 0; k < nN; k++) kernel[at + nT + k] = rbf(distances[base + nAt + k]!, gamma)
    }
    pairDecisionValues(model.svc, kernel, rows, decision.subarray(r0 * P, (r0 + rows) * P), support)
  }
  const prepared = {
    rows: val.length,
    svcDecision: decision,
    lrProba: predictProba(model.lr, pool.X, nPool, val, { unchanging: true }),
  }
  const predictions = predictSoftVoting(model, scalingForSeed(model, seed), prepared)
  return macroF1(Int32Array.from(val, label), predictions)
}

/** Kernel rows computed per block (a multiple of 4, pairDecisionValues' rows per step; 256 x 60 float64 fit the L2 cache). */
const KERNEL_BLOCK = 256

/** A block of kernel rows and each pair's decision values, kept for the next pair (megabytes a pair: fewer collections). */
const pairScratch = { kernel: new Float64Array(0), decision: new Float64Array(0) }

/** The logistic regression's row-space basis of target split i's rows, kept for the ten pairs that start with them. */
let lastRowBasis: { plan: BaselinePlan; i: number; basis: RowBasisPrefix } | undefined

function targetRowBasis(plan: BaselinePlan, i: number, X: Float64Array, rows: number, d: number): RowBasisPrefix {
  if (lastRowBasis?.plan !== plan || lastRowBasis.i !== i) lastRowBasis = { plan, i, basis: rowBasisPrefix(X, rows, d) }
  return lastRowBasis.basis
}

function binarySearch(sorted: Int32Array, value: number): number {
  let lo = 0,
    hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < value) lo = mid + 1
    else if (sorted[mid]! > value) hi = mid - 1
    else return mid
  }
  throw new Error(`row ${value} is not a planned training row`)
}

/** The selection for the first best pair (scores in i-major order, strict improvement as the official loop). */
export function selectionFromScores(pool: BaselinePool, plan: BaselinePlan, scores: Float64Array): SpeechTrainingSet {
  let best = 0,
    bestPair = 0
  for (let p = 0; p < scores.length; p++)
    if (scores[p]! > best) {
      best = scores[p]!
      bestPair = p
    }
  const i = Math.floor(bestPair / N_FOLDS),
    j = bestPair % N_FOLDS
  return toTrainingSet(pool, [
    ...plan.targetSplits[i]!.train,
    ...Array.from(plan.nontargetSplits[j]!.train, (r) => pool.nTargets + r),
  ])
}

export interface BaselineOptions {
  /** worker threads (default: the machine's cores, at most 8); 1 runs in this thread */
  threads?: number
  onProgress?: ProgressCount
}

export async function baselineSelect(
  embeddings: SpeechEmbeddings,
  trainSize: number,
  seed: number,
  options: BaselineOptions = {},
): Promise<SpeechTrainingSet> {
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 8), N_FOLDS * N_FOLDS))
  const pool = baselinePool(embeddings, threads > 1 ? { buffer: (bytes) => takeShared(bytes, true) } : {})
  const plan = baselinePlan(pool, trainSize, seed)
  const scores =
    threads === 1
      ? scoreAllInThisThread(pool, plan, seed, options)
      : await scoreAllInWorkers(pool, plan, seed, threads, options)
  return selectionFromScores(pool, plan, scores)
}

function scoreAllInThisThread(
  pool: BaselinePool,
  plan: BaselinePlan,
  seed: number,
  options: BaselineOptions,
): Float64Array {
  const distances = distanceTable(pool, plan, 0, pool.nTargets + pool.nNontargets)
  const scores = new Float64Array(N_FOLDS * N_FOLDS)
  for (let p = 0; p < scores.length; p++) {
    scores[p] = scorePair(pool, plan, distances, Math.floor(p / N_FOLDS), p % N_FOLDS, seed)
    options.onProgress?.(p + 1, scores.length)
  }
  return scores
}

/**
 * Worker threads kept between selections in this process, unreferenced while idle (they never hold
 * the process open): a later selection finds them with their modules loaded and their code
 * compiled, where fresh threads spend their first pairs warming up (~0.7 s each on 2 cores).
 */
const idleWorkers: Worker[] = []

function takeWorkers(count: number): Worker[] {
  const here = fileURLToPath(import.meta.url)
  const workerFile = join(dirname(here), `baseline-worker${extname(here)}`)
  const workers = idleWorkers.splice(0, count)
  while (workers.length < count) {
    const w = new Worker(workerFile)
    // a thread that fails while idle is dropped (one in use also rejects its selection)
    w.on('error', () => {
      const k = idleWorkers.indexOf(w)
      if (k >= 0) idleWorkers.splice(k, 1)
    })
    workers.push(w)
  }
  for (const w of workers) w.ref()
  return workers
}

/**
 * Shared buffers of finished selections (the pool's X, the distance table), kept for the next
 * selection in this process as the worker threads are: on this kind of machine first touching
 * fresh memory costs ~0.1 s per 28 MB, writing over touched memory a tenth of that. Whoever takes
 * one writes all of it that it reads. At most two are kept.
 */
const idleBuffers: SharedArrayBuffer[] = []

function takeShared(bytes: number, exact: boolean): SharedArrayBuffer {
  const k = idleBuffers.findIndex((b) => (exact ? b.byteLength === bytes : b.byteLength >= bytes))
  return k >= 0 ? idleBuffers.splice(k, 1)[0]! : new SharedArrayBuffer(bytes)
}

function keepShared(...buffers: SharedArrayBuffer[]): void {
  idleBuffers.unshift(...buffers)
  idleBuffers.length = Math.min(idleBuffers.length, 2)
}

/** The same work on worker threads over shared memory: distance rows split evenly, then pairs handed out as workers free up. */
async function scoreAllInWorkers(
  pool: BaselinePool,
  plan: BaselinePlan,
  seed: number,
  threads: number,
  options: BaselineOptions,
): Promise<Float64Array> {
  const nPool = pool.nTargets + pool.nNontargets
  const sharedX = wholeSharedBuffer(pool.X) ?? new SharedArrayBuffer(pool.X.byteLength)
  if (sharedX !== pool.X.buffer) new Float32Array(sharedX).set(pool.X)
  // (a larger one, kept from an earlier selection, serves as well: rows are read at r * columns)
  const distances = takeShared(nPool * plan.columns.length * 8, false)
  const { X: _unused, ...rest } = pool
  const job: BaselineJob = { pool: { ...rest, X: sharedX }, plan, distances, seed }
  const workers = takeWorkers(threads)
  const cleanups: Array<() => void> = []
  const listen = (w: Worker, event: 'message' | 'error', handler: (value: unknown) => void) => {
    w.on(event, handler)
    cleanups.push(() => w.off(event, handler))
  }
  const scores = new Float64Array(N_FOLDS * N_FOLDS)
  let ok = false
  try {
    await Promise.all(
      workers.map(
        (w, t) =>
          new Promise<void>((resolveDone, reject) => {
            listen(w, 'error', reject)
            listen(w, 'message', () => resolveDone())
            w.postMessage({
              kind: 'distances',
              job,
              from: Math.floor((t * nPool) / threads),
              to: Math.floor(((t + 1) * nPool) / threads),
            })
          }),
      ),
    )
    for (const cleanup of cleanups.splice(0)) cleanup()
    let next = 0,
      done = 0
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolveDone, reject) => {
            const send = () => {
              if (next >= scores.length) {
                resolveDone()
                return
              }
              const p = next++
              w.postMessage({ kind: 'pair', p, i: Math.floor(p / N_FOLDS), j: p % N_FOLDS })
            }
            listen(w, 'error', reject)
            listen(w, 'message', (message) => {
              const m = message as { p: number; score: number }
              scores[m.p] = m.score
              options.onProgress?.(++done, scores.length)
              send()
            })
            send()
          }),
      ),
    )
    ok = true
  } finally {
    for (const cleanup of cleanups) cleanup()
    if (ok) {
      for (const w of workers) w.unref()
      idleWorkers.push(...workers)
      keepShared(sharedX, distances)
    } else await Promise.all(workers.map((w) => w.terminate()))
  }
  return scores
}

/** The SharedArrayBuffer that is exactly X, if there is one (baselinePool given a shared `buffer`). */
function wholeSharedBuffer(X: Float32Array): SharedArrayBuffer | undefined {
  const buffer = X.buffer
  return buffer instanceof SharedArrayBuffer && X.byteOffset === 0 && buffer.byteLength === X.byteLength
    ? buffer
    : undefined
}

/** What a worker thread is sent with its share of the distance table: the selection it works for. */
export interface BaselineJob {
  pool: Omit<BaselinePool, 'X'> & { X: SharedArrayBuffer }
  plan: BaselinePlan
  distances: SharedArrayBuffer
  seed: number
}

export class BaselineSelection extends TrainingSetSelection {
  select(): Promise<SpeechTrainingSet> {
    return baselineSelect(this.embeddings, this.trainSetSize, this.randomSeed, {
      onProgress: (done, total) => this.onProgress('baseline: split pairs', done, total),
    })
  }
}
