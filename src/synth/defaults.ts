/** The generators' defaults, apart from their code (no imports: the CLI's help shows them at start-up). */
export const DEFAULT_VISION_POOL_SIZE = 20000
export const DEFAULT_VISION_SEED = 0
/** `generate vision --pool-size`: at least 1,000 rows (rare concepts need a pool), at most 10,000,000 (memory). */
export const VISION_POOL_SIZE_RULE = { integer: true, min: 1000, max: 10_000_000 } as const
/** `generate speech --scale`: clip counts multiplied by more than 0 and at most 10. */
export const SPEECH_SCALE_RULE = { min: 0, minExclusive: true, max: 10 } as const
