/** Checks a vision data folder against what `vision eval` and the official evaluator expect. */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ParquetFile } from '../io/parquet/reader.js'
import { readCsv, requireCsvColumn } from '../io/csv.js'
import { ID_COLUMN, EMBEDDING_COLUMN, LABEL_COLUMN, VISION_LAYOUT } from '../vision/layout.js'
import { isInside, loadVisionSetup, type VisionSetup } from '../vision/setup.js'
import { problemsMessage, trainingSetProblems } from '../vision/training-set.js'
import { readTestSet } from '../vision/evaluate.js'
import { sampleList, UserError } from '../errors.js'
import { Findings } from './findings.js'
import { lexists } from '../io/lexists.js'

export async function checkVisionFolder(dir: string, setupPath = join(dir, VISION_LAYOUT.setup)): Promise<Findings> {
  const f = new Findings()
  let setup: VisionSetup | undefined
  await f.check(
    'write a task_setup.yaml with the official keys (see `dataperf generate vision` for an example)',
    () => {
      setup = loadVisionSetup(setupPath)
      f.ok(`${setupPath}: setup keys present; tasks ${setup.tasks.map((t) => t.name).join(', ')}; dim ${setup.dim}`)
    },
  )
  if (!setup) return f
  const s = setup
  const rel = (p: string) => relative(s.dataDir, p) || p

  let poolIds: Set<string> | undefined
  let poolRowOf: Map<string, number> | undefined
  const poolDuplicates = new Set<string>()
  // what `vision eval` needs to write its results (the one disagreement of doctor and eval found)
  if (lexists(s.resultsDir) && !isDirectory(s.resultsDir))
    f.error(
      `${s.resultsDir}: results_dir is a file, not a folder; \`vision eval\` cannot write its results there`,
      `move the file aside, or set another results_dir in ${setupPath}`,
    )
  else if (existsSync(s.resultsDir) && !writable(s.resultsDir))
    f.error(
      `${s.resultsDir}: results_dir is not writable; \`vision eval\` cannot write its results there`,
      `make it writable, or set another results_dir in ${setupPath}`,
    )
  if (!isInside(s.resultsDir, s.dataDir))
    f.warn(
      `results_dir: results go to ${s.resultsDir}, outside the data folder ${s.dataDir}`,
      `fine if you want them there; otherwise set results_dir in ${setupPath}`,
    )
  await f.check(
    `put the pool at ${rel(s.embFile)} with columns ${ID_COLUMN} (string) and ${EMBEDDING_COLUMN} (list of ${s.dim} floats)`,
    async () => {
      const pool = await ParquetFile.open(s.embFile)
      try {
        pool.requireColumn(ID_COLUMN)
        const ids = (await pool.readScalars(ID_COLUMN)).map(String)
        const vectors = await pool.readVectors(EMBEDDING_COLUMN, {
          dim: s.dim,
          rowLabel: (r) => `row ${r} (ImageID ${ids[r]})`,
        })
        poolIds = new Set(ids)
        poolRowOf = new Map(ids.map((id, r) => [id, r]))
        if (poolIds.size !== ids.length) {
          const firstRow = new Map<string, number>()
          const repeated: string[] = []
          ids.forEach((id, r) => {
            const first = firstRow.get(id)
            if (first === undefined) firstRow.set(id, r)
            else {
              repeated.push(`${id} (rows ${first} and ${r})`)
              poolDuplicates.add(id)
            }
          })
          f.warn(
            `${rel(s.embFile)}: duplicate ImageIDs in the pool: ${sampleList(repeated)}`,
            'list each ID once; `vision eval` refuses a training set that uses a repeated one (the official join would use every copy)',
          )
        }
        if (vectors.rows === 0)
          throw new UserError(
            `${rel(s.embFile)}: no rows; the pool must list the candidate images (ImageID, embedding)`,
          )
        f.ok(`${rel(s.embFile)}: ${vectors.rows} rows x ${vectors.dim}, no null or non-finite values`)
      } finally {
        await pool.close()
      }
    },
  )

  // a challenge's public bundle (dataperf challenge pack) has no test sets: the server keeps them
  const publicBundle = existsSync(join(s.dataDir, VISION_LAYOUT.publicBundle))
  for (const task of s.tasks) {
    if (publicBundle && !existsSync(task.testParquet))
      f.ok(`${rel(task.testParquet)}: kept on the leaderboard server (a challenge's public bundle)`)
    else
      await f.check(
        `the test set must have ${ID_COLUMN}, ${EMBEDDING_COLUMN} (${s.dim} floats) and ${LABEL_COLUMN} (0/1)`,
        async () => {
          const t = await readTestSet(task.testParquet, s.dim)
          let pos = 0
          for (const v of t.y) pos += v
          if (pos === 0 || pos === t.rows)
            f.warn(
              `${rel(task.testParquet)}: only label ${pos ? 1 : 0} present; precision or recall will be degenerate`,
            )
          f.ok(`${rel(task.testParquet)}: ${t.rows} rows (${pos} positive)`)
        },
      )
    if (!lexists(task.trainCsv)) {
      // a dangling link or a link loop is there, and eval fails on it: checked below
      f.warn(
        `${rel(task.trainCsv)}: training set for ${task.name} not created yet`,
        `write ImageID,Confidence rows there (e.g. \`dataperf vision run\` writes a baseline)`,
      )
    } else {
      await f.check('fix the training CSV as the message says', () => {
        // the same checks as `vision eval` (training-set.ts, validate.ts), so doctor and eval never
        // disagree; every problem of the file at once (eval stops at the file's first kind of problem)
        const rows = trainingSetProblems(task.trainCsv)
        const problems = [...rows.problems]
        const ids = rows.ids.filter((id) => id !== '')
        if (poolRowOf) {
          const missing = ids.filter((id) => !poolRowOf!.has(id))
          if (missing.length)
            problems.push(`ImageIDs not in the candidate pool ${rel(s.embFile)}: ${sampleList(missing)}`)
        }
        const used = ids.filter((id) => poolDuplicates.has(id))
        if (used.length)
          problems.push(
            `uses ImageIDs listed more than once in the pool: ${sampleList(used)}; \`vision eval\` refuses it`,
          )
        if (problems.length) throw new UserError(problemsMessage(rel(task.trainCsv), problems))
        f.ok(`${rel(task.trainCsv)}: ${ids.length} rows, all in the pool`)
      })
    }
    const examples = join(s.dataDir, VISION_LAYOUT.exampleSet(task.name))
    if (existsSync(examples)) {
      await f.check(undefined, () => {
        const table = readCsv(examples)
        const id = requireCsvColumn(table, ID_COLUMN)
        const missing = poolIds ? table.rows.map((r) => r[id]!).filter((x) => !poolIds!.has(x)) : []
        if (missing.length) f.warn(`${rel(examples)}: example IDs not in the pool: ${sampleList(missing)}`)
        else f.ok(`${rel(examples)}: ${table.rows.length} examples`)
      })
    } else
      f.warn(
        `${rel(examples)}: no example set for ${task.name}`,
        'selection algorithms that start from examples need it',
      )
  }
  for (const meta of [VISION_LAYOUT.machineLabels, VISION_LAYOUT.humanLabels]) {
    if (!existsSync(join(s.dataDir, meta)))
      f.warn(`${meta}: no weak-label metadata`, 'only needed by algorithms that use weak labels (fpscv, ours)')
  }
  return f
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false // a dangling link
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}
