/**
 * Deterministic generator of a speech (keyword spotting) selection benchmark in the official
 * layout of harvard-edge/dataperf-speech-example: per language, one parquet file of 1024-d
 * embeddings per target word and per nontarget keyword, the allowed training set and the eval set.
 *
 * The embeddings imitate the penultimate (ReLU) layer of a keyword classifier: a low-dimensional
 * latent (the word, how it was said, how it was recorded) goes through a fixed random linear map,
 * gets per-unit noise and a ReLU, so vectors are non-negative, sparse-ish and correlated.
 * What makes selection meaningful:
 * - words that share letter pairs sound alike (their latents share components), so some targets and
 *   nontargets are confusable;
 * - each word has a few cluster centres drawn from a shared pool of speakers (prolific speakers
 *   recur across words) and clips carry shared recording nuisance directions and loudness;
 * - 2-5% of target clips are wrong: mislabeled (the vector is another word's) or misaligned (a
 *   weaker mixture of the word with silence or a neighbouring word);
 * - the nontarget class is many keywords with few clips each, and the eval nontargets are other,
 *   unseen keywords; some eval clips come from speakers outside the word's training clusters.
 *
 * Every random draw that concerns one word is seeded by (seed, language, word), so a language
 * generated alone equals the same language generated with the others.
 */
import {
  CLIP_ID_COLUMN,
  EMBEDDING_COLUMN,
  SPEECH_DIM,
  SPEECH_LANGUAGE_CODES,
  SPEECH_LAYOUT,
  requireSpeechLanguages,
  type SpeechLanguageCode,
} from '../speech/layout.js'
import { OFFICIAL_EVAL_SEEDS } from '../speech/config.js'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { stringify } from 'yaml'
import { Rng } from '../ml/rng.js'
import { vectorTableSteps } from '../io/parquet/writer.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { keepTemp, removeTemp, tempPathFor } from '../io/temp-files.js'
import { checkNumber, SEED_RULE } from '../numbers.js'
import { runSteps, runStepsAsync, type Steps } from './steps.js'
import { SPEECH_SCALE_RULE } from './defaults.js'
import { UserError } from '../errors.js'
import type { Progress } from '../progress.js'

export const DEFAULT_SPEECH_SEED = 0

/** Five target words per language (ASCII). */
export const SPEECH_TARGET_WORDS: Record<SpeechLanguageCode, string[]> = {
  en: ['answer', 'family', 'music', 'station', 'window'],
  id: ['bahasa', 'kereta', 'pagi', 'rumah', 'sekolah'],
  pt: ['cidade', 'dinheiro', 'janela', 'musica', 'trabalho'],
}

/** Nontarget keywords: `train` ones appear in the allowed training set, `eval` ones (unseen) only in eval.yaml. */
export const SPEECH_NONTARGET_WORDS: Record<SpeechLanguageCode, { train: string[]; eval: string[] }> = {
  en: {
    train: words(`about after again almost always animal apple around autumn baby bank basket beach before
      better bicycle bird black blue book bottle bread bridge brother butter camera candle carpet castle chair cheese
      children church circle city cloud coffee color corner cotton country dance danger daughter dinner doctor dollar
      dream driver early earth engine evening father field finger flower forest friend garden glass golden green guitar
      hammer happy harbor heart horse island jacket kitchen ladder letter little market mirror money mother mountain
      ocean orange paper pencil pepper picture pocket quiet rabbit river rocket salad silver summer table teacher
      ticket tiger travel yellow`),
    eval: words(`anchor button captain cherry desert dragon eleven farmer feather garage helmet hunter jungle kettle lemon
      lizard meadow needle office palace parrot pillow planet puzzle rainbow saddle sailor shadow shoulder spider sugar
      thunder tomato tunnel valley velvet village wagon winter zebra`),
  },
  id: {
    train: words(`ada air akan anak angin apel asam ayah bagus baju bambu bantal baru batu bawah bayi bekerja belajar
      benar besar biru bola bulan bunga buku burung cepat cinta dapur darah datang daun dekat dingin dokter duduk emas
      enak gajah garam gelas gula gunung hari harimau hati hijau hitam hujan hutan ikan ibu jalan jauh jendela jeruk
      kaca kaki kamar kambing kapal kecil keju kopi kucing kuning kursi lampu langit laut lima makan malam mandi manis
      marah mata matahari meja merah minum mobil nasi orang padi pantai pasar pintu pohon putih rambut roti sapi sawah
      sayur senang sepatu sungai tanah telur`),
    eval: words(`angsa awan bebek bintang cermin danau domba gitar guru jagung jembatan kabut kelapa kelinci kunci kupu
      layang lebah lilin mangga menara nanas ombak pasir payung pedang pelangi perahu petani pisang puncak ranjang rusa
      semut singa sumur tangga tikus topi udang`),
  },
  pt: {
    train: words(`agua amigo amor animal ano arvore azul banco barco bebida bicicleta boca bola branco braco cabeca
      cachorro cadeira cafe cama caminho campo caneta carro casa cavalo chave chuva cinco comida copo coracao corpo
      cozinha crianca dente depois doce doente escola espelho estrada estrela faca familia farinha feliz festa filho flor
      fogo folha fruta gato gelo grande hoje homem igreja irmao jardim jogo lago laranja leite livro loja lua madeira mae
      manha mar mesa montanha mulher navio noite nuvem olho ovo pai papel passaro peixe pedra porta praia preto queijo
      rio roupa sapato sol tarde terra tempo verde vento vermelho vidro`),
    eval: words(`abelha aranha areia bandeira barriga bolsa cebola cenoura cobra coelho colher dedo elefante espada fazenda
      formiga garrafa gaveta girafa joelho leao limao macaco martelo milho moeda nariz ombro orelha ovelha panela pente
      raposa sapo sino tigre tomate torre vaca violao`),
  },
}

