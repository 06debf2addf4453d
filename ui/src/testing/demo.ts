// Demo data for `npm run dev` in a plain browser (no Tauri). Only imported behind
// `import.meta.env.DEV`, so it never reaches a production bundle.

import type { ScrapeTarget, Settings } from "../lib/bindings";
import { createFakeBackend, fakeTarget, type FakeBackend } from "./fakeBackend";

function ago(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

function productionTargets(): ScrapeTarget[] {
  const tick = Math.floor(Date.now() / 15_000);
  const jitter = (n: number) => ((tick * 7919 + n * 104729) % 1000) / 1000;
  const nodes = ["app-01", "app-02", "app-03", "db-01", "db-02", "edge-01"].map((host, i) =>
    fakeTarget({
      job: "node",
      instance: `${host}.prod.internal:9100`,
      last_scrape: ago(1 + ((i * 3 + tick) % 14)),
      last_scrape_duration_seconds: 0.008 + jitter(i) * 0.03,
      labels: { job: "node", instance: `${host}.prod.internal:9100`, env: "prod" },
    }),
  );
  // db-02 flaps so the demo shows a target going down and recovering.
  if (tick % 4 === 0) {
    nodes[4] = {
      ...nodes[4]!,
      health: "down",
      last_error:
        'Get "http://db-02.prod.internal:9100/metrics": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      last_scrape_duration_seconds: 10.0,
    };
  }
  return [
    ...nodes,
    fakeTarget({ job: "prometheus", instance: "localhost:9090", last_scrape: ago(4), last_scrape_duration_seconds: 0.0041 }),
    fakeTarget({ job: "alertmanager", instance: "alertmanager-0.prod.internal:9093", last_scrape: ago(9) }),
    fakeTarget({ job: "alertmanager", instance: "alertmanager-1.prod.internal:9093", last_scrape: ago(11) }),
    fakeTarget({
      job: "demo-api",
      instance: "demo-api-0.prod.internal:8080",
      last_scrape: ago(2),
      last_scrape_duration_seconds: 0.0233,
    }),
    fakeTarget({
      job: "demo-api",
      instance: "demo-api-1.prod.internal:8080",
      health: "down",
      last_scrape: ago(3),
      last_scrape_duration_seconds: 0.0012,
      last_error: "server returned HTTP status 503 Service Unavailable",
    }),
    fakeTarget({
      job: "demo-api",
      instance: "demo-api-2.prod.internal:8080",
      health: "unknown",
      last_scrape: null,
      last_scrape_duration_seconds: null,
    }),
    fakeTarget({
      job: "blackbox",
      instance: "https://www.example.co.jp/ヘルスチェック",
      scrape_url: "http://blackbox:9115/probe?target=https%3A%2F%2Fwww.example.co.jp",
      last_scrape: ago(21),
      last_scrape_duration_seconds: 0.412,
    }),
  ];
}

const settings: Settings = {
  version: 1,
  language: "system",
  refresh_interval_secs: 5,
  datasources: [
    {
      id: "prod-prometheus",
      name: "Production Prometheus",
      kind: "prometheus",
      url: "http://prometheus.prod.internal:9090",
      timeout_ms: 10_000,
      tls: { ca_file: null },
    },
    {
      id: "staging-prometheus",
      name: "Staging Prometheus",
      kind: "prometheus",
      url: "http://prometheus.staging.internal:9090",
      timeout_ms: 5_000,
      tls: { ca_file: null },
    },
    {
      id: "prod-alertmanager",
      name: "Production Alertmanager",
      kind: "alertmanager",
      url: "http://alertmanager.prod.internal:9093",
      timeout_ms: 10_000,
      tls: { ca_file: "/etc/ssl/company-ca.pem" },
    },
  ],
};

export function createDemoBackend(): FakeBackend {
  const backend = createFakeBackend({
    settings,
    latencyMs: 250,
    targets: {
      "prod-prometheus": productionTargets,
      "staging-prometheus": {
        code: "unreachable",
        message: "Cannot reach http://prometheus.staging.internal:9090: connection refused",
        detail: "error sending request for url (http://prometheus.staging.internal:9090/api/v1/targets): tcp connect error: Connection refused (os error 111)",
      },
    },
    connection: {
      "staging-prometheus": {
        code: "unreachable",
        message: "Cannot reach http://prometheus.staging.internal:9090: connection refused",
      },
    },
  });
  // ?locale=ja-JP pretends the OS is Japanese; ?scenario=broken shows a broken settings file
  // and datasources with problems.
  const query = new URLSearchParams(location.search);
  const locale = query.get("locale");
  if (locale) backend.state.appInfo.os_locale = locale;
  if (query.get("scenario") === "broken") {
    backend.state.loadError = {
      code: "invalid_config",
      message:
        "The settings file /home/user/.config/hinomi/settings.toml could not be read; running on defaults until it is fixed or saved again.",
      detail: "TOML parse error at line 7, column 8\n  |\n7 | url = http://prometheus:9090\n  |       ^\nstring values must be quoted",
    };
    backend.state.settings.datasources!.push({
      id: "typo-prometheus",
      name: "",
      kind: "prometheus",
      url: "htp//prometheus.typo:9090",
      timeout_ms: 50,
      tls: { ca_file: null },
    });
  }
  return backend;
}
