//! `arsrapport serve`: a live preview. The project is built in memory (nothing
//! is written to `output/`), the site and the PDF are served over HTTP, and
//! `content/` and `themes/` are watched. After each save the project is built
//! again; a good build replaces what is served and the open pages reload, a
//! broken one is reported in the terminal and over the page, while the last
//! good version stays served. A rebuild that panics is reported the same way.
//! The HTTP server with its limits is in `serve/http.rs`.

mod http;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use self::http::{Request, Response};

use super::{count, current_dir, fail, print_phases, report, summary};
use crate::cli::ProjectArgs;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline;
use crate::project::{self, CONFIG_FILE, Project};
use crate::render::layout::Caches;

/// Quiet time after the last file event before a rebuild starts: editors
/// often write a file in several steps (temporary file, rename, attributes).
const DEBOUNCE: Duration = Duration::from_millis(60);
/// A steady stream of events still gets a rebuild after this long.
const MAX_DELAY: Duration = Duration::from_millis(500);
/// How long a browser's poll waits for a change before the server answers anyway.
const POLL_WAIT: Duration = Duration::from_secs(25);
/// Polls waiting at once; more are asked to come back later, so that waiting
/// polls never take all of the server's connections.
const WAITING_POLLS: usize = 24;
/// Everything the preview adds lives under this path, outside the site's own names.
const PREFIX: &str = "/__arsrapport/";
const LIVE_JS: &str = include_str!("serve/live.js");

