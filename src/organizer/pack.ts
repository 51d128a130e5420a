/**
 * `dataperf challenge pack DIR --out OUT`: turns experiments into what participants download and
 * what the server keeps.
 *
 * DIR holds experiments as the create commands write them: `dataperf_{lang}_data/` folders
 * (speech, lang in en, id, pt) and/or `vision/` (task_setup.yaml and its data). OUT gets:
 * - `public/`: the speech config (dataperf_speech_config.yaml), one zip per speech language (`dataperf_{lang}_data/` with train_embeddings/ and
 *   allowed_training_set.yaml only) and one vision zip (`embeddings/`, `examples/`, `metadata/`,
 *   task_setup.yaml; no test sets), in the layouts `dataperf download` extracts, and
 *   `parameters.yaml` with each zip's URL (a placeholder under --base-url), size and SHA-256,
 *   the keys `dataperf download --parameters_file` verifies;
 * - `challenge/`: the full experiments (eval data and test sets included), the speech config,
 *   and challenge.yaml for `dataperf serve` (a speech board per language and size cap, a vision board).
 * Before anything is written, every public file is read back and checked to hold no eval clip
 * ID and no test image ID.
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import { parse as parseYaml, stringify } from 'yaml'
import { UserError, sampleList } from '../errors.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { readSampleIdsYaml } from '../speech/sample-ids.js'
import {
  CLIP_ID_COLUMN,
  EMBEDDING_COLUMN,
  SPEECH_DIM,
  requireSpeechLanguage,
  LEADERBOARD_SIZES,
  SPEECH_LAYOUT,
  type SpeechLanguageCode,
} from '../speech/layout.js'
import { SPEECH_CONFIG_YAML } from '../synth/speech.js'
import { ID_COLUMN, VISION_LAYOUT } from '../vision/layout.js'
import { loadVisionSetup } from '../vision/setup.js'
import { SPEECH_CONFIG_PREFIX, speechPrefix, VISION_PREFIX } from '../download/parameters.js'
import { VISION_ZIP_NAME } from '../download/resources.js'
import { buildFolder } from './output-folder.js'
import { DEFAULT_BASE_URL } from './defaults.js'
import { filesUnder, writeZip, type ZipEntry } from './zip-folder.js'

export const VISION_BUNDLE_FOLDER = VISION_ZIP_NAME.replace(/\.zip$/, '')
export const PUBLIC_FOLDER = 'public'
export const CHALLENGE_FOLDER = 'challenge'
export const PARAMETERS_FILE = 'parameters.yaml'

export interface PackOptions {
  dir: string
  out: string
  /** where the zips will be hosted; each zip's URL is this plus its name */
  baseUrl?: string
  name?: string
  description?: string
  /** the open phase, ISO instants; default: today 00:00 UTC for 90 days */
  start?: string
  end?: string
  dailyLimit?: number
}

export interface PackedZip {
  name: string
  size: number
  sha256: string
  entries: number
}
export interface Packed {
  out: string
  /** where the public files go (--base-url), or undefined when left at the placeholder */
  baseUrl?: string
  /** the public folder's files, to upload */
  publicFiles: string[]
  zips: PackedZip[]
  boards: string[]
  hiddenIds: { speech: number; vision: number }
}

interface Experiments {
  speech: Array<{ language: SpeechLanguageCode; folder: string; path: string }>
  vision?: string
}

function findExperiments(dir: string): Experiments {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`${dir}: folder not found (the experiments to pack)`)
  const speech = readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const m = /^dataperf_(.+)_data$/.exec(name)
      if (!m || !statSync(join(dir, name)).isDirectory()) return []
      let language: SpeechLanguageCode
      try {
        language = requireSpeechLanguage(m[1]!)
      } catch (err) {
        throw new UserError(`${join(dir, name)}: ${(err as Error).message}`)
      }
      return [{ language, folder: name, path: join(dir, name) }]
    })
  const vision = existsSync(join(dir, 'vision', VISION_LAYOUT.setup)) ? join(dir, 'vision') : undefined
  if (speech.length === 0 && !vision) {
    throw new UserError(
      `${dir}: no experiments; expected dataperf_{lang}_data/ folders (dataperf create speech --out ${dir}/dataperf_en_data) or vision/task_setup.yaml (dataperf create vision --out ${dir}/vision)`,
    )
  }
  return { speech, vision }
}

