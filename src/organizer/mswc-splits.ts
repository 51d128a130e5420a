/**
 * MSWC's per-language splits CSV (`SET,LINK,WORD,VALID,SPEAKER,GENDER`; SET is TRAIN, DEV or TEST,
 * LINK the clip's opus path), streamed: an English file has millions of rows and only the target
 * words' rows are kept, in file order.
 */
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'
import { UserError, sampleList } from '../errors.js'
import { shown } from '../shown.js'
import { wavClipId } from './clip-ids.js'

export interface TargetSplits {
  train: string[]
  dev: string[]
  test: string[]
}

const SPLITS = ['train', 'dev', 'test'] as const

/** Each target's clip IDs (`word/common_voice_xx_N.wav`) per split, in the CSV's row order. */
export async function readTargetSplits(path: string, targets: readonly string[]): Promise<Map<string, TargetSplits>> {
  const out = new Map<string, TargetSplits>(targets.map((t) => [t, { train: [], dev: [], test: [] }]))
  const badSets = new Set<string>()
  let line = 0
  try {
    const file = createReadStream(path)
    const records = file.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }))
    file.on('error', (err) => records.destroy(err)) // pipe() does not pass a read error on
    for await (const record of records as AsyncIterable<string[]>) {
      line++
      if (line === 1) {
        const head = record
          .slice(0, 3)
          .map((h) => h.trim().toUpperCase())
          .join(',')
        if (head !== 'SET,LINK,WORD')
          throw new UserError(
            `${path}: header starts with '${record.slice(0, 3).join(',')}', expected SET,LINK,WORD,VALID,SPEAKER,GENDER (MSWC's splits CSV)`,
          )
        continue
      }
      const [set = '', link = '', word = ''] = record
      const splits = out.get(word)
      if (!splits) continue
      const split = set.toLowerCase()
      if (!(SPLITS as readonly string[]).includes(split)) {
        badSets.add(`row ${line}: '${set}'`)
        continue
      }
      splits[split as (typeof SPLITS)[number]].push(wavClipId(link))
    }
  } catch (err) {
    if (err instanceof UserError) throw err
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT')
      throw new UserError((name) => `${path}: file not found (${name('splits')})`, {
        code: 'not_found',
        path,
        option: 'splits',
      })
    throw new UserError(`${path}: not a readable splits CSV (${e.message.split('\n')[0]})`)
  }
  if (badSets.size > 0)
    throw new UserError(`${path}: SET must be TRAIN, DEV or TEST for target rows, got ${sampleList([...badSets])}`)
  const absent = targets.filter((t) => {
    const s = out.get(t)!
    return s.train.length + s.dev.length + s.test.length === 0
  })
  if (absent.length > 0)
    throw new UserError(
      `${path}: no rows for target word${absent.length > 1 ? 's' : ''} ${sampleList(absent)} (WORD column)`,
    )
  for (const [word, s] of out) {
    // every participant's selection needs clips of every target word (an empty class is refused)
    if (s.train.length === 0)
      throw new UserError(
        `${path}: target word ${shown(word)} has no TRAIN rows (${s.dev.length} DEV, ${s.test.length} TEST): participants could not select any clip of it; choose another target or give it TRAIN clips`,
        { code: 'bad_file', path, field: 'SET' },
      )
  }
  return out
}
