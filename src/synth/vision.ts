/**
 * Deterministic generator of a vision selection benchmark in the official layout.
 *
 * The pool imitates what makes the real task hard: each concept is rare (well under 1% of the
 * pool), appears in several sub-modes, has look-alike classes close to it (muffins for cupcakes),
 * sits in an anisotropic cloud of unrelated images, and comes with Open Images-style weak labels
 * (noisy machine confidences; partial, slightly wrong human verifications).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { Rng } from '../ml/rng.js'
import { writeVectorTable } from '../io/parquet/writer.js'
import { writeCsv } from '../io/csv.js'
import { writeFileAtomic } from '../io/atomic-write.js'

export interface VisionConcept {
  name: string
  labelName: string
  lookalikes: string[]
}

/** The three alpha concepts, with their Open Images label names. */
export const VISION_CONCEPTS: VisionConcept[] = [
  { name: 'Cupcake', labelName: '/m/03p1r4', lookalikes: ['Muffin', 'Cake'] },
  { name: 'Hawk', labelName: '/m/0fp7c', lookalikes: ['Eagle', 'Falcon'] },
  { name: 'Sushi', labelName: '/m/07030', lookalikes: ['Sashimi', 'Dumpling'] },
]

export const VISION_DIM = 256
export const DEFAULT_VISION_POOL_SIZE = 20000
export const DEFAULT_VISION_SEED = 0

/** Relative paths of the generated files (the official names). */
export const VISION_LAYOUT = {
  setup: 'task_setup.yaml',
  pool: 'embeddings/train_emb_256_dataperf.parquet',
  testSet: (task: string) => `test_sets/alpha_test_set_${task}_256.parquet`,
  trainSet: (task: string) => `train_sets/${task}.csv`,
  randomTemplate: 'train_sets/random_500.csv',
  exampleSet: (task: string) => `examples/alpha_example_set_${task}.csv`,
  machineLabels: 'metadata/train-annotations-machine-imagelabels.csv',
  humanLabels: 'metadata/train-annotations-human-imagelabels.csv',
  /** Open Images V6's public human labels (what `download vision --open-images-labels` fetches) */
  openImagesHumanLabels: 'metadata/oidv6-train-annotations-human-imagelabels.csv',
  classDescriptions: 'metadata/class-descriptions.csv',
  results: 'results',
}

export interface GenerateVisionOptions {
  out: string
  seed?: number
  poolSize?: number
  onProgress?: (stage: string, done: number, total: number) => void
}

export interface GeneratedVision {
  poolSize: number
  positivesPerTask: Record<string, number>
  testSizes: Record<string, number>
}

type ClusterKind = 'background' | 'concept' | 'lookalike'

interface Cluster {
  kind: ClusterKind
  task: number // concept index for concept and look-alike clusters, -1 otherwise
  center: Float32Array
  noise: number // standard deviation per coordinate
  weight: number // share of the pool
}

const CONCEPT_SHARE = [0.008, 0.006, 0.007] // pool prevalence of each concept
/**
 * How hard the concepts are: the spread of the concept's images, how close its look-alikes sit
 * (the weight of the concept's core in their center) and their spread. Set so that the 2023
 * winner's method (fpscv) scores about what it scored on the real leaderboard, a mean F1 of 0.81
 * (0.79 over generator seeds 1-5 at the default pool size); with tighter clusters every sensible
 * method scored 0.99 and nothing could be told apart.
 */
const CONCEPT_NOISE = 1.5
const LOOKALIKE_CLOSENESS = 0.92
const LOOKALIKE_NOISE = 1.4
const LOOKALIKE_SHARE = 0.006 // per look-alike class
const MIN_POSITIVES = 60
const BACKGROUND_CLUSTERS = 80
const NUISANCE_DIRECTIONS = 8
const NEAR_DUPLICATE_SHARE = 0.005

