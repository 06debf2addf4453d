//! How the WebKitGTK view is set up beyond what Tauri's configuration offers.

/// Turns WebKit's accelerated compositing off, unless `HINOMI_GPU_COMPOSITING=1`.
///
/// With it on, WebKitGTK composites the page through OpenGL. Where there is no GPU driver (a VM,
/// a remote desktop, the CI's Xvfb) that is Mesa's software rasteriser, whose buffers the web
/// process keeps: in a release build with the three seed dashboards opened, the app's processes
/// held 349 MiB with it and 172 MiB without (Targets view: 260 and 159 MiB; docs/benchmarks.md,
/// "Release build, 2026-12-05: where the memory is"). The console's pages are tables and 2D
/// canvases, which WebKit draws well without it.
///
/// Set on the view's settings as soon as setup runs, not through WebKit's
/// `WEBKIT_DISABLE_COMPOSITING_MODE` variable: that saved the same memory but held the first page
/// load back by about 450 ms.
///
/// Without compositing the page paints as it should, but a WebKitWebDriver screenshot waits for
/// the page's next repaint (WebKit's `takeScreenshot` runs after the next presentation update,
/// which in this mode only comes with a repaint): on a page where nothing changes it never
/// returns. Seen with the setting made here and with the variable, so it is not the setting
/// arriving after the first load. The e2e harness's `screenshot()` makes that repaint.
pub fn set_up(app: &tauri::App) {
    if std::env::var("HINOMI_GPU_COMPOSITING").as_deref() == Ok("1") {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        for window in app.webview_windows().values() {
            let done = window.with_webview(|webview| {
                if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                    settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                }
            });
            if let Err(err) = done {
                tracing::warn!(%err, "could not turn accelerated compositing off");
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}
