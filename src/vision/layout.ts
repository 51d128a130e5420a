/**
 * The vision track's files, as CoactiveAI/dataperf-vision-selection lays them out: the one owner
 * of these names. Generators, download, doctor, eval, select and compare import them from here.
 *
 *   task_setup.yaml                     data_dir, emb_file, dim, eval_tasks, {task: [train_csv, test_parquet]}, results_dir
 *   embeddings/train_emb_256_dataperf.parquet        the candidate pool (ImageID, embedding)
 *   test_sets/alpha_test_set_{task}_256.parquet      (ImageID, embedding, Confidence)
 *   train_sets/{task}.csv                            a participant's selection (ImageID, Confidence)
 *   examples/alpha_example_set_{task}.csv            (LabelName, ImageID, Confidence, ...)
 *   metadata/*.csv                                   Open Images-style labels
 *   results/result_UTC-....json                      the official results file
 */

/** Columns: the ID of an image, its vector, its 0/1 label, and a concept's Open Images name. */
export const ID_COLUMN = 'ImageID'
export const EMBEDDING_COLUMN = 'embedding'
export const LABEL_COLUMN = 'Confidence'
export const LABEL_NAME_COLUMN = 'LabelName'

/** Other columns of the Open Images-style files: a label's origin, a concept's readable name, an image's URL. */
export const SOURCE_COLUMN = 'Source'
export const DISPLAY_NAME_COLUMN = 'DisplayName'
export const URL_COLUMN = 'OriginalURL'

/** Headers of examples/alpha_example_set_{task}.csv, metadata/*-imagelabels.csv and metadata/class-descriptions.csv. */
export const EXAMPLE_SET_COLUMNS = [
  LABEL_NAME_COLUMN,
  ID_COLUMN,
  LABEL_COLUMN,
  URL_COLUMN,
  DISPLAY_NAME_COLUMN,
] as const
export const IMAGE_LABELS_COLUMNS = [ID_COLUMN, SOURCE_COLUMN, LABEL_NAME_COLUMN, LABEL_COLUMN] as const
export const CLASS_DESCRIPTIONS_COLUMNS = [LABEL_NAME_COLUMN, DISPLAY_NAME_COLUMN] as const

/** The header of a training-set CSV (what `vision eval` reads and `vision select` writes). */
export const TRAINING_SET_COLUMNS = [ID_COLUMN, LABEL_COLUMN] as const

/** The challenge rule: at most this many labelled rows per task. */
export const MAX_TRAINING_ROWS = 1000

/** Open Images V6's file name of its human labels (also looked for directly in the data folder). */
export const OPEN_IMAGES_HUMAN_LABELS = 'oidv6-train-annotations-human-imagelabels.csv'

/** Relative paths of the official files (relative to the data folder). */
export const VISION_LAYOUT = {
  setup: 'task_setup.yaml',
  pool: 'embeddings/train_emb_256_dataperf.parquet',
  testSet: (task: string) => `test_sets/alpha_test_set_${task}_256.parquet`,
  trainSet: (task: string) => `train_sets/${task}.csv`,
  randomTemplate: 'train_sets/random_500.csv',
  exampleSet: (task: string) => `examples/alpha_example_set_${task}.csv`,
  machineLabels: 'metadata/train-annotations-machine-imagelabels.csv',
  humanLabels: 'metadata/train-annotations-human-imagelabels.csv',
  /** Open Images V6's public human labels (what `download vision --open-images-labels` fetches) */
  openImagesHumanLabels: `metadata/${OPEN_IMAGES_HUMAN_LABELS}`,
  classDescriptions: 'metadata/class-descriptions.csv',
  results: 'results',
  /** marks a challenge's public bundle (`dataperf challenge pack`): the test sets stay on the server */
  publicBundle: 'PUBLIC_BUNDLE.txt',
} as const

/** The folders that mark a vision resources tree (download finds a zip's content by them). */
export const VISION_DATA_PARTS = ['embeddings', 'test_sets'] as const

/** Keys of task_setup.yaml (each task also has a key of its own name: [train_csv, test_parquet]). */
export const SETUP_KEYS = {
  dataDir: 'data_dir',
  embFile: 'emb_file',
  dim: 'dim',
  evalTasks: 'eval_tasks',
  resultsDir: 'results_dir',
} as const

/** The official results file name for a "UTC-%Y-%m-%d-%H-%M-%S" stamp (plus "-2", ... when taken), and our manifest beside it. */
export const resultsFileName = (stamp: string) => `result_${stamp}.json`
export const manifestFileName = (stamp: string) => `manifest_${stamp}.json`