function unit(rng: Rng, d: number): Float32Array {
  const v = new Float32Array(d)
  let n = 0
  for (let i = 0; i < d; i++) { v[i] = rng.normal(); n += v[i]! * v[i]! }
  n = Math.sqrt(n)
  for (let i = 0; i < d; i++) v[i]! /= n
  return v
}

/** normalize(a * x + b * y) */
function mix(a: number, x: Float32Array, b: number, y: Float32Array): Float32Array {
  const v = new Float32Array(x.length)
  let n = 0
  for (let i = 0; i < x.length; i++) { v[i] = a * x[i]! + b * y[i]!; n += v[i]! * v[i]! }
  n = Math.sqrt(n)
  for (let i = 0; i < x.length; i++) v[i]! /= n
  return v
}

/** The latent structure: clusters and shared nuisance directions, all from the seed. */
function buildWorld(rng: Rng, d: number, poolSize: number): { clusters: Cluster[]; nuisance: Float32Array[] } {
  const clusters: Cluster[] = []
  const domains = [unit(rng, d), unit(rng, d)] // food-like and animal-like regions
  const conceptDomain = [0, 1, 0]
  VISION_CONCEPTS.forEach((_, t) => {
    const core = mix(0.6, domains[conceptDomain[t]!]!, 0.8, unit(rng, d))
    const modeShares = [0.45, 0.35, 0.2]
    // small pools still get enough positives for 20 examples and some verified labels
    const conceptShare = Math.max(CONCEPT_SHARE[t]!, MIN_POSITIVES / poolSize)
    for (const share of modeShares) {
      clusters.push({ kind: 'concept', task: t, center: mix(0.85, core, 0.53, unit(rng, d)), noise: CONCEPT_NOISE / Math.sqrt(d), weight: conceptShare * share })
    }
    for (let k = 0; k < VISION_CONCEPTS[t]!.lookalikes.length; k++) {
      clusters.push({ kind: 'lookalike', task: t, center: mix(LOOKALIKE_CLOSENESS, core, Math.sqrt(1 - LOOKALIKE_CLOSENESS ** 2), unit(rng, d)), noise: LOOKALIKE_NOISE / Math.sqrt(d), weight: LOOKALIKE_SHARE })
    }
  })
  const used = clusters.reduce((s, c) => s + c.weight, 0)
  // Zipf-like sizes for unrelated images; some lean towards the food or animal regions.
  const raw = Array.from({ length: BACKGROUND_CLUSTERS }, (_, k) => 1 / Math.pow(k + 1, 0.7))
  const rawSum = raw.reduce((a, b) => a + b, 0)
  for (let k = 0; k < BACKGROUND_CLUSTERS; k++) {
    const lean = k % 4 === 0 ? domains[0]! : k % 4 === 1 ? domains[1]! : unit(rng, d)
    clusters.push({ kind: 'background', task: -1, center: mix(0.35, lean, 0.94, unit(rng, d)), noise: 0.9 / Math.sqrt(d), weight: ((1 - used) * raw[k]!) / rawSum })
  }
  const nuisance = Array.from({ length: NUISANCE_DIRECTIONS }, () => unit(rng, d))
  return { clusters, nuisance }
}

/** One embedding: cluster center + isotropic noise + a shared nuisance component. */
function sample(rng: Rng, c: Cluster, nuisance: Float32Array[], out: Float32Array, offset: number): void {
  const d = c.center.length
  for (let i = 0; i < d; i++) out[offset + i] = c.center[i]! + c.noise * rng.normal()
  for (const dir of nuisance) {
    const a = 0.25 * rng.normal()
    for (let i = 0; i < d; i++) out[offset + i]! += a * dir[i]!
  }
}

function uniqueIds(rng: Rng, n: number, taken: Set<string>): string[] {
  const ids: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    let id = rng.hexId()
    while (taken.has(id)) id = rng.hexId()
    taken.add(id)
    ids[i] = id
  }
  return ids
}

