/**
 * Server tests run the real thing: `dataperf serve` / `dataperf worker` processes on loopback,
 * a SQLite file or a fresh database on the throwaway PostgreSQL cluster of
 * scripts/test-postgres.sh ($DATAPERF_TEST_PG_URL; required when CI=true), and a small generated
 * challenge (the same generators as `dataperf generate`).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import pg from 'pg'
import { stringify } from 'yaml'
import { speechBoardPaths, type SpeechBoard } from '../../src/server/challenge/load.js'
import { readSampleIdsYaml } from '../../src/speech/sample-ids.js'
import { SPEECH_LAYOUT } from '../../src/speech/layout.js'
import { generateSpeechBenchmark } from '../../src/synth/speech.js'
import { generateVisionBenchmark, VISION_LAYOUT } from '../../src/synth/vision.js'
import { Rng } from '../../src/ml/rng.js'
import { CLI } from './paths.js'
import { copyFixture, sharedFixture } from './shared-fixtures.js'

export interface ChallengeOptions {
  dailyLimit?: number
  leaderboard?: 'public' | 'hidden'
  rule?: 'best' | 'latest'
  vision?: boolean
  /** eval seeds in the speech config (default: the official 10); fewer make scoring quicker */
  seeds?: number[]
}

/** A challenge folder: speech en at cap 25 (clip counts x0.05), optionally vision (1,000-image pool). */
export function makeChallenge(dir: string, options: ChallengeOptions = {}): string {
  mkdirSync(dir, { recursive: true })
  // the generated data is the same for every challenge: made once (shared-fixtures.ts), copied here
  const speech = sharedFixture('challenge-speech-en-seed3-scale0.05', (out) =>
    generateSpeechBenchmark({ out: join(out, 'data'), seed: 3, languages: ['en'], scale: 0.05 }),
  )
  copyFixture(speech, join(dir, 'speech'))
  const boards: Array<Record<string, unknown>> = [
    {
      id: 'en-25',
      track: 'speech',
      language: 'en',
      train_size: 25,
      data_dir: `speech/data/${SPEECH_LAYOUT.languageDir('en')}`,
      config: `speech/${SPEECH_LAYOUT.config}`,
    },
  ]
  if (options.seeds) {
    writeFileSync(
      join(dir, 'speech', SPEECH_LAYOUT.config),
      `selection_random_seed: 0\neval_random_seeds: [${options.seeds.join(', ')}]\n`,
    )
  }
  if (options.vision) {
    const vision = sharedFixture('challenge-vision-seed3-pool1000', (out) =>
      generateVisionBenchmark({ out, seed: 3, poolSize: 1000 }),
    )
    copyFixture(vision, join(dir, 'vision'))
    boards.push({ id: 'vision', track: 'vision', setup: `vision/${VISION_LAYOUT.setup}` })
  }
  writeChallengeYaml(dir, boards, options)
  return dir
}

export function writeChallengeYaml(
  dir: string,
  boards: Array<Record<string, unknown>>,
  options: ChallengeOptions = {},
): void {
  writeFileSync(
    join(dir, 'challenge.yaml'),
    stringify({
      name: 'Test challenge',
      boards,
      phases: [
        {
          name: 'open',
          start: '2020-01-01T00:00:00Z',
          end: '2100-01-01T00:00:00Z',
          daily_limit: options.dailyLimit ?? 3,
          leaderboard: options.leaderboard ?? 'public',
          rule: options.rule ?? 'best',
        },
      ],
    }),
  )
}

/**
 * `dataperf speech eval` arguments that score `trainFile` as `board` does (its data folder's files and
 * config). With `fromDataDir` the data files are named relative to the board's folder, for a run
 * there whose messages name files as the server's do.
 */
export function boardSpeechEvalArgs(board: SpeechBoard, trainFile: string, fromDataDir = false): string[] {
  const p = speechBoardPaths(board)
  const name = (path: string) => (fromDataDir ? relative(board.dataDir, path) : path)
  return [
    'speech',
    'eval',
    '--language',
    board.language,
    '--train_size',
    String(board.trainSize),
    '--train_file',
    trainFile,
    '--allowed_training_set',
    name(p.allowedTrainingSet),
    '--eval_file',
    name(p.evalFile),
    '--train_embeddings_dir',
    name(p.trainEmbeddingsDir),
    '--eval_embeddings_dir',
    name(p.evalEmbeddingsDir),
    '--config_file',
    board.configPath,
  ]
}

/** `dataperf speech eval` arguments for an en-25 training file on a makeChallenge() challenge (what the server scores it with). */
export function speechEvalArgs(challengeDir: string, trainFile: string): string[] {
  const data = join(challengeDir, 'speech/data/dataperf_en_data')
  return [
    'speech',
    'eval',
    '--language',
    'en',
    '--train_size',
    '25',
    '--train_file',
    trainFile,
    '--eval_embeddings_dir',
    join(data, 'eval_embeddings'),
    '--train_embeddings_dir',
    join(data, 'train_embeddings'),
    '--allowed_training_set',
    join(data, 'allowed_training_set.yaml'),
    '--eval_file',
    join(data, 'eval.yaml'),
    '--config_file',
    join(challengeDir, 'speech/dataperf_speech_config.yaml'),
  ]
}

/** A valid en_25_train.json, different for each seed: 3 clips per target word, the rest nontargets. */
export function speechSelection(challengeDir: string, seed: number): Buffer {
  const allowed = readSampleIdsYaml(
    join(challengeDir, 'speech/data', SPEECH_LAYOUT.languageDir('en'), SPEECH_LAYOUT.allowedTrainingSet),
  )
  const rng = new Rng(seed)
  const pick = (ids: string[], n: number) => {
    const copy = [...ids]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1))
      ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
    }
    return copy.slice(0, n).sort()
  }
  const targets: Record<string, string[]> = {}
  for (const [word, ids] of allowed.targets) targets[word] = pick(ids, 3)
  const used = Object.values(targets).flat().length
  return Buffer.from(JSON.stringify({ targets, nontargets: pick(allowed.nontargets, 24 - used) }, null, 4))
}

