//! Bounds on the theme's typst code, which is trusted but must still stop.
//!
//! `range` in typst's standard library is replaced by one that refuses to
//! make more than [`MAX_RANGE_ITEMS`] numbers, so `range(2000000000)` is an
//! error at its call instead of gigabytes of memory. Everything else that can
//! grow without bound (array and string repetition, `array.range`, loops over
//! loops, recursion) is caught by [`Watchdog`], which stops the command when
//! typst's work passes a time or memory limit.

use std::num::NonZeroI64;
use std::sync::LazyLock;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use typst::comemo::Tracked;
use typst::diag::{SourceResult, bail};
use typst::engine::Engine;
use typst::foundations::{Args, Array, Binding, Context, Func, NativeFuncData, NativeFuncPtr, Scope, Value};
use typst::{Feature, Library, LibraryExt};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The most numbers one `range` call may make (32 MB of typst values).
pub const MAX_RANGE_ITEMS: i128 = 1_000_000;

/// typst's standard library with the bounded `range`, also as `std.range`.
pub fn library() -> Library {
    // `a11y-extras`: `pdf.header-cell`, with which the theme tags a table's
    // label column as row headers.
    let mut library = Library::builder().with_features([Feature::A11yExtras].into_iter().collect()).build();
    library.global.scope_mut().define("range", Func::from(&BOUNDED_RANGE));
    library.std = Binding::detached(library.global.clone());
    library
}

static BOUNDED_RANGE: NativeFuncData = NativeFuncData {
    function: NativeFuncPtr(&bounded_range),
    name: "range",
    title: "Range",
    docs: "`array.range`, refusing to make more than a million numbers.",
    def_site: None,
    keywords: &[],
    contextual: false,
    scope: LazyLock::new(&|| Scope::new()),
    params: LazyLock::new(&|| Array::range_data().params.clone()),
    returns: LazyLock::new(&|| Array::range_data().returns.clone()),
};

fn bounded_range(engine: &mut Engine, context: Tracked<Context>, args: &mut Args) -> SourceResult<Value> {
    if let Some(count) = range_length(args)
        && count > MAX_RANGE_ITEMS
    {
        bail!(
            args.span,
            "this range would make {count} numbers; a theme may make at most {MAX_RANGE_ITEMS} at once";
            hint: "a report needs far fewer: look for a loop bound that is wrong"
        );
    }
    (Array::range_data().function.0)(engine, context, args)
}

/// How many numbers `range` would make of these arguments; `None` when they
/// are not what `range` takes (it then reports that itself).
fn range_length(args: &Args) -> Option<i128> {
    let mut args = args.clone();
    let first = args.eat::<i64>().ok()??;
    let (start, end) = match args.eat::<i64>().ok()? {
        Some(second) => (i128::from(first), i128::from(second)),
        None => (0, i128::from(first)),
    };
    let step = i128::from(args.named::<NonZeroI64>("step").ok()?.map_or(1, NonZeroI64::get));
    let inclusive = args.named::<bool>("inclusive").ok()?.unwrap_or(false);
    let distance = (end - start) * step.signum() + i128::from(inclusive);
    Some(if distance <= 0 { 0 } else { (distance + step.abs() - 1) / step.abs() })
}

/// Limits on one typst compile, from the environment or the defaults.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub time: Duration,
    /// Resident memory of the whole process, in MiB.
    pub memory_mib: u64,
}

/// The variables that change the limits, for a report too large for them.
pub const TIME_VARIABLE: &str = "ARSRAPPORT_TYPST_SECONDS";
pub const MEMORY_VARIABLE: &str = "ARSRAPPORT_TYPST_MEMORY_MIB";

impl Limits {
    /// Ten minutes and 8 GiB: a 1000-page report takes 15 s and 2 GiB.
    pub const DEFAULT: Limits = Limits { time: Duration::from_secs(600), memory_mib: 8192 };

    /// The defaults, each replaced by its variable when that is set; a
    /// variable that is not a positive whole number is an error.
    pub fn from_env() -> Result<Limits, Diagnostics> {
        let read = |name: &str| -> Result<Option<u64>, Diagnostic> {
            match std::env::var(name) {
                Err(_) => Ok(None),
                Ok(text) => text.trim().parse::<u64>().ok().filter(|n| *n > 0).map(Some).ok_or_else(|| {
                    Diagnostic::error(None, format!("{name} must be a positive whole number, found `{text}`"))
                }),
            }
        };
        let mut diagnostics = Diagnostics::new();
        let mut limits = Limits::DEFAULT;
        match read(TIME_VARIABLE) {
            Ok(Some(seconds)) => limits.time = Duration::from_secs(seconds),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
        match read(MEMORY_VARIABLE) {
            Ok(Some(mib)) => limits.memory_mib = mib,
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
        diagnostics.into_result().map(|_| limits)
    }
}

/// Watches a typst compile from another thread. Typst cannot be interrupted,
/// so when it passes a limit the watchdog prints its error and ends the
/// process with exit code 1: a build writes its output only after the
/// compile, so the previous output is left as it was.
pub struct Watchdog {
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    /// Starts watching. `stopped` is the error to print, given the limit
    /// that was passed in words.
    pub fn start(limits: Limits, stopped: impl Fn(&str) -> Diagnostics + Send + 'static) -> Watchdog {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = {
            let done = done.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let (lock, wake) = &*done;
                let mut finished = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if *finished {
                        return;
                    }
                    let passed = if started.elapsed() > limits.time {
                        Some(format!("it took longer than {} s", limits.time.as_secs()))
                    } else {
                        resident_mib().filter(|mib| *mib > limits.memory_mib).map(|mib| {
                            format!("it used {mib} MiB of memory, more than the limit of {} MiB", limits.memory_mib)
                        })
                    };
                    if let Some(passed) = passed {
                        // The compile's thread, waiting for this one in `drop`, never goes on.
                        crate::cmd::fail(&stopped(&passed), "the previous output is unchanged");
                        std::process::exit(1);
                    }
                    finished =
                        wake.wait_timeout(finished, Duration::from_millis(20)).unwrap_or_else(|e| e.into_inner()).0;
                }
            })
        };
        Watchdog { done, thread: Some(thread) }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, wake) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The process's resident memory in MiB (Linux); `None` where it cannot be read.
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    #[cfg(target_os = "linux")]
    let page_size = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
    #[cfg(not(target_os = "linux"))]
    let page_size = 4096;
    Some(pages * page_size / (1024 * 1024))
}

