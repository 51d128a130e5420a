/** Downloading the official DataPerf resources: parameters, HTTP, verification, zips, layouts. */
export {
  DEFAULT_PARAMETERS,
  SPEECH_DEFAULTS,
  SPEECH_LANGUAGES,
  VISION_DEFAULTS,
  VISION_PREFIX,
  checksFor,
  loadParameters,
  parseLanguages,
  resourceFor,
  speechPrefix,
  type Parameters,
  type Resource,
  type SpeechLanguage,
} from './parameters.js'
export { downloadFile, verifyFile, type DownloadOptions, type DownloadResult } from './http-download.js'
export {
  BadZipError,
  decodeEntryName,
  extractZip,
  unsafeEntryReason,
  type ExtractOptions,
  type ExtractResult,
} from './extract.js'
export {
  SPEECH_LAYOUT,
  VISION_LAYOUT,
  findContentRoot,
  hasVisionData,
  mergeInto,
  missingSpeechParts,
} from './layout.js'
export {
  VISION_ZIP_NAME,
  ensureWritableDir,
  fetchSpeechLanguage,
  fetchVision,
  zipNameFor,
  type JobOptions,
} from './resources.js'
export { writeError } from './write-error.js'
export { googleDriveMessage, isGoogleDriveUrl } from './google-drive.js'
