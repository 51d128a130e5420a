/** The progress callback of long jobs (the CLI draws it, the server streams it). */
export type ProgressCallback = (stage: string, done: number, total: number) => void
