/** The example sets (human labels: human-labels.ts). */
import { join } from 'node:path'
import { readCsv, requireCsvColumn } from '../io/csv.js'
import { VISION_LAYOUT } from '../synth/vision.js'

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
