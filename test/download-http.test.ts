/**
 * downloadFile against a local HTTP server started here (127.0.0.1, ephemeral port; nothing
 * reaches the internet): streaming, resume with Range / If-Range (within a run and across runs),
 * retry with back-off, servers that ignore ranges or change the file, stalls, redirects, size and
 * checksum verification, a full or read-only disk, and the Google Drive message.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { UserError } from '../src/errors.js'
import { downloadFile, type DownloadOptions } from '../src/download/http-download.js'
import { startLocalServer, type LocalServer } from './helpers/local-server.js'
import { fullDiskDir, readOnlyDir } from './helpers/limited-fs.js'
import { tempFolder } from './helpers/temp-folder.js'

interface Seen {
  headers: IncomingHttpHeaders
  status: number
  sent: number
}
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void
const routes = new Map<string, { handler: Handler; seen: Seen[] }>()
let server: LocalServer
let base: string
let work: string

before(async () => {
  work = tempFolder('download-http')
  server = await startLocalServer((req, res) => {
    const route = routes.get(req.url!)
    if (!route) {
      res.writeHead(404).end()
      return
    }
    const seen: Seen = { headers: req.headers, status: 0, sent: 0 }
    route.seen.push(seen)
    const write = res.write.bind(res)
    const end = res.end.bind(res)
    const count = (chunk: unknown) => {
      if (chunk && typeof chunk !== 'function') seen.sent += (chunk as Buffer).length
    }
    res.write = ((chunk: Buffer, ...rest: never[]) => {
      count(chunk)
      return write(chunk, ...rest)
    }) as typeof res.write
    res.end = ((chunk?: Buffer, ...rest: never[]) => {
      count(chunk)
      return end(chunk as Buffer, ...rest)
    }) as typeof res.end
    res.on('finish', () => {
      seen.status = res.statusCode
    })
    res.on('close', () => {
      seen.status = res.statusCode
    })
    route.handler(req, res, route.seen.length)
  })
  base = server.base
})

after(() => {
  server.close()
})

function route(path: string, handler: Handler): { url: string; seen: Seen[] } {
  const seen: Seen[] = []
  routes.set(`/${path}`, { handler, seen })
  return { url: `${base}/${path}`, seen }
}

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex')
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex')

interface FileServer {
  body: () => Buffer
  /** a validator header other than ETag, or none */
  validator?: 'etag' | 'last-modified' | 'none'
  honourRange?: boolean
  /** on these request numbers, send half the body and then drop the connection */
  dropOn?: number[]
  /** on these request numbers, send half the body and then go silent */
  stallOn?: number[]
  failWith?: (n: number) => number | undefined
  chunked?: boolean
}

/** A file server with range support and If-Range semantics (RFC 9110) unless told otherwise. */
function fileServer(o: FileServer): Handler {
  return (req, res, n) => {
    const failure = o.failWith?.(n)
    if (failure) {
      res.writeHead(failure).end()
      return
    }
    const body = o.body()
    const validators: Record<string, string> = {}
    const v = o.validator ?? 'etag'
    if (v === 'etag') validators.ETag = etagOf(body)
    if (v === 'last-modified')
      validators['Last-Modified'] = new Date(1_700_000_000_000 + body.length * 1000).toUTCString()
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))
    const ifRange = req.headers['if-range']
    const current = validators.ETag ?? validators['Last-Modified']
    if (range && (o.honourRange ?? true) && (ifRange === undefined || ifRange === current)) {
      const start = Number(range[1])
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end()
        return
      }
      res.writeHead(206, {
        ...validators,
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
      })
      res.end(body.subarray(start))
      return
    }
    res.writeHead(200, {
      ...validators,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/zip',
      ...(o.chunked ? {} : { 'Content-Length': body.length }),
    })
    const half = body.subarray(0, Math.floor(body.length / 2))
    if (o.dropOn?.includes(n)) {
      // let the first half reach the client before the connection drops
      res.write(half, () => setTimeout(() => res.destroy(), 100))
      return
    }
    if (o.stallOn?.includes(n)) {
      res.write(half)
      return // never ends: the client's idle timeout must fire
    }
    res.end(body)
  }
}