function words(text: string): string[] {
  return text.trim().split(/\s+/)
}

/** The official workspace/dataperf_speech_config.yaml, byte for byte. */
export const SPEECH_CONFIG_YAML =
  'selection_random_seed: 0\n' +
  `eval_random_seeds: [${OFFICIAL_EVAL_SEEDS.join(', ')}]\n` +
  'selection_algorithm_module: "selection.implementations.baseline_selection"\n' +
  'selection_algorithm_class: "BaselineSelection"\n'

export interface GenerateSpeechOptions {
  /** the data folder (workspace/data); the config goes into its parent */
  out: string
  seed?: number
  languages?: readonly SpeechLanguageCode[]
  /** multiplies clip counts (and nontarget keyword counts), for quick tests; default 1 */
  scale?: number
  /** how the benchmark is made (for robustness sweeps); every knob left out keeps its default */
  knobs?: SpeechKnobs
  onProgress?: Progress
}

export interface SpeechTargetSummary {
  word: string
  train: number
  eval: number
  /** training clips whose vector is another word's */
  mislabeled: number
  /** training clips that mix the word with silence or another word (weaker signal) */
  misaligned: number
}

export interface SpeechLanguageSummary {
  language: SpeechLanguageCode
  folder: string
  targets: SpeechTargetSummary[]
  nontargetKeywords: { train: number; eval: number }
  nontargetClips: { train: number; eval: number }
  mislabeled: number
  misaligned: number
}

export interface GeneratedSpeech {
  seed: number
  scale: number
  languages: SpeechLanguageSummary[]
  config: { path: string; written: boolean }
}

/**
 * The generator's knobs (snake_case, as written in a sweep file). At their defaults the output is
 * byte for byte what the generator wrote before the knobs existed. Ranges are [low, high],
 * drawn per word.
 */
export interface SpeechKnobs {
  /** spread of the shared speakers in the latent space (default 0.75) */
  speaker_scale?: number
  /** share of eval clips from speakers outside the word's training clusters (default 0.25) */
  eval_new_speaker_share?: number
  /** share of a target word's training clips that hold another word (default [0.015, 0.03]) */
  mislabeled_rate?: [number, number]
  /** share of a target word's training clips cut badly (default [0.01, 0.02]) */
  misaligned_rate?: [number, number]
  /** training clips per target word, drawn log-uniformly: the class imbalance (default [300, 2500]) */
  target_train_clips?: [number, number]
  /** unseen nontarget keywords in the eval set, at most 40 (default 40, times --scale) */
  eval_keywords?: number
  /** eval clips per unseen nontarget keyword: how nontarget-heavy the eval set is (default [15, 150]) */
  eval_nontarget_clips?: [number, number]
}

interface ResolvedSpeechKnobs {
  speakerScale: number
  evalNewSpeakerShare: number
  mislabeledRate: [number, number]
  misalignedRate: [number, number]
  targetTrainClips: [number, number]
  evalKeywords?: number
  evalNontargetClips: [number, number]
}

