// TEMPORARY: hand-typed mirror of crates/hinomi-logs/src/model.rs until the logs commands exist and
// bindings.ts is regenerated; then this file is replaced by imports from lib/bindings.

import type { CommandResult } from "../../lib/backend/backend";
import type { Incident, EvidenceData, TimelineEntry } from "../../lib/bindings";

export type LogWindow = { from_ms: number; to_ms: number };
export type LogFilter =
  | { kind: "is"; field: string; value: string; negate: boolean }
  | { kind: "exists"; field: string; negate: boolean };
export type LogQuery = { query: string; filters: LogFilter[]; window: LogWindow };
export type LogTarget = { datasource_id: string; index: string; time_field: string };
export type HitCount = { value: number; exact: boolean };
export type PartialResults = { failed_shards: number; total_shards: number; reasons: string[] };
export type SortCursor = string;
export type LogHit = {
  id: string;
  index: string;
  time_ms: number | null;
  level: string | null;
  fields: { [key in string]: string };
  source_json: string;
  cursor: SortCursor;
};
export type HistogramBucket = { start_ms: number; count: number };
export type LogHistogram = { interval_ms: number; interval_label: string; buckets: HistogramBucket[] };
export type LogField = { name: string; field_type: string; aggregatable: boolean; searchable: boolean };
export type FieldValueCount = { value: string; count: number };
export type FieldTopValues = { field: string; values: FieldValueCount[]; with_field: number; total: number };
export type LogSearchResult = {
  result_id: string;
  total: HitCount;
  row_count: number;
  capped: boolean;
  first_rows: LogHit[];
  histogram: LogHistogram;
  partial: PartialResults | null;
  took_ms: number;
};
export type LogRows = { offset: number; rows: LogHit[] };
export type SurroundingHits = { before: LogHit[]; anchor: LogHit; after: LogHit[] };
export type TailBatch = { hits: LogHit[]; cursor: SortCursor | null };
export type SavedSearch = {
  id: string;
  name: string;
  query: string;
  filters: LogFilter[];
  relative_from: string;
  builtin: boolean;
};
export type ExportFormat = "ndjson" | "csv";
export type ExportProgress = { written: number; total: number; bytes: number; done: boolean };

type R<T> = Promise<CommandResult<T>>;

export interface LogsBackend {
  logTargets(): R<LogTarget[]>;
  logFields(target: LogTarget): R<LogField[]>;
  searchLogs(target: LogTarget, query: LogQuery): R<LogSearchResult>;
  logRows(resultId: string, offset: number, limit: number): R<LogRows>;
  closeLogResult(resultId: string): R<null>;
  logFieldTopValues(target: LogTarget, query: LogQuery, field: string): R<FieldTopValues>;
  surroundingLogs(target: LogTarget, anchor: LogHit, before: number, after: number, sameRequest: boolean): R<SurroundingHits>;
  tailLogs(target: LogTarget, query: LogQuery, cursor: SortCursor | null): R<TailBatch>;
  exportLogs(
    target: LogTarget,
    query: LogQuery,
    format: ExportFormat,
    columns: string[],
    path: string,
    onProgress: (progress: ExportProgress) => void,
  ): R<ExportProgress>;
  cancelLogExport(): R<boolean>;
  savedSearches(): R<SavedSearch[]>;
  saveSearch(search: SavedSearch): R<SavedSearch[]>;
  deleteSavedSearch(id: string): R<SavedSearch[]>;
  logVolume(target: LogTarget, query: LogQuery): R<LogHistogram>;
  listIncidents(openOnly: boolean): R<Incident[]>;
  pinEvidence(incidentId: string, evidence: EvidenceData): R<TimelineEntry>;
}
