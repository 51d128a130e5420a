/**
 * The progress callbacks of long library work. `Progress`: a stage's name, how much of it is done,
 * its total; the CLI draws it as a bar per stage (cli/progress.ts), the server streams it.
 * `ProgressCount`: the same without a stage, for a kernel or reader doing one piece of work (its
 * caller names the stage). A function that takes one calls it as it goes, and nothing when the
 * caller passed none.
 */
export type Progress = (stage: string, done: number, total: number) => void

export type ProgressCount = (done: number, total: number) => void
