import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../../App.svelte";
import { appContext } from "../../app/context.svelte";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import { createFakeBackend, fakeDatasource, type FakeState } from "../../testing/fakeBackend";
import { settingsDraft } from "../settings/draft.svelte";
import WelcomeView from "./WelcomeView.svelte";

const firstRun: Partial<FakeState> = {
  firstRun: true,
  settings: { version: 1, language: "en", refresh_interval_secs: 5, datasources: [] },
};

async function setup(extra: Partial<FakeState> = {}) {
  const { app, backend } = await startedApp({ ...firstRun, ...extra });
  app.nav.go("welcome");
  render(WelcomeView, { context: appContext(app) });
  return { app, backend };
}

const step = (id: string) => within(screen.getByTestId(`welcome-step-${id}`));
const start = () => screen.getByTestId("welcome-start") as HTMLButtonElement;

async function addWithUrl(kind: "prometheus" | "alertmanager", url: string): Promise<string> {
  await fireEvent.click(screen.getByTestId(`welcome-add-${kind}`));
  const card = step(kind).getByTestId("ds-card");
  const id = card.dataset.datasourceId!;
  await fireEvent.input(within(card).getByTestId(`ds-url-${id}`), { target: { value: url } });
  return id;
}

afterEach(() => setLocale("en"));

