/**
 * The plain text rows of a datasource's form, as data: the card renders each through one
 * snippet, so the wiring of ids, test ids, problems and edits is written once.
 */
import { t, type MessageKey } from "../../lib/i18n/index.svelte";
import { PATHS_PLACEHOLDER, URL_PLACEHOLDER, type DraftEntry } from "./draft";
import type { ProblemField } from "./draft.svelte";

/** The entry's text values a row edits. */
export type TextKey = "url" | "paths" | "ca" | "clientCert" | "clientKey" | "username" | "indexPattern" | "timeField";

export interface EntryTextField {
  key: TextKey;
  /** Ends the element id; the test id is `ds-<testid or id>-<datasource id>`. */
  id: string;
  testid?: string;
  label: MessageKey;
  hint?: MessageKey;
  /** The backend's name of the field, when the saved file can have a problem there. */
  problem?: ProblemField;
  span?: 1 | 2 | "all";
  type?: "url";
  placeholder?: string | ((entry: DraftEntry) => string);
  /** Makes it a textarea of this many rows. */
  rows?: (entry: DraftEntry) => number;
}

export const URL_FIELD: EntryTextField = {
  key: "url",
  id: "url",
  label: "settings.ds.url",
  problem: "url",
  span: 2,
  type: "url",
  placeholder: (entry) => URL_PLACEHOLDER[entry.kind],
};

export const PATHS_FIELD: EntryTextField = {
  key: "paths",
  id: "paths",
  label: "settings.ds.paths",
  hint: "settings.ds.paths.hint",
  problem: "logs.paths",
  span: 2,
  placeholder: PATHS_PLACEHOLDER,
  rows: (entry) => Math.min(8, Math.max(2, entry.paths.split("\n").length + 1)),
};

/** Local files: the field of each line's time, detected when empty. */
export const DETECTED_TIME_FIELD: EntryTextField = {
  key: "timeField",
  id: "time",
  testid: "time-field",
  label: "settings.ds.timeField",
  hint: "settings.ds.timeField.detectHint",
  placeholder: () => t("settings.ds.timeField.detectPlaceholder"),
};

export const TLS_FIELDS: readonly EntryTextField[] = [
  {
    key: "ca",
    id: "ca",
    label: "settings.ds.caFile",
    hint: "settings.ds.caFile.hint",
    span: "all",
    placeholder: "/etc/ssl/certs/company-ca.pem",
  },
  {
    key: "clientCert",
    id: "client-cert",
    label: "settings.ds.clientCert",
    hint: "settings.ds.clientCert.hint",
    problem: "tls.client_cert_file",
    span: 2,
    placeholder: "/etc/hinomi/client.pem",
  },
  {
    key: "clientKey",
    id: "client-key",
    label: "settings.ds.clientKey",
    hint: "settings.ds.clientKey.hint",
    problem: "tls.client_key_file",
    placeholder: "/etc/hinomi/client-key.pem",
  },
];

export const ELASTICSEARCH_FIELDS: readonly EntryTextField[] = [
  {
    key: "indexPattern",
    id: "index",
    label: "settings.ds.indexPattern",
    hint: "settings.ds.indexPattern.hint",
    placeholder: "dataset-management-*",
  },
  {
    key: "timeField",
    id: "time",
    testid: "time-field",
    label: "settings.ds.timeField",
    hint: "settings.ds.timeField.hint",
    placeholder: "@timestamp",
  },
];

export const USERNAME_FIELD: EntryTextField = { key: "username", id: "username", label: "settings.ds.username" };
