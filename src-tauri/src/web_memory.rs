//! Lets WebKit's web process give memory back on its own, as a browser's does (Linux).
//!
//! WebKitGTK checks a web process's footprint (its private dirty anonymous memory) every
//! `poll_interval` and, past fractions of a memory limit, releases what it can: above the
//! conservative threshold its caches, above the strict one also every function's compiled code,
//! a full garbage collection and the allocator's free pages. The limit defaults to the machine's
//! RAM capped at 3 GB, so on a desktop the thresholds sit near 1 GB and a 60–100 MiB page never
//! reaches them; meanwhile the page's footprint grows ~20 MiB an hour on the seed dashboards
//! (docs/benchmarks.md, "One-hour soak"), and the same release brought a page that had grown
//! from 59.5 to 66 MiB back to 53.5 (twenty-eighth session: the machine's memory filled, which
//! makes WebKit release in every web process).
//!
//! The limit is `WebKitMemoryPressureSettings` on the `WebKitWebContext`, a construct-only
//! property, and the context is built by wry inside Tauri with no way to pass it. So before any
//! context exists, the class's GObject `constructor` is wrapped: GLib hands a custom constructor
//! every construct-only property, defaults included, and the wrapper fills this one in when the
//! caller left it unset, then calls the original. Nothing else of WebKit's is touched.

// GObject's class structure is only reachable through its C interface; the unsafe is kept to
// this module, and each block says what it relies on.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_uint, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use webkit2gtk::ffi as webkit;
use webkit2gtk::glib::ffi::GType;
use webkit2gtk::glib::gobject_ffi as gobject;

/// The limit and its thresholds, as WebKit takes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// MB; WebKit's thresholds are fractions of it.
    pub limit_mb: u32,
    /// Past this fraction of the limit WebKit drops its caches at each poll.
    pub conservative: f64,
    /// Past this fraction it also throws away compiled code, collects and returns free pages.
    pub strict: f64,
    /// Seconds between WebKit's checks of the footprint.
    pub poll_secs: f64,
}

impl Limits {
    /// What the app asks for unless `HINOMI_WEB_MEMORY_LIMIT_MB` says otherwise.
    pub const DEFAULT: Limits = Limits {
        limit_mb: 140,
        conservative: 0.33,
        strict: 0.5,
        poll_secs: 300.0,
    };

    /// From `HINOMI_WEB_MEMORY_LIMIT_MB`: unset means [`Limits::DEFAULT`], `0` WebKit's own
    /// (no wrapper installed), any other number that limit with the default fractions. A value
    /// that is not a number is an error for the caller to report (this runs before logging is
    /// set up), which then keeps the default.
    pub fn from_env_value(value: Option<&str>) -> Result<Option<Limits>, String> {
        let Some(value) = value else {
            return Ok(Some(Limits::DEFAULT));
        };
        match value.trim().parse::<u32>() {
            Ok(0) => Ok(None),
            Ok(limit_mb) => Ok(Some(Limits {
                limit_mb,
                ..Limits::DEFAULT
            })),
            Err(err) => Err(format!(
                "HINOMI_WEB_MEMORY_LIMIT_MB={value:?} is not a number of MB ({err}); keeping the default"
            )),
        }
    }
}

/// What [`install_from_env`] did, to be logged once logging is up.
pub struct Startup {
    /// The limits in force (None: WebKit's own).
    limits: Option<Limits>,
    /// `HINOMI_WEB_MEMORY_LIMIT_MB` could not be read.
    error: Option<String>,
}

/// Reads `HINOMI_WEB_MEMORY_LIMIT_MB` and installs the wrapper. Call before Tauri builds the
/// window's web context, which takes the limit only when it is made; this runs before logging
/// is set up, so what happened is returned for [`Startup::log`].
pub fn install_from_env() -> Startup {
    let (limits, error) =
        match Limits::from_env_value(std::env::var("HINOMI_WEB_MEMORY_LIMIT_MB").ok().as_deref()) {
            Ok(limits) => (limits, None),
            Err(err) => (Some(Limits::DEFAULT), Some(err)),
        };
    Startup {
        limits: limits.filter(|limits| install(*limits)),
        error,
    }
}

