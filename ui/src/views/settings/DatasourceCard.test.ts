import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { Datasource } from "../../lib/bindings";
import { startedApp } from "../../test-support";
import { demoLogFiles } from "./fixtures";
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

  it("shows a URL with credentials as the backend hid it, with the hint on the URL field", async () => {
    // The backend sends the URL with the password hidden, and the problem on its field.
    const typed = { ...ds("open", { type: "none" }), url: "http://alice:***@open:9090" };
    const { app } = await startedApp({
      settings: { version: 1, language: "en", refresh_interval_secs: 5, datasources: [typed] },
    });
    render(SettingsView, { context: appContext(app) });
    const view = app.settings.view!;
    const hint =
      "\"http://alice:***@open:9090\" has a user name or password in it. Leave them out of the URL: put the user name and password in the datasource's auth (stored in the OS keyring).";
    app.settings.view = {
      ...view,
      problems: [...view.problems, { datasource_id: "open", field: "url", error: { code: "invalid_input", message: hint } }],
    };
    await fireEvent.click(screen.getByTestId("ds-edit-open"));
    const problem = await screen.findByTestId("ds-problem-url-open");
    expect(problem.textContent).toContain("datasource's auth (stored in the OS keyring)");
    const url = input("ds-url-open");
    expect(url.value).toBe("http://alice:***@open:9090");
    expect(url.getAttribute("aria-invalid")).toBe("true");
    expect(url.getAttribute("aria-describedby")).toContain(problem.id);
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

async function setupFiles() {
  const { app, backend } = await startedApp({
    settings: {
      version: 1,
      language: "en",
      refresh_interval_secs: 5,
      datasources: [ds("open", { type: "none" }), demoLogFiles("files", ["~/.local/state/hinomi-demo/logs/demo-api", "/var/log/app/*.log*"])],
    },
    connection: { files: { datasource_id: "files", server: "Local files (2 paths)", latency_ms: 0.4 } },
  });
  render(SettingsView, { context: appContext(app) });
  return { app, backend };
}

describe("DatasourceCard for local files", () => {
  it("names the paths in the collapsed header where others show their URL", async () => {
    await setupFiles();
    expect(screen.getByTestId("ds-address-files").textContent).toBe(
      "~/.local/state/hinomi-demo/logs/demo-api, /var/log/app/*.log*",
    );
    expect(screen.getByTestId("ds-address-open").textContent).toBe("http://open:9090");
    expect(screen.queryByTestId("ds-paths-files")).toBeNull();
  });

  it("edits paths and a detected time field instead of URL, timeout, CA and auth", async () => {
    await setupFiles();
    await fireEvent.click(screen.getByTestId("ds-edit-files"));
    const paths = screen.getByTestId("ds-paths-files") as HTMLTextAreaElement;
    expect(paths.tagName).toBe("TEXTAREA");
    expect(paths.value).toBe("~/.local/state/hinomi-demo/logs/demo-api\n/var/log/app/*.log*");
    expect(screen.getByText(/Folders are read recursively/).textContent).toContain(".gz");
    const time = input("ds-time-field-files");
    expect(time.value).toBe("");
    expect(time.placeholder).toBe("detected: timestamp, @timestamp, time…");
    for (const hidden of ["url", "timeout", "ca", "auth", "index"]) {
      expect(screen.queryByTestId(`ds-${hidden}-files`), hidden).toBeNull();
    }
    expect(screen.getByTestId("ds-test-files").textContent).toContain("Check paths");
  });

  it("saves the typed paths, trimmed, and the time field as \"\" for detect", async () => {
    const { backend } = await setupFiles();
    await fireEvent.click(screen.getByTestId("ds-edit-files"));
    expect((screen.getByTestId("settings-save") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("ds-paths-files"), { target: { value: " /srv/a \n\n/srv/b/*.log\n" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    const files = backend.saved[0]?.datasources?.find((d) => d.id === "files");
    expect(files).toMatchObject({ kind: "local_files", url: "", auth: { type: "none" } });
    expect(files?.logs?.paths).toEqual(["/srv/a", "/srv/b/*.log"]);
    expect(files?.logs?.time_field).toBe("");
    expect(files?.logs?.index_pattern).toBe("dataset-management-*");
  });

  it("shows a paths problem under the paths editor", async () => {
    const { app } = await setupFiles();
    const view = app.settings.view!;
    app.settings.view = {
      ...view,
      problems: [
        ...view.problems,
        {
          datasource_id: "files",
          field: "logs.paths",
          error: { code: "invalid_input", message: "Add a folder, file or glob to read logs from." },
        },
      ],
    };
    await fireEvent.click(screen.getByTestId("ds-edit-files"));
    const problem = await screen.findByTestId("ds-problem-logs.paths-files");
    expect(problem.textContent).toContain("Add a folder");
    const paths = screen.getByTestId("ds-paths-files");
    expect(paths.getAttribute("aria-invalid")).toBe("true");
    expect(paths.getAttribute("aria-describedby")).toContain(problem.id);
  });

  it("reports readable paths from Test", async () => {
    await setupFiles();
    await fireEvent.click(screen.getByTestId("ds-test-files"));
    const result = await screen.findByTestId("ds-test-result-files");
    expect(result.dataset.status).toBe("ok");
    expect(result.textContent).toContain("Readable: Local files (2 paths)");
  });

  it("keeps the URL when the kind is switched to local files and back", async () => {
    const { backend } = await setupFiles();
    await fireEvent.click(screen.getByTestId("ds-edit-open"));
    await fireEvent.change(screen.getByTestId("ds-kind-open"), { target: { value: "local_files" } });
    expect(screen.queryByTestId("ds-url-open")).toBeNull();
    await fireEvent.input(screen.getByTestId("ds-paths-open"), { target: { value: "/var/log/open" } });
    expect(screen.getByTestId("ds-address-open").textContent).toBe("/var/log/open");
    await fireEvent.change(screen.getByTestId("ds-kind-open"), { target: { value: "prometheus" } });
    expect(input("ds-url-open").value).toBe("http://open:9090");
    expect(input("ds-timeout-open").value).toBe("5000");
    await fireEvent.change(screen.getByTestId("ds-kind-open"), { target: { value: "local_files" } });
    expect((screen.getByTestId("ds-paths-open") as HTMLTextAreaElement).value).toBe("/var/log/open");
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    const open = backend.saved[0]?.datasources?.find((d) => d.id === "open");
    expect(open).toMatchObject({ kind: "local_files", url: "", logs: { paths: ["/var/log/open"], time_field: "" } });
  });
});

describe("DatasourceCard split range queries", () => {
  it("offers the switch on Prometheus only, and saves it only when turned off", async () => {
    const { backend } = await setup();
    expect(input("ds-split-basic").checked).toBe(true);
    expect(input("ds-split-basic").labels?.[0]?.textContent?.trim()).toBe("Ask long range queries in two halves at once");
    await fireEvent.change(screen.getByTestId("ds-kind-basic"), { target: { value: "alertmanager" } });
    expect(screen.queryByTestId("ds-split-basic")).toBeNull();
    await fireEvent.change(screen.getByTestId("ds-kind-basic"), { target: { value: "prometheus" } });
    await fireEvent.click(input("ds-split-basic"));
    expect(input("ds-split-basic").checked).toBe(false);
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(backend.saved).toHaveLength(1));
    const saved = backend.saved[0]?.datasources ?? [];
    expect(saved.find((d) => d.id === "basic")?.split_range_queries).toBe(false);
    expect(saved.find((d) => d.id === "open")).not.toHaveProperty("split_range_queries");
  });
});

describe("DatasourceCard TLS", () => {
  async function withTls(tls: Datasource["tls"], problems: { field: string; message: string }[] = []) {
    const { app } = await startedApp({
      settings: { version: 1, language: "en", refresh_interval_secs: 5, datasources: [{ ...ds("open", { type: "none" }), tls }] },
    });
    render(SettingsView, { context: appContext(app) });
    const view = app.settings.view!;
    app.settings.view = {
      ...view,
      problems: [
        ...view.problems,
        ...problems.map(({ field, message }) => ({ datasource_id: "open", field, error: { code: "tls" as const, message } })),
      ],
    };
    await fireEvent.click(screen.getByTestId("ds-edit-open"));
    return app;
  }

  it("labels the client certificate fields and warns as soon as verification is skipped", async () => {
    await withTls({ ca_file: null });
    expect(input("ds-client-cert-open").labels?.[0]?.textContent).toBe("Client certificate file (PEM, mutual TLS)");
    expect(input("ds-client-key-open").labels?.[0]?.textContent).toBe("Client key file (PEM)");
    expect(screen.queryByTestId("ds-insecure-open")).toBeNull();
    expect(screen.getByTestId("ds-skip-verify-warning-open").textContent).toContain("Add the server's CA file instead");

    await fireEvent.click(input("ds-skip-verify-open"));
    expect(screen.getByTestId("ds-insecure-open").textContent).toContain("TLS not verified");
    expect(screen.getByTestId("ds-skip-verify-warning-open").textContent).toContain("anyone on the network path");
  });

  it("shows the backend's warning for a saved skip-verify and the badge until it is turned off", async () => {
    await withTls({ ca_file: null, insecure_skip_verify: true }, [
      { field: "tls.insecure_skip_verify", message: "Certificate verification is off (from the backend)." },
    ]);
    expect(input("ds-skip-verify-open").checked).toBe(true);
    expect(screen.getByTestId("ds-insecure-open")).toBeTruthy();
    expect(screen.getByTestId("ds-skip-verify-warning-open").textContent).toContain("(from the backend)");

    await fireEvent.click(input("ds-skip-verify-open"));
    expect(screen.queryByTestId("ds-insecure-open")).toBeNull();
  });

  it("puts a half-set client certificate's problem on the key field", async () => {
    await withTls({ ca_file: null, client_cert_file: "/c.pem" }, [
      { field: "tls.client_key_file", message: "A client certificate needs its private key file too." },
    ]);
    expect(input("ds-client-cert-open").value).toBe("/c.pem");
    expect(screen.getByTestId("ds-problem-tls.client_key_file-open").textContent).toContain("private key");
    expect(input("ds-client-key-open").getAttribute("aria-invalid")).toBe("true");
  });
});