/** The knobs with defaults filled in; an unknown knob or a value out of range is a user error. */
export function resolveSpeechKnobs(knobs: SpeechKnobs = {}, where = 'speech knobs'): ResolvedSpeechKnobs {
  const names = [
    'speaker_scale',
    'eval_new_speaker_share',
    'mislabeled_rate',
    'misaligned_rate',
    'target_train_clips',
    'eval_keywords',
    'eval_nontarget_clips',
  ]
  for (const k of Object.keys(knobs))
    if (!names.includes(k)) throw new UserError(`${where}: unknown knob '${k}' (known: ${names.join(', ')})`)
  const num = (name: string, v: unknown, lo: number, hi: number): number => {
    if (typeof v !== 'number' || !(v >= lo && v <= hi))
      throw new UserError(`${where}: ${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`)
    return v
  }
  const range = (name: string, v: unknown, lo: number, hi: number): [number, number] => {
    if (!Array.isArray(v) || v.length !== 2)
      throw new UserError(`${where}: ${name} must be [low, high], got ${JSON.stringify(v)}`)
    const [a, b] = [num(name, v[0], lo, hi), num(name, v[1], lo, hi)]
    if (a > b) throw new UserError(`${where}: ${name}: low ${a} is above high ${b}`)
    return [a, b]
  }
  if (
    knobs.mislabeled_rate !== undefined &&
    knobs.misaligned_rate !== undefined &&
    knobs.mislabeled_rate[1] + knobs.misaligned_rate[1] > 0.5
  ) {
    throw new UserError(`${where}: mislabeled_rate and misaligned_rate together must stay at or below 0.5`)
  }
  return {
    speakerScale: knobs.speaker_scale === undefined ? SPEAKER_SCALE : num('speaker_scale', knobs.speaker_scale, 0, 5),
    evalNewSpeakerShare:
      knobs.eval_new_speaker_share === undefined
        ? EVAL_NEW_SPEAKER_SHARE
        : num('eval_new_speaker_share', knobs.eval_new_speaker_share, 0, 1),
    mislabeledRate:
      knobs.mislabeled_rate === undefined ? MISLABELED_RATE : range('mislabeled_rate', knobs.mislabeled_rate, 0, 0.4),
    misalignedRate:
      knobs.misaligned_rate === undefined ? MISALIGNED_RATE : range('misaligned_rate', knobs.misaligned_rate, 0, 0.4),
    targetTrainClips:
      knobs.target_train_clips === undefined
        ? TARGET_TRAIN_CLIPS
        : range('target_train_clips', knobs.target_train_clips, 20, 20000),
    evalKeywords:
      knobs.eval_keywords === undefined ? undefined : Math.round(num('eval_keywords', knobs.eval_keywords, 3, 40)),
    evalNontargetClips:
      knobs.eval_nontarget_clips === undefined
        ? NONTARGET_EVAL_CLIPS
        : range('eval_nontarget_clips', knobs.eval_nontarget_clips, 1, 2000),
  }
}

// ---------------------------------------------------------------------------------------------
// The latent model. Sizes are per-coordinate standard deviations in the latent space, which the
// random map W (entries N(0, 1/LATENT)) carries over to each embedding unit's pre-activation.

const LATENT = 64
const WORD_SCALE = 1.0 // spread of word identities
const SPELLING_SHARE = 0.55 // how much of a word's identity comes from its letter pairs
const SPEAKERS = 60 // shared pool of speakers per language
const SPEAKER_SCALE = 0.75
const CLUSTER_OWN_SCALE = 0.4 // a word's cluster: a speaker plus its own offset
const CLIP_LATENT_NOISE = 0.6
const NUISANCE_DIRECTIONS = 6 // recording conditions shared by all words
const NUISANCE_SCALE = 0.6
const UNIT_NOISE = 1.0 // per embedding unit
const BIAS_MEAN = -0.8
const BIAS_SCALE = 0.6
const GAIN_SCALE = 0.15 // log-normal loudness
const EVAL_NEW_SPEAKER_SHARE = 0.25
const ROW_GROUP_ROWS = 256

/** Base counts at scale 1 (min, max), drawn log-uniformly per word from the word's own seed. */
const TARGET_TRAIN_CLIPS: [number, number] = [300, 2500]
const TARGET_EVAL_CLIPS: [number, number] = [100, 300]
const NONTARGET_TRAIN_CLIPS: [number, number] = [3, 50]
// The official English eval set holds 200 nontarget keyword files (the expected output in the
// official colab) and more nontarget than target clips (baseline_selection.py says so); our 40
// unseen keywords per language stand for 200, so each gets five times the clips of a training
// keyword's range (about 2,300 eval nontargets against about 900 eval targets). With 3-30 clips
// the eval set was two-thirds targets, which undervalues the nontarget class.
const NONTARGET_EVAL_CLIPS: [number, number] = [15, 150]
const MISLABELED_RATE: [number, number] = [0.015, 0.03]
const MISALIGNED_RATE: [number, number] = [0.01, 0.02]

