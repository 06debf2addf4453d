// A megabyte annotation or label must not be drawn whole until asked for: WebKit spent 18–30 s
// laying one out in the detail panel (and seconds again on every refresh). Measured here by how
// much text reaches the DOM, not by time, so the test is as strict on a slow machine as a fast one.

import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { DETAIL_CHARS, detailPreview, utf8Bytes } from "../../lib/text/visibleControls";
import { startedApp } from "../../test-support";
import AlertsView from "./AlertsView.svelte";
import type { FakeAlertsState } from "./fake";
import { fakeAlert } from "./fixtures";

const HUGE = "W".repeat(1_000_000);

describe("a huge alert value in the detail panel", () => {
  it("draws the first characters with a Show all (1.0 MB) control, and the whole value on click", async () => {
    const { app, backend } = await startedApp({
      settings: { version: 1, language: "en", refresh_interval_secs: 3600, datasources: [] },
    });
    (backend as unknown as { alertsState: FakeAlertsState }).alertsState.alerts = [
      fakeAlert(
        { alertname: "Huge", severity: "warning", payload: HUGE },
        { fingerprint: "huge", annotations: { summary: `short\u0000one`, description: `huge: ${HUGE}\u202e` } },
      ),
    ];
    render(AlertsView, { context: appContext(app) });
    const row = await waitFor(() => screen.getByTestId("alert-row"));
    await fireEvent.click(row);

    const annotations = screen.getByTestId("alert-detail-annotations");
    const labels = screen.getByTestId("alert-detail-labels");
    // Both huge values together put less than three previews' worth of text into the page.
    const drawn = annotations.textContent!.length + labels.textContent!.length;
    expect(drawn).toBeLessThan(3 * DETAIL_CHARS);
    expect(annotations.textContent).toContain("short\u2400one");
    expect(labels.textContent).toContain('severity="warning"');
    expect(annotations.textContent).toContain(`huge: ${"W".repeat(100)}`);
    const toggles = screen.getAllByTestId("long-text-toggle");
    expect(toggles.map((b) => b.textContent)).toEqual(["Show all (1.0 MB)", "Show all (1.0 MB)"]);

    await fireEvent.click(toggles[0]!);
    const whole = annotations.querySelector('[data-testid="long-text-whole"]')!;
    // The whole value, its bidi override still made visible, and drawn unwrapped in a scroll box.
    expect(whole.textContent).toBe(`huge: ${HUGE}\u27e8U+202E\u27e9`);
    expect(whole.classList.contains("unwrapped")).toBe(true);
    expect(toggles[0]!.textContent).toBe("Show less");
    // The label is still a preview.
    expect(labels.textContent!.length).toBeLessThan(2 * DETAIL_CHARS);

    await fireEvent.click(toggles[0]!);
    expect(annotations.querySelector('[data-testid="long-text-whole"]')).toBeNull();
    expect(annotations.textContent!.length).toBeLessThan(2 * DETAIL_CHARS);
  });

  it("cuts only what is longer than a preview, and sizes the rest in UTF-8 bytes", () => {
    expect(detailPreview("a\u0000b")).toEqual({ shown: "a\u2400b", cut: false });
    const long = detailPreview("x".repeat(DETAIL_CHARS + 1));
    expect(long.cut).toBe(true);
    expect(long.shown).toBe(`${"x".repeat(DETAIL_CHARS)}…`);
    expect(utf8Bytes("aé火😀")).toBe(1 + 2 + 3 + 4);
  });
});
