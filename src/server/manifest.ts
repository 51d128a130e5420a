/**
 * Signed result manifests: each score carries what it was computed from (the submission's and the
 * challenge data files' SHA-256, the evaluator version, the seeds) signed with the server's ed25519
 * key, so anyone holding the public key can check a result offline (`dataperf verify-result`).
 * The signature covers the manifest's canonical JSON (RFC 8785: sorted keys, no whitespace).
 */
import { createPublicKey, generateKeyPairSync, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../errors.js'
import { removeTemp, tempPathFor } from '../io/temp-files.js'
import { hashFilesInBackground } from '../io/file-hash.js'
import { VERSION } from '../version.js'
import { canonicalJson } from './canonical-json.js'
import { boardDataFiles, type Board, type Challenge } from './challenge/load.js'

export { canonicalJson } from './canonical-json.js'

export const MANIFEST_FORMAT = 'dataperf-result/1'
/** What scored the submission: this package's version (its evaluators are the CLI's). */
export const EVALUATOR_VERSION = `dataperf ${VERSION}`
export const PRIVATE_KEY_FILE = 'server-ed25519.pem'
export const PUBLIC_KEY_FILE = 'server-ed25519.pub.pem'

export interface ResultManifest {
  format: typeof MANIFEST_FORMAT
  /** the server's name or URL */
  server: string
  board: string
  submission_id: string
  team: string
  /** ISO 8601 instants */
  submitted_at: string
  scored_at: string
  submission_sha256: string
  /** challenge data file (relative to the challenge folder) -> SHA-256 */
  data_files: Record<string, string>
  evaluator_version: string
  seeds?: number[]
  score: number
  details: unknown
  /** the audit log's entry for this score (its seq and hash): the log's head when it was scored */
  audit?: { seq: number; hash: string }
}

export interface SignedManifest {
  manifest: ResultManifest
  /** base64 ed25519 signature of canonicalJson(manifest) */
  signature: string
}

export interface ServerKey {
  privateKey: KeyObject
  publicKeyPem: string
}

/**
 * The server's signing key from `dir`, created on first use (private key PEM with mode 0600, public
 * key PEM beside it). Several processes starting at once end up with the same key: the file is
 * created by a hard link, which fails if another process linked first, and then theirs is read.
 */
export function loadOrCreateServerKey(dir: string): ServerKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const privatePath = join(dir, PRIVATE_KEY_FILE)
  if (!existsSync(privatePath)) {
    const { privateKey } = generateKeyPairSync('ed25519')
    const tmp = tempPathFor(privatePath)
    try {
      writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
      linkSync(tmp, privatePath)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      removeTemp(tmp)
    }
  }
  const mode = statSync(privatePath).mode & 0o777
  if (mode & 0o077)
    throw new UserError(
      `${privatePath}: the server's private key is readable by others (mode ${mode.toString(8)}); run chmod 600 ${privatePath}`,
    )
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(readFileSync(privatePath))
  } catch (err) {
    throw new UserError(`${privatePath}: not a PEM private key (${(err as Error).message})`)
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new UserError(`${privatePath}: expected an ed25519 key, found ${privateKey.asymmetricKeyType}`)
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  const publicPath = join(dir, PUBLIC_KEY_FILE)
  if (!existsSync(publicPath) || readFileSync(publicPath, 'utf8') !== publicKeyPem) {
    writeFileSync(publicPath, publicKeyPem)
    chmodSync(publicPath, 0o644)
  }
  return { privateKey, publicKeyPem }
}

export function signManifest(manifest: ResultManifest, privateKey: KeyObject): SignedManifest {
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64')
  return { manifest, signature }
}

/** Why `signed` does not verify under the public key, or undefined when it does. */
export function manifestProblem(signed: unknown, publicKeyPem: string): string | undefined {
  let key: KeyObject
  try {
    key = createPublicKey(publicKeyPem)
  } catch (err) {
    return `the public key is not a PEM public key (${(err as Error).message.split('\n')[0]})`
  }
  if (key.asymmetricKeyType !== 'ed25519') return `the public key is ${key.asymmetricKeyType}, expected ed25519`
  if (signed === null || typeof signed !== 'object' || Array.isArray(signed))
    return 'expected a JSON object {manifest, signature}'
  const { manifest, signature } = signed as Record<string, unknown>
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return "no 'manifest' object"
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return "no base64 'signature'"
  const m = manifest as Record<string, unknown>
  if (m['format'] !== MANIFEST_FORMAT)
    return `manifest format is ${JSON.stringify(m['format'])}, expected ${MANIFEST_FORMAT}`
  const bytes = Buffer.from(signature, 'base64')
  if (bytes.length !== 64) return `the signature has ${bytes.length} bytes, an ed25519 signature has 64`
  let text: string
  try {
    text = canonicalJson(manifest)
  } catch {
    return 'the manifest has no JSON form'
  }
  if (!verify(null, Buffer.from(text), key, bytes))
    return 'the signature does not match the manifest under this public key (the manifest was changed, or another key signed it)'
  for (const k of [
    'server',
    'board',
    'submission_id',
    'team',
    'submitted_at',
    'scored_at',
    'submission_sha256',
    'evaluator_version',
  ]) {
    if (typeof m[k] !== 'string') return `the signed manifest has no '${k}'`
  }
  if (typeof m['score'] !== 'number') return "the signed manifest has no numeric 'score'"
  return undefined
}

export function verifyManifest(signed: unknown, publicKeyPem: string): boolean {
  return manifestProblem(signed, publicKeyPem) === undefined
}

/** Hashes this process computed, by path, with the size, time and inode they were computed for. */
const knownHashes = new Map<string, { size: number; mtimeMs: number; ino: number; sha256: string }>()
/** Each loaded board's data files (a reloaded challenge has new board objects, so a new list). */
const dataFilesOf = new WeakMap<Board, string[]>()

/**
 * SHA-256 of each data file a board's scores depend on, keyed by its path in the challenge folder.
 * A worker asks for every job: files unchanged since this process hashed them are not read again.
 */
export async function boardDataHashes(challenge: Challenge, board: Board): Promise<Record<string, string>> {
  // the list follows symlinks (realpath per file): ~4 ms a job on the worker's main thread, so it
  // is resolved once per loaded board; each file's stat below still catches a changed file
  let files = dataFilesOf.get(board)
  if (!files) dataFilesOf.set(board, (files = boardDataFiles(challenge, board)))
  const out: Record<string, string> = {}
  const todo: string[] = []
  const stats = new Map<string, Stats>()
  for (const f of files) {
    const path = join(challenge.dir, f)
    const st = statSync(path)
    stats.set(path, st)
    const known = knownHashes.get(path)
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) out[f] = known.sha256
    else todo.push(path)
  }
  if (todo.length > 0) {
    const hashes = await hashFilesInBackground(todo)
    for (const path of todo) {
      const st = stats.get(path)!
      knownHashes.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: hashes[path]! })
    }
  }
  return Object.fromEntries(files.map((f) => [f, out[f] ?? knownHashes.get(join(challenge.dir, f))!.sha256]))
}
