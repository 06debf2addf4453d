import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeAll, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { startedApp, stubResizeObserver } from "../../test-support";
import ExploreView from "./ExploreView.svelte";
import { exploreStore } from "./store.svelte";

beforeAll(() => stubResizeObserver());

describe("ExploreView", () => {
  it("offers the server's names, runs an Open in Explore request, and marks a syntax error", async () => {
    const { app } = await startedApp();
    const store = exploreStore(app);
    const { getByTestId, queryAllByTestId } = render(ExploreView, { context: appContext(app) });

    const query = getByTestId("explore-query") as HTMLTextAreaElement;
    query.value = "api_req";
    query.setSelectionRange(7, 7);
    await fireEvent.input(query);
    await waitFor(() => expect(queryAllByTestId("explore-suggestion").map((s) => s.dataset.text)).toEqual(["api_requests_total"]));
    await fireEvent.keyDown(query, { key: "Tab" });
    expect(store.expr).toBe("api_requests_total");

    // What a panel's "Open in Explore" does.
    app.openExplore("up", { kind: "relative", last: "15m" });
    await waitFor(() => expect(store.graph?.queries[0]?.series).toHaveLength(2));
    expect(store.ranExpr).toBe("up");
    expect(app.nav.current).toBe("explore");
    await fireEvent.click(getByTestId("explore-mode-table"));
    await waitFor(() => expect(queryAllByTestId("explore-table-row")).toHaveLength(2));
    expect((getByTestId("explore-range") as HTMLSelectElement).value).toBe("15m");

    query.value = "sum(up";
    await fireEvent.input(query);
    await fireEvent.keyDown(query, { key: "Escape" });
    await fireEvent.keyDown(query, { key: "Enter" });
    const error = await waitFor(() => getByTestId("explore-query-error"));
    expect(error.dataset.column).toBe("7");
    expect(getByTestId("explore-error-caret").textContent).toBe("sum(up\n      ^");
    expect(queryAllByTestId("explore-history-item").map((h) => h.textContent)).toEqual(["sum(up", "up"]);
  });
});