const BODY = randomBytes(200_000)
const quick: DownloadOptions = { backoffMs: 5, maxBackoffMs: 50, retries: 3, timeoutMs: 5000 }
let counter = 0
function target(): { dir: string; dest: string } {
  const dir = join(work, `case-${++counter}`)
  mkdirSync(dir, { recursive: true })
  return { dir, dest: join(dir, 'file.zip') }
}
/** Nothing but `keep` in `dir`: no .part, .part.json, .lock or temp files. */
function onlyFiles(dir: string, keep: string[]) {
  assert.deepEqual(readdirSync(dir).sort(), [...keep].sort(), 'no partial files left')
}

test('a plain download streams the file to disk, and nothing else is left', async () => {
  const { url, seen } = route('plain.zip', fileServer({ body: () => BODY }))
  const { dir, dest } = target()
  const progress: number[] = []
  const r = await downloadFile({ url, sha256: sha256(BODY), md5: md5(BODY), size: BODY.length }, dest, {
    ...quick,
    onProgress: (d) => progress.push(d),
  })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(r.size, BODY.length)
  assert.equal(r.attempts, 1)
  assert.equal(seen.length, 1)
  assert.equal(seen[0]!.headers.range, undefined)
  assert.equal(progress.at(-1), BODY.length)
  onlyFiles(dir, ['file.zip'])
})

test('a dropped connection resumes with Range + If-Range and ends with identical bytes', async () => {
  const { url, seen } = route('drop.zip', fileServer({ body: () => BODY, dropOn: [1] }))
  const { dir, dest } = target()
  const notes: string[] = []
  const r = await downloadFile({ url, sha256: sha256(BODY) }, dest, { ...quick, log: (m) => notes.push(m) })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 2)
  const m = /^bytes=(\d+)-$/.exec(String(seen[1]!.headers.range))
  assert.ok(m, `second request asks for a range (got ${seen[1]!.headers.range})`)
  const from = Number(m[1])
  assert.ok(from > 0 && from < BODY.length, `resumes in the middle (from ${from})`)
  assert.equal(seen[1]!.headers['if-range'], etagOf(BODY), 'the range is guarded by the ETag')
  assert.equal(seen[1]!.status, 206)
  assert.equal(seen[1]!.sent, BODY.length - from, 'only the rest was sent again')
  assert.equal(r.resumedFrom, from)
  assert.ok(notes.some((n) => /resuming at byte/.test(n)))
  onlyFiles(dir, ['file.zip'])
})

test('an interrupted run keeps its .part, and the next run resumes it (Last-Modified as validator)', async () => {
  const { url, seen } = route('across.zip', fileServer({ body: () => BODY, dropOn: [1], validator: 'last-modified' }))
  const { dir, dest } = target()
  await assert.rejects(downloadFile({ url }, dest, { ...quick, retries: 0 }), (err: Error) => {
    assert.ok(err instanceof UserError)
    assert.match(
      err.message,
      /across\.zip: connection lost after \d+ of 200000 bytes.*\(gave up after 1 attempts; run again to resume\)/,
    )
    return true
  })
  assert.ok(existsSync(`${dest}.part`) && existsSync(`${dest}.part.json`), 'the .part is kept to resume')
  assert.ok(!existsSync(dest))
  const kept = readFileSync(`${dest}.part`).length
  assert.ok(kept > 0 && kept < BODY.length)
  await downloadFile({ url, sha256: sha256(BODY) }, dest, quick)
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen[1]!.headers.range, `bytes=${kept}-`)
  assert.match(String(seen[1]!.headers['if-range']), /GMT$/)
  assert.equal(seen[1]!.sent, BODY.length - kept)
  onlyFiles(dir, ['file.zip'])
})

