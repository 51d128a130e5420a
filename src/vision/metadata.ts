/** Open Images-style weak labels shipped with a benchmark (metadata/), and the example sets. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readCsv, requireCsvColumn } from '../io/csv.js'
import { VISION_LAYOUT } from '../synth/vision.js'

export interface HumanLabels {
  positives: string[]
  negatives: string[]
}

/** Human-verified labels of one concept (LabelName), or empty lists when the file is absent. */
export function readHumanLabels(dataDir: string, labelName: string): HumanLabels {
  const path = join(dataDir, VISION_LAYOUT.humanLabels)
  const out: HumanLabels = { positives: [], negatives: [] }
  if (!existsSync(path)) return out
  const table = readCsv(path)
  const id = requireCsvColumn(table, 'ImageID'), label = requireCsvColumn(table, 'LabelName'), conf = requireCsvColumn(table, 'Confidence')
  for (const row of table.rows) {
    if (row[label] !== labelName) continue
    ;(row[conf] === '1' ? out.positives : out.negatives).push(row[id]!)
  }
  return out
}

export interface ExampleSet {
  labelName: string
  ids: string[]
}

/** examples/alpha_example_set_{Task}.csv: the concept's LabelName and its known positives. */
export function readExampleSet(dataDir: string, task: string): ExampleSet {
  const table = readCsv(join(dataDir, VISION_LAYOUT.exampleSet(task)))
  const id = requireCsvColumn(table, 'ImageID'), label = requireCsvColumn(table, 'LabelName')
  return { labelName: table.rows[0]?.[label] ?? '', ids: table.rows.map((r) => r[id]!) }
}