/** Every string a public file holds: parquet ID columns, YAML scalars, CSV cells. */
async function stringsIn(path: string): Promise<Iterable<string>> {
  if (path.endsWith('.parquet')) {
    const f = await ParquetFile.open(path)
    try {
      const out: string[] = []
      for (const col of [ID_COLUMN, CLIP_ID_COLUMN])
        if (f.column(col)) out.push(...(await f.readScalars(col)).map(String))
      return out
    } finally {
      await f.close()
    }
  }
  const text = readFileSync(path, 'utf8')
  if (path.endsWith('.csv'))
    return (parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][]).flat()
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    const found: string[] = []
    const walk = (v: unknown): void => {
      if (typeof v === 'string') found.push(v)
      else if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object')
        Object.entries(v).forEach(([k, x]) => {
          found.push(k)
          walk(x)
        })
    }
    walk(parseYaml(text))
    return found
  }
  return text.split(/[\s,;"'[\]{}]+/)
}

/** The marker that tells download and doctor this folder is a public bundle, and says so to a reader. */
const PUBLIC_BUNDLE_TEXT = (kept: string) =>
  `This is the public bundle of a DataPerf selection challenge, made by \`dataperf challenge pack\`.\n` +
  `${kept} stay on the leaderboard server, which scores submissions (\`dataperf submit\`).\n`

async function assertNoLeak(entries: ZipEntry[], hidden: ReadonlySet<string>, what: string): Promise<void> {
  for (const e of entries) {
    if (e.bytes) continue // our own marker text
    const leaked = new Set<string>()
    for (const s of await stringsIn(e.source)) if (hidden.has(s)) leaked.add(s)
    if (leaked.size > 0)
      throw new UserError(
        `${e.source}: holds ${leaked.size} ${what} (${sampleList([...leaked], 3)}); it would be public, so nothing was packed`,
      )
  }
}

/** A speech embedding file's vectors must be 1024-d: what doctor, select, eval and the server read. */
async function requireSpeechDim(path: string): Promise<void> {
  const f = await ParquetFile.open(path)
  try {
    if (f.numRows === 0) return
    const r = await f.listLengthRange(EMBEDDING_COLUMN)
    const row = r.min !== SPEECH_DIM ? r.minRow : r.maxRow
    const length = r.min !== SPEECH_DIM ? r.min : r.max
    if (length !== SPEECH_DIM)
      throw new UserError(
        `${path}: row ${row} of ${EMBEDDING_COLUMN} has ${length} values, expected ${SPEECH_DIM} (MSWC's embeddings: what participants' select and eval read)`,
        { code: 'bad_file', path, row, field: EMBEDDING_COLUMN },
      )
  } finally {
    await f.close()
  }
}

function isoInstant(flag: string, value: string): string {
  const d = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime()))
    throw new UserError(`${flag}: expected an ISO instant such as 2026-12-01T00:00:00Z, got '${value}'`)
  return d.toISOString().replace(/\.000Z$/, 'Z')
}

