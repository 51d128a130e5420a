/**
 * Extracts a zip into a folder (the caller's temporary one), entry by entry with yauzl:
 * - names are decoded as `unzip` on Linux does (the official speech tool shells out to it for
 *   this reason): the Info-ZIP Unicode path field, else UTF-8 when flagged or valid, else CP437;
 * - absolute names, `..` segments, NUL bytes and symbolic links are refused before anything of
 *   that entry is written; every target is checked to lie inside the folder;
 * - each entry's CRC-32 and size are checked (yauzl checks neither CRC nor, for stored data,
 *   anything but the size), so a corrupted zip is reported, not laid out;
 * - a full or read-only disk is a one-line error naming the file.
 */
import { createWriteStream, mkdirSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32 } from 'node:zlib'
import yauzl from 'yauzl'
import { UserError } from '../errors.js'
import { errnoCode, noSpaceError } from '../io/fs-errors.js'
import { writeError } from './write-error.js'
import type { ProgressCount } from '../progress.js'

/** The zip itself is at fault (corrupt, unsafe, unsupported): downloading it again may help. */
export class BadZipError extends UserError {
  constructor(message: string) {
    super(message)
    this.name = 'BadZipError'
  }
}

export interface ExtractOptions {
  /** behave as if the disk were full once this many bytes were written (tests; quotas) */
  diskLimitBytes?: number
  /** entries done and the entry count */
  onProgress?: ProgressCount
}

export interface ExtractResult {
  files: number
  bytes: number
}

// CP437, bytes 0x80-0xFF (the zip default code page when the UTF-8 flag is not set)
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** An entry's name as `unzip` shows it. */
export function decodeEntryName(
  raw: Buffer,
  flags: number,
  extraFields: ReadonlyArray<{ id: number; data: Buffer }>,
): string {
  for (const field of extraFields) {
    // Info-ZIP Unicode Path: version 1, CRC-32 of the plain name, then the UTF-8 name
    if (
      field.id === 0x7075 &&
      field.data.length >= 6 &&
      field.data[0] === 1 &&
      field.data.readUInt32LE(1) === crc32(raw)
    ) {
      return field.data.subarray(5).toString('utf8')
    }
  }
  if ((flags & 0x800) !== 0) return raw.toString('utf8')
  try {
    return strictUtf8.decode(raw)
  } catch {
    let name = ''
    for (const byte of raw) name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]
    return name
  }
}

