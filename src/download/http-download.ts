/**
 * Streams a URL to disk with Node's own http/https:
 * - the body goes to `X.part`; `X` appears (by rename) only once the file is whole and verified;
 * - an interrupted transfer resumes with `Range: bytes=N-`, guarded by `If-Range` with the strong
 *   ETag (else Last-Modified) seen when the .part was started, kept in `X.part.json`; a server that
 *   ignores the range (200) or whose file changed starts again from zero;
 * - network errors, stalls and 408/429/5xx are retried with exponential back-off (Retry-After
 *   honoured); attempts that make no new progress are bounded by `retries`;
 * - the size is checked against Content-Length / Content-Range and a configured size, and the
 *   file against a configured sha256 / md5; a mismatch removes the .part.
 * Errors are UserErrors naming the URL or file.
 */
import { createHash } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { UserError } from '../errors.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { VERSION } from '../version.js'
import { errnoCode, noSpaceError } from '../io/fs-errors.js'
import { writeError } from './write-error.js'
import { googleDriveMessage, isGoogleDriveUrl } from './google-drive.js'
import { acquireLock } from './lock.js'
import type { Resource } from './parameters.js'

export interface DownloadOptions {
  /** further attempts after a failure; one that brought new bytes restarts the count (default 5) */
  retries?: number
  /** the first back-off wait; it doubles with each retry (default 1000 ms) */
  backoffMs?: number
  /** the longest back-off wait (default 30 s) */
  maxBackoffMs?: number
  /** give up on a connection that sends nothing for this long, and retry (default 60 s) */
  timeoutMs?: number
  /** redirects followed per attempt (default 10) */
  maxRedirects?: number
  /** behave as if the disk were full once this many bytes were written (tests; quotas) */
  diskLimitBytes?: number
  /** bytes on disk so far (resumed bytes included) and the total when known */
  onProgress?: (done: number, total: number | undefined) => void
  /** one-line notes: retries, restarts, resumes */
  log?: (message: string) => void
  /** for the Google Drive message: the command that lays out a zip downloaded by hand */
  zipCommand?: string
  /** for the Google Drive message: where a direct URL would go */
  directUrlHint?: string
}

export interface DownloadResult {
  path: string
  size: number
  /** bytes that were already on disk when the last attempt resumed (0: not resumed) */
  resumedFrom: number
  attempts: number
}

/** A failure worth another attempt (network, stall, 5xx). */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

