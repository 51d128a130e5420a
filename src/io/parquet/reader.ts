/**
 * Parquet reading for embedding files, built on hyparquet's page decoders.
 *
 * Why not hyparquet's high-level reader: it assembles list columns into one JS array per row,
 * which for a 1,000,000 x 256 pool means a million arrays and gigabytes of heap. Here pages are
 * streamed from disk in slabs and list values are copied straight into one typed array, keeping
 * only the rows asked for, so memory stays near the size of what is kept.
 */
import { readSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type {
  ColumnChunk,
  ColumnDecoder,
  Compressors,
  DecodedArray,
  FileMetaData,
  PageHeader,
  SchemaTree,
} from 'hyparquet/src/types.js'
import { parquetHeader } from 'hyparquet/src/column.js'
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { parquetMetadata } from 'hyparquet/src/metadata.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getSchemaPath } from 'hyparquet/src/schema.js'
import { UserError } from '../../errors.js'
import { metadataProblem } from './check-metadata.js'
import { allLevelsEqual, RowStartsCache } from './list-levels.js'
import type { ProgressCount } from '../../progress.js'

const SLAB_BYTES = 16 << 20
// Sparse reads fetch a page's header and levels only (about 5 KiB for a 1,024-row page of
// 256-float vectors): small windows; a larger header or level run grows the window.
const SPARSE_SLAB_BYTES = 8 << 10
// Kept rows' values at most this far apart in a page are read as one span (a system call costs
// about as much as copying 16-32 KiB from the page cache), spans of at most COALESCE_SPAN_BYTES.
const COALESCE_GAP_BYTES = 16 << 10
const COALESCE_SPAN_BYTES = 256 << 10

type PageMode = 'generic' | 'dense' | 'sparse' | 'strings'

/** One leaf column of the file, found from a top-level column name. */
export interface ColumnInfo {
  name: string
  pathInSchema: string[]
  schemaPath: SchemaTree[]
  physicalType: string
  /** true for LIST-like columns (one level of repetition) */
  repeated: boolean
}

export interface ReadVectorsOptions {
  /** expected vector length; rows of any other length are an error */
  dim?: number
  /** sorted, distinct row indices to keep (default: all rows) */
  rows?: Int32Array
  /** names a row in error messages (e.g. its ID); default "row N" */
  rowLabel?: (row: number) => string
  /** called with (rowsDone, totalRows) after each page */
  onProgress?: ProgressCount
  /** allocate the values in a SharedArrayBuffer, so worker threads can read them without a copy */
  shared?: boolean
}

export interface Vectors {
  /** row-major values of the kept rows; Float64Array when the file stores doubles, so no precision is lost */
  data: Float32Array | Float64Array
  dim: number
  rows: number
}

export class ParquetFile {
  private readonly rowStartsCache = new RowStartsCache()
  /** slab buffers kept from one column chunk to the next (SlabReader) */
  private readonly slabPool: Buffer[] = []
  /** the span buffer of coalesced sparse reads (allocated on first use) */
  private scratch: Buffer | undefined

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
    readonly metadata: FileMetaData,
    /** decompressors, loaded only for a file with compressed columns (most embedding files are not) */
    private readonly compressors: Compressors | undefined,
  ) {}

  static async open(path: string): Promise<ParquetFile> {
    let handle: FileHandle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      throw new UserError(`${path}: cannot open parquet file (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
    }
    try {
      const stat = await handle.stat()
      if (stat.isDirectory()) throw new UserError(`${path}: is a folder, expected a parquet file`)
      const size = stat.size
      if (size === 0) throw new UserError(`${path}: file is empty, expected a parquet file`)
      if (size < 12) throw new UserError(`${path}: file is too short to be parquet (${size} bytes)`)
      const tail = readAt(handle, size - 8, 8)
      if (tail.readUInt32LE(4) !== 0x31524150) throw new UserError(`${path}: not a parquet file (no PAR1 footer)`)
      const metaLength = tail.readUInt32LE(0)
      if (metaLength + 8 > size - 4)
        throw new UserError(`${path}: corrupt parquet footer (metadata length ${metaLength})`)
      const footer = readAt(handle, size - 8 - metaLength, metaLength + 8)
      let metadata: FileMetaData
      try {
        metadata = parquetMetadata(footer)
      } catch (err) {
        throw new UserError(`${path}: corrupt parquet metadata (${(err as Error).message})`)
      }
      const problem = metadataProblem(metadata, size - 8 - metaLength)
      if (problem) throw new UserError(`${path}: unreadable parquet metadata (${problem})`)
      const compressors = await compressorsFor(metadata)
      return new ParquetFile(path, handle, size, metadata, compressors)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  get numRows(): number {
    return Number(this.metadata.num_rows)
  }

  /** Top-level column names, in file order. */
  get columnNames(): string[] {
    const root = this.metadata.schema[0]
    const names: string[] = []
    let i = 1
    for (let c = 0; c < (root?.num_children ?? 0); c++) {
      const el = this.metadata.schema[i]!
      names.push(el.name)
      i = skipSubtree(this.metadata.schema, i)
    }
    return names
  }

  /** Finds the single leaf under a top-level column (a list's element for vectors), or undefined. */
  column(name: string): ColumnInfo | undefined {
    const leaves =
      this.metadata.row_groups[0]?.columns.map((c) => c.meta_data?.path_in_schema ?? []) ?? leafPaths(this.metadata)
    const matching = leaves.filter((p) => p[0] === name)
    if (matching.length !== 1) return undefined
    const pathInSchema = matching[0]!
    const schemaPath = getSchemaPath(this.metadata.schema, pathInSchema)
    const leaf = schemaPath[schemaPath.length - 1]!.element
    return {
      name,
      pathInSchema,
      schemaPath,
      physicalType: leaf.type ?? 'UNKNOWN',
      repeated: getMaxRepetitionLevel(schemaPath) > 0,
    }
  }

  /** Like column(), but a missing column is a user error naming the file and the columns it has. */
  requireColumn(name: string): ColumnInfo {
    const info = this.column(name)
    if (!info) {
      throw new UserError(`${this.path}: missing column '${name}' (columns: ${this.columnNames.join(', ') || 'none'})`)
    }
    return info
  }

  /**
   * Reads a flat column as strings, numbers or null (byte arrays decode as UTF-8; 64-bit
   * integers become numbers). One array entry per row.
   */
  async readScalars(name: string): Promise<Array<string | number | boolean | null>> {
    const info = this.requireColumn(name)
    if (info.repeated) throw new UserError(`${this.path}: column '${name}' holds lists, expected one value per row`)
    const out: Array<string | number | boolean | null> = []
    const maxDef = getMaxDefinitionLevel(info.schemaPath)
    for (const page of this.dataPages(info)) {
      const { values, definitionLevels } = page
      if (definitionLevels.length === 0) {
        for (let i = 0; i < values.length; i++) out.push(scalar(values[i]))
      } else {
        let vi = 0
        for (let i = 0; i < definitionLevels.length; i++)
          out.push(definitionLevels[i] === maxDef ? scalar(values[vi++]) : null)
      }
    }
    return out
  }

  /**
   * The first row holding each wanted value of a flat string column (`onRepeat` hears of any
   * later row holding one again). On PLAIN pages a value is decoded into a string only when its
   * key (length, first and last four bytes) is set in a bit filter of the wanted values' keys, so
   * scanning a million IDs for a few thousand tests a million bits and builds a few thousand strings.
   */
  async findRows(
    name: string,
    wanted: ReadonlySet<string>,
    onRepeat?: (value: string, firstRow: number, row: number) => void,
  ): Promise<Map<string, number>> {
    const info = this.requireColumn(name)
    if (info.repeated) throw new UserError(`${this.path}: column '${name}' holds lists, expected one value per row`)
    const encoder = new TextEncoder(),
      decoder = new TextDecoder()
    const filter = new Int32Array(1 << (KEY_FILTER_BITS - 5))
    let scratch = new Uint8Array(256),
      view = new DataView(scratch.buffer)
    for (const w of wanted) {
      if (3 * w.length > scratch.length) {
        scratch = new Uint8Array(3 * w.length) // UTF-8 takes at most 3 bytes per UTF-16 unit
        view = new DataView(scratch.buffer)
      }
      const n = encoder.encodeInto(w, scratch).written
      const k = valueKey(scratch, view, 0, n)
      filter[k >> 5]! |= 1 << (k & 31)
    }
    const found = new Map<string, number>()
    const maxDef = getMaxDefinitionLevel(info.schemaPath)
    let row = 0
    const consider = (value: string | null) => {
      if (value !== null && wanted.has(value)) {
        const first = found.get(value)
        if (first === undefined) found.set(value, row)
        else onRepeat?.(value, first, row)
      }
    }
    for (const page of this.dataPages(info, 'strings')) {
      if (page.plainBytes) {
        const bytes = page.plainBytes
        const pageRow = row
        const hits = keyHits(bytes, page.numValues, filter)
        for (let h = 0; h < hits.length; h += 3) {
          row = pageRow + hits[h]!
          consider(decoder.decode(bytes.subarray(hits[h + 1]!, hits[h + 2]!)))
        }
        row = pageRow + page.numValues
      } else if (!page.rowStarts) {
        const { values, definitionLevels } = page
        let vi = 0
        const n = definitionLevels.length || values.length
        for (let i = 0; i < n; i++, row++) {
          const present = definitionLevels.length === 0 || definitionLevels[i] === maxDef
          consider(present ? String(scalar(values[vi++])) : null)
        }
      }
    }
    return found
  }

  /**
   * Reads a list-of-numbers column (float or double elements) into one typed array.
   * Every kept row must have exactly `dim` finite values.
   */
  async readVectors(name: string, options: ReadVectorsOptions = {}): Promise<Vectors> {
    const info = this.requireColumn(name)
    if (!info.repeated) {
      throw new UserError(
        `${this.path}: column '${name}' is not a list of numbers (found ${info.physicalType} per row)`,
      )
    }
    const isDouble = info.physicalType === 'DOUBLE'
    if (!isDouble && info.physicalType !== 'FLOAT') {
      throw new UserError(`${this.path}: column '${name}' holds ${info.physicalType} values, expected float or double`)
    }
    const total = this.numRows
    const wanted = options.rows
    const keptCount = wanted ? wanted.length : total
    const label = options.rowLabel ?? ((r: number) => `row ${r}`)
    const maxDef = getMaxDefinitionLevel(info.schemaPath)

    // Without an expected length, take it from the first row group's value count; the per-row
    // check below then reports any row of another length.
    const dim = options.dim ?? this.inferListLength(info)
    const data = alloc(isDouble, keptCount * dim, options.shared === true)
    const bits = new Int32Array(data.buffer, data.byteOffset, data.byteLength >> 2) // for firstNonFinite
    let row = -1 // current row index in the file
    let count = 0 // values seen in the current row
    let keep = false
    let nextWanted = 0 // index into `wanted` (or the kept row number when all rows are kept)
    let base = 0 // offset in `data` of the current kept row

    // Only kept rows are checked: a bad row that nobody uses must not block an evaluation.
    const checkRowLength = () => {
      if (keep && count !== dim) {
        throw new UserError(`${this.path}: ${label(row)}: '${name}' has ${count} values, expected ${dim}`)
      }
    }

    for (const page of this.dataPages(info, wanted ? 'sparse' : 'dense')) {
      if (page.rowStarts) {
        // Fast path, whole rows at once. Values before the first row start continue the last row.
        const { rowStarts, numValues } = page
        const segments: Array<{ at: number; from: number; to: number; row: number }> = []
        const plan = (from: number, to: number) => {
          if (!keep || to === from) return
          if (count + to - from > dim)
            throw new UserError(`${this.path}: ${label(row)}: '${name}' has more than ${dim} values, expected ${dim}`)
          segments.push({ at: base + count, from, to, row })
        }
        const first = rowStarts.length ? rowStarts[0]! : numValues
        plan(0, first)
        count += first
        const rowsHere = rowStarts.length
        if (rowsHere > 0) {
          checkRowLength() // the row continued from earlier pages ends here
          if (row + rowsHere >= total)
            throw new UserError(`${this.path}: '${name}' has more rows than the metadata's ${total}`)
          const firstRow = row + 1
          // straight to the kept rows (rows nobody asked for are neither read nor checked)
          const nextKept = (k: number) =>
            !wanted ? k : nextWanted < wanted.length ? Math.min(wanted[nextWanted]! - firstRow, rowsHere) : rowsHere
          keep = false
          for (let k = nextKept(0); k < rowsHere; k = nextKept(k + 1)) {
            row = firstRow + k
            keep = true
            base = nextWanted++ * dim
            count = 0
            const from = rowStarts[k]!,
              to = k + 1 < rowsHere ? rowStarts[k + 1]! : numValues
            plan(from, to)
            count = to - from
            if (k + 1 < rowsHere) {
              checkRowLength() // a row inside the page is complete
              keep = false
            }
          }
          // the page's last row may go on in the next page
          if (!keep) count = numValues - rowStarts[rowsHere - 1]!
          row = firstRow + rowsHere - 1
        }
        page.copySegments(segments, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        for (const g of segments) {
          const j = firstNonFinite(bits, isDouble, g.at, g.at + g.to - g.from)
          if (j >= 0) {
            const position = j - (g.at - (g.at % dim))
            throw new UserError(
              `${this.path}: ${label(g.row)}: '${name}' contains ${data[j]} at position ${position}, expected finite numbers`,
            )
          }
        }
        options.onProgress?.(row + 1, total)
        continue
      }
      if (page.plainBytes) throw new Error('string page in a vector column') // not produced in vector modes
      const { values, definitionLevels: defs, repetitionLevels: reps } = page
      let vi = 0
      for (let i = 0; i < reps.length; i++) {
        if (reps[i] === 0) {
          checkRowLength()
          if (++row >= total) throw new UserError(`${this.path}: '${name}' has more rows than the metadata's ${total}`)
          count = 0
          keep = wanted ? nextWanted < wanted.length && wanted[nextWanted] === row : true
          if (keep) base = nextWanted++ * dim
        }
        if (defs.length !== 0 && defs[i] !== maxDef) {
          // a null element, or an empty or null list: the row has no usable vector
          if (keep) throw new UserError(`${this.path}: ${label(row)}: '${name}' contains a null or empty vector`)
          continue
        }
        const v = values[vi++] as number
        if (keep) {
          if (count >= dim)
            throw new UserError(`${this.path}: ${label(row)}: '${name}' has more than ${dim} values, expected ${dim}`)
          if (!Number.isFinite(v)) {
            throw new UserError(
              `${this.path}: ${label(row)}: '${name}' contains ${v} at position ${count}, expected finite numbers`,
            )
          }
          data[base + count] = v
        }
        count++
      }
      options.onProgress?.(row + 1, total)
    }
    checkRowLength()
    if (row + 1 !== total) throw new UserError(`${this.path}: '${name}' has ${row + 1} rows, metadata says ${total}`)
    if (wanted && nextWanted !== wanted.length) {
      throw new Error(`row ${wanted[nextWanted]} not found in ${this.path} (file has ${total} rows)`)
    }
    return { data, dim, rows: keptCount }
  }

  /**
   * The shortest and longest list of a list column, with the first row of each (for messages
   * about vectors of mixed lengths: an average would name a length no row has).
   */
  async listLengthRange(name: string): Promise<{ min: number; minRow: number; max: number; maxRow: number }> {
    const info = this.requireColumn(name)
    const maxDef = getMaxDefinitionLevel(info.schemaPath)
    const range = { min: Infinity, minRow: -1, max: -1, maxRow: -1 }
    let row = -1,
      count = 0
    const endRow = () => {
      if (row < 0) return
      if (count < range.min) {
        range.min = count
        range.minRow = row
      }
      if (count > range.max) {
        range.max = count
        range.maxRow = row
      }
    }
    for (const page of this.dataPages(info)) {
      const { definitionLevels: defs, repetitionLevels: reps } = page
      for (let i = 0; i < reps.length; i++) {
        if (reps[i] === 0) {
          endRow()
          row++
          count = 0
        }
        if (defs.length === 0 || defs[i] === maxDef) count++
      }
    }
    endRow()
    return range
  }

  /** The list length implied by the first non-empty row group (values / rows). */
  private inferListLength(info: ColumnInfo): number {
    for (const group of this.metadata.row_groups) {
      const rows = Number(group.num_rows)
      const chunk = group.columns.find((c) => samePath(c.meta_data?.path_in_schema, info.pathInSchema))
      if (rows > 0 && chunk?.meta_data) return Math.round(Number(chunk.meta_data.num_values) / rows)
    }
    return 0
  }

  /** Decoded data pages of one column across all row groups: values plus levels. */
  /**
   * An uncompressed PLAIN list page without nulls, with only its levels read: values are fetched
   * per kept row. Returns undefined for any other page (the caller decodes it whole).
   */
  private sparseListPage(
    header: PageHeader,
    bodyPos: number,
    slab: SlabReader,
    decoder: ColumnDecoder,
    { maxRep, maxDef }: MaxLevels,
  ): DenseListPage | undefined {
    const type = decoder.type
    if ((type !== 'FLOAT' && type !== 'DOUBLE') || maxRep !== 1) return undefined
    const width = type === 'FLOAT' ? 4 : 8
    // row starts are taken from the levels at once: the window may move on the next read
    let numValues: number, rowStarts: Int32Array, valuesPos: number
    if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2!
      if (h.encoding !== 'PLAIN' || h.num_nulls !== 0) return undefined
      numValues = h.num_values
      rowStarts = this.rowStartsCache.rowStarts(slab.bytes(bodyPos, h.repetition_levels_byte_length), numValues)
      valuesPos = bodyPos + h.repetition_levels_byte_length + h.definition_levels_byte_length
    } else if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!
      if (h.encoding !== 'PLAIN') return undefined
      numValues = h.num_values
      const repLength = uint32At(slab.bytes(bodyPos, 4))
      rowStarts = this.rowStartsCache.rowStarts(slab.bytes(bodyPos + 4, repLength), numValues)
      valuesPos = bodyPos + 4 + repLength
      if (maxDef > 0) {
        const defLength = uint32At(slab.bytes(valuesPos, 4))
        const defBytes = slab.bytes(valuesPos + 4, defLength)
        if (!allLevelsEqual(defBytes, 32 - Math.clz32(maxDef), numValues, maxDef)) return undefined
        valuesPos += 4 + defLength
      }
    } else return undefined
    if (valuesPos + numValues * width > bodyPos + header.compressed_page_size) return undefined
    return {
      rowStarts,
      numValues,
      copySegments: (segments, target) => {
        const read = (into: Uint8Array, from: number) => {
          if (readFully(this.handle, into, valuesPos + from * width) < into.length)
            throw new UserError(`${this.path}: file is truncated (page at byte ${bodyPos} runs past the end)`)
        }
        for (let i = 0; i < segments.length; ) {
          // kept rows lying close together are read as one span through a scratch buffer (one
          // system call instead of one per row); a lone row goes straight into the caller's array
          const first = segments[i]!
          let j = i + 1
          while (
            j < segments.length &&
            (segments[j]!.from - segments[j - 1]!.to) * width <= COALESCE_GAP_BYTES &&
            (segments[j]!.to - first.from) * width <= COALESCE_SPAN_BYTES
          )
            j++
          if (j === i + 1)
            read(target.subarray(first.at * width, (first.at + first.to - first.from) * width), first.from)
          else {
            const span = (this.scratch ??= Buffer.allocUnsafeSlow(COALESCE_SPAN_BYTES)).subarray(
              0,
              (segments[j - 1]!.to - first.from) * width,
            )
            read(span, first.from)
            for (let k = i; k < j; k++) {
              const g = segments[k]!
              target.set(span.subarray((g.from - first.from) * width, (g.to - first.from) * width), g.at * width)
            }
          }
          i = j
        }
      },
    }
  }

  /**
   * Pages of a column. 'dense' lets PLAIN list pages without nulls take the fast path; 'sparse'
   * also leaves their values on disk until asked for (uncompressed files only).
   */
  private dataPages(info: ColumnInfo): Generator<DecodedPage>
  private dataPages(info: ColumnInfo, mode: PageMode): Generator<DecodedPage | DenseListPage | PlainStringPage>
  private *dataPages(
    info: ColumnInfo,
    mode: PageMode = 'generic',
  ): Generator<DecodedPage | DenseListPage | PlainStringPage> {
    for (const group of this.metadata.row_groups) {
      const chunk = group.columns.find((c) => samePath(c.meta_data?.path_in_schema, info.pathInSchema))
      if (!chunk?.meta_data) throw new UserError(`${this.path}: column '${info.name}' missing from a row group`)
      yield* this.chunkPages(chunk, info, mode)
    }
  }

  private *chunkPages(
    chunk: ColumnChunk,
    info: ColumnInfo,
    mode: PageMode,
  ): Generator<DecodedPage | DenseListPage | PlainStringPage> {
    const meta = chunk.meta_data!
    const dataOffset = Number(meta.data_page_offset)
    const dictOffset = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset)
    let pos = dictOffset !== undefined && dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset
    const end = pos + Number(meta.total_compressed_size)
    const decoder: ColumnDecoder = {
      pathInSchema: info.pathInSchema,
      type: meta.type,
      element: info.schemaPath[info.schemaPath.length - 1]!.element,
      schemaPath: info.schemaPath,
      codec: meta.codec,
      parsers: DEFAULT_PARSERS,
      compressors: this.compressors,
      utf8: true,
    }
    const levels: MaxLevels = {
      maxRep: getMaxRepetitionLevel(info.schemaPath),
      maxDef: getMaxDefinitionLevel(info.schemaPath),
    }
    const sparse = mode === 'sparse' && meta.codec === 'UNCOMPRESSED'
    const slab = new SlabReader(this.handle, this.path, end, sparse ? SPARSE_SLAB_BYTES : SLAB_BYTES, this.slabPool)
    let dictionary: DecodedArray | undefined
    let fast: DenseListPage | undefined
    let fastStrings: PlainStringPage | undefined
    try {
      while (pos < end) {
        const { header, headerLength } = slab.header(pos, end)
        pos += headerLength
        const bodyPos = pos
        pos += header.compressed_page_size
        if (sparse && (fast = this.sparseListPage(header, bodyPos, slab, decoder, levels))) {
          yield fast
          continue
        }
        const body = slab.bytes(bodyPos, header.compressed_page_size)
        try {
          if (header.type === 'DICTIONARY_PAGE') {
            // copied: the dictionary outlives the window, and the decoders return views of their input
            const page = decompressPage(body, header.uncompressed_page_size, meta.codec, this.compressors).slice()
            const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }
            dictionary = convert(
              readPlain(reader, meta.type, header.dictionary_page_header!.num_values, decoder.element.type_length),
              decoder,
            )
          } else if (mode === 'strings' && (fastStrings = plainStringPage(header, body, decoder, levels))) {
            yield fastStrings
          } else if (
            (mode === 'dense' || mode === 'sparse') &&
            (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') &&
            (fast = denseListPage(header, body, decoder, levels, this.rowStartsCache))
          ) {
            yield fast
          } else if (header.type === 'DATA_PAGE') {
            const page = decompressPage(body, header.uncompressed_page_size, meta.codec, this.compressors)
            const daph = header.data_page_header!
            const { definitionLevels, repetitionLevels, dataPage } = readDataPage(page, daph, decoder)
            yield {
              values: convertWithDictionary(dataPage, dictionary, daph.encoding, decoder),
              definitionLevels: definitionLevels ?? [],
              repetitionLevels,
            }
          } else if (header.type === 'DATA_PAGE_V2') {
            const daph2 = header.data_page_header_v2!
            const { definitionLevels, repetitionLevels, dataPage } = readDataPageV2(body, header, decoder)
            yield {
              values: convertWithDictionary(dataPage, dictionary, daph2.encoding, decoder),
              definitionLevels: definitionLevels ?? [],
              repetitionLevels,
            }
          }
          // index pages carry nothing we need
        } catch (err) {
          if (err instanceof UserError) throw err
          throw new UserError(`${this.path}: cannot decode column '${info.name}' (${(err as Error).message})`)
        }
      }
    } finally {
      slab.release()
    }
  }
}

