// What the Rules, Routing and Silences tabs load: one answer per datasource, or the whole
// call's error. Written once so each tab only says which command it calls.

import type { HinomiError } from "../../lib/bindings";
import type { CommandResult } from "../../lib/backend/backend";

/** One datasource's part of an answer; `error` when that datasource could not be read. */
export interface DatasourcePart {
  datasource_id: string;
  datasource_name: string;
  error?: HinomiError | null;
}

export class PerDatasource<T extends DatasourcePart> {
  answer = $state.raw<T[] | null>(null);
  /** The whole call failed; a later success clears it. */
  error = $state.raw<HinomiError | null>(null);

  constructor(private readonly fetch: () => Promise<CommandResult<T[]>>) {}

  async load(): Promise<void> {
    const result = await this.fetch();
    if (result.status === "ok") {
      this.answer = result.data;
      this.error = null;
    } else this.error = result.error;
  }
}
