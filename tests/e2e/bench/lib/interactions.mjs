// How long a person waits for a chart to answer an input (issue 14: "1,000 series stay
// responsive: hover, legend filter, zoom"), timed inside the page: from the input event reaching
// the page (a capture listener on the document, so before the app's own handlers) to the end of
// the frame that paints the answer (a rAF after the DOM shows it, then a task: the same "painted"
// as the panels' data-painted-at, ui/src/lib/paint.ts). WebDriver's own round trips are outside
// the clock.

/**
 * Arms the page for one interaction: the first `event` from now is the start, and `condition`
 * (tooltip, legendRows, seriesDrawn or panelPainted, with `arg`; "__start__" passes the start
 * time) holding is the answer. Then `act()` performs the input; the result is { ms, value }
 * (input → painted, and what the condition returned).
 */
export async function timeInteraction(browser, { event, condition, arg, act, timeoutMs = 30_000 }) {
  await browser.execute(
    (event, condition, arg) => {
      // What "answered" means per interaction, checked on every DOM change (and every 5 ms, for
      // changes that only draw on a canvas and move an attribute). Written out here: the app's
      // CSP allows no eval, so the page cannot be handed a condition as text.
      const conditions = {
        // The tooltip lists rows at a time other than the one it showed before the move.
        tooltip: (before) => {
          const t = document.querySelector('[data-testid="chart-tooltip"]');
          const time = t?.querySelector(".time")?.textContent ?? null;
          return t && t.querySelectorAll('[data-testid="chart-tooltip-row"]').length > 0 && time !== before ? time : null;
        },
        // The legend shows exactly this many rows.
        legendRows: (count) => (document.querySelectorAll('[data-testid="panel-legend-item"]').length === count ? true : null),
        // The chart was drawn again with this many series.
        seriesDrawn: (count) => (document.querySelector('[data-testid="timeseries-chart"]')?.dataset.seriesCount === String(count) ? true : null),
        // The panel painted a new answer (its data-painted-at moved past the input).
        panelPainted: (since) => {
          const p = document.querySelector('[data-testid="dashboard-panel"]');
          const painted = Number(p?.dataset.paintedAt || 0);
          return p?.dataset.state === "loaded" && painted > since ? painted : null;
        },
      };
      const holds = conditions[condition];
      const state = { start: null, painted: null, value: null };
      window.__benchInteraction = state;
      const check = () => {
        if (state.start === null || state.value !== null) return;
        const value = holds(arg === "__start__" ? state.start : arg);
        if (value === null) return;
        state.value = value;
        requestAnimationFrame(() => setTimeout(() => (state.painted = performance.now()), 0));
      };
      const started = () => {
        if (state.start === null) state.start = performance.now();
        queueMicrotask(check);
      };
      document.addEventListener(event, started, { capture: true });
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const poll = setInterval(check, 5);
      state.stop = () => {
        document.removeEventListener(event, started, { capture: true });
        observer.disconnect();
        clearInterval(poll);
      };
    },
    event,
    condition,
    arg,
  );
  await act();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await browser.execute(() => {
      const s = window.__benchInteraction;
      if (s.painted === null) return null;
      s.stop();
      return { ms: s.painted - s.start, value: s.value };
    });
    if (done) return done;
    if (Date.now() > deadline) throw new Error(`no answer to the ${event} (${condition}) within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