test('a file that changed on the server since the .part was started is downloaded afresh', async () => {
  let body = BODY
  const { url, seen } = route('changed.zip', fileServer({ body: () => body, dropOn: [1] }))
  const { dest } = target()
  await assert.rejects(downloadFile({ url }, dest, { ...quick, retries: 0 }), /gave up/)
  body = randomBytes(150_000)
  await downloadFile({ url, sha256: sha256(body) }, dest, quick)
  assert.deepEqual(readFileSync(dest), body)
  assert.ok(seen[1]!.headers['if-range'], 'asked for the rest, guarded')
  assert.equal(seen[1]!.status, 200, 'the server saw the validator differ and sent the whole new file')
})

test('a .part started from another URL is not resumed, and the note says so (not "no ETag")', async () => {
  const first = route('mirror-a.zip', fileServer({ body: () => BODY, dropOn: [1] }))
  const second = route('mirror-b.zip', fileServer({ body: () => BODY }))
  const { dest } = target()
  await assert.rejects(downloadFile({ url: first.url }, dest, { ...quick, retries: 0 }), /gave up/)
  const notes: string[] = []
  await downloadFile({ url: second.url, sha256: sha256(BODY) }, dest, { ...quick, log: (m) => notes.push(m) })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(second.seen[0]!.headers.range, undefined, 'no resume across URLs')
  assert.ok(
    notes.some((n) =>
      n.endsWith(
        `file.zip.part: cannot resume it safely: it was started from another URL (${first.url}); starting again`,
      ),
    ),
    notes.join('\n'),
  )
})

test('503 twice, then 200: retried with exponential back-off', async () => {
  const { url, seen } = route(
    'retry.zip',
    fileServer({ body: () => BODY, failWith: (n) => (n <= 2 ? 503 : undefined) }),
  )
  const { dest } = target()
  const notes: string[] = []
  const started = Date.now()
  const r = await downloadFile({ url }, dest, {
    ...quick,
    backoffMs: 40,
    maxBackoffMs: 1000,
    log: (m) => notes.push(m),
  })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 3)
  assert.equal(r.attempts, 3)
  // waits of 40 then 80 ms, each at least half of that (jitter)
  assert.ok(Date.now() - started >= 60, `backed off (${Date.now() - started} ms)`)
  assert.equal(notes.filter((n) => /HTTP 503; retrying in/.test(n)).length, 2)
})

test('a server that keeps failing: bounded attempts, then one clear line', async () => {
  const { url, seen } = route('down.zip', fileServer({ body: () => BODY, failWith: () => 502 }))
  const { dir, dest } = target()
  await assert.rejects(downloadFile({ url }, dest, { ...quick, retries: 2 }), (err: Error) => {
    assert.ok(err instanceof UserError)
    assert.equal(err.message, `${url}: HTTP 502 (gave up after 3 attempts; run again to resume)`)
    return true
  })
  assert.equal(seen.length, 3)
  onlyFiles(dir, [])
})

test('a server that ignores Range: the download restarts from zero and still ends whole', async () => {
  const { url, seen } = route('norange.zip', fileServer({ body: () => BODY, dropOn: [1], honourRange: false }))
  const { dest } = target()
  const notes: string[] = []
  await downloadFile({ url, sha256: sha256(BODY) }, dest, { ...quick, log: (m) => notes.push(m) })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 2)
  assert.match(String(seen[1]!.headers.range), /^bytes=[1-9]\d*-$/, 'a resume was tried')
  assert.equal(seen[1]!.status, 200)
  assert.equal(seen[1]!.sent, BODY.length)
  assert.ok(notes.some((n) => /sent the whole file/.test(n)))
})

test('a 206 for the wrong range is not appended: the download starts again', async () => {
  const { url, seen } = route('badrange.zip', (req, res, n) => {
    if (n === 2) {
      // claims to start at 0 although asked for the rest
      res.writeHead(206, {
        ETag: etagOf(BODY),
        'Content-Range': `bytes 0-${BODY.length - 1}/${BODY.length}`,
        'Content-Length': BODY.length,
      })
      res.end(BODY)
      return
    }
    fileServer({ body: () => BODY, dropOn: [1] })(req, res, n)
  })
  const { dest } = target()
  await downloadFile({ url, sha256: sha256(BODY) }, dest, quick)
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 3)
  assert.equal(seen[2]!.headers.range, undefined, 'the third request starts from zero')
})

