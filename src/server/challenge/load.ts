/**
 * A challenge folder: challenge.yaml names the boards (speech: language, size cap, data folder,
 * config with the eval seeds; vision: a task_setup.yaml whose test sets stay on the server) and
 * the phases (dates, daily limit, public or hidden board, best or latest rule). Every path is
 * resolved inside the folder; a mistake is a one-line UserError naming challenge.yaml and the key.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../../errors.js'
import { checkNumber, POSITIVE_INT } from '../../numbers.js'
import { readYamlFile } from '../../io/yaml.js'
import { loadSpeechConfig } from '../../speech/config.js'
import { requireSpeechLanguage, SPEECH_LAYOUT, speechDataPaths, type SpeechLanguageCode } from '../../speech/layout.js'
import { loadVisionSetup } from '../../vision/setup.js'
import { checkRealInside, isWithin, relativeInside, resolveInside } from './inside.js'

export const CHALLENGE_FILE = 'challenge.yaml'

export interface SpeechBoard {
  id: string
  track: 'speech'
  language: SpeechLanguageCode
  trainSize: number
  /** absolute: allowed_training_set.yaml, eval.yaml, train_embeddings/, eval_embeddings/ */
  dataDir: string
  /** absolute: the speech config with eval_random_seeds */
  configPath: string
}

export interface VisionBoard {
  id: string
  track: 'vision'
  /** absolute path of the task_setup.yaml */
  setupPath: string
  /** the setup's eval_tasks, in order */
  tasks: string[]
}

export type Board = SpeechBoard | VisionBoard

export type LeaderboardVisibility = 'public' | 'hidden'
export type RankRule = 'best' | 'latest'

export interface Phase {
  name: string
  start: Date
  /** exclusive */
  end: Date
  /** valid submissions per team per board per UTC day */
  dailyLimit: number
  leaderboard: LeaderboardVisibility
  rule: RankRule
}

export interface Challenge {
  /** absolute path of the challenge folder */
  dir: string
  name: string
  description: string
  boards: Board[]
  phases: Phase[]
}

const BOARD_ID = /^[a-z0-9-]+$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** The speech data files of a board's data folder (the official names). */
export function speechBoardPaths(board: SpeechBoard) {
  return speechDataPaths(board.dataDir)
}

/** The submitted file name a speech board expects: {lang}_{size}_train.json. */
export function speechTrainFileName(board: SpeechBoard): string {
  return SPEECH_LAYOUT.trainFile(board.language, board.trainSize)
}

export function loadChallenge(dir: string): Challenge {
  const root = resolve(dir)
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UserError(`${dir}: challenge folder not found`)
  const file = join(root, CHALLENGE_FILE)
  if (!existsSync(file))
    throw new UserError(`${file}: not found; a challenge folder holds challenge.yaml naming its boards and phases`)
  checkRealInside(root, file, file)
  const doc = readYamlFile(file)
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new UserError(`${file}: expected a mapping with name, boards and phases`)
  const y = doc as Record<string, unknown>
  const at = (key: string) => `${file}: ${key}`
  for (const key of Object.keys(y)) {
    if (!['name', 'description', 'boards', 'phases'].includes(key))
      throw new UserError(`${at(key)}: unknown key (expected name, description, boards, phases)`)
  }
  const name = y['name']
  if (typeof name !== 'string' || name.trim() === '') throw new UserError(`${at('name')}: expected a non-empty string`)
  const description = y['description'] ?? ''
  if (typeof description !== 'string') throw new UserError(`${at('description')}: expected text`)

  const rawBoards = y['boards']
  if (!Array.isArray(rawBoards) || rawBoards.length === 0)
    throw new UserError(`${at('boards')}: expected a non-empty list of boards`)
  const boards = rawBoards.map((b, i) => loadBoard(root, file, b, i))
  const seen = new Set<string>()
  boards.forEach((b, i) => {
    if (seen.has(b.id))
      throw new UserError(`${at(`boards[${i}].id`)}: '${b.id}' is used by an earlier board; board ids must be unique`)
    seen.add(b.id)
  })

  const rawPhases = y['phases']
  if (!Array.isArray(rawPhases) || rawPhases.length === 0)
    throw new UserError(`${at('phases')}: expected a non-empty list of phases`)
  const phases = rawPhases.map((p, i) => loadPhase(file, p, i))
  const names = new Set<string>()
  phases.forEach((p, i) => {
    if (names.has(p.name))
      throw new UserError(
        `${at(`phases[${i}].name`)}: '${p.name}' is used by an earlier phase; phase names must be unique`,
      )
    names.add(p.name)
  })
  const byStart = phases.map((p, i) => ({ p, i })).sort((a, b) => a.p.start.getTime() - b.p.start.getTime())
  for (let k = 1; k < byStart.length; k++) {
    const prev = byStart[k - 1]!,
      cur = byStart[k]!
    if (cur.p.start < prev.p.end) {
      throw new UserError(
        `${at(`phases[${cur.i}]`)}: '${cur.p.name}' starts at ${cur.p.start.toISOString()}, before '${prev.p.name}' ends (${prev.p.end.toISOString()}); phases must not overlap`,
      )
    }
  }
  return { dir: root, name: name.trim(), description, boards, phases }
}