pub fn run(args: &ProjectArgs, host: IpAddr, port: u16, verbose: bool) -> ExitCode {
    let root = match project_root(args) {
        Ok(root) => root,
        Err(d) => return fail(&d, "nothing is served"),
    };
    let listener = match TcpListener::bind(SocketAddr::new(host, port)) {
        Ok(listener) => listener,
        Err(e) => {
            let other = port.checked_add(1).filter(|_| port != 0).unwrap_or(8001);
            let d = crate::diagnostics::Diagnostic::error(None, format!("cannot listen on {host}:{port}: {e}"))
                .with_hint(format!(
                    "another program may be using the port; choose another with --port, e.g. --port {other}"
                ));
            return fail(&d.into(), "nothing is served");
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    let shared = Arc::new(Shared::default());

    // Watch before the first build, so that no save after it goes unnoticed.
    let (signals, received) = mpsc::channel();
    let mut watch = match Watch::new(&root, signals.clone()) {
        Ok(w) => w,
        Err(e) => {
            let d = crate::diagnostics::Diagnostic::error(None, format!("cannot watch the project's files: {e}"));
            return fail(&d.into(), "nothing is served");
        }
    };

    let mut builder =
        Builder { root, document: args.document.clone(), verbose, last_warnings: String::new(), told: false };
    let first = builder.build(&shared, None);

    let shown_host = if host.is_unspecified() { IpAddr::from([127, 0, 0, 1]) } else { host };
    let base = format!("http://{}/", SocketAddr::new(shown_host, port));
    match &first {
        Some(name) => println!("Serving the preview at {base} (the PDF: {base}{name}.pdf)"),
        None => println!("Serving the preview at {base} (it shows the problems until they are corrected)"),
    }
    if !host.is_loopback() {
        eprintln!("warning: listening on {host}: other machines on the network can see the preview");
    }
    println!("Watching content/ and themes/ for changes; press Ctrl+C to stop.");

    let http = Arc::clone(&shared);
    let loopback_only = host.is_loopback();
    let handler: Arc<http::Handler> = Arc::new(move |request: &Request| handle(request, &http, loopback_only));
    let serving = Arc::clone(&shared);
    std::thread::spawn(move || {
        let why = catch_unwind(AssertUnwindSafe(|| http::serve(listener, http::Limits::default(), handler)))
            .map_or_else(|_| "the server stopped on an internal error".to_owned(), |e| e.to_string());
        serving.stopped.store(true, Ordering::SeqCst);
        let _ = signals.send(Signal::Stopped(why));
    });

    loop {
        match watch.next_batch(&received) {
            Batch::Changed(changed) => builder.build(&shared, Some(&changed)),
            Batch::Stopped(why) => {
                eprintln!("error: the preview stopped serving: {why}");
                eprintln!("Start `arsrapport serve` again.");
                return ExitCode::from(1);
            }
        };
    }
}

/// What the preview's main loop waits for.
enum Signal {
    /// A file event from the watcher.
    File(notify::Result<notify::Event>),
    /// The server stopped listening, and why.
    Stopped(String),
}

/// What came of waiting for the watcher.
enum Batch {
    /// Files changed and a quiet moment followed: their project-relative names.
    Changed(Vec<String>),
    /// The server stopped listening: the preview must end.
    Stopped(String),
}

/// The root from `--root` or the current folder; the config itself may still
/// be broken, which the preview shows like any other problem.
fn project_root(args: &ProjectArgs) -> Result<PathBuf, Diagnostics> {
    let cwd = current_dir();
    let found = match &args.root {
        Some(root) => root.join(CONFIG_FILE).is_file().then(|| root.clone()),
        None => project::find_root(&cwd),
    };
    match found {
        Some(root) => Ok(root.canonicalize().unwrap_or(root)),
        // Let the project loader explain what is missing, in its usual words.
        None => Err(Project::load(args.root.as_deref(), &cwd).err().unwrap_or_default()),
    }
}

/// The site as served: paths relative to the site root, e.g. `index.html`.
#[derive(PartialEq)]
struct Site {
    files: HashMap<String, Vec<u8>>,
}

#[derive(Default)]
struct State {
    /// The last good build, served until a newer good build replaces it.
    site: Option<Arc<Site>>,
    /// Counts good builds that changed the site: a page from an older one reloads.
    build: u64,
    /// Counts every change of this state, for the browsers' polls.
    generation: u64,
    /// The problems of the last build, if it failed.
    problems: Option<String>,
    /// The texts of the overlay that shows them, in the document's language.
    overlay_labels: serde_json::Value,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Set when the server has stopped listening: no build is reported after it.
    stopped: AtomicBool,
    /// Browsers' polls waiting now.
    waiting_polls: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

struct Builder {
    root: PathBuf,
    /// The document previewed (`--doc`); by default the project's first.
    document: Option<String>,
    verbose: bool,
    /// Whether the other documents of the project have been mentioned.
    told: bool,
    /// The warnings printed last, so that the same ones are not repeated after every save.
    last_warnings: String,
}

impl Builder {
    /// Builds the project and publishes the result. Returns the output name on success.
    fn build(&mut self, shared: &Shared, changed: Option<&[String]>) -> Option<String> {
        self.build_with(shared, changed, Builder::build_document)
    }

    /// [`Builder::build`] with the document built by `document`.
    fn build_with(&mut self, shared: &Shared, changed: Option<&[String]>, document: BuildDocument) -> Option<String> {
        let started = Instant::now();
        let pages_shown: Mutex<Option<Duration>> = Mutex::new(None);
        // A panic in the build is reported like any problem of the project,
        // and the last good version stays served.
        let result =
            catch_unwind(AssertUnwindSafe(|| document(self, shared, started, &pages_shown))).unwrap_or_else(|panic| {
                // Nothing typst memoised during a build that broke off is trusted.
                typst::comemo::evict(0);
                Err(internal_error(panic.as_ref()).into())
            });
        let elapsed = started.elapsed();
        let pages_shown = pages_shown.into_inner().unwrap_or_else(|p| p.into_inner());
        // Keep typst's cache from growing without bound over a long session.
        typst::comemo::evict(10);
        if shared.stopped.load(Ordering::SeqCst) {
            // The preview is ending (see `run`); a build nobody can see is not reported.
            return None;
        }
        let what = match changed {
            None => "Built".to_owned(),
            Some([one]) => format!("{one} changed; rebuilt"),
            Some(files) => format!("{} changed; rebuilt", count(files.len(), "file", "files")),
        };
        match result {
            Ok((doc, built)) => {
                let warnings = built.warnings.to_string();
                let repeated = !warnings.is_empty() && warnings == self.last_warnings;
                if !repeated {
                    report(&built.warnings);
                }
                self.last_warnings = warnings;
                if self.verbose {
                    print_phases(&built);
                }
                let line = summary(&what, &doc.output_name, &built);
                let prefix = format!("{}/", doc.site_dir);
                let site = Site {
                    files: built
                        .files
                        .into_iter()
                        .filter_map(|f| f.path.strip_prefix(&prefix).map(|p| (p.to_owned(), f.bytes)))
                        .collect(),
                };
                let mut state = shared.lock();
                publish(&mut state, site);
                drop(state);
                shared.changed.notify_all();
                let warnings = match built.warnings.warning_count() {
                    0 => String::new(),
                    n if repeated => format!(", {} as before", count(n, "warning", "warnings")),
                    n => format!(", {}", count(n, "warning", "warnings")),
                };
                let shown =
                    pages_shown.map(|t| format!(" (the pages in {:.2} s)", t.as_secs_f64())).unwrap_or_default();
                println!("{line}{warnings} in {:.2} s{shown}", elapsed.as_secs_f64());
                Some(doc.output_name)
            }
            Err(problems) => {
                report(&problems);
                let n = problems.error_count();
                eprintln!(
                    "{} found in {:.2} s; the preview keeps showing the last good version.",
                    count(n, "error", "errors"),
                    elapsed.as_secs_f64()
                );
                let mut state = shared.lock();
                state.problems = Some(problems.to_string());
                state.overlay_labels = overlay_labels(&self.root, self.document.as_deref());
                state.generation += 1;
                drop(state);
                shared.changed.notify_all();
                None
            }
        }
    }
}

/// Builds the previewed document: [`Builder::build_document`], or in tests a stand-in.
type BuildDocument = fn(
    &mut Builder,
    &Shared,
    Instant,
    &Mutex<Option<Duration>>,
) -> Result<(crate::project::ReportConfig, pipeline::Built), Diagnostics>;

/// The problem reported for a build that panicked.
fn internal_error(panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    Diagnostic::error(None, format!("the build stopped on an internal error: {message}"))
        .with_hint("this is a fault in arsrapport, not in the project; please report it with the change that caused it")
}

impl Builder {
    /// Loads the project and builds the previewed document; the pages are
    /// published as soon as they are laid out.
    fn build_document(
        &mut self,
        shared: &Shared,
        started: Instant,
        pages_shown: &Mutex<Option<Duration>>,
    ) -> Result<(crate::project::ReportConfig, pipeline::Built), Diagnostics> {
        Project::load(Some(&self.root), &self.root).and_then(|project| {
            let doc = match &self.document {
                Some(name) => project.select(Some(name)).map_err(Diagnostics::from)?.remove(0).clone(),
                None => project.documents[0].clone(),
            };
            if project.documents.len() > 1 && self.document.is_none() && !std::mem::replace(&mut self.told, true) {
                let others: Vec<&str> = project.documents[1..].iter().map(|d| d.output_name.as_str()).collect();
                println!(
                    "The project holds {} documents; this previews {}. Preview another with --doc {}.",
                    project.documents.len(),
                    doc.output_name,
                    others.join(" or --doc ")
                );
            }
            // The new pages are shown as soon as typst has laid them out
            // without errors; the PDF follows when it is exported.
            let publish_pages = |pages: &pipeline::SiteFiles| {
                let mut state = shared.lock();
                let mut files: HashMap<String, Vec<u8>> = pages.iter().cloned().collect();
                if let Some(old) = &state.site {
                    files
                        .extend(old.files.iter().filter(|(name, _)| is_pdf(name)).map(|(k, v)| (k.clone(), v.clone())));
                }
                publish(&mut state, Site { files });
                drop(state);
                shared.changed.notify_all();
                *pages_shown.lock().unwrap_or_else(|p| p.into_inner()) = Some(started.elapsed());
            };
            pipeline::build_with(&project, &doc, Caches::Keep, Some(&publish_pages)).map(|built| (doc, built))
        })
    }
}

/// Replaces the served site. Open pages reload only when a page changed:
/// the PDF that follows its pages brings no second reload.
fn publish(state: &mut State, site: Site) {
    fn pages(site: &Site) -> Vec<(&String, &Vec<u8>)> {
        let mut pages: Vec<_> = site.files.iter().filter(|(name, _)| !is_pdf(name)).collect();
        pages.sort();
        pages
    }
    let reload = state.site.as_deref().is_none_or(|old| pages(old) != pages(&site));
    if state.site.as_deref() != Some(&site) {
        state.site = Some(Arc::new(site));
    }
    if reload {
        state.build += 1;
    }
    state.problems = None;
    state.generation += 1;
}

fn is_pdf(name: &str) -> bool {
    name.ends_with(".pdf")
}

/// Watches `content/` and `themes/` (recursively) and the project folder
/// itself, so that a `themes/` folder created later is watched too, and a
/// folder replaced as a whole (unpacked, restored, checked out) is watched
/// again.
struct Watch {
    root: PathBuf,
    watcher: Box<dyn Watcher>,
    /// The folders watched, each with the identity it had when its watch began.
    watched: HashMap<PathBuf, FolderId>,
}

type Signals = mpsc::Receiver<Signal>;
type SignalSender = mpsc::Sender<Signal>;

/// Which folder a path names: a folder deleted and made again under the same
/// name is another folder, whose files the old watch does not see.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FolderId {
    #[cfg(unix)]
    device_inode: (u64, u64),
    #[cfg(not(unix))]
    created: Option<std::time::SystemTime>,
}

impl FolderId {
    fn of(dir: &Path) -> Option<FolderId> {
        let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FolderId { device_inode: (meta.dev(), meta.ino()) })
        }
        #[cfg(not(unix))]
        {
            Some(FolderId { created: meta.created().ok() })
        }
    }
}