/** A column's greatest repetition and definition levels, worked out once per column chunk. */
interface MaxLevels {
  maxRep: number
  maxDef: number
}

/** A page decoded generically: values plus one repetition and definition level per value. */
interface DecodedPage {
  plainBytes?: undefined
  values: DecodedArray
  definitionLevels: ArrayLike<number>
  repetitionLevels: ArrayLike<number>
  rowStarts?: undefined
}

/** A PLAIN BYTE_ARRAY page of a flat column without nulls: length-prefixed values, one per row. */
interface PlainStringPage {
  plainBytes: Uint8Array
  numValues: number
  rowStarts?: undefined
}

/**
 * A PLAIN list page without nulls, for the fast path: the positions where rows start, and a copy
 * of the little-endian bytes of chosen value ranges into the caller's array, on demand. For
 * uncompressed files the values are read from disk only for the rows that are kept.
 */
interface DenseListPage {
  plainBytes?: undefined
  rowStarts: Int32Array
  numValues: number
  copySegments: (segments: readonly ValueSegment[], target: Uint8Array) => void
}

/** Values [from, to) of a page, to be copied to element `at` of the caller's array. */
interface ValueSegment {
  at: number
  from: number
  to: number
}

/** The values section of a PLAIN BYTE_ARRAY page of a flat column without nulls, else undefined. */
function plainStringPage(
  header: PageHeader,
  body: Uint8Array,
  decoder: ColumnDecoder,
  { maxRep, maxDef }: MaxLevels,
): PlainStringPage | undefined {
  if (decoder.type !== 'BYTE_ARRAY' || maxRep !== 0) return undefined
  if (header.type === 'DATA_PAGE_V2') {
    const h = header.data_page_header_v2!
    if (h.encoding !== 'PLAIN' || h.num_nulls !== 0) return undefined
    const levels = h.repetition_levels_byte_length + h.definition_levels_byte_length
    let values = body.subarray(levels)
    if (h.is_compressed !== false)
      values = decompressPage(values, header.uncompressed_page_size - levels, decoder.codec, decoder.compressors)
    return { plainBytes: values, numValues: h.num_values }
  }
  if (header.type !== 'DATA_PAGE') return undefined
  const h = header.data_page_header!
  if (h.encoding !== 'PLAIN') return undefined
  const page = decompressPage(body, header.uncompressed_page_size, decoder.codec, decoder.compressors)
  let off = 0
  if (maxDef > 0) {
    const defLength = Buffer.from(page.buffer, page.byteOffset, page.byteLength).readUInt32LE(0)
    if (!allLevelsEqual(page.subarray(4, 4 + defLength), 32 - Math.clz32(maxDef), h.num_values, maxDef))
      return undefined
    off = 4 + defLength
  }
  return { plainBytes: page.subarray(off), numValues: h.num_values }
}

