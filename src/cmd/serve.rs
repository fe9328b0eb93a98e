//! `arsrapport serve`: a live preview. The project is built in memory (nothing
//! is written to `output/`), the site and the PDF are served over HTTP, and
//! `content/` and `themes/` are watched. After each save the project is built
//! again; a good build replaces what is served and the open pages reload, a
//! broken one is reported in the terminal and over the page, while the last
//! good version stays served.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use tiny_http::{Header, Method, Request, Response, Server};

use super::{count, current_dir, fail, print_phases, report, summary};
use crate::cli::ProjectArgs;
use crate::diagnostics::Diagnostics;
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
/// Everything the preview adds lives under this path, outside the site's own names.
const PREFIX: &str = "/__arsrapport/";
const LIVE_JS: &str = include_str!("serve/live.js");

pub fn run(args: &ProjectArgs, host: IpAddr, port: u16, verbose: bool) -> ExitCode {
    let root = match project_root(args) {
        Ok(root) => root,
        Err(d) => return fail(&d, "nothing is served"),
    };
    let server = match Server::http(SocketAddr::new(host, port)) {
        Ok(server) => server,
        Err(e) => {
            let other = port.checked_add(1).filter(|_| port != 0).unwrap_or(8001);
            let d = crate::diagnostics::Diagnostic::error(None, format!("cannot listen on {host}:{port}: {e}"))
                .with_hint(format!(
                    "another program may be using the port; choose another with --port, e.g. --port {other}"
                ));
            return fail(&d.into(), "nothing is served");
        }
    };
    let port = server.server_addr().to_ip().map_or(port, |a| a.port());
    let shared = Arc::new(Shared::default());

    // Watch before the first build, so that no save after it goes unnoticed.
    let (events, changes) = mpsc::channel();
    let mut watch = match Watch::new(&root, events) {
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
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let shared = Arc::clone(&http);
            std::thread::spawn(move || handle(request, &shared, loopback_only));
        }
    });

    while let Some(changed) = watch.next_batch(&changes) {
        builder.build(&shared, Some(&changed));
    }
    ExitCode::SUCCESS
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
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
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
        let started = Instant::now();
        let pages_shown: Mutex<Option<Duration>> = Mutex::new(None);
        let result = Project::load(Some(&self.root), &self.root).and_then(|project| {
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
        });
        let elapsed = started.elapsed();
        let pages_shown = pages_shown.into_inner().unwrap_or_else(|p| p.into_inner());
        // Keep typst's cache from growing without bound over a long session.
        typst::comemo::evict(10);
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
                state.generation += 1;
                drop(state);
                shared.changed.notify_all();
                None
            }
        }
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
/// itself, so that a `themes/` folder created later is watched too.
struct Watch {
    root: PathBuf,
    watcher: Box<dyn Watcher>,
    watched: HashSet<PathBuf>,
}

type Events = mpsc::Receiver<notify::Result<notify::Event>>;
type EventSender = mpsc::Sender<notify::Result<notify::Event>>;

