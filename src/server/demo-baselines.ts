/**
 * `dataperf serve --demo` opens on a living board: the official baselines (speech: random and the
 * official baseline selection at each size cap; vision: the weak-label baseline) are submitted by
 * an organizer account of their own, marked as baselines, and scored by the server's real workers
 * like any submission. Their files are kept in the challenge folder (baselines/...), so a visitor
 * can score them with `speech eval` / `vision eval` and find the board's numbers.
 *
 * Safe to repeat: a restarted demo finds its account, team and files, and a file already
 * submitted is answered as a duplicate (no quota, no second row).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runSpeechSelection } from '../speech/select-job.js'
import { MAX_TRAINING_ROWS } from '../vision/layout.js'
import { runVisionSelection, writeTrainingCsv } from '../vision/select/index.js'
import { loadVisionSetup } from '../vision/setup.js'
import type { SubmittedFile } from './boards/staging.js'
import { type Board, speechBoardPaths, speechTrainFileName } from './challenge/load.js'
import { createSignupInvite, makeOrganizer, signUp, type User } from './services/accounts.js'
import type { ServerContext } from './services/context.js'
import { setBaseline } from './services/leaderboard.js'
import { submit } from './services/submissions.js'
import { createTeam, myTeam } from './services/teams.js'

/** The account and team the demo's baselines are submitted by. */
export const DEMO_BASELINE_EMAIL = 'baselines@demo.invalid'
export const DEMO_BASELINE_TEAM = 'Official baselines'

interface BaselineRun {
  board: Board
  /** the folder under the challenge's baselines/ that keeps its files */
  folder: string
  method: string
  description: string
  files: () => Promise<SubmittedFile[]>
}

function speechRuns(ctx: ServerContext, board: Extract<Board, { track: 'speech' }>): BaselineRun[] {
  return (['random', 'baseline'] as const).map((algorithm) => {
    const folder = join(ctx.challenge.dir, 'baselines', board.id, algorithm)
    const name = speechTrainFileName(board)
    return {
      board,
      folder,
      method: algorithm === 'random' ? 'random (official)' : 'baseline selection (official)',
      description:
        algorithm === 'random'
          ? 'The official random_selection.py: train_size // 6 clips per class, drawn with the configured seed.'
          : 'The official baseline_selection.py: the best of 10x10 cross-validated splits by macro F1.',
      files: async () => {
        const file = join(folder, name)
        if (!existsSync(file)) {
          mkdirSync(folder, { recursive: true })
          await runSpeechSelection({
            language: board.language,
            trainSize: board.trainSize,
            allowedTrainingSet: speechBoardPaths(board).allowedTrainingSet,
            trainEmbeddingsDir: speechBoardPaths(board).trainEmbeddingsDir,
            configFile: board.configPath,
            outdir: folder,
            algorithm,
          })
        }
        return [{ name, bytes: readFileSync(file) }]
      },
    }
  })
}

function visionRun(ctx: ServerContext, board: Extract<Board, { track: 'vision' }>): BaselineRun {
  const folder = join(ctx.challenge.dir, 'baselines', board.id, 'weak-labels')
  return {
    board,
    folder,
    method: 'weak-label baseline (official)',
    description:
      "The main job's simple baseline: each concept's example positives and human-verified labels, topped up with random pool images labelled 0.",
    files: async () => {
      const setup = loadVisionSetup(board.setupPath)
      mkdirSync(folder, { recursive: true })
      const files: SubmittedFile[] = []
      for (const task of board.tasks) {
        const file = join(folder, `${task}.csv`)
        if (!existsSync(file))
          writeTrainingCsv(
            file,
            await runVisionSelection(setup, 'weak-labels', { task, budget: MAX_TRAINING_ROWS, seed: 0 }),
          )
        files.push({ name: `${task}.csv`, bytes: readFileSync(file) })
      }
      return files
    },
  }
}

async function baselineAccount(ctx: ServerContext): Promise<User> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('email', '=', DEMO_BASELINE_EMAIL)
    .executeTakeFirst()
  // a password nobody knows: the account only submits the baselines
  const user =
    row ??
    (await signUp(ctx, {
      email: DEMO_BASELINE_EMAIL,
      name: 'DataPerf baselines',
      password: randomBytes(24).toString('base64url'),
      inviteCode: await createSignupInvite(ctx, undefined),
    }))
  const organizer = user.role === 'organizer' ? user : await makeOrganizer(ctx, DEMO_BASELINE_EMAIL, 'demo')
  if (!(await myTeam(ctx, organizer))) await createTeam(ctx, organizer, DEMO_BASELINE_TEAM)
  return organizer
}

/** Submits and marks the demo's baselines (once); the server's workers score them. Returns their submission IDs. */
export async function seedDemoBaselines(ctx: ServerContext, log: (line: string) => void = () => {}): Promise<string[]> {
  const user = await baselineAccount(ctx)
  const runs = ctx.challenge.boards.flatMap((b) => (b.track === 'speech' ? speechRuns(ctx, b) : [visionRun(ctx, b)]))
  const ids: string[] = []
  for (const run of runs) {
    const r = await submit(ctx, user, run.board.id, await run.files(), {
      method: run.method,
      description: run.description,
    })
    if (!r.submission.baseline) await setBaseline(ctx, user, r.submission.id, true)
    if (!r.duplicate) log(`demo: submitted the baseline '${run.method}' to board ${run.board.id} (${r.submission.id})`)
    ids.push(r.submission.id)
  }
  return ids
}