/**
 * The decompressors a file's columns need: none for an uncompressed file (the vision pool); for
 * snappy alone (the speech track's files, vision's test sets) hysnappy, a small package (~12 KB)
 * whose WebAssembly decoder loads in about a millisecond and decodes ~3x as fast as hyparquet's
 * JavaScript one (`npm run bench:snappy`); for any other codec all of hyparquet-compressors (zstd,
 * gzip, brotli, lz4).
 */
async function compressorsFor(metadata: FileMetaData): Promise<Compressors | undefined> {
  const codecs = new Set<string>()
  for (const group of metadata.row_groups)
    for (const c of group.columns) codecs.add(c.meta_data?.codec ?? 'UNCOMPRESSED')
  codecs.delete('UNCOMPRESSED')
  if (codecs.size === 0) return undefined
  if (codecs.size === 1 && codecs.has('SNAPPY')) return { SNAPPY: await snappyDecoder() }
  return (await import('hyparquet-compressors')).compressors
}

type Decompressor = NonNullable<Compressors['SNAPPY']>

let snappy: Promise<Decompressor> | undefined

/** hysnappy's decoder, made once per process (it keeps its WebAssembly memory between pages) */
function snappyDecoder(): Promise<Decompressor> {
  snappy ??= import('hysnappy').then((m) => m.snappyUncompressor())
  return snappy
}