test('a .part that is already whole is finished with a 416 answer, without downloading again', async () => {
  const { url, seen } = route('whole.zip', fileServer({ body: () => BODY }))
  const { dir, dest } = target()
  writeFileSync(`${dest}.part`, BODY)
  writeFileSync(`${dest}.part.json`, JSON.stringify({ url, validator: etagOf(BODY), total: BODY.length }))
  await downloadFile({ url, sha256: sha256(BODY) }, dest, quick)
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 1)
  assert.equal(seen[0]!.status, 416)
  onlyFiles(dir, ['file.zip'])
})

test('a stalled connection times out and the download resumes', async () => {
  const { url, seen } = route('stall.zip', fileServer({ body: () => BODY, stallOn: [1] }))
  const { dest } = target()
  await downloadFile({ url, sha256: sha256(BODY) }, dest, { ...quick, timeoutMs: 300 })
  assert.deepEqual(readFileSync(dest), BODY)
  assert.equal(seen.length, 2)
  assert.match(String(seen[1]!.headers.range), /^bytes=[1-9]\d*-$/)
})

test('size mismatch: announced size against the parameters, and bytes against a configured size', async () => {
  const { url } = route('size.zip', fileServer({ body: () => BODY }))
  const early = target()
  await assert.rejects(
    downloadFile({ url, size: 123, source: 'params.yaml' }, early.dest, quick),
    new UserError(`${url}: size mismatch: the server announces ${BODY.length} bytes, expected 123 (params.yaml)`),
  )
  onlyFiles(early.dir, [])
  // no Content-Length: found after the download
  const chunked = route('size-chunked.zip', fileServer({ body: () => BODY, chunked: true }))
  const late = target()
  await assert.rejects(
    downloadFile({ url: chunked.url, size: BODY.length + 1 }, late.dest, quick),
    new UserError(`${chunked.url}: size mismatch: ${BODY.length} bytes, expected ${BODY.length + 1} (parameters)`),
  )
  onlyFiles(late.dir, [])
})

test('checksum mismatch (sha256, md5): an error with both values, and no file left', async () => {
  const { url } = route('sum.zip', fileServer({ body: () => BODY }))
  for (const [algorithm, wrong] of [
    ['sha256', 'ab'.repeat(32)],
    ['md5', 'cd'.repeat(16)],
  ] as const) {
    const { dir, dest } = target()
    await assert.rejects(downloadFile({ url, [algorithm]: wrong }, dest, quick), (err: Error) => {
      assert.ok(err instanceof UserError)
      const actual = algorithm === 'sha256' ? sha256(BODY) : md5(BODY)
      assert.ok(err.message.startsWith(`${url}: ${algorithm} mismatch: got ${actual}, expected ${wrong}`), err.message)
      return true
    })
    onlyFiles(dir, [])
  }
})

test('a full disk: one clear line, and no partial file left', async () => {
  const { url } = route('full.zip', fileServer({ body: () => BODY }))
  const { dir, dest } = target()
  await assert.rejects(downloadFile({ url }, dest, { ...quick, diskLimitBytes: 50_000 }), (err: Error) => {
    assert.ok(err instanceof UserError)
    assert.match(
      err.message,
      /file\.zip: cannot write \(ENOSPC: no space left on the device\); removed .*file\.zip\.part; free some space and run again$/,
    )
    return true
  })
  onlyFiles(dir, [])
})