/** 32-bit mix of a list of non-negative integers (murmur3 finalizer per step). */
function mixSeed(parts: readonly number[]): number {
  let h = 0x2545f491
  for (const p of parts) {
    for (const w of [p >>> 0, Math.floor(p / 4294967296) >>> 0]) {
      h = Math.imul(h ^ w, 0x9e3779b1)
      h ^= h >>> 16
      h = Math.imul(h, 0x85ebca6b)
      h ^= h >>> 13
      h = Math.imul(h, 0xc2b2ae35)
      h ^= h >>> 16
    }
  }
  return h >>> 0
}

/** FNV-1a of a string, to key random streams by name. */
function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const STREAM = { world: 1, word: 2, bigram: 3, ids: 4, clips: 5, speakers: 6 } as const

function streamRng(seed: number, language: SpeechLanguageCode, stream: number, ...rest: number[]): Rng {
  return new Rng(mixSeed([seed, SPEECH_LANGUAGE_CODES.indexOf(language) + 1, stream, ...rest]))
}

function gaussian(rng: Rng, n: number, scale: number): Float64Array {
  const v = new Float64Array(n)
  for (let i = 0; i < n; i++) v[i] = scale * rng.normal()
  return v
}

function logUniformInt(rng: Rng, [lo, hi]: [number, number]): number {
  return Math.round(Math.exp(Math.log(lo) + rng.uniform() * (Math.log(hi) - Math.log(lo))))
}

interface Word {
  name: string
  latent: Float64Array
  /** cluster centres (offsets added to the latent) and their cumulative weights */
  clusters: Float64Array[]
  cumulative: Float64Array
}

interface World {
  language: SpeechLanguageCode
  seed: number
  w: Float32Array // SPEECH_DIM x LATENT, row-major
  bias: Float32Array
  nuisance: Float64Array[]
  speakers: Float64Array[]
  speakerCumulative: Float64Array
  silence: Word
}

function cumulativeOf(weights: number[]): Float64Array {
  const c = new Float64Array(weights.length)
  weights.reduce((s, x, i) => (c[i] = s + x), 0)
  return c
}

function buildWorld(seed: number, language: SpeechLanguageCode, speakerScale: number): World {
  const rng = streamRng(seed, language, STREAM.world)
  const w = new Float32Array(SPEECH_DIM * LATENT)
  const s = 1 / Math.sqrt(LATENT)
  for (let i = 0; i < w.length; i++) w[i] = s * rng.normal()
  const bias = new Float32Array(SPEECH_DIM)
  for (let i = 0; i < SPEECH_DIM; i++) bias[i] = BIAS_MEAN + BIAS_SCALE * rng.normal()
  const nuisance = Array.from({ length: NUISANCE_DIRECTIONS }, () => gaussian(rng, LATENT, 1))
  const speakerRng = streamRng(seed, language, STREAM.speakers)
  const speakers = Array.from({ length: SPEAKERS }, () => gaussian(speakerRng, LATENT, speakerScale))
  // Common Voice style: a few prolific speakers, a long tail
  const speakerCumulative = cumulativeOf(Array.from({ length: SPEAKERS }, (_, k) => 1 / Math.pow(k + 1, 0.8)))
  // silence and background noise: a weak latent of its own, recorded by anyone
  const silence: Word = {
    name: '',
    latent: gaussian(rng, LATENT, 0.5 * WORD_SCALE),
    clusters: [new Float64Array(LATENT)],
    cumulative: cumulativeOf([1]),
  }
  return { language, seed, w, bias, nuisance, speakers, speakerCumulative, silence }
}

/** A unit-variance latent per letter pair, the same for every word that contains the pair. */
function bigramLatent(world: World, bigram: string, cache: Map<string, Float64Array>): Float64Array {
  let v = cache.get(bigram)
  if (!v) {
    v = gaussian(streamRng(world.seed, world.language, STREAM.bigram, hashString(bigram)), LATENT, 1)
    cache.set(bigram, v)
  }
  return v
}

