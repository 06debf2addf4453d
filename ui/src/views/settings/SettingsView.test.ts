import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { Datasource } from "../../lib/bindings";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import SettingsView from "./SettingsView.svelte";

const ds = (id: string, kind: Datasource["kind"], url: string): Datasource => ({
  id,
  name: id.toUpperCase(),
  kind,
  url,
  timeout_ms: 5000,
  tls: { ca_file: null },
});

async function setup(extra: Parameters<typeof startedApp>[0] = {}) {
  const { app, backend } = await startedApp({
    settings: {
      version: 1,
      language: "en",
      refresh_interval_secs: 5,
      datasources: [
        ds("prod", "prometheus", "http://prod:9090"),
        ds("staging", "prometheus", "ftp://staging"),
        ds("am", "alertmanager", "http://am:9093"),
      ],
    },
    connection: { staging: { code: "tls", message: "invalid peer certificate: UnknownIssuer" } },
    ...extra,
  });
  render(SettingsView, { context: appContext(app) });
  return { app, backend };
}

const save = () => screen.getByTestId("settings-save") as HTMLButtonElement;

afterEach(() => setLocale("en"));

describe("SettingsView", () => {
  it("groups datasources by kind", async () => {
    await setup();
    const ids = (kind: string) =>
      within(screen.getByTestId(`settings-kind-${kind}`))
        .queryAllByTestId("ds-card")
        .map((c) => c.dataset.datasourceId);
    expect(ids("prometheus")).toEqual(["prod", "staging"]);
    expect(ids("alertmanager")).toEqual(["am"]);
    expect(ids("elasticsearch")).toEqual([]);
  });

  it("shows the backend's problem on the field it is about", async () => {
    await setup();
    const problem = screen.getByTestId("ds-problem-url-staging");
    expect(problem.textContent).toContain("ftp://staging");
    const input = screen.getByTestId("ds-url-staging");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain(problem.id);
    expect(screen.queryByTestId("ds-problem-url-prod")).toBeNull();
  });

  it("shows a broken settings file as a banner", async () => {
    await setup({ loadError: { code: "invalid_config", message: "The settings file could not be read", detail: "line 3: expected `=`" } });
    const banner = screen.getByTestId("settings-load-error");
    expect(within(banner).getByTestId("error-message").textContent).toBe("The settings file could not be read");
    expect(within(banner).getByTestId("error-detail").textContent).toBe("line 3: expected `=`");
  });

  it("offers Save for a broken file, to accept the defaults", async () => {
    const { backend } = await setup({ loadError: { code: "invalid_config", message: "broken" } });
    expect(save().disabled).toBe(false);
    await fireEvent.click(save());
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId("settings-load-error")).toBeNull());
    expect(save().disabled).toBe(true);
  });

  it("enables Save only when something changed, and saves", async () => {
    const { backend } = await setup();
    expect(save().disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("ds-edit-prod"));
    await fireEvent.input(screen.getByTestId("ds-url-prod"), { target: { value: "http://prod:9091" } });
    expect(save().disabled).toBe(false);
    await fireEvent.click(save());
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]!.datasources!.find((d) => d.id === "prod")!.url).toBe("http://prod:9091");
    await waitFor(() => expect(save().disabled).toBe(true));
    // The staging URL is still wrong, so the save reports problems.
    expect(screen.getByTestId("settings-status").textContent).toContain("need attention");
  });

  it("shows a failed save next to the Save button and keeps the edits", async () => {
    const { backend } = await setup({ saveError: { code: "io", message: "Permission denied (os error 13)" } });
    await fireEvent.input(screen.getByTestId("settings-refresh-interval"), { target: { value: "10" } });
    await fireEvent.click(save());
    const error = await screen.findByTestId("settings-save-error");
    expect(within(error).getByTestId("error-message").textContent).toBe("Permission denied (os error 13)");
    expect(within(screen.getByTestId("settings-savebar")).getByTestId("settings-save-error")).toBe(error);
    expect(save().disabled).toBe(false);
    expect(backend.saved).toHaveLength(0);
  });

  it("refuses a refresh interval that is not a number", async () => {
    await setup();
    await fireEvent.input(screen.getByTestId("settings-refresh-interval"), { target: { value: "5s" } });
    expect(screen.getByTestId("settings-refresh-interval-problem")).toBeTruthy();
    expect(save().disabled).toBe(true);
  });

  it("tests a connection in place: the server, or the error verbatim", async () => {
    await setup();
    await fireEvent.click(screen.getByTestId("ds-test-prod"));
    const ok = await screen.findByTestId("ds-test-result-prod");
    expect(ok.dataset.status).toBe("ok");
    expect(ok.textContent).toContain("Prometheus 2.53.0");
    expect(ok.textContent).toContain("12 ms");

    await fireEvent.click(screen.getByTestId("ds-test-staging"));
    const failed = await screen.findByTestId("ds-test-result-staging");
    expect(failed.dataset.status).toBe("error");
    expect(within(failed).getByTestId("error-message").textContent).toBe("invalid peer certificate: UnknownIssuer");
    expect(within(failed).getByTestId("error-notice").dataset.code).toBe("tls");
    // Each result stays on its own datasource.
    const prodCard = screen.getAllByTestId("ds-card").find((c) => c.dataset.datasourceId === "prod")!;
    expect(within(prodCard).queryByTestId("error-notice")).toBeNull();
  });

  it("removes a datasource only after confirming", async () => {
    const { backend } = await setup();
    await fireEvent.click(screen.getByTestId("ds-remove-am"));
    expect(screen.getByTestId("confirm-dialog").getAttribute("role")).toBe("alertdialog");
    await fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(screen.getByTestId("ds-edit-am")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("ds-remove-am"));
    await fireEvent.click(screen.getByTestId("confirm-ok"));
    expect(screen.queryByTestId("ds-edit-am")).toBeNull();
    await fireEvent.click(save());
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]!.datasources!.map((d) => d.id)).toEqual(["prod", "staging"]);
  });

  it("adds a datasource whose id follows its name", async () => {
    await setup();
    await fireEvent.click(screen.getByTestId("settings-add-elasticsearch"));
    const card = within(screen.getByTestId("settings-kind-elasticsearch")).getByTestId("ds-card");
    expect(card.dataset.new).toBe("true");
    const name = within(card).getByPlaceholderText(/Production Elasticsearch/);
    await fireEvent.input(name, { target: { value: "Logs Tokyo" } });
    expect(card.dataset.datasourceId).toMatch(/^logs-tokyo-[a-z0-9]{4}$/);
    expect(within(card).getByTestId(`ds-url-${card.dataset.datasourceId}`)).toBeTruthy();
  });

  it("switches the language at once and saves only the language", async () => {
    const { app, backend } = await setup();
    await fireEvent.input(screen.getByTestId("settings-refresh-interval"), { target: { value: "30" } });
    const select = screen.getByTestId("settings-language") as HTMLSelectElement;
    select.value = "ja";
    await fireEvent.change(select);
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]).toMatchObject({ language: "ja", refresh_interval_secs: 5 });
    expect(app.locale).toBe("ja");
    // The unsaved interval is still an unsaved edit.
    expect(screen.getByTestId("settings-status").textContent).toContain("unsaved changes");
    expect(save().disabled).toBe(false);
  });
});
