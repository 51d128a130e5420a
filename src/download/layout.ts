/**
 * The official layouts, and moving an extracted zip into them:
 * - speech: `{output_path}/dataperf_{lang}_data/` holding train_embeddings/, eval_embeddings/,
 *   allowed_training_set.yaml and eval.yaml (harvard-edge/dataperf-speech-example: eval.py,
 *   mlcube.yaml);
 * - vision: `{output_path}/embeddings/`, `examples/`, `test_sets/`, `train_sets/`, `results/`
 *   (CoactiveAI/dataperf-vision-selection README: the resources zip's folders are moved into
 *   data/).
 * Both tracks follow one rule (`mergeInto`): merged file by file, so the user's own files stay.
 * Zips may wrap their content in one top folder (or a few nested ones); we find the content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import { sampleList, UserError } from '../errors.js'
import { writeError } from './write-error.js'
import { SPEECH_DATA_PARTS, SPEECH_LAYOUT } from '../speech/layout.js'
import { VISION_DATA_PARTS, VISION_LAYOUT } from '../vision/layout.js'
import { lexists } from '../io/lexists.js'

/** The vision zip's data folders: downloading again replaces their files (the rest is the user's). */
export const VISION_RESOURCE_FOLDERS = ['embeddings', 'test_sets', 'examples'] as const
/** The speech zip's data (the language folder's parts): downloading again replaces their files. */
export const SPEECH_RESOURCE_PARTS: readonly string[] = [...SPEECH_DATA_PARTS, SPEECH_LAYOUT.publicBundle]

const visible = (names: string[]) => names.filter((n) => n !== '__MACOSX' && !n.startsWith('.'))

export const isSpeechLayout = (names: string[]): boolean => SPEECH_DATA_PARTS.some((n) => names.includes(n))
export const isVisionLayout = (names: string[]): boolean => VISION_DATA_PARTS.some((n) => names.includes(n))

/** The speech parts a challenge's public bundle (marked by SPEECH_LAYOUT.publicBundle) leaves to the server. */
const SPEECH_SERVER_PARTS: readonly string[] = [SPEECH_LAYOUT.evalEmbeddings, SPEECH_LAYOUT.evalSet]

/** The speech files and folders missing from `dir` (empty: the layout is complete). */
export function missingSpeechParts(dir: string): string[] {
  const publicBundle = existsSync(join(dir, SPEECH_LAYOUT.publicBundle))
  return SPEECH_DATA_PARTS.filter(
    (n) => !(publicBundle && SPEECH_SERVER_PARTS.includes(n)) && !existsSync(join(dir, n)),
  )
}

/** True when `dir` holds the vision embeddings and test sets (parquet files in both; a public bundle has no test sets). */
export function hasVisionData(dir: string): boolean {
  const parts = existsSync(join(dir, VISION_LAYOUT.publicBundle))
    ? VISION_DATA_PARTS.filter((p) => p !== 'test_sets')
    : VISION_DATA_PARTS
  return parts.every((sub) => {
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
    throw writeError(to, err) ?? err
  }
}

/** How one path of the extracted tree arrives in the user's folder. */
type Step =
  | { kind: 'move'; from: string; to: string }
  | { kind: 'replace'; from: string; to: string }
  | { kind: 'beside'; from: string; to: string; kept: string }

export interface MergeOptions {
  /** top-level folders the download owns (its data): a differing file there is replaced */
  owned: readonly string[]
  /** names the message uses for the zip */
  source: string
  log?: (message: string) => void
}

export function sameBytes(a: string, b: string): boolean {
  const sa = statSync(a),
    sb = statSync(b)
  return sa.size === sb.size && readFileSync(a).equals(readFileSync(b))
}

/** `name.downloaded.ext`, else `name.downloaded-2.ext`, ...: a free name beside `path`. */
export function besideName(path: string): string {
  const ext = extname(path)
  const stem = path.slice(0, path.length - ext.length)
  for (let i = 1; ; i++) {
    const candidate = `${stem}.downloaded${i === 1 ? '' : `-${i}`}${ext}`
    if (!lexists(candidate)) return candidate
  }
}

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory()
  } catch {
    return undefined // a dangling symbolic link
  }
}

/** Plans the merge of `src` into `dest` (nothing moves yet); throws on a file/folder clash. */
function planMerge(src: string, dest: string, rel: string, options: MergeOptions, steps: Step[], kept: string[]): void {
  const incoming = new Set(readdirSync(src))
  // inside the download's own data: what the user has there and the archive does not hold stays,
  // and is reported (it may be data of an earlier release)
  if (rel !== '' && options.owned.includes(rel.split('/')[0]!) && isDirectory(dest))
    for (const name of readdirSync(dest)) if (!incoming.has(name) && !name.startsWith('.')) kept.push(join(dest, name))
  for (const name of incoming) {
    if (name === '__MACOSX') continue
    const from = join(src, name)
    const to = join(dest, name)
    const path = rel === '' ? name : `${rel}/${name}`
    const fromDir = statSync(from).isDirectory()
    if (!lexists(to)) {
      steps.push({ kind: 'move', from, to })
      continue
    }
    const toDir = isDirectory(to)
    if (toDir === undefined || toDir !== fromDir) {
      const theirs = toDir === undefined ? 'a dangling link' : toDir ? 'a folder' : 'a file'
      throw new UserError(
        `${to} is ${theirs} and ${options.source} holds a ${fromDir ? 'folder' : 'file'} '${path}' there; refusing to replace it (nothing was changed: move it aside or choose another --output_path)`,
      )
    }
    if (fromDir) {
      planMerge(from, to, path, options, steps, kept)
      continue
    }
    if (options.owned.includes(path.split('/')[0]!)) steps.push({ kind: 'replace', from, to })
    else if (!sameBytes(from, to)) steps.push({ kind: 'beside', from, to: besideName(to), kept: to })
  }
}

/**
 * The one rule for putting a download in the user's folder, both tracks: moves the contents of
 * folder `src` into folder `dest`, folders merging. A file the user already has is never lost:
 * inside the download's own data (`options.owned`: its data folders and files) a differing file is
 * replaced by the new one (that is what downloading again means), anywhere else the user's file
 * stays and the new one is written beside it as `name.downloaded.ext`, said in the log. Files the
 * archive does not hold are never removed; those inside its data folders are listed in the log. A
 * file where the zip has a folder (or the reverse) is refused before anything moves. Every file
 * arrives by rename. Returns the files kept that the archive does not hold (inside its data).
 */
export function mergeInto(src: string, dest: string, options: MergeOptions): string[] {
  const steps: Step[] = []
  const kept: string[] = []
  if (lexists(dest) && !isDirectory(dest))
    throw new UserError(
      `${dest} is a file and ${options.source} holds a folder there; refusing to replace it (nothing was changed: move it aside or choose another --output_path)`,
      { code: 'exists', path: dest },
    )
  mkdirSync(dest, { recursive: true })
  planMerge(src, dest, '', options, steps, kept)
  for (const step of steps) {
    if (step.kind === 'beside') options.log?.(`${step.kept}: kept yours; the one from ${options.source} is ${step.to}`)
    move(step.from, step.to) // a rename replaces a file whole
  }
  if (kept.length > 0)
    options.log?.(
      `${dest}: kept ${kept.length} file${kept.length > 1 ? 's' : ''} that ${options.source} does not hold: ${sampleList(kept.map((k) => relative(dest, k)))} (remove ${kept.length > 1 ? 'them' : 'it'} if ${kept.length > 1 ? 'they belong' : 'it belongs'} to earlier data)`,
    )
  return kept
}