/** Bits of findRows' filter: 2^20 bits (128 KiB), so a few thousand wanted values set few of them. */
const KEY_FILTER_BITS = 20
const KEY_MASK = (1 << KEY_FILTER_BITS) - 1

/**
 * The values of a PLAIN BYTE_ARRAY page (`count` length-prefixed values) whose valueKey is set in
 * `filter`, as triples [index in the page, start, end]. A function of its own, and small: V8
 * optimizes it within the first page, where the same loop inside findRows waited tens of
 * milliseconds for the whole method to be compiled while a million values crawled through.
 */
function keyHits(bytes: Uint8Array, count: number, filter: Int32Array): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let hits = new Int32Array(3 * 256)
  let n = 0
  let off = 0
  for (let i = 0; i < count; i++) {
    const start = off + 4
    off = start + view.getInt32(off, true)
    const k = valueKey(bytes, view, start, off)
    if (filter[k >> 5]! & (1 << (k & 31))) {
      if (n === hits.length) {
        const bigger = new Int32Array(2 * n)
        bigger.set(hits)
        hits = bigger
      }
      hits[n] = i
      hits[n + 1] = start
      hits[n + 2] = off
      n += 3
    }
  }
  return hits.subarray(0, n)
}

/**
 * A cheap key of bytes [from, to): their length and first and last four bytes, mixed, reduced to
 * KEY_FILTER_BITS bits (values shorter than eight bytes are mixed byte by byte). Signed 32-bit
 * operations only, so the values stay small integers and the loop allocates nothing even before
 * V8 optimizes it.
 */
