// Which view is shown, mirrored in the URL hash (#/settings) so a reload keeps the place.

export class Navigator {
  current = $state("");
  readonly #ids: readonly string[];
  readonly #fallback: string;

  constructor(ids: readonly string[], fallback: string) {
    this.#ids = ids;
    this.#fallback = fallback;
    this.current = this.#fromHash();
  }

  #fromHash(): string {
    const id = typeof location === "undefined" ? "" : location.hash.replace(/^#\/?/, "");
    return this.#ids.includes(id) ? id : this.#fallback;
  }

  go(id: string): void {
    if (!this.#ids.includes(id)) return;
    this.current = id;
    if (typeof location !== "undefined" && location.hash !== `#/${id}`) {
      history.replaceState(null, "", `#/${id}`);
    }
  }

  /** Follows back/forward and hand-edited hashes; returns the unsubscribe function. */
  listen(): () => void {
    const onHashChange = () => {
      this.current = this.#fromHash();
    };
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }
}

/** A time range another view hands to Explore: the last N (`"1h"`) or an absolute window. */
export type ExploreRange = { kind: "relative"; last: string } | { kind: "absolute"; fromMs: number; toMs: number };

/** "Open in Explore" from anywhere: the expression, the range, and a number that makes each request new. */
export interface ExploreRequest {
  id: number;
  expr: string;
  range: ExploreRange | null;
  datasourceId: string | null;
}

/** "Show logs" from a panel or an alert: Discover over the same window, with the alert's labels. */
export interface LogsRequest {
  id: number;
  range: ExploreRange;
  query: string;
  /** Labels to turn into filters where the log index has such fields (an alert's labels). */
  labels: Record<string, string>;
}