/// The error when a compile passes a limit: which document, which theme
/// files of the project's own hold typst code, and how to raise the limits.
pub fn stopped_error(document: &str, overridden: &[String], passed: &str) -> Diagnostics {
    let location = overridden.first().map(|file| Location::file(file.clone()));
    let message = format!("typesetting `{document}` was stopped: {passed}");
    let hint = if overridden.is_empty() {
        format!(
            "the built-in theme does not need this much; if the report is this large, raise {TIME_VARIABLE} or {MEMORY_VARIABLE}"
        )
    } else {
        format!(
            "look for a loop or a large repetition in the project's theme code ({}); if the report is this large, raise {TIME_VARIABLE} or {MEMORY_VARIABLE}",
            overridden.join(", ")
        )
    };
    Diagnostics::from(Diagnostic::error(location, message).with_hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::foundations::{Arg, IntoValue, Str};
    use typst::syntax::{Span, Spanned};

    fn args(positional: &[i64], step: Option<i64>, inclusive: Option<bool>) -> Args {
        let mut args = Args::new(Span::detached(), positional.iter().copied());
        let mut named = |name: &str, value: Value| {
            args.items.push(Arg {
                span: Span::detached(),
                name: Some(Str::from(name)),
                value: Spanned::new(value, Span::detached()),
            })
        };
        if let Some(step) = step {
            named("step", step.into_value());
        }
        if let Some(inclusive) = inclusive {
            named("inclusive", inclusive.into_value());
        }
        args
    }

    /// What typst's `range` makes, counted one number at a time.
    fn counted(start: i64, end: i64, step: i64, inclusive: bool) -> i128 {
        let mut n = 0;
        let mut x = start;
        while if step > 0 { x < end || (inclusive && x == end) } else { x > end || (inclusive && x == end) } {
            n += 1;
            x += step;
        }
        n
    }

    #[test]
    fn the_length_of_a_range_is_what_typst_would_make() {
        for start in -7..=7 {
            for end in -7..=7 {
                for step in [-3, -2, -1, 1, 2, 3] {
                    for inclusive in [false, true] {
                        let found = range_length(&args(&[start, end], Some(step), Some(inclusive)));
                        assert_eq!(
                            found,
                            Some(counted(start, end, step, inclusive)),
                            "{start} {end} {step} {inclusive}"
                        );
                    }
                }
            }
            assert_eq!(range_length(&args(&[start], None, None)), Some(counted(0, start, 1, false)));
        }
        assert_eq!(range_length(&args(&[2_000_000_000], None, None)), Some(2_000_000_000));
        assert_eq!(range_length(&args(&[i64::MIN, i64::MAX], None, Some(true))), Some(1i128 << 64));
        // Not what range takes: range itself says so.
        assert_eq!(range_length(&args(&[], None, None)), None);
    }

    fn compile(code: &str) -> Result<(), String> {
        let mut world = crate::render::world::ReportWorld::new(
            std::path::Path::new("."),
            &[],
            typst::foundations::Datetime::from_ymd(2014, 4, 15).unwrap(),
        );
        world.add_source("/report.typ", code.to_owned());
        let warned = crate::render::layout::layout(&world, crate::render::layout::Caches::Keep);
        warned.output.map(|_| ()).map_err(|errors| errors.iter().map(|e| e.message.to_string()).collect())
    }

    #[test]
    fn a_range_beyond_the_limit_is_an_error_and_others_are_typsts_own() {
        for call in ["range(2000000000)", "std.range(0, 1000001)", "range(-5, 2000000000, step: 3)"] {
            let error = compile(&format!("#let r = {call}")).unwrap_err();
            assert!(error.contains("at most 1000000"), "{call}: {error}");
        }
        let same = "#for (a, b, s, i) in ((0, 10, 3, false), (5, -5, -2, true), (3, 3, 1, true)) {\n\
                    assert.eq(range(a, b, step: s, inclusive: i), array.range(a, b, step: s, inclusive: i))\n}\n\
                    #assert.eq(range(1000000).len(), 1000000)\n#assert.eq(range(4), (0, 1, 2, 3))";
        compile(same).unwrap();
        // typst's own messages for arguments range does not take.
        assert!(compile("#range()").unwrap_err().contains("missing argument"));
        assert!(compile("#range(5, step: 0)").unwrap_err().contains("zero"));
    }
}