impl Startup {
    /// The start-up line the e2e shell spec reads: the limits and how many contexts took them.
    pub fn log(&self) {
        if let Some(err) = &self.error {
            tracing::warn!("{err}");
        }
        tracing::info!(
            limits = ?self.limits,
            contexts = contexts_limited(),
            "web process memory limit (None: WebKit's own)"
        );
    }
}

/// The one `WebKitMemoryPressureSettings*` every context copies, and how many contexts took it.
static INSTALLED: OnceLock<(usize, &'static AtomicUsize)> = OnceLock::new();

/// Wraps `WebKitWebContext`'s constructor so every context gets `limits`. Call once, on the main
/// thread, before Tauri builds a window; a later call does nothing. Returns whether the wrapper
/// is in place.
pub fn install(limits: Limits) -> bool {
    if INSTALLED.get().is_some() {
        return true;
    }
    // SAFETY: the settings functions take the struct they allocate, which is kept for the life
    // of the process (each context copies it). This runs before any web context exists.
    unsafe {
        let settings = webkit::webkit_memory_pressure_settings_new();
        webkit::webkit_memory_pressure_settings_set_memory_limit(settings, limits.limit_mb);
        // WebKit checks each threshold against the other: the strict one first, so lowering both
        // never passes through conservative ≥ strict.
        webkit::webkit_memory_pressure_settings_set_strict_threshold(settings, limits.strict);
        webkit::webkit_memory_pressure_settings_set_conservative_threshold(
            settings,
            limits.conservative,
        );
        // Never kill the page: a reloaded console loses what the person was looking at.
        webkit::webkit_memory_pressure_settings_set_kill_threshold(settings, 0.0);
        webkit::webkit_memory_pressure_settings_set_poll_interval(settings, limits.poll_secs);
        match fill_construct_property(
            webkit::webkit_web_context_get_type(),
            c"memory-pressure-settings",
            settings.cast(),
        ) {
            Some(filled) => INSTALLED.set((settings as usize, filled)).is_ok(),
            None => {
                webkit::webkit_memory_pressure_settings_free(settings);
                false
            }
        }
    }
}

/// How many web contexts were built with the limit filled in so far.
pub fn contexts_limited() -> usize {
    INSTALLED
        .get()
        .map_or(0, |(_, filled)| filled.load(Ordering::Relaxed))
}

type Constructor = unsafe extern "C" fn(
    GType,
    c_uint,
    *mut gobject::GObjectConstructParam,
) -> *mut gobject::GObject;

/// One class whose constructor fills a boxed construct-only property its caller left unset.
struct Filled {
    class: GType,
    property: &'static CStr,
    /// The boxed value (copied into each instance's parameter with the type's copy function).
    value: usize,
    original: Constructor,
    count: &'static AtomicUsize,
}

/// Entries are never removed: a wrapped class stays wrapped for the life of the process.
static FILLED: Mutex<Vec<Filled>> = Mutex::new(Vec::new());

/// Makes every instance of `class` built without `property` (a boxed, construct-only property)
/// get `value` instead of the property's default. GLib hands a class's custom constructor every
/// construct property, defaults included, so the wrapper sees the unset one and fills it in
/// before calling the original constructor. Returns the count of instances filled, or None when
/// the class is already wrapped or has no constructor.
///
/// # Safety
/// `value` must point to a boxed value of the property's type, valid for the life of the
/// process; call before another thread may build an instance of `class`.
unsafe fn fill_construct_property(
    class: GType,
    property: &'static CStr,
    value: *const c_void,
) -> Option<&'static AtomicUsize> {
    let mut filled = FILLED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if filled.iter().any(|entry| entry.class == class) {
        return None;
    }
    // SAFETY: the class is referenced and never released, so its structure stays valid; its
    // constructor slot is read and replaced before any instance is built with the new one.
    unsafe {
        let class_struct = gobject::g_type_class_ref(class) as *mut gobject::GObjectClass;
        let original = (*class_struct).constructor?;
        let count: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
        filled.push(Filled {
            class,
            property,
            value: value as usize,
            original,
            count,
        });
        (*class_struct).constructor = Some(construct_filled);
        Some(count)
    }
}

