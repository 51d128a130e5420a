/**
 * Streams a URL to disk: resumes a `.part` file with an HTTP Range request (guarded by If-Range
 * with the ETag or Last-Modified seen before), retries network errors and 5xx with exponential
 * back-off, verifies the size and a configured checksum, and renames into place only when whole.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { get as httpGet, type IncomingMessage } from 'node:http'
import { get as httpsGet } from 'node:https'
import { UserError } from '../errors.js'
import type { Resource } from './parameters.js'

export interface DownloadOptions {
  retries?: number
  backoffMs?: number
  timeoutMs?: number
  /** stop with a disk-full error once this many bytes are on disk (tests; quotas) */
  diskLimitBytes?: number
  onProgress?: (done: number, total: number) => void
  log?: (message: string) => void
}

class RetryableError extends Error {}

function isGoogleDrive(url: string): boolean {
  return /^https?:\/\/(drive|docs)\.google\.com\//.test(url)
}

function request(url: string, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  const get = url.startsWith('https:') ? httpsGet : httpGet
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, resolve)
    req.setTimeout(timeoutMs, () => req.destroy(new RetryableError(`no response from ${url} in ${timeoutMs} ms`)))
    req.on('error', (err) => reject(err instanceof RetryableError ? err : new RetryableError(`${url}: ${err.message}`)))
  })
}

export function diskError(path: string, err: NodeJS.ErrnoException): UserError | undefined {
  if (err.code === 'ENOSPC') return new UserError(`${path}: no space left on the device (free some space and run again: the download resumes)`)
  if (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EPERM') return new UserError(`${path}: cannot write (${err.code}); choose a writable --output_path`)
  if (err.code === 'ENOTDIR' || err.code === 'ENOENT' || err.code === 'EEXIST') return new UserError(`${path}: cannot write (${err.code}); the output folder does not exist or is not a folder`)
  return undefined
}

async function fileDigest(path: string, algorithm: 'sha256' | 'md5'): Promise<string> {
  const hash = createHash(algorithm)
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** One attempt: continue the .part file if possible; resolves when the body has been written. */
async function attempt(url: string, part: string, meta: string, options: DownloadOptions): Promise<{ total: number }> {
  const have = existsSync(part) ? statSync(part).size : 0
  const validator = have > 0 && existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { validator?: string }).validator : undefined
  const headers: Record<string, string> = {}
  if (have > 0 && validator) { headers.Range = `bytes=${have}-`; headers['If-Range'] = validator }
  const res = await request(url, headers, options.timeoutMs ?? 30000)
  const status = res.statusCode ?? 0
  if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
    res.resume()
    return attempt(new URL(res.headers.location, url).toString(), part, meta, options)
  }
  if (status >= 500 || status === 429) { res.resume(); throw new RetryableError(`${url}: HTTP ${status}`) }
  if (status !== 200 && status !== 206) { res.resume(); throw new UserError(`${url}: HTTP ${status} ${res.statusMessage ?? ''}`.trim()) }
  let start = 0
  let total = Number(res.headers['content-length'] ?? NaN)
  if (status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''))
    if (!m || Number(m[1]) !== have) { res.resume(); rmSync(part, { force: true }); throw new RetryableError(`${url}: unexpected Content-Range ${res.headers['content-range']}; restarting`) }
    start = have
    total = m[3] === '*' ? NaN : Number(m[3])
  }
  const newValidator = (res.headers.etag as string | undefined) ?? (res.headers['last-modified'] as string | undefined)
  writeFileSync(meta, JSON.stringify({ url, validator: newValidator }))
  if (start === 0 && have > 0) options.log?.(`${url}: server sent the whole file; restarting the download`)
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' })
  let written = start
  await new Promise<void>((resolve, reject) => {
    let settled = false
    const fail = (err: Error) => { if (settled) return; settled = true; reject(err); res.destroy(); out.destroy() }
    res.on('data', (chunk: Buffer) => {
      written += chunk.length
      if (options.diskLimitBytes !== undefined && written > options.diskLimitBytes) {
        fail(Object.assign(new Error('disk limit reached'), { code: 'ENOSPC' }))
        return
      }
      if (!out.write(chunk)) { res.pause(); out.once('drain', () => res.resume()) }
      options.onProgress?.(written, Number.isFinite(total) ? total : 0)
    })
    res.on('aborted', () => fail(new RetryableError(`${url}: connection closed after ${written} bytes`)))
    res.on('error', (err) => fail(new RetryableError(`${url}: ${err.message}`)))
    res.on('end', () => out.end())
    out.on('finish', () => { if (!settled) { settled = true; resolve() } })
    out.on('error', fail)
  })
  if (Number.isFinite(total) && written < total) throw new RetryableError(`${url}: connection closed after ${written} of ${total} bytes`)
  return { total: Number.isFinite(total) ? total : written }
}

/** Downloads `resource` to `dest` (resuming `dest.part`), verified; returns the final size. */
export async function downloadFile(resource: Resource, dest: string, options: DownloadOptions = {}): Promise<number> {
  const { url } = resource
  if (isGoogleDrive(url)) {
    throw new UserError(`${url} is a Google Drive link, which cannot be downloaded by a script: open it in a browser, download the zip, then run the same command with --zip FILE (or pass a direct --url)`)
  }
  const part = `${dest}.part`, meta = `${dest}.part.json`
  const retries = options.retries ?? 4
  let total = 0
  for (let tryNo = 0; ; tryNo++) {
    try {
      ;({ total } = await attempt(url, part, meta, options))
      break
    } catch (err) {
      const disk = diskError(dest, err as NodeJS.ErrnoException)
      if (disk) { rmSync(part, { force: true }); rmSync(meta, { force: true }); throw disk }
      if (!(err instanceof RetryableError) || tryNo >= retries) {
        if (err instanceof RetryableError) throw new UserError(`${(err as Error).message} (gave up after ${retries + 1} attempts; run again to resume)`)
        throw err
      }
      const wait = (options.backoffMs ?? 1000) * 2 ** tryNo
      options.log?.(`${(err as Error).message}; retrying in ${wait} ms`)
      await new Promise((r) => setTimeout(r, wait))
    }
  }
  const size = statSync(part).size
  const fail = (message: string) => { rmSync(part, { force: true }); rmSync(meta, { force: true }); return new UserError(message) }
  if (size !== total) throw fail(`${url}: downloaded ${size} bytes but the server announced ${total}`)
  if (resource.size !== undefined && size !== resource.size) throw fail(`${url}: downloaded ${size} bytes, expected ${resource.size} (parameters file)`)
  for (const algorithm of ['sha256', 'md5'] as const) {
    const expected = resource[algorithm]
    if (expected) {
      const actual = await fileDigest(part, algorithm)
      if (actual !== expected) throw fail(`${url}: ${algorithm} is ${actual}, expected ${expected}; the file was corrupted in transit or changed on the server`)
    }
  }
  renameSync(part, dest)
  rmSync(meta, { force: true })
  return size
}
