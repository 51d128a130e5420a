/**
 * The `dataperf` entry point. Start-up loads only what the command line needs: each command's
 * flags and help are in a file of src/cli/, its action in src/cli/actions/ (imported when it runs);
 * a command group (`vision`, `speech`, ...) shows in the top-level help by its name and
 * description alone, so its subcommands' file is imported only when the command line names it.
 */
import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { escapeUnsafe } from '../shown.js'
import { registerCompareCommand } from './compare.js'
import { registerDoctorCommand } from './doctor.js'
import { registerServeCommands } from './serve.js'
import { registerSubmitCommands } from './submit.js'
import { registerVerifyResultCommand } from './verify-result.js'

type Subcommands = () => Promise<(group: Command) => void>

const GROUPS: Record<string, { description: string; subcommands: Subcommands }> = {
  generate: {
    description: 'write a deterministic synthetic benchmark in the official layout',
    subcommands: async () => (await import('./generate.js')).registerGenerateCommands,
  },
  vision: {
    description: 'vision track: binary concept classification over 256-d image embeddings',
    subcommands: async () => (await import('./vision.js')).registerVisionCommands,
  },
  speech: {
    description: 'speech track: keyword spotting over 1024-d embeddings (en, id, pt)',
    subcommands: async () => (await import('./speech.js')).registerSpeechCommands,
  },
  download: {
    description: 'download the official resources, verify them and lay them out as the official tools expect',
    subcommands: async () => (await import('./download.js')).registerDownloadCommand,
  },
  create: {
    description: 'organizers: create a new experiment from raw data (speech: MSWC; vision: a pool with human labels)',
    subcommands: async () => (await import('./create.js')).registerCreateCommands,
  },
  challenge: {
    description: 'organizers: publish experiments as a challenge',
    subcommands: async () => (await import('./challenge.js')).registerChallengeCommands,
  },
}

/**
 * The command the user named: the first operand (the top level has no option taking a value), or
 * the one after `help`.
 */
function namedCommand(args: string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith('-'))
  return operands[0] === 'help' ? operands[1] : operands[0]
}

/** Builds the `dataperf` command tree for `argv`: every command, and the subcommands of the group it names. */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command('dataperf')
    .description('DataPerf training-data selection benchmarks: generate, select and evaluate with the official scores')
    .version(VERSION)
    .exitOverride()
    // commander's own messages (unknown option, bad value) echo what was typed: never raw
    .configureOutput({ outputError: (text, write) => write(text.split('\n').map(escapeUnsafe).join('\n')) })
  const named = namedCommand(argv.slice(2))
  const group = async (name: string) => {
    const { description, subcommands } = GROUPS[name]!
    const cmd = program.command(name).description(description)
    if (name === named) (await subcommands())(cmd)
  }
  await group('generate')
  await group('vision')
  await group('speech')
  registerDoctorCommand(program)
  await group('download')
  registerCompareCommand(program)
  registerVerifyResultCommand(program)
  await group('create')
  registerServeCommands(program)
  registerSubmitCommands(program)
  await group('challenge')
  return program
}

/** Runs the CLI and returns the exit code: 2 for a user's mistake (one line), 70 for a bug in dataperf (report-error.ts). */
export async function main(argv: string[]): Promise<number> {
  // the command that runs: its flags name the options a library error names (poolSize -> --pool-size)
  let running: Command | undefined
  try {
    const program = await buildProgram(argv)
    program.hook('preAction', async (_program, action) => {
      running = action
      // Ctrl-C removes half-written temp files (loaded here: --help needs none of it)
      ;(await import('../io/temp-files.js')).removeTempsOnSignals()
    })
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
