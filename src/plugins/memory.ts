/** The memory a selection may take by default (`--max-memory`, in MB): enough for a million-row pool. No imports: the CLI's help shows it. */
export const DEFAULT_MAX_MEMORY_MB = 4096
