/**
 * Checks a speech data folder (workspace/data with dataperf_{lang}_data/ inside) against the
 * official layout: embeddings folders, one parquet per target word and per nontarget keyword
 * (clip_id, mswc_embedding_vector of 1024 floats), allowed_training_set.yaml and eval.yaml whose
 * IDs exist in those files, and the workspace config.
 */
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { ParquetFile } from '../io/parquet/reader.js'
import { readYamlFile } from '../io/yaml.js'
import { sampleList } from '../errors.js'
import {
  CLIP_ID_COLUMN,
  EMBEDDING_COLUMN,
  SPEECH_DIM,
  SPEECH_LAYOUT,
  keywordOf,
  languageOfDir,
} from '../speech/layout.js'
import { loadSpeechConfig } from '../speech/config.js'
import { resolveSelectionModule } from '../speech/select/load-algorithm.js'
import { countSamples, readSampleIdsJson, readSampleIdsYaml, type SampleIds } from '../speech/sample-ids.js'
import { validateSpeechSelection } from '../speech/validate.js'
import { Findings } from './findings.js'

interface SampleSet {
  targets: Record<string, string[]>
  nontargets: string[]
}

function readSampleSet(path: string): SampleSet {
  const doc = readYamlFile(path) as Partial<SampleSet> | null
  const ok =
    doc &&
    typeof doc === 'object' &&
    doc.targets &&
    typeof doc.targets === 'object' &&
    Array.isArray(doc.nontargets) &&
    Object.values(doc.targets).every((v) => Array.isArray(v))
  if (!ok) throw new Error(`${path}: expected {targets: {word: [clip_id, ...]}, nontargets: [clip_id, ...]}`)
  return doc as SampleSet
}

/** Checks that every ID of `ids` is in `<folder>/<keyword>.parquet`, and that file's vectors. */
async function checkKeywordFiles(
  f: Findings,
  folder: string,
  byKeyword: Map<string, string[]>,
  what: string,
): Promise<void> {
  let files = 0,
    clips = 0
  for (const [keyword, ids] of byKeyword) {
    const path = join(folder, SPEECH_LAYOUT.embeddingFile(keyword))
    if (!existsSync(path)) {
      f.error(
        `${path}: missing; ${what} lists ${ids.length} clip(s) of '${keyword}' (e.g. ${ids[0]})`,
        'restore the file from the official zip (dataperf download speech) or remove those IDs',
      )
      continue
    }
    const ok = await f.check(
      `the file must have ${CLIP_ID_COLUMN} and ${EMBEDDING_COLUMN} (${SPEECH_DIM} floats, no NaN)`,
      async () => {
        const file = await ParquetFile.open(path)
        try {
          const present = (await file.readScalars(CLIP_ID_COLUMN)).map(String)
          await file.readVectors(EMBEDDING_COLUMN, {
            dim: SPEECH_DIM,
            rowLabel: (r) => `row ${r} (clip_id ${present[r]})`,
          })
          const have = new Set(present)
          const missing = ids.filter((id) => !have.has(id))
          if (missing.length)
            throw new Error(`${path}: ${what} lists clip IDs not in this file: ${sampleList(missing)}`)
          clips += ids.length
        } finally {
          await file.close()
        }
      },
    )
    if (ok) files++
  }
  if (files)
    f.ok(`${folder}: ${files} parquet file(s) checked, ${clips} listed clips found with ${SPEECH_DIM}-d finite vectors`)
}

function groupByKeyword(set: SampleSet): Map<string, string[]> {
  const m = new Map<string, string[]>()
  for (const [word, ids] of Object.entries(set.targets)) m.set(word, [...ids])
  for (const id of set.nontargets) {
    const keyword = keywordOf(id)
    if (!m.has(keyword)) m.set(keyword, [])
    m.get(keyword)!.push(id)
  }
  return m
}

/**
 * The {lang}_{size}_train.json files in `workspace`, each checked as `speech eval` checks it
 * (the one validator) against its language's allowed set.
 */
async function checkTrainFiles(
  f: Findings,
  workspace: string,
  allowedOf: Map<string, { set: SampleIds; path: string }>,
): Promise<void> {
  const names = existsSync(workspace) ? readdirSync(workspace) : []
  for (const name of names.sort()) {
    const m = /^([a-z]+)_(\d+)_train\.json$/.exec(name)
    if (!m || name !== SPEECH_LAYOUT.trainFile(m[1]!, Number(m[2]))) continue
    const path = join(workspace, name)
    const allowed = allowedOf.get(m[1]!)
    if (!allowed) {
      f.warn(`${path}: no ${SPEECH_LAYOUT.languageDir(m[1]!)} folder to check it against`)
      continue
    }
    await f.check('fix the selection (or run `dataperf speech select` again)', () => {
      const set = readSampleIdsJson(path)
      validateSpeechSelection(set, allowed.set, Number(m[2]), { selected: path, allowed: allowed.path })
      f.ok(`${path}: ${countSamples(set)} clips, all allowed, within ${m[2]}`)
    })
  }
}

