import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appContext } from "../../app/context.svelte";
import { fakeTarget } from "../../testing/fakeBackend";
import type { Datasource } from "../../lib/bindings";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import TargetsView from "./TargetsView.svelte";
import { targetsStore } from "./store.svelte";

const prometheus = (id: string, name: string): Datasource => ({
  id,
  name,
  kind: "prometheus",
  url: `http://${id}.example:9090`,
  timeout_ms: 5000,
  tls: { ca_file: null },
});

async function setup() {
  const { app, backend } = await startedApp({
    settings: {
      version: 1,
      language: "en",
      refresh_interval_secs: 3600,
      datasources: [prometheus("prod", "Production"), prometheus("staging", "Staging")],
    },
    targets: {
      prod: [
        fakeTarget({ job: "node", instance: "db-01:9100", health: "down", last_error: "context deadline exceeded" }),
        fakeTarget({ job: "node", instance: "app-01:9100" }),
        fakeTarget({ job: "api", instance: "api-0:8080", health: "unknown", last_scrape: null }),
      ],
      staging: { code: "unreachable", message: "Cannot reach staging: connection refused", detail: "os error 111" },
    },
  });
  const view = render(TargetsView, { context: appContext(app) });
  const section = async (id: string) =>
    waitFor(() => {
      const el = document.querySelector<HTMLElement>(`[data-testid="targets-datasource"][data-datasource-id="${id}"]`);
      if (!el) throw new Error(`no section ${id}`);
      return el;
    });
  return { app, backend, view, section };
}

afterEach(() => {
  setLocale("en");
  vi.useRealTimers();
});