export interface Proc {
  url: string
  child: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts `dataperf ARGS` and waits for its "listening on URL" (or "dataperf worker:") line. */
export function startProc(
  args: string[],
  cwd: string,
  ready = /listening on (http:\/\/\S+)|dataperf worker: /,
): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let done = false
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = ready.exec(out)
      if (m && !done) {
        done = true
        resolve({
          url: m[1] ?? '',
          child,
          output: () => out,
          stop: (signal = 'SIGTERM') =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r()
              child.once('exit', () => r())
              child.kill(signal)
            }),
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      if (!done) {
        done = true
        reject(new Error(`dataperf ${args.join(' ')} exited ${code}:\n${out}`))
      }
    })
  })
}

/** A fresh database on the test cluster, or undefined when there is none (never in CI). */
export async function freshPostgres(): Promise<string | undefined> {
  const base = process.env['DATAPERF_TEST_PG_URL']
  if (!base) {
    if (process.env['CI'] === 'true')
      throw new Error('DATAPERF_TEST_PG_URL is not set: .ci/run starts a PostgreSQL cluster for the server tests')
    return undefined
  }
  return createDatabase(base, 'dataperf_test')
}

/** A new, empty database `<prefix>_<random>` on the cluster at `base`; its URL. */
export async function createDatabase(base: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  await client.query(`create database ${name}`)
  await client.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

export interface Answer<T = any> {
  status: number
  body: T
  headers: Headers
}

/** JSON API calls as a client would make them. */
export class Api {
  constructor(readonly url: string) {}

  async call<T = any>(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; headers?: Record<string, string>; raw?: boolean } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers['authorization'] = `Bearer ${options.token}`
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    const send = () =>
      fetch(`${this.url}${path.startsWith('/') ? '' : '/api/v1/'}${path}`, {
        method,
        headers,
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
      })
    // a GET on a pooled keep-alive socket the server closed meanwhile (the test's event loop was
    // blocked, e.g. by spawnSync, past the socket's lifetime) fails without reaching the server: send it again
    const res = await send().catch((err: Error) => {
      if (method === 'GET') return send()
      throw err
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      /* CSV, PEM, ... */
    }
    return { status: res.status, body: body as T, headers: res.headers }
  }

  /** Signs up, creates (or joins) a team and an API token; returns the token. */
  async participant(email: string, team?: string): Promise<{ token: string; teamId?: string }> {
    const password = 'correct horse battery'
    const s = await this.call('POST', 'auth/signup', { json: { email, name: email.split('@')[0], password } })
    if (s.status !== 201) throw new Error(`signup ${email}: ${JSON.stringify(s.body)}`)
    const login = await this.call('POST', 'auth/login', { json: { email, password } })
    const cookie = (login.headers.get('set-cookie') ?? '')
      .split(/,(?=\s*\w+=)/)
      .map((c) => c.split(';')[0]!.trim())
      .join('; ')
    const tok = await this.call('POST', 'tokens', {
      json: { name: 'test' },
      headers: { cookie, 'x-csrf-token': login.body.csrf_token },
    })
    if (tok.status !== 201) throw new Error(`token ${email}: ${JSON.stringify(tok.body)}`)
    let teamId: string | undefined
    if (team) {
      const t = await this.call('POST', 'teams', { token: tok.body.token, json: { name: team } })
      if (t.status !== 201) throw new Error(`team ${team}: ${JSON.stringify(t.body)}`)
      teamId = t.body.team.id
    }
    return { token: tok.body.token, teamId }
  }

  async submit(
    token: string,
    board: string,
    files: Array<{ name: string; bytes: Buffer }>,
    method = 'test method',
  ): Promise<Answer> {
    const form = new FormData()
    form.append('method', method)
    for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)]), f.name)
    const res = await fetch(`${this.url}/api/v1/boards/${board}/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers }
  }

  /** Polls a submission until it is scored or failed. */
  async waitScored(token: string, id: string, timeoutMs = 120_000): Promise<any> {
    const end = Date.now() + timeoutMs
    for (;;) {
      const r = await this.call('GET', `submissions/${id}`, { token })
      if (r.body.status === 'scored' || r.body.status === 'failed') return r.body
      if (Date.now() > end) throw new Error(`submission ${id} still ${r.body.status} after ${timeoutMs} ms`)
      await new Promise((res) => setTimeout(res, 200))
    }
  }
}

/** Reads the server's database directly (what the tests check: rows, counts, stored secrets). */
export async function query<T = Record<string, unknown>>(dbSpec: string, text: string): Promise<T[]> {
  if (/^postgres/.test(dbSpec)) {
    const client = new pg.Client({ connectionString: dbSpec })
    await client.connect()
    try {
      return (await client.query(text)).rows as T[]
    } finally {
      await client.end()
    }
  }
  const { default: SQLite } = await import('better-sqlite3')
  const db = new SQLite(dbSpec, { readonly: true })
  try {
    return db.prepare(text).all() as T[]
  } finally {
    db.close()
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Waits until `check` returns a value (not undefined), polling. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** The processes a process started (a worker's scoring processes), from /proc/PID/task/TID/children (Linux). */
export function childPids(pid: number): number[] {
  const out: number[] = []
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' '))
          if (c.trim()) out.push(Number(c))
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // the process ended meanwhile
  }
  return out
}