/** Why an entry name may not be extracted, or undefined when it is safe. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name.includes('\0')) return 'has a NUL character in its name'
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'has an absolute path'
  if (name.split('/').includes('..')) return 'would be written outside the output folder'
  return undefined
}

const METHODS: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'BZIP2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  99: 'AES encryption',
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true },
      (err, zip) => (err ? fail(err) : ok(zip!)),
    )
  })
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((ok, fail) => zip.openReadStream(entry, (err, stream) => (err ? fail(err) : ok(stream!))))
}

/** Extracts every entry of `zipPath` into `dir` (which exists). Skips `__MACOSX/` metadata. */
export async function extractZip(zipPath: string, dir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const root = resolve(dir)
  const corrupt = (detail: string) => new BadZipError(`${zipPath}: corrupt zip (${detail})`)
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(zipPath)
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new UserError(`${zipPath}: file not found`)
    if (errnoCode(err) !== undefined) throw new UserError(`${zipPath}: cannot read (${errnoCode(err)})`)
    throw new BadZipError(`${zipPath}: not a valid zip file (${(err as Error).message})`)
  }
  zip.on('error', () => {
    /* reported through next() below; never an unhandled 'error' */
  })
  const total = zip.entryCount
  let done = 0
  let files = 0
  let bytes = 0

  const next = (): Promise<yauzl.Entry | undefined> =>
    new Promise((ok, fail) => {
      const cleanup = () => {
        zip.off('entry', onEntry)
        zip.off('end', onEnd)
        zip.off('error', onError)
      }
      const onEntry = (entry: yauzl.Entry) => {
        cleanup()
        ok(entry)
      }
      const onEnd = () => {
        cleanup()
        ok(undefined)
      }
      const onError = (err: Error) => {
        cleanup()
        fail(corrupt(err.message))
      }
      zip.on('entry', onEntry)
      zip.on('end', onEnd)
      zip.on('error', onError)
      zip.readEntry()
    })

  try {
    for (let entry = await next(); entry !== undefined; entry = await next()) {
      options.onProgress?.(++done, total)
      const name = decodeEntryName(
        entry.fileName as unknown as Buffer,
        entry.generalPurposeBitFlag,
        entry.extraFields,
      ).replace(/\\/g, '/')
      const unsafe = unsafeEntryReason(name)
      if (unsafe) throw new BadZipError(`${zipPath}: entry '${name}' ${unsafe}; refusing this zip`)
      if (name === '__MACOSX/' || name.startsWith('__MACOSX/')) continue
      const target = resolve(root, name)
      if (target !== root && !target.startsWith(root + sep))
        throw new BadZipError(
          `${zipPath}: entry '${name}' would be written outside the output folder; refusing this zip`,
        )
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000
      if (mode === 0o120000) throw new BadZipError(`${zipPath}: entry '${name}' is a symbolic link; refusing this zip`)
      if (name.endsWith('/')) {
        mkdirOrFail(target, zipPath, name)
        continue
      }
      if (entry.isEncrypted())
        throw new BadZipError(`${zipPath}: entry '${name}' is encrypted; encrypted zips are not supported`)
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        const method = METHODS[entry.compressionMethod] ?? `method ${entry.compressionMethod}`
        throw new BadZipError(
          `${zipPath}: entry '${name}' uses ${method} compression, which is not supported; unzip it by hand or re-zip it with plain Deflate`,
        )
      }
      mkdirOrFail(dirname(target), zipPath, name)
      bytes += await writeEntry(zip, entry, target, name, {
        zipPath,
        corrupt,
        written: bytes,
        limit: options.diskLimitBytes,
      })
      files++
    }
  } finally {
    zip.close()
  }
  return { files, bytes }
}

function mkdirOrFail(path: string, zipPath: string, name: string): void {
  try {
    mkdirSync(path, { recursive: true })
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new BadZipError(`${zipPath}: entry '${name}' clashes with a file of the same name in the zip`)
    throw writeError(path, err) ?? err
  }
}

async function writeEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  target: string,
  name: string,
  ctx: { zipPath: string; corrupt: (detail: string) => BadZipError; written: number; limit?: number },
): Promise<number> {
  let input: NodeJS.ReadableStream
  try {
    input = await openEntry(zip, entry)
  } catch (err) {
    throw ctx.corrupt(`entry '${name}': ${(err as Error).message}`)
  }
  let crc = 0
  let size = 0
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc)
      size += chunk.length
      if (ctx.limit !== undefined && ctx.written + size > ctx.limit) {
        callback(noSpaceError(ctx.limit))
        return
      }
      callback(null, chunk)
    },
  })
  let fileError: unknown
  const out = createWriteStream(target)
  out.on('error', (err) => {
    fileError = err
  })
  try {
    await pipeline(input, check, out)
  } catch (err) {
    const disk = fileError ?? (errnoCode(err) === 'ENOSPC' ? err : undefined)
    if (disk) {
      const code = errnoCode(disk)
      if (code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTDIR')
        throw new BadZipError(`${ctx.zipPath}: entry '${name}' clashes with a folder of the same name in the zip`)
      throw writeError(target, disk, `while extracting ${ctx.zipPath}; free some space and run again`) ?? disk
    }
    throw ctx.corrupt(`entry '${name}': ${(err as Error).message}`)
  }
  if (size !== entry.uncompressedSize)
    throw ctx.corrupt(`entry '${name}' is ${size} bytes, the zip says ${entry.uncompressedSize}`)
  if (crc >>> 0 !== entry.crc32 >>> 0) throw ctx.corrupt(`entry '${name}' fails its CRC-32 check`)
  return size
}
