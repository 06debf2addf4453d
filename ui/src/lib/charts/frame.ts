// Decodes the binary answers of `runPanel` without parsing the numbers: every f64 column is a
// Float64Array view straight into the ArrayBuffer the IPC layer handed over, and a narrow
// (i32 decimal) column is widened once, into one Float64Array shared by the frame's series.
//
// Panel frame: "HNP1" | u32 LE header length | header JSON {queries:[…]} | pad to 8 | one
// series frame per successful query at the 8-aligned `offset` its header names.
// Series frame: "HNM1" | u32 LE header length | header JSON {series:[{labels, points,
// source_points, decimals?}], truncated_series, grid_points?} | pad to 8 | per series: f64
// timestamps, then its values; or, when the header has `grid_points` (the series share one time
// grid, as a range query's do), the grid's f64 timestamps once, then per series its values on
// the grid (NaN where it has no point). Every series of such a frame exposes the same grid
// Float64Array as its `timestamps`, so uPlot gets one x column without a copy. Values are f64
// views; a series whose header has `decimals` sends them as i32s (half the bytes over the IPC)
// that are read back exactly into a Float64Array. Every column starts 8-aligned.
// The header types and magic words are generated from the Rust that writes them
// (hinomi-metrics `frame.rs`, hinomi-prometheus `downsample.rs`) into bindings.ts.

import {
  NARROW_VALUE_GAP,
  NARROW_VALUE_MAX_DECIMALS,
  PANEL_FRAME_MAGIC,
  SERIES_FRAME_MAGIC,
  type HinomiError,
  type PanelFrameHeader,
  type QueryHeader,
  type SeriesFrameHeader,
} from "../bindings";

export interface FrameSeries {
  labels: Record<string, string>;
  /** Seconds since the epoch. On a shared grid, the same array for every series of the frame
   * (and `values` NaN where this series has no point). */
  timestamps: Float64Array;
  values: Float64Array;
  /** Points Prometheus returned before downsampling. */
  sourcePoints: number;
}

export interface SeriesFrame {
  series: FrameSeries[];
  truncatedSeries: number;
}

export interface QueryResult {
  refId: string;
  expr: string;
  legendFormat: string | null;
  instant: boolean;
  stepSeconds: number;
  datasourceId: string | null;
  error: HinomiError | null;
  errorPosition: { line: number; column: number } | null;
  series: FrameSeries[];
  truncatedSeries: number;
}

export interface PanelResult {
  queries: QueryResult[];
  /** Set when Prometheus could not be reached and this is the last good answer, from then. */
  staleSinceMs: number | null;
  /** Why the fresh answer could not be had. */
  staleError: HinomiError | null;
}

export class FrameError extends Error {}

function readHeader(buffer: ArrayBuffer, offset: number, magic: string): { header: unknown; dataStart: number } {
  const bytes = new Uint8Array(buffer, offset);
  if (bytes.length < 8) throw new FrameError("frame too short");
  const found = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (found !== magic) throw new FrameError(`expected ${magic}, found ${JSON.stringify(found)}`);
  const length = new DataView(buffer, offset + 4, 4).getUint32(0, true);
  if (8 + length > bytes.length) throw new FrameError("header runs past the end of the frame");
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  const header: unknown = JSON.parse(text);
  const dataStart = offset + Math.ceil((8 + length) / 8) * 8;
  return { header, dataStart };
}

// 10^d for every decimals count a narrow column may name, as literals so each is the exact
// double Rust divides by (`decimal_column.rs`); `10 ** d` is not promised to be exact.
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9] as const;

/** Reads the frame's columns in order, each starting 8-aligned. */
class ColumnReader {
  /** Where the narrow columns are widened to: one allocation for the frame, not one a series. */
  private readonly widened: Float64Array;
  private widenedAt = 0;

  constructor(
    private readonly buffer: ArrayBuffer,
    private at: number,
    private readonly end: number,
    narrowPoints: number,
  ) {
    this.widened = new Float64Array(narrowPoints);
  }