export function generateVisionBenchmark(options: GenerateVisionOptions): GeneratedVision {
  const seed = options.seed ?? DEFAULT_VISION_SEED
  const poolSize = options.poolSize ?? DEFAULT_VISION_POOL_SIZE
  if (!Number.isInteger(poolSize) || poolSize < 1000) throw new RangeError(`pool size must be an integer >= 1000, got ${poolSize}`)
  const d = VISION_DIM
  const rng = new Rng(seed)
  const { clusters, nuisance } = buildWorld(rng, d, poolSize)
  const cumulative = new Float64Array(clusters.length)
  clusters.reduce((s, c, i) => (cumulative[i] = s + c.weight), 0)

  // Pool: cluster of each row first (small), then vectors a row group at a time.
  // About 0.5% of images are near-duplicates of the one before them (re-uploads, crops), as in
  // web-scale pools; they test that selection and training cope with duplicated-looking vectors.
  const assignment = new Int16Array(poolSize)
  const nearDuplicate = new Uint8Array(poolSize)
  for (let i = 0; i < poolSize; i++) {
    if (i > 0 && rng.uniform() < NEAR_DUPLICATE_SHARE) { nearDuplicate[i] = 1; assignment[i] = assignment[i - 1]! }
    else assignment[i] = rng.pickByCumulativeWeight(cumulative)
  }
  const taken = new Set<string>()
  const poolIds = uniqueIds(rng, poolSize, taken)
  const out = options.out
  mkdirSync(out, { recursive: true })
  const vectorRng = new Rng(seed * 7919 + 1)
  writeVectorTable(join(out, VISION_LAYOUT.pool), {
    rows: poolSize,
    dim: d,
    leading: [{ name: 'ImageID', type: 'STRING', value: (r) => poolIds[r]! }],
    vectorColumn: 'embedding',
    vectors: (start, end) => {
      const block = new Float32Array((end - start) * d)
      for (let r = start; r < end; r++) {
        const o = (r - start) * d
        if (nearDuplicate[r] && r > start) {
          for (let i = 0; i < d; i++) block[o + i] = block[o - d + i]! + 0.002 * vectorRng.normal()
        } else sample(vectorRng, clusters[assignment[r]!]!, nuisance, block, o)
      }
      return block
    },
  }, { codec: 'UNCOMPRESSED', onProgress: (done, total) => options.onProgress?.('pool', done, total) })

  // Test sets: fresh images, mostly positives, negatives mostly look-alikes (as in the alpha sets).
  const testRng = new Rng(seed * 7919 + 2)
  const testSizes: Record<string, number> = {}
  VISION_CONCEPTS.forEach((concept, t) => {
    const size = 130 + testRng.int(21)
    const positives = Math.round(size * (0.5 + 0.25 * testRng.uniform()))
    const own = clusters.map((c, i) => ({ c, i })).filter(({ c }) => c.task === t)
    const modes = own.filter(({ c }) => c.kind === 'concept')
    const looks = own.filter(({ c }) => c.kind === 'lookalike')
    const background = clusters.filter((c) => c.kind === 'background')
    const labels: number[] = []
    const chosen: Cluster[] = []
    for (let k = 0; k < size; k++) {
      if (k < positives) { chosen.push(modes[testRng.int(modes.length)]!.c); labels.push(1) }
      else if (testRng.uniform() < 0.65) { chosen.push(looks[testRng.int(looks.length)]!.c); labels.push(0) }
      else { chosen.push(background[testRng.int(background.length)]!); labels.push(0) }
    }
    const order = Array.from({ length: size }, (_, k) => k)
    testRng.shuffle(order)
    const vectors = new Float32Array(size * d)
    order.forEach((k, row) => sample(testRng, chosen[k]!, nuisance, vectors, row * d))
    const ids = uniqueIds(testRng, size, taken)
    writeVectorTable(join(out, VISION_LAYOUT.testSet(concept.name)), {
      rows: size,
      dim: d,
      leading: [{ name: 'ImageID', type: 'STRING', value: (r) => ids[r]! }],
      vectorColumn: 'embedding',
      vectors: (start, end) => vectors.subarray(start * d, end * d),
      trailing: [{ name: 'Confidence', type: 'STRING', value: (r) => String(labels[order[r]!]!) }],
    })
    testSizes[concept.name] = size
  })

  // Weak labels and example sets, from the pool's (hidden) truth.
  const labelRng = new Rng(seed * 7919 + 3)
  const machine: Array<[string, string, string, string]> = []
  const human: Array<[string, string, string, number]> = []
  const positivesPerTask: Record<string, number> = {}
  VISION_CONCEPTS.forEach((concept, t) => {
    const positives: number[] = []
    for (let r = 0; r < poolSize; r++) {
      const c = clusters[assignment[r]!]!
      const isPositive = c.kind === 'concept' && c.task === t
      if (isPositive) positives.push(r)
      const isLookalike = c.kind === 'lookalike' && c.task === t
      const pEmit = isPositive ? 0.85 : isLookalike ? 0.3 : 0.002
      if (labelRng.uniform() >= pEmit) continue
      const conf = isPositive ? 0.45 + 0.55 * labelRng.uniform() : 0.1 + 0.7 * labelRng.uniform()
      machine.push([poolIds[r]!, 'machine', concept.labelName, conf.toFixed(2)])
      if (labelRng.uniform() < 0.35) {
        const flip = labelRng.uniform() < 0.03
        human.push([poolIds[r]!, 'verification', concept.labelName, (isPositive !== flip) ? 1 : 0])
      }
    }
    positivesPerTask[concept.name] = positives.length
    const examples = [...positives]
    labelRng.shuffle(examples)
    writeCsv(join(out, VISION_LAYOUT.exampleSet(concept.name)), ['LabelName', 'ImageID', 'Confidence', 'OriginalURL', 'DisplayName'],
      examples.slice(0, 20).map((r) => [concept.labelName, poolIds[r]!, 1, `https://images.example.org/${poolIds[r]}.jpg`, concept.name]))
  })
  writeCsv(join(out, VISION_LAYOUT.machineLabels), ['ImageID', 'Source', 'LabelName', 'Confidence'], machine)
  writeCsv(join(out, VISION_LAYOUT.humanLabels), ['ImageID', 'Source', 'LabelName', 'Confidence'], human)
  writeCsv(join(out, VISION_LAYOUT.classDescriptions), ['LabelName', 'DisplayName'], VISION_CONCEPTS.map((c) => [c.labelName, c.name]))

  // A format template like the official random_500.csv: random pool IDs with random labels.
  const template = labelRng.sampleIndices(poolSize, 500)
  writeCsv(join(out, VISION_LAYOUT.randomTemplate), ['ImageID', 'Confidence'], Array.from(template, (r) => [poolIds[r]!, labelRng.int(2)]))

  writeFileAtomic(join(out, VISION_LAYOUT.setup), visionSetupYaml())
  mkdirSync(join(out, VISION_LAYOUT.results), { recursive: true })
  writeFileSync(join(out, 'GENERATED.json'), JSON.stringify({ generator: 'dataperf generate vision', seed, poolSize }, null, 2) + '\n')
  return { poolSize, positivesPerTask, testSizes }
}

/** task_setup.yaml with the official keys, paths relative to the folder it sits in. */
export function visionSetupYaml(): string {
  const doc: Record<string, unknown> = {
    spark_driver_memory: '6g',
    data_dir: '.',
    emb_file: VISION_LAYOUT.pool,
  }
  for (const c of VISION_CONCEPTS) doc[c.name] = [VISION_LAYOUT.trainSet(c.name), VISION_LAYOUT.testSet(c.name)]
  Object.assign(doc, { results_dir: VISION_LAYOUT.results, dim: VISION_DIM, eval_tasks: VISION_CONCEPTS.map((c) => c.name), docker_data_dir: 'data' })
  return '# Generated by `dataperf generate vision`; keys as in the official task_setup.yaml.\n' +
    '# Paths are relative to data_dir, which is relative to this file.\n' + stringify(doc, { flow: false })
}
