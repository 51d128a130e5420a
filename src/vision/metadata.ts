/** The example sets (human labels: human-labels.ts). */
import { join } from 'node:path'
import { readCsv, requireCsvColumn } from '../io/csv.js'
import { ID_COLUMN, LABEL_NAME_COLUMN, VISION_LAYOUT } from './layout.js'

export interface ExampleSet {
  labelName: string
  ids: string[]
}

/** examples/alpha_example_set_{Task}.csv: the concept's LabelName and its known positives. */
export function readExampleSet(dataDir: string, task: string): ExampleSet {
  const table = readCsv(join(dataDir, VISION_LAYOUT.exampleSet(task)))
  const id = requireCsvColumn(table, ID_COLUMN),
    label = requireCsvColumn(table, LABEL_NAME_COLUMN)
  return { labelName: table.rows[0]?.[label] ?? '', ids: table.rows.map((r) => r[id]!) }
}