unsafe extern "C" fn construct_filled(
    type_: GType,
    n_params: c_uint,
    params: *mut gobject::GObjectConstructParam,
) -> *mut gobject::GObject {
    // Copied out so the lock is not held while the original constructor runs (it may build
    // other wrapped objects).
    let (property, value, original, count) = {
        let filled = FILLED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // SAFETY: both are registered types.
        let entry = filled
            .iter()
            .find(|entry| unsafe { gobject::g_type_is_a(type_, entry.class) } != 0)
            .expect("construct_filled is only installed on classes in FILLED");
        (entry.property, entry.value, entry.original, entry.count)
    };
    if !params.is_null() {
        // SAFETY: GLib passes `n_params` initialised construct parameters, each holding a value
        // of its property's type.
        let params = unsafe { std::slice::from_raw_parts_mut(params, n_params as usize) };
        for param in params {
            let name = unsafe { CStr::from_ptr(gobject::g_param_spec_get_name(param.pspec)) };
            if name == property && unsafe { gobject::g_value_get_boxed(param.value) }.is_null() {
                // SAFETY: `value` is of the property's boxed type (fill_construct_property's
                // contract); g_value_set_boxed copies it.
                unsafe { gobject::g_value_set_boxed(param.value, value as *const c_void) };
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    // SAFETY: the class's own constructor, called with what GLib gave this one.
    unsafe { original(type_, n_params, params) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webkit2gtk::gio::ffi as gio;
    use webkit2gtk::glib::ffi as glib;

    #[test]
    fn the_variable_picks_the_limit_or_turns_the_wrapper_off() {
        assert_eq!(Limits::from_env_value(None), Ok(Some(Limits::DEFAULT)));
        assert_eq!(Limits::from_env_value(Some("0")), Ok(None));
        assert_eq!(
            Limits::from_env_value(Some(" 320 ")),
            Ok(Some(Limits {
                limit_mb: 320,
                ..Limits::DEFAULT
            }))
        );
        let err = Limits::from_env_value(Some("lots")).unwrap_err();
        assert!(
            err.contains("\"lots\"") && err.contains("keeping the default"),
            "{err}"
        );
    }

    /// The parameter type an action was built with, as GVariant type text ("" for none).
    fn parameter_type_of(action: *mut gio::GSimpleAction) -> String {
        // SAFETY: a live action; the type string is copied before the action is released.
        unsafe {
            let ty = gio::g_action_get_parameter_type(action.cast());
            let text = if ty.is_null() {
                String::new()
            } else {
                let peeked = glib::g_variant_type_peek_string(ty);
                let len = glib::g_variant_type_get_string_length(ty);
                String::from_utf8_lossy(std::slice::from_raw_parts(peeked.cast::<u8>(), len))
                    .into_owned()
            };
            gobject::g_object_unref(action.cast());
            text
        }
    }

    /// The web context itself needs a display to be built (the Rust tests run without one), so
    /// the wrapper is shown on GIO's GSimpleAction, whose "parameter-type" is also a boxed
    /// construct-only property: filled when the caller leaves it out, kept when it gives one.
    /// The app's own context is checked by its start-up log in the e2e run.
    #[test]
    fn an_unset_construct_only_property_is_filled_and_a_given_one_kept() {
        // SAFETY: G_VARIANT_TYPE_STRING is a static type string; GSimpleAction is only built by
        // this test in this process.
        unsafe {
            let string = glib::g_variant_type_checked_(c"s".as_ptr());
            let count = fill_construct_property(
                gio::g_simple_action_get_type(),
                c"parameter-type",
                string.cast(),
            )
            .expect("the class was not wrapped before");
            assert!(
                fill_construct_property(
                    gio::g_simple_action_get_type(),
                    c"parameter-type",
                    string.cast()
                )
                .is_none()
            );

            let unset = gio::g_simple_action_new(c"unset".as_ptr(), std::ptr::null());
            assert_eq!(parameter_type_of(unset), "s");
            assert_eq!(count.load(Ordering::Relaxed), 1);

            let int32 = glib::g_variant_type_checked_(c"i".as_ptr());
            let given = gio::g_simple_action_new(c"given".as_ptr(), int32);
            assert_eq!(parameter_type_of(given), "i");
            assert_eq!(count.load(Ordering::Relaxed), 1);
        }
    }
}
