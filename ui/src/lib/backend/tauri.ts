// The real backend: the generated bindings, with every failure normalised to a HinomiError.

import { alertsTauriBackend } from "../../views/alerts/backend";
import { dashboardsTauriBackend } from "../../views/dashboards/backend";
import { incidentsTauriBackend } from "../../views/incidents/backend";
import { logsTauriBackend } from "../../views/logs/backend";
import { commands } from "../bindings";
import { settle, type Backend } from "./backend";

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