describe("WelcomeView", () => {
  it("offers the three steps and the demo, with nothing to start yet", async () => {
    await setup();
    for (const id of ["prometheus", "alertmanager", "logs"]) expect(screen.getByTestId(`welcome-step-${id}`)).toBeTruthy();
    expect(step("logs").getByTestId("welcome-add-elasticsearch")).toBeTruthy();
    expect(step("logs").getByTestId("welcome-add-local_files")).toBeTruthy();
    expect(start().disabled).toBe(true);
    expect(screen.queryAllByRole("alert")).toHaveLength(0);
  });

  it("adds a Prometheus with the Settings card's short form and tests its connection", async () => {
    const { backend } = await setup();
    const id = await addWithUrl("prometheus", "http://prom:9090");
    const card = step("prometheus").getByTestId("ds-card");
    // The short form: address and name, not TLS or the id.
    expect(within(card).queryByTestId(`ds-ca-${id}`)).toBeNull();
    expect(within(card).queryByTestId(`ds-id-${id}`)).toBeNull();
    expect(within(card).getByTestId(`ds-name-${id}`)).toBeTruthy();
    await fireEvent.click(within(card).getByTestId(`ds-test-${id}`));
    const result = await within(card).findByTestId(`ds-test-result-${id}`);
    expect(result.dataset.status).toBe("ok");
    expect(backend.calls.find(([name]) => name === "testConnection")?.[1]).toEqual([
      expect.objectContaining({ kind: "prometheus", url: "http://prom:9090", name: "Prometheus" }),
    ]);
  });

  it("shows a failed connection test on the card, and no error anywhere else", async () => {
    const { backend } = await setup();
    const id = await addWithUrl("alertmanager", "http://am:9093");
    backend.state.connection[id] = { code: "unreachable", message: "Cannot reach http://am:9093: connection refused" };
    const card = step("alertmanager").getByTestId("ds-card");
    await fireEvent.click(within(card).getByTestId(`ds-test-${id}`));
    const result = await within(card).findByTestId(`ds-test-result-${id}`);
    expect(result.dataset.status).toBe("error");
    expect(result.textContent).toContain("connection refused");
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });

  it("saves what was typed and shows Targets", async () => {
    const { app, backend } = await setup();
    await addWithUrl("prometheus", "http://prom:9090");
    await addWithUrl("alertmanager", "http://am:9093");
    expect(start().disabled).toBe(false);
    await fireEvent.click(start());
    await waitFor(() => expect(app.nav.current).toBe("targets"));
    expect(backend.saved.at(-1)?.datasources?.map((ds) => [ds.kind, ds.url])).toEqual([
      ["prometheus", "http://prom:9090"],
      ["alertmanager", "http://am:9093"],
    ]);
    expect(backend.state.firstRun).toBe(false);
  });

  it("stays to show the problems of what was saved", async () => {
    const { app } = await setup();
    const id = await addWithUrl("prometheus", "prom:9090");
    await fireEvent.click(start());
    expect(await screen.findByTestId("welcome-problems")).toBeTruthy();
    expect(app.nav.current).toBe("welcome");
    expect(screen.getByTestId(`ds-problem-url-${id}`).textContent).toContain("prom:9090");
  });

  it("opens the demo: its datasources are saved, typed cards give way, Targets shows", async () => {
    const { app, backend } = await setup();
    await addWithUrl("prometheus", "http://typed:9090");
    await fireEvent.click(screen.getByTestId("welcome-open-demo"));
    await waitFor(() => expect(app.nav.current).toBe("targets"));
    expect(backend.calls.some(([name]) => name === "openDemo")).toBe(true);
    expect(app.settings.settings?.datasources?.map((ds) => ds.id)).toEqual(["demo-prometheus", "demo-alertmanager"]);
    // The typed card was never saved and does not linger in Settings' draft.
    expect(settingsDraft(app).entries.map((e) => e.id)).toEqual(["demo-prometheus", "demo-alertmanager"]);
    expect(settingsDraft(app).dirty).toBe(false);
  });

  it("says so when the demo cannot be opened, and stays", async () => {
    const { app } = await setup({ saveError: { code: "io", message: "disk full" } });
    await fireEvent.click(screen.getByTestId("welcome-open-demo"));
    const notice = await screen.findByTestId("welcome-demo-error");
    expect(notice.textContent).toContain("disk full");
    expect(app.nav.current).toBe("welcome");
  });

  it("speaks Japanese", async () => {
    await setup({ settings: { ...firstRun.settings!, language: "ja" } });
    setLocale("ja");
    await waitFor(() => expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Hinomi へようこそ"));
    expect(screen.getByTestId("welcome-open-demo").textContent).toContain("デモを開く");
    expect(start().textContent).toContain("監視を開始");
  });
});

describe("the first screen", () => {
  async function renderApp(state: Partial<FakeState>) {
    history.replaceState(null, "", location.pathname);
    render(App, { props: { backend: createFakeBackend(state) } });
    await screen.findByTestId("app-root");
  }

  it("is the welcome, listed in the nav, when nothing is configured", async () => {
    await renderApp(firstRun);
    expect(await screen.findByTestId("view-welcome")).toBeTruthy();
    expect(screen.getByTestId("nav-welcome").getAttribute("aria-current")).toBe("page");
    // The rest stays reachable.
    expect(screen.getByTestId("nav-targets")).toBeTruthy();
    expect(screen.getByTestId("nav-settings")).toBeTruthy();
  });

  it("is Targets, without a welcome entry, once datasources are there (a first run with --demo)", async () => {
    await renderApp({
      firstRun: true,
      settings: {
        version: 1,
        language: "en",
        refresh_interval_secs: 3600,
        datasources: [fakeDatasource("demo-prometheus", "Demo Prometheus", "prometheus", "http://127.0.0.1:19090")],
      },
    });
    expect(await screen.findByTestId("view-targets")).toBeTruthy();
    expect(screen.queryByTestId("nav-welcome")).toBeNull();
  });

  it("is one click away from Targets' empty list while nothing is configured", async () => {
    history.replaceState(null, "", "#/targets");
    render(App, { props: { backend: createFakeBackend(firstRun) } });
    await fireEvent.click(await screen.findByTestId("targets-open-welcome"));
    expect(await screen.findByTestId("view-welcome")).toBeTruthy();
  });

  it("is the view the URL names, even with nothing configured", async () => {
    history.replaceState(null, "", "#/settings");
    render(App, { props: { backend: createFakeBackend(firstRun) } });
    expect(await screen.findByTestId("view-settings")).toBeTruthy();
  });
});
