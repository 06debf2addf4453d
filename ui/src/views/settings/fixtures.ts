// Datasources for Vitest.

import type { Datasource } from "../../lib/bindings";

/**
 * The default settings' "Demo log files" as the backend sends it: every log option spelled out
 * (LogSourceOptions serialises all but empty paths), the time field "" meaning "detect it".
 */
export function demoLogFiles(
  id = "demo-log-files",
  paths: string[] = ["~/.local/state/hinomi-demo/logs/demo-api"],
): Datasource {
  return {
    id,
    name: "Demo log files",
    kind: "local_files",
    url: "",
    timeout_ms: 10_000,
    tls: { ca_file: null },
    logs: {
      index_pattern: "dataset-management-*",
      time_field: "",
      ignore_unavailable: true,
      max_response_mib: 64,
      paths,
    },
  };
}