function buildWord(
  world: World,
  name: string,
  clusterRange: [number, number],
  bigrams: Map<string, Float64Array>,
): Word {
  const rng = streamRng(world.seed, world.language, STREAM.word, hashString(name))
  const spelled = `^${name}$`
  const spelling = new Float64Array(LATENT)
  for (let i = 0; i + 1 < spelled.length; i++) {
    const b = bigramLatent(world, spelled.slice(i, i + 2), bigrams)
    for (let j = 0; j < LATENT; j++) spelling[j]! += b[j]!
  }
  const pairs = spelled.length - 1
  const own = Math.sqrt(1 - SPELLING_SHARE * SPELLING_SHARE)
  const latent = new Float64Array(LATENT)
  for (let j = 0; j < LATENT; j++)
    latent[j] = WORD_SCALE * ((SPELLING_SHARE * spelling[j]!) / Math.sqrt(pairs) + own * rng.normal())
  const k = clusterRange[0] + rng.int(clusterRange[1] - clusterRange[0] + 1)
  const clusters: Float64Array[] = []
  const weights: number[] = []
  for (let c = 0; c < k; c++) {
    const speaker = world.speakers[rng.pickByCumulativeWeight(world.speakerCumulative)]!
    const centre = gaussian(rng, LATENT, CLUSTER_OWN_SCALE)
    for (let j = 0; j < LATENT; j++) centre[j]! += speaker[j]!
    clusters.push(centre)
    weights.push(0.3 + rng.uniform())
  }
  return { name, latent, clusters, cumulative: cumulativeOf(weights) }
}

/** How one clip is made: from `word` (cluster `cluster`, or a fresh speaker when -1), possibly mixed with `other`. */
interface ClipPlan {
  word: Word
  cluster: number
  /** share of `word` in a misaligned clip (1: a clean clip) */
  alpha: number
  other?: Word
}

const scratchLatent = new Float64Array(LATENT)
const scratchCentre = new Float64Array(LATENT)

function addSource(rng: Rng, world: World, word: Word, cluster: number, weight: number, into: Float64Array): void {
  let centre: Float64Array
  if (cluster >= 0) centre = word.clusters[cluster]!
  else {
    // a speaker from outside the word's clusters
    const speaker = world.speakers[rng.pickByCumulativeWeight(world.speakerCumulative)]!
    for (let j = 0; j < LATENT; j++) scratchCentre[j] = speaker[j]! + CLUSTER_OWN_SCALE * rng.normal()
    centre = scratchCentre
  }
  for (let j = 0; j < LATENT; j++) into[j]! += weight * (word.latent[j]! + centre[j]!)
}

/** Writes one clip's embedding at out[offset .. offset + SPEECH_DIM). */
function renderClip(rng: Rng, world: World, plan: ClipPlan, out: Float32Array, offset: number): void {
  const h = scratchLatent
  h.fill(0)
  addSource(rng, world, plan.word, plan.cluster, plan.alpha, h)
  if (plan.other)
    addSource(rng, world, plan.other, rng.pickByCumulativeWeight(plan.other.cumulative), 1 - plan.alpha, h)
  for (let j = 0; j < LATENT; j++) h[j]! += CLIP_LATENT_NOISE * rng.normal()
  for (const dir of world.nuisance) {
    const a = NUISANCE_SCALE * rng.normal()
    for (let j = 0; j < LATENT; j++) h[j]! += a * dir[j]!
  }
  const gain = Math.exp(GAIN_SCALE * rng.normal())
  const w = world.w
  for (let i = 0; i < SPEECH_DIM; i++) {
    let z = world.bias[i]! + UNIT_NOISE * rng.normal()
    const row = i * LATENT
    for (let j = 0; j < LATENT; j++) z += w[row + j]! * h[j]!
    out[offset + i] = z > 0 ? gain * z : 0
  }
}

// ---------------------------------------------------------------------------------------------

interface KeywordFile {
  keyword: string
  split: 'train' | 'eval'
  ids: string[]
  plans: ClipPlan[]
}

/** Unique Common Voice style clip numbers (5 to 8 digits) for one language. */
class ClipNumbers {
  private readonly taken = new Set<number>()
  constructor(private readonly rng: Rng) {}
  draw(n: number): number[] {
    const out: number[] = []
    while (out.length < n) {
      const x = 10000 + this.rng.int(39990000)
      if (this.taken.has(x)) continue
      this.taken.add(x)
      out.push(x)
    }
    return out.sort((a, b) => a - b)
  }
}

function scaled(n: number, scale: number, min: number): number {
  return Math.max(min, Math.round(n * scale))
}