export async function checkSpeechFolder(dir: string): Promise<Findings> {
  const f = new Findings()
  // the data folder (holding dataperf_{lang}_data/), or one language folder itself
  const own = languageOfDir(basename(resolve(dir)))
  if (own !== undefined) dir = dirname(resolve(dir))
  const languages =
    own !== undefined
      ? [SPEECH_LAYOUT.languageDir(own)]
      : existsSync(dir)
        ? readdirSync(dir)
            .filter((n) => languageOfDir(n) !== undefined)
            .sort()
        : []
  const allowedOf = new Map<string, { set: SampleIds; path: string }>()
  if (languages.length === 0) {
    f.error(
      `${dir}: no dataperf_{lang}_data folders`,
      'run `dataperf download speech --output_path DIR` or `dataperf generate speech --out DIR`',
    )
    return f
  }
  for (const folder of languages) {
    const root = join(dir, folder)
    const sets: Record<string, SampleSet> = {}
    // a challenge's public bundle (dataperf challenge pack) has no eval data: the server keeps it
    const publicBundle = existsSync(join(root, SPEECH_LAYOUT.publicBundle))
    if (publicBundle)
      f.ok(
        `${root}: a challenge's public bundle; ${SPEECH_LAYOUT.evalSet} and ${SPEECH_LAYOUT.evalEmbeddings}/ stay on the leaderboard server`,
      )
    for (const [name, file] of (
      [
        ['allowed', SPEECH_LAYOUT.allowedTrainingSet],
        ['eval', SPEECH_LAYOUT.evalSet],
      ] as const
    ).filter(([n]) => !(publicBundle && n === 'eval'))) {
      await f.check(`restore ${file} from the official zip`, () => {
        sets[name] = readSampleSet(join(root, file))
        const s = sets[name]!
        f.ok(
          `${join(root, file)}: targets ${Object.keys(s.targets).sort().join(', ')}; ${Object.values(s.targets).reduce((n, v) => n + v.length, 0)} target and ${s.nontargets.length} nontarget clips`,
        )
      })
    }
    const allowed = sets.allowed,
      evalSet = sets.eval
    const allowedPath = join(root, SPEECH_LAYOUT.allowedTrainingSet)
    if (allowed)
      await f.check(undefined, () => {
        allowedOf.set(languageOfDir(folder)!, { set: readSampleIdsYaml(allowedPath), path: allowedPath })
      })
    if (allowed && evalSet) {
      const a = Object.keys(allowed.targets).sort().join(','),
        e = Object.keys(evalSet.targets).sort().join(',')
      if (a !== e)
        f.error(
          `${root}: target words differ between ${SPEECH_LAYOUT.allowedTrainingSet} (${a}) and ${SPEECH_LAYOUT.evalSet} (${e})`,
          'use the two files from the same download',
        )
      const trainIds = new Set([...Object.values(allowed.targets).flat(), ...allowed.nontargets])
      const leaked = [...Object.values(evalSet.targets).flat(), ...evalSet.nontargets].filter((id) => trainIds.has(id))
      if (leaked.length)
        f.warn(`${root}: ${leaked.length} eval clip(s) also allowed for training: ${sampleList(leaked)}`)
    }
    for (const [sub, set, what] of (
      [
        [SPEECH_LAYOUT.trainEmbeddings, allowed, SPEECH_LAYOUT.allowedTrainingSet],
        [SPEECH_LAYOUT.evalEmbeddings, evalSet, SPEECH_LAYOUT.evalSet],
      ] as const
    ).filter(([sub]) => !(publicBundle && sub === SPEECH_LAYOUT.evalEmbeddings))) {
      const folderPath = join(root, sub)
      if (!existsSync(folderPath)) {
        f.error(`${folderPath}: missing folder`, 'unzip the official archive so that this folder exists')
        continue
      }
      if (set) await checkKeywordFiles(f, folderPath, groupByKeyword(set), what)
    }
  }
  const config = [join(dir, SPEECH_LAYOUT.config), join(dirname(dir), SPEECH_LAYOUT.config)].find(existsSync)
  if (!config)
    f.warn(
      'dataperf_speech_config.yaml not found beside or above the data folder',
      'copy the official workspace/dataperf_speech_config.yaml',
    )
  else
    await f.check('use the official keys', () => {
      const c = loadSpeechConfig(config) // what eval reads, so that doctor and eval agree (e.g. on eval_random_seeds: [])
      // what select loads: a built-in, or the user's file, which must exist
      const module = resolveSelectionModule(c.selectionAlgorithmModule, config)
      f.ok(
        `${config}: config keys present; ${c.evalRandomSeeds.length} eval seeds; selection ${'builtIn' in module ? `built-in ${module.builtIn}` : module.path}`,
      )
    })
  // the selections in the workspace (beside the data folder), and any in the data folder itself
  for (const workspace of new Set([dirname(resolve(dir)), resolve(dir)])) await checkTrainFiles(f, workspace, allowedOf)
  return f
}
