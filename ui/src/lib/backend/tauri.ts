// The real backend: the generated bindings, with every failure normalised to a HinomiError.

import { alertsTauriBackend } from "../../views/alerts/backend";
import { dashboardsTauriBackend } from "../../views/dashboards/backend";
import { incidentsTauriBackend } from "../../views/incidents/backend";
import { logsTauriBackend } from "../../views/logs/backend";
import { commands } from "../bindings";
import { toHinomiError, type Backend, type CommandResult } from "./backend";

async function settle<T>(call: () => Promise<CommandResult<T>>): Promise<CommandResult<T>> {
  try {
    const result = await call();
    if (result.status === "error") return { status: "error", error: toHinomiError(result.error) };
    return result;
  } catch (err) {
    return { status: "error", error: toHinomiError(err) };
  }
}

export const tauriBackend: Backend = {
  ...incidentsTauriBackend,
  ...alertsTauriBackend,
  ...dashboardsTauriBackend,
  ...logsTauriBackend,
  appInfo: () => commands.appInfo(),
  reportFirstPaint: (view) => commands.reportFirstPaint(view),
  getSettings: () => commands.getSettings(),
  saveSettings: (settings) => settle(() => commands.saveSettings(settings)),
  testConnection: (datasource) => settle(() => commands.testConnection(datasource)),
  datasourceHealth: () => commands.datasourceHealth(),
  setDatasourceSecret: (id, secret) => settle(() => commands.setDatasourceSecret(id, secret)),
  clearDatasourceSecret: (id) => settle(() => commands.clearDatasourceSecret(id)),
  listTargets: () => settle(() => commands.listTargets()),
};