function planLanguage(
  seed: number,
  language: SpeechLanguageCode,
  scale: number,
  knobs: ResolvedSpeechKnobs,
): { world: World; files: KeywordFile[]; summary: SpeechLanguageSummary } {
  const world = buildWorld(seed, language, knobs.speakerScale)
  const bigrams = new Map<string, Float64Array>()
  const targetNames = [...SPEECH_TARGET_WORDS[language]].sort()
  const lists = SPEECH_NONTARGET_WORDS[language]
  const trainNames = lists.train.slice(0, Math.min(lists.train.length, scaled(lists.train.length, scale, 3)))
  const evalNames = lists.eval.slice(
    0,
    Math.min(lists.eval.length, knobs.evalKeywords ?? scaled(lists.eval.length, scale, 3)),
  )
  const targets = targetNames.map((n) => buildWord(world, n, [3, 5], bigrams))
  const trainNon = trainNames.map((n) => buildWord(world, n, [1, 3], bigrams))
  const evalNon = evalNames.map((n) => buildWord(world, n, [1, 3], bigrams))
  const numbers = new ClipNumbers(streamRng(seed, language, STREAM.ids))
  const clipId = (keyword: string, n: number) => `${keyword}/common_voice_${language}_${n}.wav`
  const files: KeywordFile[] = []
  const summaries: SpeechTargetSummary[] = []

  const cleanPlan = (rng: Rng, word: Word, newSpeakerShare: number): ClipPlan => ({
    word,
    cluster: rng.uniform() < newSpeakerShare ? -1 : rng.pickByCumulativeWeight(word.cumulative),
    alpha: 1,
  })

  targets.forEach((word, t) => {
    const rng = streamRng(seed, language, STREAM.clips, hashString(word.name), 0)
    const n = scaled(logUniformInt(rng, knobs.targetTrainClips), scale, 6)
    const [ml, mh] = knobs.mislabeledRate,
      [al, ah] = knobs.misalignedRate
    const mislabeledRate = ml + rng.uniform() * (mh - ml)
    const misalignedRate = al + rng.uniform() * (ah - al)
    const plans = Array.from({ length: n }, () => cleanPlan(rng, word, 0))
    const nMislabeled = Math.round(n * mislabeledRate)
    const nMisaligned = Math.round(n * misalignedRate)
    const wrong = rng.sampleIndices(n, nMislabeled + nMisaligned)
    const others = targets.filter((_, u) => u !== t)
    for (let k = 0; k < wrong.length; k++) {
      const i = wrong[k]!
      if (k < nMislabeled) {
        // the audio holds another word: another target (40%) or a nontarget keyword
        const src =
          rng.uniform() < 0.4 || trainNon.length === 0
            ? others[rng.int(others.length)]!
            : trainNon[rng.int(trainNon.length)]!
        plans[i] = { word: src, cluster: rng.pickByCumulativeWeight(src.cumulative), alpha: 1 }
      } else {
        // the one-second window cut the word: part of it, plus silence or a neighbouring word
        const r = rng.uniform()
        const other =
          r < 0.5
            ? world.silence
            : r < 0.75 && trainNon.length
              ? trainNon[rng.int(trainNon.length)]!
              : others[rng.int(others.length)]!
        plans[i] = {
          word,
          cluster: rng.pickByCumulativeWeight(word.cumulative),
          alpha: 0.3 + 0.3 * rng.uniform(),
          other,
        }
      }
    }
    files.push({ keyword: word.name, split: 'train', ids: numbers.draw(n).map((x) => clipId(word.name, x)), plans })
    summaries.push({ word: word.name, train: n, eval: 0, mislabeled: nMislabeled, misaligned: nMisaligned })
  })
  let nonTrainClips = 0
  for (const word of trainNon) {
    const rng = streamRng(seed, language, STREAM.clips, hashString(word.name), 0)
    const n = scaled(logUniformInt(rng, NONTARGET_TRAIN_CLIPS), scale, 1)
    const plans = Array.from({ length: n }, () => cleanPlan(rng, word, 0))
    // nontarget clips may be cut badly too; they stay nontargets
    for (const p of plans)
      if (rng.uniform() < 0.02) {
        p.alpha = 0.3 + 0.3 * rng.uniform()
        p.other = world.silence
      }
    files.push({ keyword: word.name, split: 'train', ids: numbers.draw(n).map((x) => clipId(word.name, x)), plans })
    nonTrainClips += n
  }
  targets.forEach((word, t) => {
    const rng = streamRng(seed, language, STREAM.clips, hashString(word.name), 1)
    const n = scaled(logUniformInt(rng, TARGET_EVAL_CLIPS), scale, 4)
    const plans = Array.from({ length: n }, () => cleanPlan(rng, word, knobs.evalNewSpeakerShare))
    files.push({ keyword: word.name, split: 'eval', ids: numbers.draw(n).map((x) => clipId(word.name, x)), plans })
    summaries[t]!.eval = n
  })
  let nonEvalClips = 0
  for (const word of evalNon) {
    const rng = streamRng(seed, language, STREAM.clips, hashString(word.name), 1)
    const n = scaled(logUniformInt(rng, knobs.evalNontargetClips), scale, 1)
    const plans = Array.from({ length: n }, () => cleanPlan(rng, word, knobs.evalNewSpeakerShare))
    files.push({ keyword: word.name, split: 'eval', ids: numbers.draw(n).map((x) => clipId(word.name, x)), plans })
    nonEvalClips += n
  }
  return {
    world,
    files,
    summary: {
      language,
      folder: SPEECH_LAYOUT.languageDir(language),
      targets: summaries,
      nontargetKeywords: { train: trainNon.length, eval: evalNon.length },
      nontargetClips: { train: nonTrainClips, eval: nonEvalClips },
      mislabeled: summaries.reduce((s, x) => s + x.mislabeled, 0),
      misaligned: summaries.reduce((s, x) => s + x.misaligned, 0),
    },
  }
}

