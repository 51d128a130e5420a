/**
 * Extracts a zip into a temporary folder beside the target and moves it into the official layout
 * only when every entry came out whole; entries that would escape the folder are refused.
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'
import { UserError } from '../errors.js'

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip!))))
}

/** Extracts every entry of `zipPath` under `dir`. */
async function extractAll(zipPath: string, dir: string): Promise<void> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(zipPath)
  } catch (err) {
    throw new UserError(`${zipPath}: not a valid zip file (${(err as Error).message})`)
  }
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (err: Error) => reject(new UserError(/invalid relative path|absolute path/.test(err.message)
      ? `${zipPath}: an entry would be written outside the output folder (${err.message}); refusing this zip`
      : `${zipPath}: corrupt zip (${err.message})`)))
    zip.on('end', resolve)
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = normalize(entry.fileName)
      if (isAbsolute(entry.fileName) || name.split(sep).includes('..')) {
        zip.close()
        reject(new UserError(`${zipPath}: entry '${entry.fileName}' would be written outside the output folder; refusing this zip`))
        return
      }
      const target = join(dir, name)
      if (entry.fileName.endsWith('/')) { mkdirSync(target, { recursive: true }); zip.readEntry(); return }
      mkdirSync(dirname(target), { recursive: true })
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) { reject(new UserError(`${zipPath}: corrupt entry '${entry.fileName}' (${err?.message})`)); return }
        pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), (e: NodeJS.ErrnoException) => {
          reject(e.code ? e : new UserError(`${zipPath}: corrupt entry '${entry.fileName}' (${e.message})`))
        })
      })
    })
    zip.readEntry()
  })
}

/** The folder whose contents form the layout: descend through single wrapping folders. */
function contentRoot(dir: string, isLayout: (names: string[]) => boolean): string {
  let root = dir
  for (let depth = 0; depth < 3; depth++) {
    const names = readdirSync(root).filter((n) => n !== '__MACOSX' && !n.startsWith('.'))
    if (isLayout(names)) return root
    if (names.length === 1 && statSync(join(root, names[0]!)).isDirectory()) root = join(root, names[0]!)
    else break
  }
  return root
}

/**
 * Extracts `zipPath` and places the folder holding the layout at `dest` (which must not exist
 * yet). `isLayout` recognises the layout's top-level names, e.g. train_embeddings/ and eval.yaml.
 */
export async function extractZipTo(zipPath: string, dest: string, isLayout: (names: string[]) => boolean): Promise<void> {
  const parent = dirname(dest)
  let tmp: string
  try {
    mkdirSync(parent, { recursive: true })
    tmp = mkdtempSync(join(parent, '.dataperf-extract-'))
  } catch (err) {
    throw new UserError(`${parent}: cannot write (${(err as NodeJS.ErrnoException).code}); choose a writable --output_path`)
  }
  try {
    await extractAll(zipPath, tmp)
    const root = contentRoot(tmp, isLayout)
    if (!isLayout(readdirSync(root))) throw new UserError(`${zipPath}: does not hold the expected layout (found: ${readdirSync(root).join(', ') || 'nothing'})`)
    if (existsSync(dest)) rmSync(dest, { recursive: true, force: true })
    renameSync(root, dest)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new UserError(`${dest}: no space left on the device while extracting ${zipPath}`)
    throw err
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
