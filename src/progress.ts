/**
 * The one progress callback of long library work: the stage's name, how much of it is done, its
 * total. The CLI draws it as a bar (cli/progress.ts), the server streams it; a function that
 * takes one calls it as it goes, and nothing when the caller passed none.
 */
export type Progress = (stage: string, done: number, total: number) => void
