/**
 * `dataperf verify-result`: flags and help only; the check (actions/verify-result.ts) is imported
 * when it runs.
 */
import type { Command } from 'commander'
import type { VerifyResultFlags } from './actions/verify-result.js'

export function registerVerifyResultCommand(program: Command): void {
  program
    .command('verify-result')
    .description("check offline that a result manifest was signed by a leaderboard server's key and is unchanged")
    .argument('<manifest>', 'signed manifest JSON (GET /api/v1/submissions/:id/manifest)')
    .requiredOption(
      '--public-key <key>',
      "the server's ed25519 public key: a PEM file (GET /api/v1/public-key) or its text",
    )
    .option(
      '--submission <files...>',
      'also check that these files are the submission the manifest scores (by SHA-256)',
    )
    .action(async (manifestPath: string, opts: VerifyResultFlags) =>
      (await import('./actions/verify-result.js')).verifyResult(manifestPath, opts),
    )
}