describe("TargetsView", () => {
  it("renders a healthy and a failing Prometheus side by side", async () => {
    const { section } = await setup();
    const prod = await section("prod");
    const staging = await section("staging");

    const rows = within(prod).getAllByTestId("target-row");
    expect(rows.map((r) => [r.dataset.job, r.dataset.instance, r.dataset.health])).toEqual([
      ["api", "api-0:8080", "unknown"],
      ["node", "app-01:9100", "up"],
      ["node", "db-01:9100", "down"],
    ]);
    // Health is spelled out, not only coloured.
    expect(within(rows[2]!).getByTestId("target-health").textContent).toContain("Down");
    expect(within(rows[2]!).getByTestId("target-error").textContent).toBe("context deadline exceeded");
    expect(within(rows[0]!).getByTestId("target-last-scrape").textContent).toContain("Never");
    expect(within(prod).queryByTestId("error-notice")).toBeNull();
    expect(within(prod).getAllByTestId("target-group-summary").map((b) => b.textContent?.trim())).toEqual([
      "0/1 up",
      "1/2 up",
    ]);

    const notice = within(staging).getByTestId("error-notice");
    expect(notice.dataset.code).toBe("unreachable");
    expect(within(notice).getByTestId("error-message").textContent).toBe("Cannot reach staging: connection refused");
    expect(within(notice).getByTestId("error-detail").textContent).toBe("os error 111");
    expect(within(staging).queryAllByTestId("target-row")).toHaveLength(0);

    expect(screen.getByTestId("summary-up").dataset.count).toBe("1");
    expect(screen.getByTestId("summary-down").dataset.count).toBe("1");
    expect(screen.getByTestId("summary-unknown").dataset.count).toBe("1");
    expect(screen.getByTestId("summary-datasource-errors").dataset.count).toBe("1");
  });

  it("reports the first paint once, after rows are on screen", async () => {
    const { app, backend, section } = await setup();
    await section("prod");
    await waitFor(() => expect(backend.firstPaints).toEqual(["targets"]));
    await targetsStore(app).refresh();
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.firstPaints).toEqual(["targets"]);
  });

  it("turns the refresh button busy only for a refresh slow enough to see", async () => {
    const { app, backend, section } = await setup();
    await section("prod");
    vi.useFakeTimers();
    const button = screen.getByTestId("targets-refresh");
    const busy = () => [button.getAttribute("aria-busy"), screen.queryByTestId("targets-refreshing") !== null];

    // A quick refresh (the poll's usual case) leaves the button as it was throughout.
    backend.state.latencyMs = 120;
    const quick = targetsStore(app).refresh();
    for (let t = 0; t < 120; t += 20) {
      await vi.advanceTimersByTimeAsync(20);
      flushSync();
      expect(busy()).toEqual(["false", false]);
    }
    await quick;
    expect(targetsStore(app).refreshing).toBe(false);

    // A slow one shows the spinner from 300 ms until its answer.
    backend.state.latencyMs = 2_000;
    const slow = targetsStore(app).refresh();
    await vi.advanceTimersByTimeAsync(299);
    flushSync();
    expect(busy()).toEqual(["false", false]);
    await vi.advanceTimersByTimeAsync(1);
    flushSync();
    expect(busy()).toEqual(["true", true]);
    await vi.advanceTimersByTimeAsync(1_700);
    await slow;
    flushSync();
    expect(busy()).toEqual(["false", false]);
  });

  it("recovers a failing Prometheus on the next refresh", async () => {
    const { app, backend, section } = await setup();
    await section("staging");
    backend.state.targets.staging = [fakeTarget({ job: "node", instance: "stg-01:9100" })];
    await targetsStore(app).refresh();
    const staging = await section("staging");
    await waitFor(() => expect(within(staging).getAllByTestId("target-row")).toHaveLength(1));
    expect(within(staging).queryByTestId("error-notice")).toBeNull();
  });

  it("keeps stale rows visible, with the error, when a refresh fails", async () => {
    const { app, backend, section } = await setup();
    await section("prod");
    backend.state.targets.prod = { code: "timeout", message: "prod timed out" };
    await targetsStore(app).refresh();
    const prod = await section("prod");
    await waitFor(() => expect(within(prod).getByTestId("error-notice").dataset.code).toBe("timeout"));
    expect(within(prod).getAllByTestId("target-row")).toHaveLength(3);
    expect(within(prod).getByTestId("targets-stale")).toBeTruthy();
  });

  it("keeps everything and shows a banner when the whole call fails", async () => {
    const { app, backend, section } = await setup();
    await section("prod");
    backend.state.listTargetsError = { code: "internal", message: "IPC down" };
    await targetsStore(app).refresh();
    await waitFor(() => expect(screen.getByTestId("targets-refresh-error").textContent).toContain("IPC down"));
    expect(screen.getAllByTestId("target-row")).toHaveLength(3);
  });

  it("filters by text and by only-down", async () => {
    const { app, section } = await setup();
    await section("prod");
    const store = targetsStore(app);
    store.onlyDown = true;
    await waitFor(() => expect(screen.getAllByTestId("target-row").map((r) => r.dataset.instance)).toEqual(["db-01:9100"]));
    store.onlyDown = false;
    store.filterText = "job:api";
    await waitFor(() => expect(screen.getAllByTestId("target-row").map((r) => r.dataset.instance)).toEqual(["api-0:8080"]));
    store.filterText = "no such thing";
    await waitFor(() => expect(screen.getByTestId("targets-no-match")).toBeTruthy());
  });

  it("binds the only-down checkbox to the store both ways", async () => {
    const { app, section } = await setup();
    await section("prod");
    const store = targetsStore(app);
    const box = screen.getByTestId("targets-only-down") as HTMLInputElement;
    await fireEvent.click(box);
    expect(store.onlyDown).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId("target-row").map((r) => r.dataset.instance)).toEqual(["db-01:9100"]));
    store.onlyDown = false;
    await waitFor(() => expect(box.checked).toBe(false));
  });

  it("speaks Japanese when the locale is ja", async () => {
    const { section } = await setup();
    setLocale("ja");
    const prod = await section("prod");
    await waitFor(() => expect(within(prod).getAllByTestId("target-health")[2]!.textContent).toContain("異常"));
  });
});
