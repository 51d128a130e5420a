import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../errors.js'
import { VISION_LAYOUT } from '../../vision/layout.js'

/** The official default is ./task_setup.yaml; our generator puts one inside the data folder. */
export function defaultSetupPath(dataDir: string | undefined): string {
  if (existsSync(VISION_LAYOUT.setup)) return VISION_LAYOUT.setup
  const inData = join(dataDir ?? 'data', VISION_LAYOUT.setup)
  if (existsSync(inData)) return inData
  throw new UserError(
    'no task_setup.yaml in the working directory or the data folder; pass --setup PATH (or run `dataperf generate vision --out data`)',
  )
}