impl Watch {
    /// Watches with the system's file notifications, or by looking at the
    /// files a few times a second where those cannot be had (for example when
    /// the system's limit of watches is reached).
    fn new(root: &Path, events: SignalSender) -> notify::Result<Watch> {
        let sender = events.clone();
        let native = notify::recommended_watcher(move |event| {
            let _ = sender.send(Signal::File(event));
        })
        .and_then(|w| Watch::start(root, Box::new(w)));
        native.or_else(|e| {
            eprintln!("note: file notifications are not available ({e}); looking for changes 3 times a second instead");
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
            let poll = notify::PollWatcher::new(
                move |event| {
                    let _ = events.send(Signal::File(event));
                },
                config,
            )?;
            Watch::start(root, Box::new(poll))
        })
    }

    fn start(root: &Path, mut watcher: Box<dyn Watcher>) -> notify::Result<Watch> {
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch { root: root.to_path_buf(), watcher, watched: HashMap::new() };
        watch.watch_folders()?;
        Ok(watch)
    }

    /// Starts watching `content/` and `themes/` where they exist and are not
    /// watched yet, or are another folder than the one watched.
    fn watch_folders(&mut self) -> notify::Result<()> {
        for name in ["content", "themes"] {
            let dir = self.root.join(name);
            let now = FolderId::of(&dir);
            let before = self.watched.get(&dir).copied();
            if now == before {
                continue;
            }
            if before.is_some() {
                // The old folder's watch may be gone with it already.
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if let Some(id) = now {
                self.watcher.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(dir, id);
            }
        }
        Ok(())
    }

    /// Waits for a change to the project's sources and for the quiet moment
    /// after it, and returns the changed files; or returns at once when the
    /// server has stopped.
    fn next_batch(&mut self, signals: &Signals) -> Batch {
        let mut changed: Vec<String> = Vec::new();
        let mut first: Option<Instant> = None;
        loop {
            let signal = match first {
                // The server's thread holds a sender until it reports its end.
                None => signals.recv().unwrap_or_else(|_| Signal::Stopped("the server's thread ended".into())),
                Some(at) if at.elapsed() >= MAX_DELAY => break,
                Some(_) => match signals.recv_timeout(DEBOUNCE) {
                    Ok(signal) => signal,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => Signal::Stopped("the server's thread ended".into()),
                },
            };
            let event = match signal {
                Signal::Stopped(why) => return Batch::Stopped(why),
                Signal::File(event) => event,
            };
            let Ok(event) = event else { continue };
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(name) = self.source_name(path) {
                    first.get_or_insert_with(Instant::now);
                    if !changed.contains(&name) {
                        changed.push(name);
                    }
                }
            }
        }
        if let Err(e) = self.watch_folders() {
            eprintln!("warning: cannot watch a folder of the project: {e}");
        }
        Batch::Changed(changed)
    }