function loadBoard(root: string, file: string, raw: unknown, i: number): Board {
  const at = (key?: string) => `${file}: boards[${i}]${key ? '.' + key : ''}`
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UserError(`${at()}: expected a mapping with id and track`)
  const b = raw as Record<string, unknown>
  const id = b['id']
  if (typeof id !== 'string' || !BOARD_ID.test(id))
    throw new UserError(
      `${at('id')}: expected an id of lowercase letters, digits and '-' (used in URLs), found ${JSON.stringify(id)}`,
    )
  const allow = (keys: string[]) => {
    for (const key of Object.keys(b))
      if (!keys.includes(key))
        throw new UserError(`${at(key)}: unknown key for a ${String(b['track'])} board (expected ${keys.join(', ')})`)
  }
  if (b['track'] === 'speech') {
    allow(['id', 'track', 'language', 'train_size', 'data_dir', 'config'])
    let language: SpeechLanguageCode
    try {
      language = requireSpeechLanguage(String(b['language']))
    } catch (err) {
      throw new UserError(`${at('language')}: ${(err as Error).message}`)
    }
    // the size cap, 25 or 60 on the official leaderboards
    const trainSize = checkNumber(b['train_size'], POSITIVE_INT, { path: file, field: `boards[${i}].train_size` })
    const dataDir = requireExisting(resolveInside(root, root, b['data_dir'], at('data_dir')), 'folder', at('data_dir'))
    const configPath = requireExisting(resolveInside(root, root, b['config'], at('config')), 'file', at('config'))
    const board: SpeechBoard = { id, track: 'speech', language, trainSize, dataDir, configPath }
    const paths = speechBoardPaths(board)
    requireExisting(paths.allowedTrainingSet, 'file', at('data_dir'))
    requireExisting(paths.evalFile, 'file', at('data_dir'))
    requireExisting(paths.trainEmbeddingsDir, 'folder', at('data_dir'))
    requireExisting(paths.evalEmbeddingsDir, 'folder', at('data_dir'))
    loadSpeechConfig(configPath) // a bad config is refused at start, not at the first submission
    for (const f of speechBoardFiles(board)) checkRealInside(root, f, at('data_dir'))
    return board
  }
  if (b['track'] === 'vision') {
    allow(['id', 'track', 'setup'])
    const setupPath = requireExisting(resolveInside(root, root, b['setup'], at('setup')), 'file', at('setup'))
    const setup = loadVisionSetup(setupPath)
    for (const [what, path] of [
      ['data_dir', setup.dataDir],
      ['emb_file', setup.embFile],
      ...setup.tasks.map((t) => [`${t.name} test set`, t.testParquet]),
    ] as Array<[string, string]>) {
      if (!isWithin(root, path))
        throw new UserError(
          `${setupPath}: ${what} '${path}' lies outside the challenge folder ${root}; the server reads test data only from inside it`,
        )
      checkRealInside(root, path, `${setupPath}: ${what}`)
    }
    requireExisting(setup.embFile, 'file', `${setupPath}: emb_file`)
    for (const t of setup.tasks) requireExisting(t.testParquet, 'file', `${setupPath}: ${t.name}`)
    return { id, track: 'vision', setupPath, tasks: setup.tasks.map((t) => t.name) }
  }
  throw new UserError(`${at('track')}: expected speech or vision, found ${JSON.stringify(b['track'])}`)
}

function requireExisting(path: string, kind: 'file' | 'folder', where: string): string {
  const ok = existsSync(path) && (kind === 'file' ? statSync(path).isFile() : statSync(path).isDirectory())
  if (!ok) throw new UserError(`${where}: ${kind} ${path} not found`)
  return path
}