  private take(bytes: number): number {
    if (this.at + bytes > this.end) throw new FrameError("series data runs past the end of the frame");
    const start = this.at;
    this.at += Math.ceil(bytes / 8) * 8;
    return start;
  }

  /** f64s: a view, not a copy. */
  wide(points: number): Float64Array {
    return new Float64Array(this.buffer, this.take(points * 8), points);
  }

  /** A series' values: f64s, or i32 decimals (`decimals` set) read back as k / 10^decimals,
   * which is bit for bit the double Prometheus's text parsed to (Rust keeps a series narrow
   * only when that division gives every value back). */
  values(points: number, decimals: number | null | undefined): Float64Array {
    if (decimals === undefined || decimals === null) return this.wide(points);
    const divisor = POWERS_OF_TEN[decimals];
    if (divisor === undefined || decimals > NARROW_VALUE_MAX_DECIMALS) throw new FrameError(`a column cannot have ${decimals} decimals`);
    const ints = new Int32Array(this.buffer, this.take(points * 4), points);
    if (this.widenedAt + points > this.widened.length) throw new FrameError("more narrow values than the header counts");
    const values = this.widened.subarray(this.widenedAt, this.widenedAt + points);
    this.widenedAt += points;
    for (let i = 0; i < points; i++) {
      const k = ints[i]!;
      values[i] = k === NARROW_VALUE_GAP ? NaN : k / divisor;
    }
    return values;
  }
}

/** Decodes one HNM1 frame that starts at `offset` (a multiple of 8) of `buffer`. */
export function decodeSeriesFrame(buffer: ArrayBuffer, offset = 0, length = buffer.byteLength - offset): SeriesFrame {
  if (offset % 8 !== 0) throw new FrameError(`frame offset ${offset} is not 8-aligned`);
  const { header, dataStart } = readHeader(buffer, offset, SERIES_FRAME_MAGIC);
  const raw = header as SeriesFrameHeader;
  const gridPoints = raw.grid_points ?? null;
  const narrowPoints = raw.series.reduce((sum, s) => (s.decimals === undefined || s.decimals === null ? sum : sum + (gridPoints ?? s.points)), 0);
  if (narrowPoints * 4 > length) throw new FrameError("series data runs past the end of the frame");
  const reader = new ColumnReader(buffer, dataStart, offset + length, narrowPoints);
  if (gridPoints !== null) {
    const points = gridPoints;
    const grid = reader.wide(points);
    const series = raw.series.map(
      (s): FrameSeries => ({ labels: s.labels, timestamps: grid, values: reader.values(points, s.decimals), sourcePoints: s.source_points }),
    );
    return { series, truncatedSeries: raw.truncated_series };
  }
  const series: FrameSeries[] = raw.series.map((s) => {
    const timestamps = reader.wide(s.points);
    const values = reader.values(s.points, s.decimals);
    return { labels: s.labels, timestamps, values, sourcePoints: s.source_points };
  });
  return { series, truncatedSeries: raw.truncated_series };
}

/** Decodes a whole `runPanel` answer. */
export function decodePanelFrame(buffer: ArrayBuffer): PanelResult {
  const { header } = readHeader(buffer, 0, PANEL_FRAME_MAGIC);
  const raw = header as PanelFrameHeader;
  const queries = raw.queries.map((q): QueryResult => {
    const frame = q.length > 0 ? decodeSeriesFrame(buffer, q.offset, q.length) : { series: [], truncatedSeries: 0 };
    return {
      refId: q.ref_id,
      expr: q.expr,
      legendFormat: q.legend_format,
      instant: q.instant,
      stepSeconds: q.step_seconds ?? 0,
      datasourceId: q.datasource_id,
      error: q.error,
      errorPosition: q.error_position,
      series: frame.series,
      truncatedSeries: frame.truncatedSeries,
    };
  });
  return { queries, staleSinceMs: raw.stale_since_ms ?? null, staleError: raw.stale_error ?? null };
}

// ---- Encoding, for tests and the fake backend (the real frames come from Rust). ----

function pad8(parts: number[]): void {
  while (parts.length % 8 !== 0) parts.push(0);
}