    /// The project-relative name of a file the build reads, or `None` for
    /// anything else (the output, editors' temporary and backup files).
    fn source_name(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let top = rel.components().next()?.as_os_str();
        if top != "content" && top != "themes" {
            return None;
        }
        let file = rel.file_name()?.to_string_lossy();
        let temporary = file.starts_with('.')
            || file.starts_with('#')
            || file.ends_with('~')
            || file.ends_with(".swp")
            || file.ends_with(".swx")
            || file.ends_with(".tmp")
            || file == "4913";
        (!temporary).then(|| crate::diagnostics::display_path(&self.root, path))
    }
}

fn respond(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    Response::new(status, content_type, body)
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
}

/// Whether a request's `Host` names this machine. A preview bound to the
/// loopback address answers only those, so that a web page elsewhere cannot
/// read it through a DNS name that points at 127.0.0.1 (DNS rebinding).
fn local_host(request: &Request) -> bool {
    let Some(host) = request.host.as_deref() else {
        return false;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn handle(request: &Request, shared: &Shared, loopback_only: bool) -> Response {
    if loopback_only && !local_host(request) {
        return respond(
            403,
            "text/plain; charset=utf-8",
            b"this preview answers only to 127.0.0.1 and localhost\n".to_vec(),
        );
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Response::text(405, "only GET and HEAD are served\n").with_header("Allow", "GET, HEAD");
    }
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    if let Some(own) = path.strip_prefix(PREFIX) {
        return match own {
            "live.js" => respond(200, "text/javascript; charset=utf-8", LIVE_JS.into()),
            "poll" => {
                let param = |name: &str| query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='));
                let since = param("since").and_then(|v| v.parse().ok()).unwrap_or(0);
                // The page's path as the browser shows it, percent-encoded once more in the query.
                let page = param("page")
                    .and_then(percent_decode)
                    .and_then(|path| site_path(&path))
                    .unwrap_or_else(|| "index.html".to_owned());
                match poll(shared, since, &page) {
                    Some(answer) => respond(200, "application/json", answer.into_bytes()),
                    None => {
                        respond(503, "text/plain; charset=utf-8", b"too many pages are waiting for news\n".to_vec())
                            .with_header("Retry-After", "5")
                    }
                }
            }
            _ => respond(404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        };
    }
    let Some(name) = site_path(path) else {
        return respond(400, "text/plain; charset=utf-8", b"this path is outside the site\n".to_vec());
    };
    let (site, version) = {
        let state = shared.lock();
        (state.site.clone(), page_version(state.site.as_deref(), &name))
    };
    let Some(site) = site else {
        let page = placeholder(
            "The report could not be built yet",
            "The problems are listed below and in the terminal. Correct them and save; this page updates by itself.",
        );
        return respond(503, "text/html; charset=utf-8", with_live_script(&page, &version));
    };
    match site.files.get(&name) {
        Some(bytes) => {
            let content_type = content_type(&name);
            let body = if content_type.starts_with("text/html") {
                with_live_script(&String::from_utf8_lossy(bytes), &version)
            } else {
                bytes.clone()
            };
            respond(200, content_type, body)
        }
        None => {
            let page = placeholder(
                "Not found",
                "There is no such page in the report. <a href=\"/\">Go to the start page</a>.",
            );
            respond(404, "text/html; charset=utf-8", with_live_script(&page, &version))
        }
    }
}

/// What the page served for the site file `name` shows, as a short text that
/// changes when that page changes: an open page reloads only when its own
/// version differs from the one it was served with.
fn page_version(site: Option<&Site>, name: &str) -> String {
    let Some(site) = site else { return "unbuilt".to_owned() };
    let Some(bytes) = site.files.get(name) else { return "missing".to_owned() };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Answers a browser's poll for the site file `page`: at once if the state
/// has changed since `since`, otherwise when it changes or after
/// [`POLL_WAIT`]. `None` when too many polls are waiting already.
fn poll(shared: &Shared, since: u64, page: &str) -> Option<String> {
    let deadline = Instant::now() + POLL_WAIT;
    let mut state = shared.lock();
    if state.generation == since {
        if shared.waiting_polls.fetch_add(1, Ordering::SeqCst) >= WAITING_POLLS {
            shared.waiting_polls.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        while state.generation == since {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
            state = shared.changed.wait_timeout(state, left).map(|(s, _)| s).unwrap_or_else(|p| p.into_inner().0);
        }
        shared.waiting_polls.fetch_sub(1, Ordering::SeqCst);
    }
    let answer = serde_json::json!({
        "generation": state.generation,
        "build": state.build,
        "version": page_version(state.site.as_deref(), page),
        "error": state.problems,
        "labels": state.overlay_labels,
    });
    Some(answer.to_string())
}

/// The problem overlay's texts from the previewed document's theme (its
/// language file's `preview_*` keys), with the document's language for the
/// overlay's `lang`. Null when the project or its theme cannot be read: the
/// overlay then speaks English, like the terminal.
fn overlay_labels(root: &Path, document: Option<&str>) -> serde_json::Value {
    let Ok(project) = Project::load(Some(root), root) else { return serde_json::Value::Null };
    let doc = match project.select(document) {
        Ok(docs) if !docs.is_empty() => docs[0],
        _ => return serde_json::Value::Null,
    };
    let Ok(theme) = crate::theme::Theme::load(&project.root, &doc.theme, &doc.language) else {
        return serde_json::Value::Null;
    };
    let mut labels = serde_json::Map::new();
    labels.insert("language".into(), doc.language.clone().into());
    for key in ["preview_problems_title", "preview_problems_note", "preview_hide"] {
        if let Some(text) = theme.labels.get(key) {
            labels.insert(key.into(), text.clone().into());
        }
    }
    serde_json::Value::Object(labels)
}

/// The site-relative file a URL path names: percent-decoded, `index.html`
/// for a folder. `None` for anything that could leave the site (`..`,
/// backslashes, NUL) or is not valid UTF-8.
fn site_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains(['\\', '\0']) || p.contains(':') => return None,
            p => parts.push(p),
        }
    }
    if decoded.ends_with('/') || parts.is_empty() {
        parts.push("index.html");
    }
    Some(parts.join("/"))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page with the preview script added before `</body>`; `version` is the
/// page's [`page_version`].
fn with_live_script(html: &str, version: &str) -> Vec<u8> {
    let script = format!("<script src=\"{PREFIX}live.js\" data-version=\"{version}\"></script>\n");
    let at = html.rfind("</body>").unwrap_or(html.len());
    let mut page = String::with_capacity(html.len() + script.len());
    page.push_str(&html[..at]);
    page.push_str(&script);
    page.push_str(&html[at..]);
    page.into_bytes()
}

/// A minimal page of the preview itself. `text` is trusted markup.
fn placeholder(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} – arsrapport preview</title>\n</head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;margin:2rem\">\n<main>\n<h1>{title}</h1>\n<p>{text}</p>\n</main>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_that_follows_its_pages_brings_no_second_reload() {
        let site = |page: &str, pdf: &str| Site {
            files: HashMap::from([
                ("index.html".to_owned(), page.as_bytes().to_vec()),
                ("rapport.pdf".to_owned(), pdf.as_bytes().to_vec()),
            ]),
        };
        let mut state = State::default();
        publish(&mut state, site("v1", "pdf1"));
        assert_eq!(state.build, 1);
        // A save: the new pages with the old PDF, then the new PDF.
        publish(&mut state, site("v2", "pdf1"));
        assert_eq!(state.build, 2);
        publish(&mut state, site("v2", "pdf2"));
        assert_eq!(state.build, 2, "the pages did not change again");
        assert_eq!(state.site.as_ref().unwrap().files["rapport.pdf"], b"pdf2");
        assert_eq!(state.generation, 3);
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/02-a.html").as_deref(), Some("02-a.html"));
        assert_eq!(site_path("/assets/fonts/Inter%20Bold.woff2").as_deref(), Some("assets/fonts/Inter Bold.woff2"));
        assert_eq!(site_path("/assets/").as_deref(), Some("assets/index.html"));
        assert_eq!(site_path("//./a.html").as_deref(), Some("a.html"));
        for outside in
            ["/../content/report.yaml", "/a/%2e%2e/%2e%2e/etc/passwd", "/a%5c..%5cb", "/%00", "/C:/x", "/%zz"]
        {
            assert_eq!(site_path(outside), None, "{outside}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = String::from_utf8(with_live_script("<html><body><p>x</p></body></html>", "00ff")).unwrap();
        assert_eq!(
            page,
            "<html><body><p>x</p><script src=\"/__arsrapport/live.js\" data-version=\"00ff\"></script>\n</body></html>"
        );
    }

    /// Fails when `overlay_labels` gives nothing for a readable project (the
    /// overlay would then show its English fallback).
    #[test]
    fn the_problem_overlay_speaks_the_documents_language() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(
            content.join("report.yaml"),
            "organisation: X\ntitle: Årsredovisning 2013\nkind: arsredovisning\nyear: 2013\nlanguage: sv\n",
        )
        .unwrap();
        let labels = overlay_labels(dir.path(), None);
        assert_eq!(labels["language"], "sv");
        assert_eq!(labels["preview_problems_title"], "Den senaste ändringen kunde inte byggas");
        assert_eq!(labels["preview_hide"], "Dölj");
        assert!(labels["preview_problems_note"].as_str().is_some_and(|t| t.starts_with("Sidan visar")));

        let shared = Shared::default();
        shared.lock().overlay_labels = labels.clone();
        shared.lock().generation = 1;
        let answer: serde_json::Value = serde_json::from_str(&poll(&shared, 0, "index.html").unwrap()).unwrap();
        assert_eq!(answer["labels"], labels);

        // A project that cannot be read leaves the overlay to its own English.
        std::fs::write(content.join("report.yaml"), "organisation: [\n").unwrap();
        assert!(overlay_labels(dir.path(), None).is_null());
    }

    #[test]
    fn a_poll_answers_at_once_when_something_changed() {
        let shared = Shared::default();
        {
            let mut state = shared.lock();
            state.generation = 3;
            state.build = 2;
            state.problems = Some("error: x".into());
        }
        let answer: serde_json::Value = serde_json::from_str(&poll(&shared, 1, "index.html").unwrap()).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({ "generation": 3, "build": 2, "version": "unbuilt", "error": "error: x", "labels": null })
        );
    }

    #[test]
    fn a_poll_waits_for_the_next_change() {
        let shared = Arc::new(Shared::default());
        let waiting = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || poll(&shared, 0, "index.html").unwrap())
        };
        // Whether the poll is already waiting or not yet, it must answer with this change.
        {
            let mut state = shared.lock();
            state.generation = 1;
            state.build = 1;
        }
        shared.changed.notify_all();
        let answer: serde_json::Value = serde_json::from_str(&waiting.join().unwrap()).unwrap();
        assert_eq!(answer["generation"], 1);
    }

    /// A rebuild that changed one page changes only that page's version, so
    /// only the browsers showing it reload. Fails if the version is taken
    /// from the whole site (as the build counter was).
    #[test]
    fn a_page_keeps_its_version_while_its_content_stays() {
        let site = |a: &str, b: &str| Site {
            files: HashMap::from([
                ("01-a.html".to_owned(), a.as_bytes().to_vec()),
                ("02-b.html".to_owned(), b.as_bytes().to_vec()),
            ]),
        };
        let first = site("a1", "b1");
        let second = site("a1", "b2");
        assert_eq!(page_version(Some(&first), "01-a.html"), page_version(Some(&second), "01-a.html"));
        assert_ne!(page_version(Some(&first), "02-b.html"), page_version(Some(&second), "02-b.html"));
        assert_eq!(page_version(Some(&first), "03-c.html"), "missing");
        assert_eq!(page_version(None, "01-a.html"), "unbuilt");

        let shared = Shared::default();
        publish(&mut shared.lock(), first);
        let served = page_version(shared.lock().site.as_deref(), "01-a.html");
        publish(&mut shared.lock(), second);
        let answer: serde_json::Value = serde_json::from_str(&poll(&shared, 1, "01-a.html").unwrap()).unwrap();
        assert_eq!(answer["version"], served.as_str(), "{answer}");
        let answer: serde_json::Value = serde_json::from_str(&poll(&shared, 1, "02-b.html").unwrap()).unwrap();
        assert_ne!(answer["version"], page_version(Some(&site("a1", "b1")), "02-b.html").as_str());
    }

    /// Polls beyond [`WAITING_POLLS`] are told to come back instead of
    /// holding a connection each. Fails without the count in `poll`.
    #[test]
    fn waiting_polls_are_limited() {
        let shared = Arc::new(Shared::default());
        let waiting: Vec<_> = (0..WAITING_POLLS)
            .map(|_| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || poll(&shared, 0, "index.html"))
            })
            .collect();
        while shared.waiting_polls.load(Ordering::SeqCst) < WAITING_POLLS {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(poll(&shared, 0, "index.html"), None);
        assert!(poll(&shared, 7, "index.html").is_some(), "a poll that need not wait is answered");
        shared.lock().generation = 1;
        shared.changed.notify_all();
        for poll in waiting {
            assert!(poll.join().unwrap().is_some());
        }
        assert_eq!(shared.waiting_polls.load(Ordering::SeqCst), 0);
    }

    /// A build that panics is reported over the page like any failed build
    /// and the last good version stays served. Fails without the
    /// `catch_unwind` in `build_with` (the test itself panics).
    #[test]
    fn a_build_that_panics_leaves_the_last_good_version_served() {
        let shared = Shared::default();
        let good = Site { files: HashMap::from([("index.html".to_owned(), b"good".to_vec())]) };
        publish(&mut shared.lock(), good);
        let mut builder = Builder {
            root: PathBuf::from("/nowhere"),
            document: None,
            verbose: false,
            told: false,
            last_warnings: String::new(),
        };
        let built = builder.build_with(&shared, Some(&["content/data/a.yaml".to_owned()]), |_, _, _, _| {
            panic!("attempt to add with overflow")
        });
        assert_eq!(built, None);
        let state = shared.lock();
        assert_eq!(state.site.as_ref().unwrap().files["index.html"], b"good");
        let problems = state.problems.as_deref().unwrap_or_default();
        assert!(problems.contains("internal error: attempt to add with overflow"), "{problems}");
        assert_eq!((state.build, state.generation), (1, 2));
    }

    #[test]
    fn a_panic_in_the_build_becomes_a_problem_of_the_build() {
        let panic = catch_unwind(|| panic!("attempt to multiply with overflow")).unwrap_err();
        let shown = internal_error(panic.as_ref()).to_string();
        assert!(
            shown.starts_with("error: the build stopped on an internal error: attempt to multiply with overflow\n"),
            "{shown}"
        );
        let panic = catch_unwind(|| std::panic::panic_any(format!("index {} out of range", 3))).unwrap_err();
        assert!(internal_error(panic.as_ref()).message.ends_with("index 3 out of range"));
    }

    /// A page whose name is not plain ASCII asks for its own version: the
    /// browser's path, percent-encoded once more in the query, names the file
    /// it was served from. Fails when the query is decoded only once (the
    /// page is "missing" and would reload for ever).
    #[test]
    fn a_poll_names_the_page_as_it_was_served() {
        let shared = Shared::default();
        let page = "02-förvaltning.html";
        publish(&mut shared.lock(), Site { files: HashMap::from([(page.to_owned(), b"<p>x</p>".to_vec())]) });
        let served = page_version(shared.lock().site.as_deref(), page);
        let request = Request {
            method: "GET".into(),
            // encodeURIComponent("/02-f%C3%B6rvaltning.html")
            target: "/__arsrapport/poll?since=0&page=%2F02-f%25C3%25B6rvaltning.html".into(),
            host: Some("127.0.0.1:8000".into()),
        };
        let answer = handle(&request, &shared, true);
        let answer: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(answer["version"], served.as_str(), "{answer}");
    }
}