test('a read-only output folder: one clear line, nothing written', async (t) => {
  const ro = readOnlyDir() // as root (CI), a read-only tmpfs: root writes through chmod
  if (typeof ro === 'string') {
    t.skip(ro)
    return
  }
  const { url, seen } = route('ro.zip', fileServer({ body: () => BODY }))
  try {
    await assert.rejects(
      downloadFile({ url }, join(ro.dir, 'file.zip'), quick),
      /cannot write \((EACCES: permission denied|EROFS: read-only file system)\)/,
    )
    assert.equal(seen.length, 0)
    onlyFiles(ro.dir, [])
  } finally {
    ro.release()
  }
})

test('a real full disk (a full tmpfs, as root): one clear line, and no partial file left', async (t) => {
  const { url } = route('really-full.zip', fileServer({ body: () => BODY }))
  // no room at all (the lock file fails), then room for a part of the download
  for (const [free, what] of [
    [0, /file\.zip\.lock: cannot write \(ENOSPC: no space left on the device\); free some space and run again$/],
    [
      40_000,
      /file\.zip: cannot write \(ENOSPC: no space left on the device\); removed .*file\.zip\.part; free some space and run again$/,
    ],
  ] as const) {
    const full = fullDiskDir(free)
    if (typeof full === 'string') {
      t.skip(full)
      return
    }
    try {
      await assert.rejects(downloadFile({ url }, join(full.dir, 'file.zip'), quick), what)
      onlyFiles(full.dir, ['.filler'])
    } finally {
      full.release()
    }
  }
})

test('HTTP errors are not retried and name the status; web pages are refused', async () => {
  const missing = target()
  await assert.rejects(
    downloadFile({ url: `${base}/nothing-here.zip` }, missing.dest, quick),
    new UserError(`${base}/nothing-here.zip: HTTP 404 Not Found; check the URL (parameters file or --url)`),
  )
  onlyFiles(missing.dir, [])
  const { url } = route('page.html', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html>sign in</html>')
  })
  const html = target()
  await assert.rejects(downloadFile({ url }, html.dest, quick), /sent a web page \(text\/html\), not the file/)
  onlyFiles(html.dir, [])
})

test('redirects are followed, and a redirect loop is bounded', async () => {
  const { url: real } = route('real.zip', fileServer({ body: () => BODY }))
  const { url } = route('moved.zip', (_req, res) => {
    res.writeHead(302, { Location: real }).end()
  })
  const { dest } = target()
  await downloadFile({ url, sha256: sha256(BODY) }, dest, quick)
  assert.deepEqual(readFileSync(dest), BODY)
  const loop = route('loop.zip', (_req, res) => {
    res.writeHead(301, { Location: '/loop.zip' }).end()
  })
  await assert.rejects(
    downloadFile({ url: loop.url }, target().dest, { ...quick, maxRedirects: 3 }),
    /more than 3 redirects/,
  )
  assert.equal(loop.seen.length, 4)
})

test('a Google Drive link gets a one-line message on what to do instead, without any request', async () => {
  const folder = 'https://drive.google.com/drive/folders/181uI-7NFJwK3IOPy2kOYVIQS4vZOC02A?usp=sharing'
  await assert.rejects(
    downloadFile({ url: folder }, target().dest, {
      ...quick,
      zipCommand: 'dataperf download vision --zip FILE',
      directUrlHint: 'with --url',
    }),
    (err: Error) => {
      assert.ok(err instanceof UserError)
      assert.equal(err.message.split('\n').length, 1)
      assert.match(
        err.message,
        /^https:\/\/drive\.google\.com\/drive\/folders\/\S+ is a Google Drive link to a folder, which a script cannot download: open it in a browser, download the zip, then run `dataperf download vision --zip FILE` with that file, or give a direct download URL \(with --url\)$/,
      )
      return true
    },
  )
})

test('two downloads of the same file at once: the second is refused, the first completes', async () => {
  const { url } = route('twice.zip', fileServer({ body: () => BODY }))
  const { dest } = target()
  const first = downloadFile({ url }, dest, quick)
  await assert.rejects(downloadFile({ url }, dest, quick), /already being downloaded/)
  await first
  assert.deepEqual(readFileSync(dest), BODY)
})