function valueKey(bytes: Uint8Array, view: DataView, from: number, to: number): number {
  const len = to - from
  let h: number
  if (len >= 8) h = Math.imul(view.getInt32(from, true), -1640531535) ^ view.getInt32(to - 4, true)
  else {
    h = -2128831035
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 16777619)
  }
  h = Math.imul(h ^ len ^ (h >> 16), -2048144789)
  return (h ^ (h >> 13)) & KEY_MASK
}

/**
 * Decodes a PLAIN float/double page of a one-level list column without nulls using the level fast
 * paths; returns undefined (caller falls back to the generic decoder) for anything else.
 */
function denseListPage(
  header: PageHeader,
  body: Uint8Array,
  decoder: ColumnDecoder,
  { maxRep, maxDef }: MaxLevels,
  rowStartsCache: RowStartsCache,
): DenseListPage | undefined {
  const type = decoder.type
  if ((type !== 'FLOAT' && type !== 'DOUBLE') || maxRep !== 1) return undefined
  const defWidth = 32 - Math.clz32(maxDef)
  let numValues: number, repBytes: Uint8Array, valueBytes: Uint8Array
  if (header.type === 'DATA_PAGE_V2') {
    const h = header.data_page_header_v2!
    if (h.encoding !== 'PLAIN' || h.num_nulls !== 0) return undefined
    numValues = h.num_values
    repBytes = body.subarray(0, h.repetition_levels_byte_length)
    const levelsLength = h.repetition_levels_byte_length + h.definition_levels_byte_length
    valueBytes = body.subarray(levelsLength)
    if (h.is_compressed !== false) {
      valueBytes = decompressPage(
        valueBytes,
        header.uncompressed_page_size - levelsLength,
        decoder.codec,
        decoder.compressors,
      )
    }
  } else {
    const h = header.data_page_header!
    if (h.encoding !== 'PLAIN') return undefined
    numValues = h.num_values
    const page = decompressPage(body, header.uncompressed_page_size, decoder.codec, decoder.compressors)
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
    const repLength = view.getUint32(0, true)
    repBytes = page.subarray(4, 4 + repLength)
    let off = 4 + repLength
    if (maxDef > 0) {
      const defLength = view.getUint32(off, true)
      if (!allLevelsEqual(page.subarray(off + 4, off + 4 + defLength), defWidth, numValues, maxDef)) return undefined
      off += 4 + defLength
    }
    valueBytes = page.subarray(off)
  }
  const width = type === 'FLOAT' ? 4 : 8
  if (valueBytes.byteLength < numValues * width) return undefined
  const bytes = valueBytes
  return {
    rowStarts: rowStartsCache.rowStarts(repBytes, numValues),
    numValues,
    copySegments: (segments, target) => {
      for (const g of segments) target.set(bytes.subarray(g.from * width, g.to * width), g.at * width)
    },
  }
}