function headerBytes(magic: string, header: unknown): number[] {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = [...magic].map((c) => c.charCodeAt(0));
  const len = new Uint8Array(new Uint32Array([json.length]).buffer);
  out.push(...len, ...json);
  pad8(out);
  return out;
}

function f64Bytes(values: ArrayLike<number>): number[] {
  return [...new Uint8Array(new Float64Array(Array.from(values)).buffer)];
}

/** Values as Rust writes a narrow column: i32 k = v·10^decimals (the gap for NaN), padded. */
function valueBytes(values: number[], decimals: number | undefined): number[] {
  if (decimals === undefined) return f64Bytes(values);
  const scale = POWERS_OF_TEN[decimals]!;
  const ints = values.map((v) => (Number.isNaN(v) ? NARROW_VALUE_GAP : Math.round(v * scale)));
  const out = [...new Uint8Array(new Int32Array(ints).buffer)];
  pad8(out);
  return out;
}

export interface EncodeSeries {
  labels: Record<string, string>;
  timestamps: number[];
  values: number[];
  /** Send the values as a narrow column with these decimals (they must be exact at it). */
  decimals?: number;
}

/** With `grid`, the series' values must already lie on it (NaN for no point), as Rust writes
 * them when they share one time grid. */
export function encodeSeriesFrame(series: EncodeSeries[], truncatedSeries = 0, grid?: number[]): Uint8Array {
  const header: SeriesFrameHeader = {
    series: series.map((s) => ({
      labels: s.labels,
      points: grid?.length ?? s.timestamps.length,
      source_points: s.timestamps.length,
      ...(s.decimals !== undefined ? { decimals: s.decimals } : {}),
    })),
    truncated_series: truncatedSeries,
    ...(grid ? { grid_points: grid.length } : {}),
  };
  const out = headerBytes(SERIES_FRAME_MAGIC, header);
  if (grid) {
    out.push(...f64Bytes(grid));
    for (const s of series) out.push(...valueBytes(s.values, s.decimals));
  } else {
    for (const s of series) out.push(...f64Bytes(s.timestamps), ...valueBytes(s.values, s.decimals));
  }
  return Uint8Array.from(out);
}

export interface EncodeQuery {
  refId: string;
  expr: string;
  legendFormat?: string | null;
  instant?: boolean;
  error?: HinomiError | null;
  errorPosition?: { line: number; column: number } | null;
  series?: EncodeSeries[];
  truncatedSeries?: number;
  /** Encode the series on this shared time grid (see `encodeSeriesFrame`). */
  grid?: number[];
}

export function encodePanelFrame(queries: EncodeQuery[], stale?: { sinceMs: number; error: HinomiError }): ArrayBuffer {
  const frames = queries.map((q) => (q.error ? null : encodeSeriesFrame(q.series ?? [], q.truncatedSeries ?? 0, q.grid)));
  const headers = (offsets: number[]): QueryHeader[] =>
    queries.map((q, i) => ({
      ref_id: q.refId,
      expr: q.expr,
      legend_format: q.legendFormat ?? null,
      instant: q.instant ?? false,
      step_seconds: 15,
      datasource_id: "prom",
      error: q.error ?? null,
      error_position: q.errorPosition ?? null,
      offset: offsets[i] ?? 0,
      length: frames[i]?.length ?? 0,
    }));
  let offsets = queries.map(() => 0);
  let head: number[] = [];
  for (let round = 0; round < 8; round++) {
    const header: PanelFrameHeader = {
      queries: headers(offsets),
      ...(stale ? { stale_since_ms: stale.sinceMs, stale_error: stale.error } : {}),
    };
    head = headerBytes(PANEL_FRAME_MAGIC, header);
    let at = head.length;
    const next = frames.map((f) => {
      if (!f) return 0;
      const here = at;
      at = Math.ceil((at + f.length) / 8) * 8;
      return here;
    });
    if (next.every((o, i) => o === offsets[i])) break;
    offsets = next;
  }
  const out = [...head];
  for (const f of frames) {
    if (!f) continue;
    out.push(...f);
    pad8(out);
  }
  return Uint8Array.from(out).buffer;
}
