/**
 * The official layouts, and moving an extracted zip into them:
 * - speech: `{output_path}/dataperf_{lang}_data/` holding train_embeddings/, eval_embeddings/,
 *   allowed_training_set.yaml and eval.yaml (harvard-edge/dataperf-speech-example: eval.py,
 *   mlcube.yaml); the folder is swapped in whole;
 * - vision: `{output_path}/embeddings/`, `examples/`, `test_sets/`, `train_sets/`, `results/`
 *   (CoactiveAI/dataperf-vision-selection README: the resources zip's folders are moved into
 *   data/); merged file by file, so the user's own training sets and results stay.
 * Zips may wrap their content in one top folder (or a few nested ones); we find the content.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { tempName } from './cleanup.js'
import { diskError } from './disk-errors.js'

export const SPEECH_LAYOUT = ['train_embeddings', 'eval_embeddings', 'allowed_training_set.yaml', 'eval.yaml'] as const
export const VISION_LAYOUT = ['embeddings', 'test_sets'] as const

const visible = (names: string[]) => names.filter((n) => n !== '__MACOSX' && !n.startsWith('.'))

export const isSpeechLayout = (names: string[]): boolean => SPEECH_LAYOUT.some((n) => names.includes(n))
export const isVisionLayout = (names: string[]): boolean => VISION_LAYOUT.some((n) => names.includes(n))

/** The speech files and folders missing from `dir` (empty: the layout is complete). */
export function missingSpeechParts(dir: string): string[] {
  return SPEECH_LAYOUT.filter((n) => !existsSync(join(dir, n)))
}

/** True when `dir` holds the vision embeddings and test sets (parquet files in both). */
export function hasVisionData(dir: string): boolean {
  return VISION_LAYOUT.every((sub) => {
    try {
      return readdirSync(join(dir, sub)).some((n) => n.endsWith('.parquet'))
    } catch {
      return false
    }
  })
}

/**
 * The folder under `dir` whose entries form the layout, descending through single wrapping
 * folders (ignoring __MACOSX/ and dot files); undefined when there is none.
 */
export function findContentRoot(dir: string, isLayout: (names: string[]) => boolean): string | undefined {
  let root = dir
  for (let depth = 0; depth < 4; depth++) {
    const names = visible(readdirSync(root))
    if (isLayout(names)) return root
    if (names.length !== 1 || !statSync(join(root, names[0]!)).isDirectory()) return undefined
    root = join(root, names[0]!)
  }
  return undefined
}

/** What the top of an extracted zip holds, for messages. */
export function describeTop(dir: string): string {
  const names = visible(readdirSync(dir))
  return names.length === 0 ? 'nothing' : names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '')
}

function move(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (err) {
    throw diskError(to, err) ?? err
  }
}

/**
 * Puts the folder `src` at `dest`, replacing what is there: the old folder is moved aside first
 * and removed only once the new one is in place, so `dest` is never half-written.
 */
export function swapInto(src: string, dest: string): void {
  if (!existsSync(dest)) { move(src, dest); return }
  const old = tempName(dirname(dest), 'old')
  move(dest, old)
  try {
    move(src, dest)
  } catch (err) {
    renameSync(old, dest)
    throw err
  }
  rmSync(old, { recursive: true, force: true })
}

/**
 * Moves the contents of folder `src` into folder `dest`: files replace files of the same name,
 * folders merge, anything else in `dest` stays. Every file arrives by rename, whole.
 */
export function mergeInto(src: string, dest: string): void {
  for (const name of readdirSync(src)) {
    if (name === '__MACOSX') continue
    const from = join(src, name)
    const to = join(dest, name)
    const fromDir = statSync(from).isDirectory()
    const toStat = existsSync(to) ? statSync(to) : undefined
    if (fromDir && toStat?.isDirectory()) {
      mergeInto(from, to)
    } else {
      if (toStat) swapInto(from, to)
      else move(from, to)
    }
  }
}
