/** `dataperf doctor`: check a data folder against the layout and formats the evaluators expect. */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { lexists } from '../../io/lexists.js'
import { basename, join, resolve } from 'node:path'
import { UserError } from '../../errors.js'
import { safeText } from '../../shown.js'
import { checkSpeechFolder } from '../../doctor/speech.js'
import { checkVisionFolder } from '../../doctor/vision.js'
import type { Findings } from '../../doctor/findings.js'
import { languageOfDir } from '../../speech/layout.js'
import { VISION_LAYOUT } from '../../vision/layout.js'

export interface DoctorFlags {
  track?: 'vision' | 'speech'
  setup?: string
}

/** Which track a folder holds: a task_setup.yaml means vision, dataperf_*_data folders speech. */
function detectTrack(dir: string): 'vision' | 'speech' {
  if (existsSync(join(dir, VISION_LAYOUT.setup))) return 'vision'
  if (languageOfDir(basename(resolve(dir))) !== undefined) return 'speech' // one language folder itself
  if (existsSync(dir) && readdirSync(dir).some((n) => languageOfDir(n) !== undefined)) return 'speech'
  throw new UserError(
    `${dir}: neither a vision folder (task_setup.yaml) nor a speech folder (dataperf_{lang}_data/); pass --track`,
  )
}

export async function doctor(dir: string, opts: DoctorFlags): Promise<void> {
  if (!lexists(dir))
    throw new UserError(`${dir}: no such folder; give the data folder to check (doctor DIR)`, {
      code: 'not_found',
      path: dir,
    })
  if (!statSync(dir).isDirectory())
    throw new UserError(`${dir}: a file, not a folder; give the data folder to check (doctor DIR)`, {
      code: 'bad_option',
      path: dir,
    })
  const track = opts.track ?? (opts.setup ? 'vision' : detectTrack(dir))
  const findings: Findings =
    track === 'vision' ? await checkVisionFolder(dir, opts.setup) : await checkSpeechFolder(dir)
  process.stdout.write(`${safeText(`dataperf doctor: ${track} data in ${dir}`)}\n${findings.format()}\n`)
  if (findings.errors > 0) process.exitCode = 1
}