export async function packChallenge(options: PackOptions): Promise<Packed> {
  const found = findExperiments(options.dir)
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL
  if (!/^https?:\/\//i.test(baseUrl))
    throw new UserError(`--base-url: expected an http:// or https:// URL, got '${baseUrl}'`)
  const urlOf = (name: string) => (baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`) + encodeURIComponent(name)
  const today = new Date()
  today.setUTCHours(0, 0, 0, 0)
  const start = isoInstant('--start', options.start ?? today.toISOString())
  const end = isoInstant('--end', options.end ?? new Date(new Date(start).getTime() + 90 * 86400e3).toISOString())
  if (new Date(end) <= new Date(start)) throw new UserError(`--end (${end}) must come after --start (${start})`)
  const dailyLimit = options.dailyLimit ?? 3
  if (!Number.isInteger(dailyLimit) || dailyLimit < 1)
    throw new UserError(`--daily-limit must be a positive integer, got ${dailyLimit}`)

  // what goes public, checked against what must stay hidden
  const speechPublic: Array<Experiments['speech'][number] & { entries: ZipEntry[] }> = []
  let hiddenSpeech = 0
  for (const s of found.speech) {
    for (const part of [
      SPEECH_LAYOUT.trainEmbeddings,
      SPEECH_LAYOUT.evalEmbeddings,
      SPEECH_LAYOUT.allowedTrainingSet,
      SPEECH_LAYOUT.evalSet,
    ]) {
      if (!existsSync(join(s.path, part)))
        throw new UserError(
          `${join(s.path, part)}: not found; a speech experiment holds train_embeddings/, eval_embeddings/, allowed_training_set.yaml and eval.yaml`,
        )
    }
    const allowedPath = join(s.path, SPEECH_LAYOUT.allowedTrainingSet)
    const allowed = readSampleIdsYaml(allowedPath)
    const evalIds = readSampleIdsYaml(join(s.path, SPEECH_LAYOUT.evalSet))
    // every eval clip is hidden, also one that is (wrongly) allowed for training too: that is a leak
    const hidden = new Set([...[...evalIds.targets.values()].flat(), ...evalIds.nontargets])
    const both = [...[...allowed.targets.values()].flat(), ...allowed.nontargets].filter((id) => hidden.has(id))
    if (both.length > 0)
      throw new UserError(
        `${allowedPath}: ${both.length} clip${both.length > 1 ? 's' : ''} of the eval set also allowed for training (${sampleList(both, 3)}); ${both.length > 1 ? 'they' : 'it'} would be published, so nothing was packed (a clip belongs to training or to eval, not both)`,
        { code: 'hidden_data', path: allowedPath },
      )
    // a target word without clips: every participant's selection would fail (an empty class is refused)
    const empty = [...allowed.targets].filter(([, ids]) => ids.length === 0).map(([word]) => word)
    if (empty.length > 0)
      throw new UserError(
        `${allowedPath}: target word${empty.length > 1 ? 's' : ''} ${sampleList(empty)} ${empty.length > 1 ? 'have' : 'has'} no allowed training clips; participants could not select ${empty.length > 1 ? 'them' : 'it'}`,
        { code: 'bad_file', path: allowedPath },
      )
    for (const part of [SPEECH_LAYOUT.trainEmbeddings, SPEECH_LAYOUT.evalEmbeddings])
      for (const f of filesUnder(join(s.path, part)).filter((f) => f.endsWith('.parquet')))
        await requireSpeechDim(join(s.path, part, f))
    hiddenSpeech += hidden.size
    const entries: ZipEntry[] = [
      {
        source: join(s.path, SPEECH_LAYOUT.allowedTrainingSet),
        name: `${s.folder}/${SPEECH_LAYOUT.allowedTrainingSet}`,
      },
      ...filesUnder(join(s.path, SPEECH_LAYOUT.trainEmbeddings)).map((f) => ({
        source: join(s.path, SPEECH_LAYOUT.trainEmbeddings, f),
        name: `${s.folder}/${SPEECH_LAYOUT.trainEmbeddings}/${f}`,
      })),
    ]
    await assertNoLeak(entries, hidden, 'eval clip IDs')
    entries.push({
      source: '',
      name: `${s.folder}/${SPEECH_LAYOUT.publicBundle}`,
      bytes: Buffer.from(PUBLIC_BUNDLE_TEXT(`${SPEECH_LAYOUT.evalSet} and ${SPEECH_LAYOUT.evalEmbeddings}/`)),
    })
    speechPublic.push({ ...s, entries })
  }
  let visionPublic: { entries: ZipEntry[]; tasks: string[]; hidden: number } | undefined
  if (found.vision) {
    const setup = loadVisionSetup(join(found.vision, VISION_LAYOUT.setup))
    const hidden = new Set<string>()
    for (const t of setup.tasks) {
      if (!existsSync(t.testParquet)) throw new UserError(`${t.testParquet}: test set of task ${t.name} not found`)
      const f = await ParquetFile.open(t.testParquet)
      try {
        for (const id of await f.readScalars(ID_COLUMN)) hidden.add(String(id))
      } finally {
        await f.close()
      }
    }
    if (!existsSync(setup.embFile))
      throw new UserError(`${setup.embFile}: the pool (emb_file of ${setup.setupPath}) not found`)
    const publicParts = [
      VISION_LAYOUT.pool,
      ...['examples', 'metadata'].flatMap((d) =>
        existsSync(join(found.vision!, d)) ? filesUnder(join(found.vision!, d)).map((f) => `${d}/${f}`) : [],
      ),
    ]
    const entries: ZipEntry[] = [VISION_LAYOUT.setup, ...publicParts].map((rel) => ({
      source: join(found.vision!, rel),
      name: `${VISION_BUNDLE_FOLDER}/${rel}`,
    }))
    await assertNoLeak(entries, hidden, 'test image IDs')
    entries.push({
      source: '',
      name: `${VISION_BUNDLE_FOLDER}/${VISION_LAYOUT.publicBundle}`,
      bytes: Buffer.from(PUBLIC_BUNDLE_TEXT('the test sets')),
    })
    visionPublic = { entries, tasks: setup.tasks.map((t) => t.name), hidden: hidden.size }
  }

  return buildFolder(options.out, async (tmp) => {
    const pub = join(tmp, PUBLIC_FOLDER),
      chal = join(tmp, CHALLENGE_FOLDER)
    mkdirSync(pub)
    mkdirSync(chal)
    const params: Record<string, string | number> = {}
    const zips: PackedZip[] = []
    for (const s of speechPublic) {
      const name = `${s.folder}.zip`
      const z = await writeZip(join(pub, name), s.entries)
      const prefix = speechPrefix(s.language)
      Object.assign(params, {
        [`${prefix}_url`]: urlOf(name),
        [`${prefix}_size`]: z.size,
        [`${prefix}_sha256`]: z.sha256,
      })
      zips.push({ name, size: z.size, sha256: z.sha256, entries: z.entries.length })
    }
    if (visionPublic) {
      const z = await writeZip(join(pub, VISION_ZIP_NAME), visionPublic.entries)
      Object.assign(params, {
        [`${VISION_PREFIX}_url`]: urlOf(VISION_ZIP_NAME),
        [`${VISION_PREFIX}_size`]: z.size,
        [`${VISION_PREFIX}_sha256`]: z.sha256,
      })
      zips.push({ name: VISION_ZIP_NAME, size: z.size, sha256: z.sha256, entries: z.entries.length })
    }
    // participants' selection reads the config (its eval seeds are the server's too); download fetches it
    const ownConfig = join(options.dir, SPEECH_LAYOUT.config)
    const config = existsSync(ownConfig) ? readFileSync(ownConfig) : Buffer.from(SPEECH_CONFIG_YAML)
    if (speechPublic.length > 0) {
      writeFileSync(join(pub, SPEECH_LAYOUT.config), config)
      Object.assign(params, {
        [`${SPEECH_CONFIG_PREFIX}_url`]: urlOf(SPEECH_LAYOUT.config),
        [`${SPEECH_CONFIG_PREFIX}_size`]: config.length,
        [`${SPEECH_CONFIG_PREFIX}_sha256`]: createHash('sha256').update(config).digest('hex'),
      })
    }
    writeFileSync(
      join(pub, PARAMETERS_FILE),
      (baseUrl === DEFAULT_BASE_URL
        ? '# Written by `dataperf challenge pack`. Host each file and set its *_url; keep *_size and *_sha256,\n'
        : `# Written by \`dataperf challenge pack\`. Host each file under ${baseUrl}; keep *_size and *_sha256,\n`) +
        '# which `dataperf download --parameters_file` verifies.\n' +
        stringify(params),
    )

    const boards: Array<Record<string, unknown>> = []
    if (speechPublic.length > 0) {
      mkdirSync(join(chal, 'speech'))
      writeFileSync(join(chal, 'speech', SPEECH_LAYOUT.config), config)
      for (const s of speechPublic) {
        cpSync(s.path, join(chal, 'speech', s.folder), { recursive: true })
        for (const size of LEADERBOARD_SIZES) {
          boards.push({
            id: `${s.language}-${size}`,
            track: 'speech',
            language: s.language,
            train_size: size,
            data_dir: `speech/${s.folder}`,
            config: `speech/${SPEECH_LAYOUT.config}`,
          })
        }
      }
    }
    if (found.vision) {
      cpSync(found.vision, join(chal, 'vision'), { recursive: true })
      boards.push({ id: 'vision', track: 'vision', setup: `vision/${VISION_LAYOUT.setup}` })
    }
    const doc = {
      name: options.name ?? 'DataPerf selection challenge',
      description:
        options.description ?? 'Choose small training sets; a fixed model trained on them is scored on hidden data.',
      boards,
      phases: [{ name: 'open', start, end, daily_limit: dailyLimit, leaderboard: 'public', rule: 'best' }],
    }
    writeFileSync(
      join(chal, 'challenge.yaml'),
      '# Written by `dataperf challenge pack`; serve with `dataperf serve --challenge <this folder>`.\n' +
        stringify(doc),
    )
    return {
      out: options.out,
      baseUrl: baseUrl === DEFAULT_BASE_URL ? undefined : baseUrl,
      publicFiles: readdirSync(pub).sort(),
      zips,
      boards: boards.map((b) => String(b.id)),
      hiddenIds: { speech: hiddenSpeech, vision: visionPublic?.hidden ?? 0 },
    }
  })
}
