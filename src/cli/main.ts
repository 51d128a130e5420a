import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { escapeUnsafe } from '../shown.js'
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
    // commander's own messages (unknown option, bad value) echo what was typed: never raw
    .configureOutput({ outputError: (text, write) => write(text.split('\n').map(escapeUnsafe).join('\n')) })
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
  // the command that runs: its flags name the options a library error names (poolSize -> --pool-size)
  let running: Command | undefined
  program.hook('preAction', async (_program, action) => {
    running = action
    // Ctrl-C removes half-written temp files (loaded here: --help needs none of it)
    ;(await import('../io/temp-files.js')).removeTempsOnSignals()
  })
  try {
    await program.parseAsync(argv)
    // a command may report failure without an error (e.g. doctor finding problems)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    const { reportError } = await import('./report-error.js')
    return reportError(err, { flagOf: (option) => flagOf(running, option) })
  }
}

/**
 * The long flag of `command` whose value is the library option `option`: the same name
 * (`poolSize` is --pool-size), in snake_case as the official flags (`trainSize` is --train_size),
 * or without the unit the library spells out (`timeoutSeconds` is --timeout, `maxMemoryMb` --max-memory).
 */
function flagOf(command: Command | undefined, option: string): string | undefined {
  const bare = option.replace(/(Seconds|Ms|Mb|Bytes)$/, '')
  const names = [option, bare].flatMap((n) => [n, n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)])
  return command?.options.find((o) => names.includes(o.attributeName()))?.long
}
