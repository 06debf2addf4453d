import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { wrapCommand } from "./lib/backend/tauri";
import { createFakeBackend, fakeTarget, type FakeState } from "./testing/fakeBackend";
import { setLocale } from "./lib/i18n/index.svelte";
import { views } from "./views";

function backendWith(state: Partial<FakeState> = {}) {
  return createFakeBackend({
    settings: {
      version: 1,
      language: "system",
      refresh_interval_secs: 3600,
      datasources: [
        { id: "prod", name: "Production", kind: "prometheus", url: "http://prod:9090", timeout_ms: 5000, tls: { ca_file: null } },
      ],
    },
    targets: { prod: [fakeTarget({ job: "node", instance: "a:9100" })] },
    ...state,
  });
}

async function renderApp(state: Partial<FakeState> = {}) {
  history.replaceState(null, "", "#/targets");
  const backend = backendWith(state);
  render(App, { props: { backend } });
  await screen.findByTestId("app-root");
  return backend;
}

const title = () => screen.getByTestId("view-title").textContent;
const ctrlK = () => fireEvent.keyDown(window, { key: "k", ctrlKey: true });

afterEach(() => setLocale("en"));

describe("shell", () => {
  it("lists the registered views and switches between them", async () => {
    await renderApp();
    expect(title()).toBe("Targets");
    expect(screen.getByTestId("nav-targets").getAttribute("aria-current")).toBe("page");
    await fireEvent.click(screen.getByTestId("nav-settings"));
    expect(title()).toBe("Settings");
    expect(await screen.findByTestId("view-settings")).toBeTruthy();
    expect(screen.getByTestId("nav-settings").getAttribute("aria-current")).toBe("page");
    expect(location.hash).toBe("#/settings");
  });

  it("follows the OS locale when the language is 'system'", async () => {
    const backend = backendWith();
    backend.state.appInfo.os_locale = "ja-JP";
    history.replaceState(null, "", "#/targets");
    render(App, { props: { backend } });
    await screen.findByTestId("app-root");
    expect(title()).toBe("ターゲット");
    expect(document.documentElement.lang).toBe("ja");
  });

  it("shows why it could not start", async () => {
    const backend = backendWith();
    // As the real backend answers when the IPC call itself fails.
    backend.getSettings = wrapCommand("getSettings", () => Promise.reject("settings state missing"));
    render(App, { props: { backend } });
    const failed = await screen.findByTestId("start-failed");
    expect(within(failed).getByTestId("error-message").textContent).toBe("settings state missing");
  });
});

describe("command palette", () => {
  it("opens with Ctrl+K as an accessible dialog with the input focused", async () => {
    await renderApp();
    await ctrlK();
    const palette = screen.getByTestId("palette");
    expect(palette.getAttribute("role")).toBe("dialog");
    expect(palette.getAttribute("aria-modal")).toBe("true");
    const input = screen.getByTestId("palette-input");
    expect(document.activeElement).toBe(input);
    expect(input.getAttribute("role")).toBe("combobox");
    expect(screen.getByTestId("palette-item-go-targets")).toBeTruthy();
    expect(screen.getByTestId("palette-item-go-settings")).toBeTruthy();
    expect(screen.getByTestId("palette-item-targets-refresh")).toBeTruthy();
    expect(screen.getByTestId("palette-item-language-ja")).toBeTruthy();
    expect(screen.queryByTestId("palette-item-language-en")).toBeNull();
  });

  it("filters, moves with the arrows and runs with Enter", async () => {
    await renderApp();
    await ctrlK();
    const input = screen.getByTestId("palette-input");
    await fireEvent.input(input, { target: { value: "go to" } });
    const items = () => within(screen.getByTestId("palette")).getAllByRole("option");
    // One "Go to" entry per registered view (ranked by match, so compared as a set), except the
    // ones the nav lists only sometimes (the welcome: this app has a datasource).
    expect(items().map((o) => o.dataset.testid).sort()).toEqual(
      views.filter((v) => !v.inNav).map((v) => `palette-item-go-${v.id}`).sort(),
    );
    expect(input.getAttribute("aria-activedescendant")).toBe(items()[0]!.id);
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-activedescendant")).toBe(items()[1]!.id);
    expect(items()[1]!.getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(input, { key: "ArrowUp" });
    expect(input.getAttribute("aria-activedescendant")).toBe(items()[0]!.id);
    // Up from the first wraps to the last.
    await fireEvent.keyDown(input, { key: "ArrowUp" });
    const last = items().at(-1)!;
    expect(input.getAttribute("aria-activedescendant")).toBe(last.id);
    const lastView = last.dataset.testid!.replace("palette-item-go-", "");
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() =>
      expect(screen.getByTestId(`nav-${lastView}`).getAttribute("aria-current")).toBe("page"),
    );
    expect(screen.queryByTestId("palette")).toBeNull();
  });

  it("closes on Escape and gives focus back", async () => {
    await renderApp();
    const opener = screen.getByTestId("palette-open");
    opener.focus();
    await fireEvent.click(opener);
    expect(screen.getByTestId("palette")).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId("palette-input"), { key: "Escape" });
    expect(screen.queryByTestId("palette")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("keeps Tab inside the dialog", async () => {
    await renderApp();
    await ctrlK();
    const input = screen.getByTestId("palette-input");
    await fireEvent.keyDown(input, { key: "Tab" });
    expect(document.activeElement).toBe(input);
  });

  it("says so when nothing matches", async () => {
    await renderApp();
    await ctrlK();
    await fireEvent.input(screen.getByTestId("palette-input"), { target: { value: "qqqq" } });
    expect(screen.getByTestId("palette-empty").textContent).toContain("qqqq");
  });

  it("switches the language live and saves it", async () => {
    const backend = await renderApp();
    await ctrlK();
    await fireEvent.input(screen.getByTestId("palette-input"), { target: { value: "japanese" } });
    await fireEvent.keyDown(screen.getByTestId("palette-input"), { key: "Enter" });
    await waitFor(() => expect(title()).toBe("ターゲット"));
    expect(backend.saved.at(-1)?.language).toBe("ja");
    // In Japanese, English labels still find commands.
    await ctrlK();
    await fireEvent.input(screen.getByTestId("palette-input"), { target: { value: "settings" } });
    expect(screen.getByTestId("palette-item-go-settings").textContent).toContain("設定を開く");
  });

  it("adds a Prometheus datasource from anywhere, focused and ready to type", async () => {
    await renderApp();
    await ctrlK();
    await fireEvent.input(screen.getByTestId("palette-input"), { target: { value: "add prom" } });
    await fireEvent.keyDown(screen.getByTestId("palette-input"), { key: "Enter" });
    await waitFor(() => expect(title()).toBe("Settings"));
    const card = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('[data-testid="ds-card"][data-new="true"]');
      if (!el) throw new Error("no new card");
      return el;
    });
    expect(card.dataset.kind).toBe("prometheus");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-testid")).toBe(`ds-name-${card.dataset.datasourceId}`));
    expect(screen.getByTestId("nav-attention-settings")).toBeTruthy();
  });
});