function sampleSetYaml(files: KeywordFile[], targetNames: ReadonlySet<string>, header: string): string {
  const targets: Record<string, string[]> = {}
  const nontargets: string[] = []
  for (const f of files) {
    if (targetNames.has(f.keyword)) targets[f.keyword] = f.ids
    else nontargets.push(...f.ids)
  }
  return header + stringify({ targets, nontargets }, { flow: false })
}

/** What a generated language folder's marker records: a later run compares its settings with it. */
interface SpeechRecord {
  generator: 'dataperf generate speech'
  seed: number
  scale: number
  knobs?: SpeechKnobs
}

const describeSettings = (r: SpeechRecord) =>
  `seed ${r.seed}, scale ${r.scale}${r.knobs && Object.keys(r.knobs).length ? `, knobs ${JSON.stringify(r.knobs)}` : ''}`

/**
 * A language folder must be new, empty, or an earlier run's output with the same settings (which
 * this run writes again, byte for byte, keeping any file of the user's in it): any other folder
 * holds someone's data, or data the user's selections were made from, and is refused before
 * anything is written (as `generate vision` does).
 */
function checkReplaceable(folder: string, wanted: SpeechRecord): void {
  if (!existsSync(folder)) return
  if (!statSync(folder).isDirectory())
    throw new UserError((name) => `${folder}: exists and is not a folder; choose another ${name('out')} folder`, {
      code: 'exists',
      path: folder,
      option: 'out',
    })
  if (readdirSync(folder).length === 0) return
  let earlier: SpeechRecord | undefined
  try {
    const r = JSON.parse(readFileSync(join(folder, SPEECH_LAYOUT.marker), 'utf8')) as SpeechRecord
    if (r.generator === 'dataperf generate speech') earlier = r
  } catch {
    /* not ours */
  }
  if (!earlier)
    throw new UserError(
      (name) =>
        `${folder} exists and was not written by \`dataperf generate speech\`; remove it or choose another ${name('out')}`,
      { code: 'exists', path: folder, option: 'out' },
    )
  const same =
    earlier.seed === wanted.seed &&
    (earlier.scale ?? 1) === wanted.scale &&
    JSON.stringify(earlier.knobs ?? {}) === JSON.stringify(wanted.knobs ?? {})
  if (!same)
    throw new UserError(
      (name) =>
        `${folder}: holds a benchmark generated with ${describeSettings(earlier)}, not ${describeSettings(wanted)}; selections made from it belong to that data: choose another ${name('out')} folder (or remove ${folder} first to replace it)`,
      { code: 'exists', path: folder, option: 'out' },
    )
}

/**
 * Moves the files of `fresh` into `folder` one by one, folders merging: an earlier run's files are
 * replaced (by rename), anything else in `folder` (the user's) stays where it is.
 */
function replaceInto(fresh: string, folder: string): void {
  for (const name of readdirSync(fresh)) {
    const from = join(fresh, name),
      to = join(folder, name)
    if (existsSync(to) && statSync(to).isDirectory() && statSync(from).isDirectory()) replaceInto(from, to)
    else renameSync(from, to)
  }
}