/**
 * Reads a column chunk through one large buffer taken from (and given back to) the file's pool,
 * so pages cost few system calls and, from one chunk to the next, no fresh memory (touching fresh
 * memory costs more than reading into warm memory: on a virtual machine each fresh 4 KiB page can
 * cost 10-20 us). Bytes handed out stay valid until the next call that moves the window (callers
 * finish with a page before asking for the next).
 *
 * Reads are synchronous preads, and so is everything that walks pages: from the page cache a read
 * costs microseconds, far less than a round trip through libuv's thread pool, and the sparse path
 * makes thousands of small ones, each of which would otherwise also cost promise and generator steps.
 */
class SlabReader {
  /** the buffer the window is read into */
  private slab: Buffer
  /** the window: bytes of the file from `start`, a view of `slab` */
  private buf: Buffer
  private start = 0
  /** the last header decoded, and its bytes */
  private lastHeader: { bytes: Buffer; header: PageHeader } | undefined

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly end: number,
    private readonly slabBytes: number,
    private readonly pool: Buffer[],
  ) {
    this.slab = pool.pop() ?? Buffer.allocUnsafeSlow(0)
    this.buf = this.slab.subarray(0, 0)
  }

  /** Gives the buffer back to the pool; the reader is not used after. */
  release(): void {
    this.pool.push(this.slab)
  }

  bytes(pos: number, length: number): Uint8Array {
    if (pos < this.start || pos + length > this.start + this.buf.length) {
      const size = Math.min(Math.max(length, this.slabBytes), Math.max(length, this.end - pos))
      if (this.slab.length < size) this.slab = Buffer.allocUnsafeSlow(size)
      this.buf = readInto(this.handle, this.slab, pos, size)
      this.start = pos
      if (this.buf.length < length)
        throw new UserError(`${this.path}: file is truncated (page at byte ${pos} runs past the end)`)
    }
    return this.buf.subarray(pos - this.start, pos - this.start + length)
  }

  /**
   * Parses a thrift page header at `pos`, growing the window if the header is longer than guessed.
   * Pages of a column chunk mostly have byte-identical headers: bytes equal to the last header's
   * are that header (callers only read it), without decoding the thrift again.
   */
  header(pos: number, end: number): { header: PageHeader; headerLength: number } {
    const last = this.lastHeader
    if (last && pos + last.bytes.length <= end) {
      const bytes = this.bytes(pos, last.bytes.length)
      if (Buffer.compare(bytes, last.bytes) === 0) return this.checkedHeader(last.header, pos, last.bytes.length, end)
    }
    for (let guess = 256; ; guess *= 4) {
      const len = Math.min(guess, end - pos)
      const bytes = this.bytes(pos, len)
      const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
      try {
        const header = parquetHeader(reader)
        this.lastHeader = { bytes: Buffer.from(bytes.subarray(0, reader.offset)), header }
        return this.checkedHeader(header, pos, reader.offset, end)
      } catch (err) {
        if (err instanceof UserError) throw err
        if (len >= end - pos || guess > 1 << 26) {
          throw new UserError(`${this.path}: corrupt page header at byte ${pos} (${(err as Error).message})`)
        }
      }
    }
  }

  /** The header at `pos` if its page fits in the column chunk, else a user error. */
  private checkedHeader(
    header: PageHeader,
    pos: number,
    headerLength: number,
    end: number,
  ): { header: PageHeader; headerLength: number } {
    const body = header.compressed_page_size
    if (
      typeof body !== 'number' ||
      body < 0 ||
      pos + headerLength + body > end ||
      typeof header.uncompressed_page_size !== 'number'
    ) {
      throw new UserError(
        `${this.path}: corrupt page header at byte ${pos} (page size ${String(body)} does not fit its column chunk)`,
      )
    }
    return { header, headerLength }
  }
}

