//! The dashboard as drawn: repeats expanded for the live variable selection, and panel and row
//! titles and descriptions with their variables replaced, as Grafana shows them.
//!
//! Grafana writes titles with the `text` format (`templateSrv.replace(panel.title,
//! panel.scopedVars, 'text')` in its panel header and `DashboardRow`), so a multi-value
//! selection reads `a + b` and All reads `All`; descriptions get `replace(description,
//! scopedVars)` with no format, which Grafana's template service writes as `glob` (`{a,b}`).
//! An explicit `${var:csv}` wins in both. The time built-ins (`$__from`, `$__range`...) and
//! `$__dashboard` are known; per-query ones like `$__interval` are not, as in Grafana, whose
//! panel title never sees the query's interval.

use crate::model::{Dashboard, Panel};
use crate::repeat::{bind_scope, expand_repeats};
use crate::template::TemplateScope;
use crate::time_range::TimeWindow;

/// Default format of a title.
const TITLE_FORMAT: &str = "text";
/// Default format of a description.
const DESCRIPTION_FORMAT: &str = "glob";

/// The panels to draw: every repeat expanded, titles and descriptions interpolated. Each
/// panel's `id` is what [`crate::plan_panel`] takes; a copy names its source in `repeatPanelId`.
pub fn view_panels(dashboard: &Dashboard, window: &TimeWindow) -> Vec<Panel> {
    let scope = TemplateScope::for_dashboard(dashboard, window);
    expand_repeats(dashboard)
        .into_iter()
        .map(|panel| with_display_text(panel, &scope, dashboard))
        .collect()
}

fn with_display_text(mut panel: Panel, scope: &TemplateScope, dashboard: &Dashboard) -> Panel {
    let bound = bind_scope(scope, dashboard, &panel);
    panel.title = display_title(&panel.title, &bound);
    panel.description = panel
        .description
        .map(|d| bound.interpolate_with_format(&d, DESCRIPTION_FORMAT));
    if let Some(folded) = panel.panels.take() {
        panel.panels = Some(
            folded
                .into_iter()
                .map(|p| with_display_text(p, scope, dashboard))
                .collect(),
        );
    }
    panel
}

/// A title as Grafana shows it for `scope`.
pub fn display_title(title: &str, scope: &TemplateScope) -> String {
    scope.interpolate_with_format(title, TITLE_FORMAT)
}