interface PartMeta {
  url: string
  /** strong ETag or Last-Modified of the response the .part started from */
  validator?: string
  total?: number
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Errors of a request that another attempt will not fix. */
const FATAL_NETWORK =
  /^(ENOTFOUND|ERR_INVALID_URL|ERR_TLS_CERT_ALTNAME_INVALID|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_)/

function readMeta(path: string): PartMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as PartMeta
    return typeof meta === 'object' && meta !== null && typeof meta.url === 'string' ? meta : undefined
  } catch {
    return undefined
  }
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function contentLength(res: IncomingMessage): number | undefined {
  const value = res.headers['content-length']
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

/** The If-Range validator of a response: a strong ETag, else Last-Modified. */
function validatorOf(res: IncomingMessage): string | undefined {
  const etag = res.headers.etag
  if (etag && !etag.startsWith('W/')) return etag
  return res.headers['last-modified'] || undefined
}

/** Sends a GET and resolves with the response headers; a stall or socket error is retryable. */
function get(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { headers, agent: false }, resolve)
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error(`no data for ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })),
    )
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? ''
      if (FATAL_NETWORK.test(code))
        reject(
          new UserError(
            `${url.href}: ${code === 'ENOTFOUND' ? `host ${url.hostname} not found` : err.message} (${code})`,
          ),
        )
      else
        reject(
          new RetryableError(`${url.href}: ${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`),
        )
    })
    req.end()
  })
}

function statusError(url: string, res: IncomingMessage): UserError {
  const status = res.statusCode ?? 0
  const hint = status === 403 || status === 404 || status === 410 ? '; check the URL (parameters file or --url)' : ''
  return new UserError(`${url}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}${hint}`)
}

interface AttemptState {
  url: string
  part: string
  metaPath: string
  resource: Resource
  options: DownloadOptions
}

/**
 * One attempt: continue the .part when it can be done safely, else start it afresh.
 * Resolves with the total size when known once the body is on disk.
 */
async function attempt(s: AttemptState): Promise<{ total: number | undefined; resumedFrom: number }> {
  const { part, metaPath, options } = s
  const have = existsSync(part) ? statSync(part).size : 0
  const meta = have > 0 ? readMeta(metaPath) : undefined
  const headers: Record<string, string> = { 'User-Agent': `dataperf/${VERSION}`, 'Accept-Encoding': 'identity' }
  const canResume = have > 0 && meta !== undefined && meta.url === s.url && meta.validator !== undefined
  if (canResume) {
    headers.Range = `bytes=${have}-`
    headers['If-Range'] = meta.validator!
  } else if (have > 0) {
    // say why it cannot be resumed: each reason asks something different of the user
    const why =
      meta === undefined
        ? `no record of where it was downloaded from (${metaPath} is missing or unreadable)`
        : meta.url !== s.url
          ? `it was started from another URL (${meta.url})`
          : 'the server sent no ETag or Last-Modified for it'
    options.log?.(`${part}: cannot resume it safely: ${why}; starting again`)
  }

  let href = new URL(s.url)
  let res: IncomingMessage
  for (let hops = 0; ; hops++) {
    res = await get(href, headers, options.timeoutMs ?? 60_000)
    const location = res.headers.location
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) break
    res.resume()
    if (hops >= (options.maxRedirects ?? 10))
      throw new UserError(`${s.url}: more than ${options.maxRedirects ?? 10} redirects`)
    href = new URL(location, href)
  }
  const status = res.statusCode ?? 0
  const restart = (why: string): never => {
    res.resume()
    rmSync(part, { force: true })
    rmSync(metaPath, { force: true })
    throw new RetryableError(`${s.url}: ${why}; starting again from zero`, 0)
  }

  if (status === 416 && canResume) {
    // the .part may already be whole (a run stopped between the last byte and the rename)
    const m = /^bytes \*\/(\d+)$/.exec(res.headers['content-range'] ?? '')
    if (m && Number(m[1]) === have && (meta!.total === undefined || meta!.total === have)) {
      res.resume()
      return { total: have, resumedFrom: have }
    }
    restart(`the server refused the range bytes=${have}- (HTTP 416)`)
  }
  if (status === 408 || status === 429 || status >= 500) {
    res.resume()
    throw new RetryableError(`${s.url}: HTTP ${status}`, parseRetryAfter(res.headers['retry-after']))
  }
  if (status !== 200 && status !== 206) {
    res.resume()
    throw statusError(s.url, res)
  }

  let start = 0
  let total: number | undefined
  if (status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '')
    if (!canResume || !m || Number(m[1]) !== have)
      return restart(`unexpected partial response (Content-Range: ${res.headers['content-range'] ?? 'none'})`)
    total = m[3] === '*' ? undefined : Number(m[3])
    if (total !== undefined && (Number(m[2]) !== total - 1 || (meta!.total !== undefined && meta!.total !== total))) {
      return restart(`the file on the server changed size (${meta!.total} -> ${total} bytes)`)
    }
    total ??= meta!.total
    start = have
    options.log?.(`${s.url}: resuming at byte ${have}${total !== undefined ? ` of ${total}` : ''}`)
  } else {
    if (/^text\/html/i.test(res.headers['content-type'] ?? '')) {
      res.resume()
      throw new UserError(
        `${s.url}: the server sent a web page (text/html), not the file (a sign-in or confirmation page?); download it in a browser and use ${options.zipCommand ?? '--zip FILE'}`,
      )
    }
    total = contentLength(res)
    if (have > 0 && canResume)
      options.log?.(
        `${s.url}: the server sent the whole file instead of the rest (no range support, or the file changed); starting again from zero`,
      )
  }
  const expected = s.resource.size
  if (expected !== undefined && total !== undefined && total !== expected) {
    res.resume()
    rmSync(part, { force: true })
    rmSync(metaPath, { force: true })
    throw new UserError(
      `${s.url}: size mismatch: the server announces ${total} bytes, expected ${expected} (${s.resource.source ?? 'parameters'})`,
    )
  }
  if (start === 0) {
    const record: PartMeta = { url: s.url, validator: validatorOf(res), total }
    writeFileAtomic(metaPath, JSON.stringify(record))
  }

  let written = start
  const limit = options.diskLimitBytes
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length
      if (limit !== undefined && written > limit) {
        callback(noSpaceError(limit))
        return
      }
      options.onProgress?.(written, total)
      callback(null, chunk)
    },
  })
  let fileError: unknown
  // opened synchronously so the .part exists before any byte flows: a failure then never races
  // an asynchronous open that would recreate the .part after the caller removed it
  const fd = openSync(part, start > 0 ? 'r+' : 'w') // disk errors become one clear line in the caller
  const out = createWriteStream(part, start > 0 ? { fd, start } : { fd })
  out.on('error', (err) => {
    fileError = err
  })
  try {
    await pipeline(res, meter, out)
  } catch (err) {
    const disk = fileError ?? (errnoCode(err) === 'ENOSPC' ? err : undefined)
    if (disk) throw disk
    throw new RetryableError(
      `${s.url}: connection lost after ${written}${total !== undefined ? ` of ${total}` : ''} bytes (${(err as Error).message})`,
    )
  }
  if (total !== undefined && written < total)
    throw new RetryableError(`${s.url}: connection closed after ${written} of ${total} bytes`)
  return { total, resumedFrom: start }
}

async function digests(path: string, algorithms: Array<'sha256' | 'md5'>): Promise<Record<string, string>> {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const)
  try {
    for await (const chunk of createReadStream(path)) for (const [, h] of hashes) h.update(chunk as Buffer)
  } catch (err) {
    throw new UserError(`${path}: cannot read (${errnoCode(err) ?? (err as Error).message})`)
  }
  return Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]))
}

/**
 * Checks `path` against the size and checksums configured in `resource` (`label` names the file
 * in messages); resolves when it matches, else throws a UserError with both values.
 */
export async function verifyFile(
  path: string,
  resource: Omit<Resource, 'url'>,
  label = path,
  announced?: number,
): Promise<number> {
  const size = statSync(path).size
  if (announced !== undefined && size !== announced)
    throw new UserError(`${label}: size mismatch: ${size} bytes on disk, the server announced ${announced}`)
  if (resource.size !== undefined && size !== resource.size) {
    throw new UserError(
      `${label}: size mismatch: ${size} bytes, expected ${resource.size} (${resource.source ?? 'parameters'})`,
    )
  }
  const algorithms = (['sha256', 'md5'] as const).filter((a) => resource[a] !== undefined)
  if (algorithms.length > 0) {
    const actual = await digests(path, [...algorithms])
    for (const a of algorithms) {
      if (actual[a] !== resource[a]) {
        throw new UserError(
          `${label}: ${a} mismatch: got ${actual[a]}, expected ${resource[a]} (${resource.source ?? 'parameters'}); the file was corrupted in transit or changed on the server`,
        )
      }
    }
  }
  return size
}

/**
 * Downloads `resource` to `dest` through `dest.part` (resumed when a previous run left one),
 * verified; `dest` appears only when whole. On failure a .part is kept only when a later run
 * can resume it (network trouble); bad sizes or checksums and a full disk remove it.
 */
export async function downloadFile(
  resource: Resource,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const url = resource.url
  if (isGoogleDriveUrl(url)) {
    throw new UserError(
      googleDriveMessage(
        url,
        options.zipCommand ?? 'dataperf download ... --zip FILE',
        options.directUrlHint ?? 'with --url',
      ),
    )
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UserError(`${url}: not a valid URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UserError(`${url}: only http:// and https:// URLs can be downloaded`)

  const part = `${dest}.part`
  const metaPath = `${dest}.part.json`
  const discard = () => {
    rmSync(part, { force: true })
    rmSync(metaPath, { force: true })
  }
  const release = acquireLock(dest)
  try {
    const retries = options.retries ?? 5
    const base = options.backoffMs ?? 1000
    const maxWait = options.maxBackoffMs ?? 30_000
    const state: AttemptState = { url, part, metaPath, resource, options }
    let failures = 0 // failed attempts since the last one that brought new bytes (which counts as 1)
    let best = existsSync(part) ? statSync(part).size : 0
    let result: { total: number | undefined; resumedFrom: number } | undefined
    let attempts = 0
    const maxAttempts = retries + 50 // progress resets `failures`; this bounds even a trickle
    while (result === undefined) {
      attempts++
      try {
        result = await attempt(state)
      } catch (err) {
        const disk = writeError(
          errnoCode(err) === 'ENOSPC' ? dest : part,
          err,
          `removed ${part}; free some space and run again`,
        )
        if (disk) {
          discard()
          throw disk
        }
        if (!(err instanceof RetryableError)) {
          if (existsSync(part) && statSync(part).size === 0) discard()
          throw err
        }
        const now = existsSync(part) ? statSync(part).size : 0
        if (now > best) {
          best = now
          failures = 1
        } else failures++
        if (failures > retries || attempts >= maxAttempts) {
          throw new UserError(`${err.message} (gave up after ${attempts} attempts; run again to resume)`)
        }
        const backoff = Math.min(maxWait, base * 2 ** Math.max(0, failures - 1))
        const wait =
          err.retryAfterMs !== undefined
            ? Math.min(maxWait, err.retryAfterMs)
            : backoff / 2 + Math.random() * (backoff / 2)
        options.log?.(`${err.message}; retrying in ${(wait / 1000).toFixed(1)} s`)
        await new Promise((r) => setTimeout(r, wait))
      }
    }
    let size: number
    try {
      size = await verifyFile(part, resource, url, result.total)
    } catch (err) {
      discard()
      throw err
    }
    try {
      renameSync(part, dest)
    } catch (err) {
      throw writeError(dest, err) ?? err
    }
    rmSync(metaPath, { force: true })
    return { path: dest, size, resumedFrom: result.resumedFrom, attempts }
  } finally {
    release()
  }
}