function loadPhase(file: string, raw: unknown, i: number): Phase {
  const at = (key?: string) => `${file}: phases[${i}]${key ? '.' + key : ''}`
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UserError(`${at()}: expected a mapping with name, start, end, daily_limit`)
  const p = raw as Record<string, unknown>
  for (const key of Object.keys(p)) {
    if (!['name', 'start', 'end', 'daily_limit', 'leaderboard', 'rule'].includes(key))
      throw new UserError(`${at(key)}: unknown key (expected name, start, end, daily_limit, leaderboard, rule)`)
  }
  const name = p['name']
  if (typeof name !== 'string' || name.trim() === '') throw new UserError(`${at('name')}: expected a non-empty string`)
  const instant = (key: string): Date => {
    const v = p[key]
    const d = typeof v === 'string' && ISO_INSTANT.test(v) ? new Date(v) : undefined
    if (!d || Number.isNaN(d.getTime()))
      throw new UserError(
        `${at(key)}: expected a date and time with a time zone, e.g. 2026-12-01T00:00:00Z, found ${JSON.stringify(v)}`,
      )
    return d
  }
  const start = instant('start'),
    end = instant('end')
  if (end <= start) throw new UserError(`${at('end')}: ${end.toISOString()} is not after start ${start.toISOString()}`)
  // valid submissions per team per board per UTC day
  const dailyLimit = checkNumber(p['daily_limit'], POSITIVE_INT, { path: file, field: `phases[${i}].daily_limit` })
  const leaderboard = p['leaderboard'] ?? 'public'
  if (leaderboard !== 'public' && leaderboard !== 'hidden')
    throw new UserError(`${at('leaderboard')}: expected public or hidden, found ${JSON.stringify(leaderboard)}`)
  const rule = p['rule'] ?? 'best'
  if (rule !== 'best' && rule !== 'latest')
    throw new UserError(`${at('rule')}: expected best or latest, found ${JSON.stringify(rule)}`)
  return { name: name.trim(), start, end, dailyLimit, leaderboard, rule }
}

/** The phase open at `now` (start inclusive, end exclusive), or undefined between and outside phases. */
export function phaseAt(challenge: Challenge, now: Date): Phase | undefined {
  return challenge.phases.find((p) => p.start <= now && now < p.end)
}

export function findBoard(challenge: Challenge, id: string): Board | undefined {
  return challenge.boards.find((b) => b.id === id)
}

/** Every file under a folder, recursively, sorted (symlinks to folders are not followed). */
function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else out.push(path)
  }
  return out.sort()
}

/** The files a speech board's evaluation reads: config, ID files, every embedding file. */
function speechBoardFiles(board: SpeechBoard): string[] {
  const p = speechBoardPaths(board)
  return [
    board.configPath,
    p.allowedTrainingSet,
    p.evalFile,
    ...filesUnder(p.trainEmbeddingsDir),
    ...filesUnder(p.evalEmbeddingsDir),
  ]
}

/** The files a board's evaluation reads (absolute paths). */
function boardDataPaths(board: Board): string[] {
  if (board.track === 'speech') return speechBoardFiles(board)
  const setup = loadVisionSetup(board.setupPath)
  return [board.setupPath, setup.embFile, ...setup.tasks.map((t) => t.testParquet)]
}

/**
 * Every data file the evaluator reads, relative to the challenge folder with forward slashes,
 * sorted and without repeats (boards may share files): what a result manifest hashes.
 */
export function challengeDataFiles(challenge: Challenge): string[] {
  return relativeSorted(challenge.dir, challenge.boards.flatMap(boardDataPaths))
}

/** Like challengeDataFiles, for one board: the files its scores depend on. */
export function boardDataFiles(challenge: Challenge, board: Board): string[] {
  return relativeSorted(challenge.dir, boardDataPaths(board))
}

function relativeSorted(root: string, paths: string[]): string[] {
  return [...new Set(paths.map((f) => relativeInside(root, realInside(root, f))))].sort()
}

/** Follows symlinks inside the folder so a shared file is listed once. */
function realInside(root: string, path: string): string {
  const real = realpathSync(path)
  const realRoot = realpathSync(root)
  return isWithin(realRoot, real) ? join(root, relativeInside(realRoot, real)) : path
}
