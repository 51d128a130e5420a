/** The generators' defaults, apart from their code (no imports: the CLI's help shows them at start-up). */
export const DEFAULT_VISION_POOL_SIZE = 20000
export const DEFAULT_VISION_SEED = 0
