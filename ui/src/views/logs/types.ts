// The logs slice of the Backend: the Discover commands plus the incidents commands a pin needs.

import type { Backend } from "../../lib/backend";

export type LogsBackend = Pick<
  Backend,
  | "logTargets"
  | "logFields"
  | "searchLogs"
  | "logRows"
  | "closeLogResult"
  | "logFieldTopValues"
  | "surroundingLogs"
  | "tailLogs"
  | "exportLogs"
  | "cancelLogExport"
  | "savedSearches"
  | "saveSearch"
  | "deleteSavedSearch"
  | "resolveSavedSearch"
  | "logVolume"
  | "localLogStatus"
  | "addLocalLogSource"
  | "chooseLocalLogSource"
  | "listIncidents"
  | "pinEvidence"
>;
