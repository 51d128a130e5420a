import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { reportError } from './report-error.js'
import { registerGenerateCommands } from './generate.js'
import { registerVisionCommands } from './vision.js'
import { registerSpeechCommands } from './speech.js'
import { registerDoctorCommand } from './doctor.js'
import { registerDownloadCommand } from './download.js'
import { registerCompareCommand } from './compare.js'
import { registerVerifyResultCommand } from './verify-result.js'
import { registerCreateCommands } from './create.js'
import { registerServeCommands } from './serve.js'
import { registerSubmitCommands } from './submit.js'
import { registerChallengeCommands } from './challenge.js'

/** Builds the `dataperf` command tree; each command lives in its own file under src/cli/. */
export function buildProgram(): Command {
  const program = new Command('dataperf')
    .description('DataPerf training-data selection benchmarks: generate, select and evaluate with the official scores')
    .version(VERSION)
    .exitOverride()
  registerGenerateCommands(program)
  registerVisionCommands(program)
  registerSpeechCommands(program)
  registerDoctorCommand(program)
  registerDownloadCommand(program)
  registerCompareCommand(program)
  registerVerifyResultCommand(program)
  registerCreateCommands(program)
  registerServeCommands(program)
  registerSubmitCommands(program)
  registerChallengeCommands(program)
  return program
}

/** Runs the CLI and returns the exit code: 2 for a user's mistake (one line), 70 for a bug in dataperf (report-error.ts). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    // a command may report failure without an error (e.g. doctor finding problems)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    return reportError(err)
  }
}
