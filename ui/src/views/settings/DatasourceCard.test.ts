import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { Datasource } from "../../lib/bindings";
import { startedApp } from "../../test-support";
import SettingsView from "./SettingsView.svelte";

const ds = (id: string, auth: Datasource["auth"]): Datasource => ({
  id,
  name: id.toUpperCase(),
  kind: "prometheus",
  url: `http://${id}:9090`,
  timeout_ms: 5000,
  tls: { ca_file: null },
  auth,
});

async function setup(secrets: Record<string, string> = {}) {
  const { app, backend } = await startedApp({
    settings: {
      version: 1,
      language: "en",
      refresh_interval_secs: 5,
      datasources: [ds("basic", { type: "basic", username: "alice" }), ds("open", { type: "none" })],
    },
    secrets,
  });
  render(SettingsView, { context: appContext(app) });
  await fireEvent.click(screen.getByTestId("ds-edit-basic"));
  return { app, backend };
}

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe("DatasourceCard authentication", () => {
  it("shows the user name and a write-only password field that is never filled", async () => {
    await setup({ basic: "hunter2" });
    expect(input("ds-auth-basic").value).toBe("basic");
    expect(input("ds-username-basic").value).toBe("alice");
    const secret = input("ds-secret-basic");
    expect(secret.type).toBe("password");
    expect(secret.value).toBe("");
    expect(screen.getByTestId("ds-secret-stored-basic").textContent).toContain("Stored in the keyring");
    expect(document.body.innerHTML).not.toContain("hunter2");
  });

  it("stores a typed secret in the keyring, then forgets it", async () => {
    const { backend } = await setup();
    expect(screen.getByTestId("ds-secret-missing-basic")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("ds-test-basic"));
    await waitFor(() => expect(screen.getByTestId("ds-test-result-basic")).toBeTruthy());
    const store = screen.getByTestId("ds-secret-store-basic") as HTMLButtonElement;
    expect(store.disabled).toBe(true);
    await fireEvent.input(input("ds-secret-basic"), { target: { value: "s3cret" } });
    expect(store.disabled).toBe(false);
    await fireEvent.click(store);
    await waitFor(() => expect(screen.getByTestId("ds-secret-stored-basic")).toBeTruthy());
    expect(backend.state.secrets.basic).toBe("s3cret");
    expect(screen.queryByTestId("ds-test-result-basic")).toBeNull();
    expect(input("ds-secret-basic").value).toBe("");
    expect(document.body.innerHTML).not.toContain("s3cret");
    // Storing a secret is not a settings edit.
    expect(backend.saved).toHaveLength(0);
  });

  it("clears the stored secret", async () => {
    const { backend } = await setup({ basic: "hunter2" });
    await fireEvent.click(screen.getByTestId("ds-secret-clear-basic"));
    await waitFor(() => expect(screen.getByTestId("ds-secret-missing-basic")).toBeTruthy());
    expect(backend.state.secrets.basic).toBeUndefined();
    expect(screen.queryByTestId("ds-secret-clear-basic")).toBeNull();
  });

  it("saves the auth choice without any secret", async () => {
    const { backend } = await setup();
    await fireEvent.click(screen.getByTestId("ds-edit-open"));
    expect(screen.queryByTestId("ds-secret-open")).toBeNull();
    await fireEvent.change(screen.getByTestId("ds-auth-open"), { target: { value: "bearer" } });
    expect(input("ds-secret-open").type).toBe("password");
    expect(screen.queryByTestId("ds-username-open")).toBeNull();
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    const saved = backend.saved[0]?.datasources ?? [];
    expect(saved.find((d) => d.id === "open")?.auth).toEqual({ type: "bearer" });
    expect(saved.find((d) => d.id === "basic")?.auth).toEqual({ type: "basic", username: "alice" });
  });
});