impl Watch {
    /// Watches with the system's file notifications, or by looking at the
    /// files a few times a second where those cannot be had (for example when
    /// the system's limit of watches is reached).
    fn new(root: &Path, events: EventSender) -> notify::Result<Watch> {
        let sender = events.clone();
        let native = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })
        .and_then(|w| Watch::start(root, Box::new(w)));
        native.or_else(|e| {
            eprintln!("note: file notifications are not available ({e}); looking for changes 3 times a second instead");
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
            let poll = notify::PollWatcher::new(
                move |event| {
                    let _ = events.send(event);
                },
                config,
            )?;
            Watch::start(root, Box::new(poll))
        })
    }

    fn start(root: &Path, mut watcher: Box<dyn Watcher>) -> notify::Result<Watch> {
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch { root: root.to_path_buf(), watcher, watched: HashSet::new() };
        watch.watch_folders()?;
        Ok(watch)
    }

    /// Starts watching `content/` and `themes/` where they exist and are not watched yet.
    fn watch_folders(&mut self) -> notify::Result<()> {
        for name in ["content", "themes"] {
            let dir = self.root.join(name);
            if !dir.is_dir() {
                self.watched.remove(&dir);
            } else if !self.watched.contains(&dir) {
                self.watcher.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// Waits for a change to the project's sources and for the quiet moment
    /// after it; returns the changed files, or `None` when watching has ended.
    fn next_batch(&mut self, events: &Events) -> Option<Vec<String>> {
        let mut changed: Vec<String> = Vec::new();
        let mut first: Option<Instant> = None;
        loop {
            let event = match first {
                None => events.recv().ok()?,
                Some(at) if at.elapsed() >= MAX_DELAY => break,
                Some(_) => match events.recv_timeout(DEBOUNCE) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                },
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
        Some(changed)
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

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(response);
}

/// Whether a request's `Host` names this machine. A preview bound to the
/// loopback address answers only those, so that a web page elsewhere cannot
/// read it through a DNS name that points at 127.0.0.1 (DNS rebinding).
fn local_host(request: &Request) -> bool {
    let Some(host) = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str()) else {
        return false;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn handle(request: Request, shared: &Shared, loopback_only: bool) {
    if loopback_only && !local_host(&request) {
        return respond(
            request,
            403,
            "text/plain; charset=utf-8",
            b"this preview answers only to 127.0.0.1 and localhost\n".to_vec(),
        );
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("only GET and HEAD are served\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if let Some(own) = path.strip_prefix(PREFIX) {
        return match own {
            "live.js" => respond(request, 200, "text/javascript; charset=utf-8", LIVE_JS.into()),
            "poll" => {
                let since = query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("since="))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                respond(request, 200, "application/json", poll(shared, since).into_bytes());
            }
            _ => respond(request, 404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        };
    }
    let Some(name) = site_path(path) else {
        return respond(request, 400, "text/plain; charset=utf-8", b"this path is outside the site\n".to_vec());
    };
    let (site, build) = {
        let state = shared.lock();
        (state.site.clone(), state.build)
    };
    let Some(site) = site else {
        let page = placeholder(
            "The report could not be built yet",
            "The problems are listed below and in the terminal. Correct them and save; this page updates by itself.",
        );
        return respond(request, 503, "text/html; charset=utf-8", with_live_script(&page, build));
    };
    match site.files.get(&name) {
        Some(bytes) => {
            let content_type = content_type(&name);
            let body = if content_type.starts_with("text/html") {
                with_live_script(&String::from_utf8_lossy(bytes), build)
            } else {
                bytes.clone()
            };
            respond(request, 200, content_type, body);
        }
        None => {
            let page = placeholder(
                "Not found",
                "There is no such page in the report. <a href=\"/\">Go to the start page</a>.",
            );
            respond(request, 404, "text/html; charset=utf-8", with_live_script(&page, build));
        }
    }
}

/// Answers a browser's poll: at once if the state has changed since
/// `since`, otherwise when it changes or after [`POLL_WAIT`].
fn poll(shared: &Shared, since: u64) -> String {
    let deadline = Instant::now() + POLL_WAIT;
    let mut state = shared.lock();
    while state.generation == since {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        state = shared.changed.wait_timeout(state, left).map(|(s, _)| s).unwrap_or_else(|p| p.into_inner().0);
    }
    serde_json::json!({
        "generation": state.generation,
        "build": state.build,
        "error": state.problems,
    })
    .to_string()
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

/// The page with the preview script added before `</body>`.
fn with_live_script(html: &str, build: u64) -> Vec<u8> {
    let script = format!("<script src=\"{PREFIX}live.js\" data-build=\"{build}\"></script>\n");
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
        let page = String::from_utf8(with_live_script("<html><body><p>x</p></body></html>", 7)).unwrap();
        assert_eq!(
            page,
            "<html><body><p>x</p><script src=\"/__arsrapport/live.js\" data-build=\"7\"></script>\n</body></html>"
        );
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
        let answer: serde_json::Value = serde_json::from_str(&poll(&shared, 1)).unwrap();
        assert_eq!(answer, serde_json::json!({ "generation": 3, "build": 2, "error": "error: x" }));
    }

    #[test]
    fn a_poll_waits_for_the_next_change() {
        let shared = Arc::new(Shared::default());
        let waiting = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || poll(&shared, 0))
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
}
