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

/** True when `dir` holds dataperf_{lang}_data folders. */
const holdsLanguageFolders = (dir: string) =>
  existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((n) => languageOfDir(n) !== undefined)

/**
 * The speech data folder `dir` means: itself (a data folder or one language's folder), or the data
 * folder of a workspace (`dir` = workspace, or the folder above it, where `speech select` and
 * `speech eval` run with their default paths), so doctor checks what eval would read.
 */
function speechDataDir(dir: string): string | undefined {
  if (languageOfDir(basename(resolve(dir))) !== undefined) return dir // one language folder itself
  return [dir, join(dir, 'data'), join(dir, 'workspace', 'data')].find(holdsLanguageFolders)
}

/** Which track a folder holds (a task_setup.yaml means vision, dataperf_*_data folders speech), and the folder to check. */
function detectTrack(dir: string): { track: 'vision' | 'speech'; dir: string } {
  if (existsSync(join(dir, VISION_LAYOUT.setup))) return { track: 'vision', dir }
  const data = speechDataDir(dir)
  if (data !== undefined) return { track: 'speech', dir: data }
  throw new UserError(
    `${dir}: neither a vision folder (task_setup.yaml) nor a speech folder (dataperf_{lang}_data/, also under data/ or workspace/data/); pass --track`,
    { code: 'not_found', path: dir },
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
  const detected = opts.track || opts.setup ? undefined : detectTrack(dir)
  const track = opts.track ?? detected?.track ?? 'vision'
  if (track === 'speech') dir = detected?.dir ?? speechDataDir(dir) ?? dir
  const findings: Findings =
    track === 'vision' ? await checkVisionFolder(dir, opts.setup) : await checkSpeechFolder(dir)
  process.stdout.write(`${safeText(`dataperf doctor: ${track} data in ${dir}`)}\n${findings.format()}\n`)
  if (findings.errors > 0) process.exitCode = 1
}
