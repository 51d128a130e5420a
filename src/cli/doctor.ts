import { existsSync, readdirSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { languageOfDir } from '../speech/layout.js'
import { VISION_LAYOUT } from '../vision/layout.js'
import { Command, Option } from 'commander'
import { UserError } from '../errors.js'
import { checkVisionFolder } from '../doctor/vision.js'
import { checkSpeechFolder } from '../doctor/speech.js'
import type { Findings } from '../doctor/findings.js'

/** Which track a folder holds: a task_setup.yaml means vision, dataperf_*_data folders speech. */
function detectTrack(dir: string): 'vision' | 'speech' {
  if (existsSync(join(dir, VISION_LAYOUT.setup))) return 'vision'
  if (languageOfDir(basename(resolve(dir))) !== undefined) return 'speech' // one language folder itself
  if (existsSync(dir) && readdirSync(dir).some((n) => languageOfDir(n) !== undefined)) return 'speech'
  throw new UserError(
    `${dir}: neither a vision folder (task_setup.yaml) nor a speech folder (dataperf_{lang}_data/); pass --track`,
  )
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a data folder against the layout and formats the evaluators expect, and say how to fix what is wrong',
    )
    .argument(
      '[dir]',
      'data folder (vision: the folder with task_setup.yaml; speech: the folder with dataperf_{lang}_data/, or one such folder)',
      '.',
    )
    .addOption(
      new Option('--track <track>', 'which benchmark the folder holds (default: detected)').choices([
        'vision',
        'speech',
      ]),
    )
    .option('--setup <path>', 'vision: a task setup YAML elsewhere than DIR/task_setup.yaml')
    .action(async (dir: string, opts: { track?: 'vision' | 'speech'; setup?: string }) => {
      const track = opts.track ?? (opts.setup ? 'vision' : detectTrack(dir))
      const findings: Findings =
        track === 'vision' ? await checkVisionFolder(dir, opts.setup) : await checkSpeechFolder(dir)
      process.stdout.write(`dataperf doctor: ${track} data in ${dir}\n${findings.format()}\n`)
      if (findings.errors > 0) process.exitCode = 1
    })
}
