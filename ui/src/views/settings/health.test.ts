import { render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { DatasourceHealth } from "../../lib/bindings";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import SettingsView from "./SettingsView.svelte";
import { healthLine } from "./health";

const NOW = Date.parse("2026-12-04T06:05:00Z");

const failing: DatasourceHealth = {
  datasource_id: "prod",
  state: "failing",
  error: { code: "unavailable", message: "http://prod/api answered 502 Bad Gateway." },
  failing_since: "2026-12-04T06:02:00Z",
  last_success: "2026-12-04T05:58:00Z",
  checked_at: "2026-12-04T06:04:50Z",
};
const ok: DatasourceHealth = {
  datasource_id: "staging",
  state: "ok",
  error: null,
  failing_since: null,
  last_success: "2026-12-04T06:04:30Z",
  checked_at: "2026-12-04T06:04:30Z",
};

afterEach(() => setLocale("en"));

describe("healthLine", () => {
  it("says ok, failing since when with the code and the last success, or not contacted", () => {
    expect(healthLine(ok, NOW, "en")).toMatchObject({ state: "ok", detail: null });
    expect(healthLine(ok, NOW, "en").text).toMatch(/^OK · last answer 30s ago$/);
    const line = healthLine(failing, NOW, "en");
    expect(line.state).toBe("failing");
    expect(line.text).toMatch(/^Failing since .+ · last OK .+ \(unavailable\)$/);
    expect(line.detail).toContain("502 Bad Gateway");
    expect(healthLine({ ...failing, last_success: null }, NOW, "en").text).toContain("last OK never");
    expect(healthLine(undefined, NOW, "en")).toEqual({ state: "unknown", text: "Not contacted yet", detail: null });
  });

  it("speaks Japanese", () => {
    setLocale("ja");
    expect(healthLine(failing, NOW, "ja").text).toMatch(/から異常 · 最終正常 .+ \(unavailable\)$/);
    expect(healthLine(undefined, NOW, "ja").text).toBe("未接続");
  });
});

describe("the datasource list", () => {
  it("shows each datasource's dot from the health command", async () => {
    const datasource = (id: string) => ({
      id,
      name: id,
      kind: "prometheus" as const,
      url: `http://${id}:9090`,
      timeout_ms: 5000,
      tls: { ca_file: null },
    });
    const { app, backend } = await startedApp({
      settings: {
        version: 1,
        language: "en",
        refresh_interval_secs: 5,
        datasources: [datasource("prod"), datasource("staging"), datasource("new-one")],
      },
      health: [failing, ok],
    });
    render(SettingsView, { context: appContext(app) });
    const prod = await waitFor(() => {
      const el = screen.getByTestId("ds-health-prod");
      if (el.dataset.state !== "failing") throw new Error("not loaded yet");
      return el;
    });
    expect(prod.textContent).toContain("Failing since");
    expect(prod.title).toContain("502 Bad Gateway");
    expect(screen.getByTestId("ds-health-staging").dataset.state).toBe("ok");
    expect(screen.getByTestId("ds-health-new-one").dataset.state).toBe("unknown");
    expect(backend.calls.some(([name]) => name === "datasourceHealth")).toBe(true);
  });
});