function* languageSteps(
  out: string,
  seed: number,
  scale: number,
  knobs: SpeechKnobs | undefined,
  language: SpeechLanguageCode,
  onProgress: GenerateSpeechOptions['onProgress'],
): Steps<SpeechLanguageSummary> {
  const { world, files, summary } = planLanguage(seed, language, scale, resolveSpeechKnobs(knobs))
  const folder = join(out, summary.folder)
  const tmp = tempPathFor(folder)
  const total = files.reduce((s, f) => s + f.ids.length, 0)
  const stage = `speech ${language}`
  let done = 0
  try {
    for (const f of files) {
      const rng = streamRng(seed, language, STREAM.clips, hashString(f.keyword), f.split === 'train' ? 2 : 3)
      const sub = f.split === 'train' ? SPEECH_LAYOUT.trainEmbeddings : SPEECH_LAYOUT.evalEmbeddings
      const before = done
      yield* vectorTableSteps(
        join(tmp, sub, SPEECH_LAYOUT.embeddingFile(f.keyword)),
        {
          rows: f.ids.length,
          dim: SPEECH_DIM,
          leading: [{ name: CLIP_ID_COLUMN, type: 'STRING', value: (r) => f.ids[r]! }],
          vectorColumn: EMBEDDING_COLUMN,
          vectors: (start, end) => {
            const block = new Float32Array((end - start) * SPEECH_DIM)
            for (let r = start; r < end; r++) renderClip(rng, world, f.plans[r]!, block, (r - start) * SPEECH_DIM)
            return block
          },
        },
        { rowGroupSize: ROW_GROUP_ROWS, onProgress: (rows) => onProgress?.(stage, before + rows, total) },
      )
      done += f.ids.length
    }
    const targetNames = new Set(SPEECH_TARGET_WORDS[language])
    const header = `# Generated by \`dataperf generate speech\` (seed ${seed}${scale !== 1 ? `, scale ${scale}` : ''}); synthetic, not MSWC data.\n`
    writeFileAtomic(
      join(tmp, SPEECH_LAYOUT.allowedTrainingSet),
      sampleSetYaml(
        files.filter((f) => f.split === 'train'),
        targetNames,
        header,
      ),
    )
    writeFileAtomic(
      join(tmp, SPEECH_LAYOUT.evalSet),
      sampleSetYaml(
        files.filter((f) => f.split === 'eval'),
        targetNames,
        header,
      ),
    )
    const knobRecord = knobs && Object.keys(knobs).length ? { knobs } : {}
    writeFileAtomic(
      join(tmp, SPEECH_LAYOUT.marker),
      JSON.stringify({ generator: 'dataperf generate speech', seed, scale, language, ...knobRecord }, null, 2) + '\n',
    )
    // the finished folder moves in whole; over an earlier run's (same settings: checkReplaceable),
    // file by file, so that files of the user's there stay
    if (existsSync(folder)) {
      replaceInto(tmp, folder)
      removeTemp(tmp)
    } else {
      renameSync(tmp, folder)
      keepTemp(tmp)
    }
  } catch (err) {
    removeTemp(tmp)
    throw err
  }
  return summary
}

/** Writes the benchmark (see speechBenchmarkSteps). */
export function generateSpeechBenchmark(options: GenerateSpeechOptions): GeneratedSpeech {
  return runSteps(speechBenchmarkSteps(options))
}

/** The same, letting the event loop run between files and row groups (the CLI: Ctrl-C cleans up at once). */
export function generateSpeechBenchmarkAsync(options: GenerateSpeechOptions): Promise<GeneratedSpeech> {
  return runStepsAsync(speechBenchmarkSteps(options))
}

function* speechBenchmarkSteps(options: GenerateSpeechOptions): Steps<GeneratedSpeech> {
  const seed = checkNumber(options.seed ?? DEFAULT_SPEECH_SEED, SEED_RULE, { option: 'seed' })
  const scale = checkNumber(options.scale ?? 1, SPEECH_SCALE_RULE, { option: 'scale' })
  const languages = requireSpeechLanguages(options.languages ?? SPEECH_LANGUAGE_CODES)
  resolveSpeechKnobs(options.knobs) // checked before anything is written
  const out = options.out
  const knobRecord = options.knobs && Object.keys(options.knobs).length ? { knobs: options.knobs } : {}
  const record: SpeechRecord = { generator: 'dataperf generate speech', seed, scale, ...knobRecord }
  for (const l of languages) checkReplaceable(join(out, SPEECH_LAYOUT.languageDir(l)), record)
  mkdirSync(out, { recursive: true })
  const summaries: SpeechLanguageSummary[] = []
  for (const l of languages)
    summaries.push(yield* languageSteps(out, seed, scale, options.knobs, l, options.onProgress))
  const configPath = join(dirname(out), SPEECH_LAYOUT.config)
  let written = false
  if (!existsSync(configPath)) {
    writeFileAtomic(configPath, SPEECH_CONFIG_YAML)
    written = true
  }
  return { seed, scale, languages: summaries, config: { path: configPath, written } }
}
