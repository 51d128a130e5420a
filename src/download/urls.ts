/** Download addresses the CLI's help shows (no imports: it reads them at start-up). */

/** Parameters keys: open_images_labels_url (default below), optional _sha256 / _md5 / _size. */
export const OPEN_IMAGES_LABELS_PREFIX = 'open_images_labels'
export const OPEN_IMAGES_LABELS_URL =
  'https://storage.googleapis.com/openimages/v6/oidv6-train-annotations-human-imagelabels.csv'
