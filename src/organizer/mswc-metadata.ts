/**
 * Reading MSWC's `metadata.json.gz`: `{lang: {wordcounts: {word: n}, filenames: {word: [opus paths]}}}`.
 * The file holds every language (gigabytes once unzipped), so it is streamed, and only the parts
 * asked for are kept. Word order matters (the official nontarget draw runs over the file's word
 * order), and a plain object would move integer-like words first, so words come back as arrays
 * and Maps, in file order.
 */
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { JSONParser } from '@streamparser/json'
import { UserError } from '../errors.js'

/** Language codes as MSWC names them (en, pt, fy-NL, rm-sursilv, ...); they become JSON paths. */
const LANGUAGE_CODE = /^[A-Za-z0-9_-]+$/

async function streamPaths(
  path: string,
  paths: string[],
  onValue: (key: string, value: unknown) => void,
): Promise<void> {
  if (!path.endsWith('.json.gz'))
    throw new UserError(`${path}: expected MSWC's metadata.json.gz (a gzipped JSON file ending in .json.gz)`)
  const parser = new JSONParser({ paths, keepStack: false })
  parser.onValue = ({ key, value }) => onValue(String(key), value)
  try {
    const file = createReadStream(path)
    const stream = file.pipe(createGunzip())
    file.on('error', (err) => stream.destroy(err)) // pipe() does not pass a read error on
    for await (const chunk of stream) parser.write(chunk as Uint8Array)
    if (!parser.isEnded) throw new Error('unexpected end of the JSON text')
  } catch (err) {
    if (err instanceof UserError) throw err
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT')
      throw new UserError((name) => `${path}: file not found (${name('metadata')})`, {
        code: 'not_found',
        path,
        option: 'metadata',
      })
    throw new UserError(`${path}: not a readable metadata.json.gz (${e.message.split('\n')[0]})`)
  }
}

/** The language's words in file order with their clip counts. */
export async function readWordCounts(
  path: string,
  language: string,
): Promise<{ words: string[]; counts: Map<string, number> }> {
  if (!LANGUAGE_CODE.test(language))
    throw new UserError(`--language: '${language}' is not an MSWC language code (letters, digits, - and _)`)
  const words: string[] = []
  const counts = new Map<string, number>()
  await streamPaths(path, [`$.${language}.wordcounts.*`], (word, count) => {
    if (typeof count !== 'number' || !Number.isInteger(count))
      throw new UserError(`${path}: ${language}.wordcounts.${word} is ${JSON.stringify(count)}, expected a clip count`)
    if (!counts.has(word)) words.push(word)
    counts.set(word, count)
  })
  if (words.length === 0)
    throw new UserError(
      `${path}: no wordcounts for language '${language}' (expected ${language}.wordcounts in the metadata)`,
    )
  return { words, counts }
}

/** The opus paths (`word/common_voice_xx_N.opus`) of the wanted words, as listed in the metadata. */
export async function readFilenames(
  path: string,
  language: string,
  wanted: ReadonlySet<string>,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  await streamPaths(path, [`$.${language}.filenames.*`], (word, files) => {
    if (!wanted.has(word)) return
    if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) {
      throw new UserError(`${path}: ${language}.filenames.${word} is not a list of file names`)
    }
    out.set(word, files as string[])
  })
  return out
}