function readAt(handle: FileHandle, position: number, length: number): Buffer {
  return readInto(handle, Buffer.alloc(0), position, length)
}

/** Reads `length` bytes at `position` into `buf` when it is big enough, else into a new buffer. */
function readInto(handle: FileHandle, buf: Buffer, position: number, length: number): Buffer {
  const target = buf.length >= length ? buf.subarray(0, length) : Buffer.allocUnsafe(length)
  return target.subarray(0, readFully(handle, target, position))
}

/** Fills `target` from the file at `position` (fewer bytes only at the end of the file); returns the bytes read. */
function readFully(handle: FileHandle, target: Uint8Array, position: number): number {
  let done = 0
  while (done < target.length) {
    const bytesRead = readSync(handle.fd, target, done, target.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

/**
 * The first index in [from, to) of the floats (doubles when isDouble) whose bits `bits` views that
 * holds an infinity or NaN, else -1. Tested on the bits (all exponent bits set) through one
 * Int32Array view made per read: small integers, so even before V8 optimizes the loop it allocates
 * nothing (reading a float would box it).
 */
function firstNonFinite(bits: Int32Array, isDouble: boolean, from: number, to: number): number {
  if (!isDouble) {
    for (let j = from; j < to; j++) if ((bits[j]! & 0x7f800000) === 0x7f800000) return j
  } else {
    // little-endian: the exponent is in the high word, the second of each pair
    for (let j = from; j < to; j++) if ((bits[2 * j + 1]! & 0x7ff00000) === 0x7ff00000) return j
  }
  return -1
}

/** The little-endian uint32 at the start of `bytes`. */
function uint32At(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0
}

function alloc(isDouble: boolean, n: number, shared: boolean): Float32Array | Float64Array {
  if (!shared) return isDouble ? new Float64Array(n) : new Float32Array(n)
  return isDouble ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float32Array(new SharedArrayBuffer(n * 4))
}

function scalar(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (v instanceof Uint8Array) return new TextDecoder().decode(v)
  return String(v)
}

function samePath(a: string[] | undefined, b: string[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i])
}

function skipSubtree(schema: FileMetaData['schema'], i: number): number {
  const children = schema[i]?.num_children ?? 0
  let next = i + 1
  for (let c = 0; c < children; c++) next = skipSubtree(schema, next)
  return next
}

function leafPaths(metadata: FileMetaData): string[][] {
  const out: string[][] = []
  const walk = (i: number, prefix: string[]): number => {
    const el = metadata.schema[i]!
    const path = [...prefix, el.name]
    if (!el.num_children) {
      out.push(path)
      return i + 1
    }
    let next = i + 1
    for (let c = 0; c < el.num_children; c++) next = walk(next, path)
    return next
  }
  let next = 1
  for (let c = 0; c < (metadata.schema[0]?.num_children ?? 0); c++) next = walk(next, [])
  return out
}
