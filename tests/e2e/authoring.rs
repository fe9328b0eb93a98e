//! End-to-end tests of the authoring commands: `new`, `check`, `status`,
//! `build --final`, the messages for misspelt names, and `serve` with its
//! rebuild on save.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::*;

/// How long any wait for the server may last before the test gives up. It
/// only keeps a broken server from hanging the suite; nothing is timed.
const GIVE_UP: Duration = Duration::from_secs(120);

fn write(root: &Path, path: &str, text: &str) {
    std::fs::write(root.join(path), text).unwrap();
}

#[test]
fn new_creates_a_project_that_builds_at_once_and_never_overwrites() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("rapport");
    let (out, stdout, stderr) =
        run(bin().arg("new").arg(&dir).args(["--organisation", "Sjuhärads \"kommunalförbund\"", "--year", "2024"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("arsrapport serve"), "the next steps are shown: {stdout}");
    for file in ["content/report.yaml", "content/data/nyckeltal.yaml", "LASMIG.md", ".gitignore"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let chapters = std::fs::read_dir(dir.join("content/chapters")).unwrap().count();
    assert!(chapters >= 3, "{chapters} chapters");
    let config = std::fs::read_to_string(dir.join("content/report.yaml")).unwrap();
    assert!(config.contains("# Organisationens namn"), "the settings are explained in Swedish: {config}");

    let (out, stdout, stderr) = build(&dir);
    assert!(out.status.success(), "a new project builds at once:\n{stderr}");
    assert!(stdout.starts_with("Built arsredovisning-2024: "), "{stdout}");
    let text = pdf_text(&dir.join("output/arsredovisning-2024.pdf"));
    assert!(text.contains("Sjuhärads \"kommunalförbund\""), "{text}");
    for expected in ["Resultaträkning", "Årets resultat blev 114 mnkr", "Not 1", "Uppfyllt", "21,35 %"] {
        assert!(text.contains(expected), "the new project's PDF lacks {expected:?}:\n{text}");
    }
    assert!(text.contains("UTKAST"), "a new project's chapters are drafts: {text}");

    // A second `new` into the same folder changes nothing.
    write(&dir, "content/report.yaml", "organisation: Mitt eget\n");
    let (out, _, stderr) = run(bin().arg("new").arg(&dir));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("content/report.yaml")).unwrap(), "organisation: Mitt eget\n");
}

#[test]
fn check_exits_0_1_or_2_and_writes_nothing() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let (out, stdout, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("Checked arsredovisning-2013: "), "{stdout}");

    write(dir.path(), "content/chapters/01-a.md", "# A\n\n#### Hoppar\n");
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/chapters/01-a.md:3:1"), "{stderr}");

    for usage in [&["check", "--rot", "x"][..], &["serve", "--port", "tusen"], &["new"], &["skriv"]] {
        let (out, _, stderr) = run(bin().args(usage));
        assert_eq!(out.status.code(), Some(2), "{usage:?}: {stderr}");
    }
    assert!(!dir.path().join("output").exists(), "check wrote something");
}

#[test]
fn a_misspelt_figure_points_at_the_chapter_line_and_suggests_the_nearest_name() {
    let dir = project(&[(
        "01-resultat.md",
        "---\nstatus: utkast\n---\n# Resultat\n\nÅrets resultat blev {{ data.nyckeltal.arets_resultet | belopp }} tkr.\n\nOch {{ data.nyckeltal.arets_resultat | beloppp }}.\n",
    )]);
    std::fs::create_dir_all(dir.path().join("content/data")).unwrap();
    write(dir.path(), "content/data/nyckeltal.yaml", "arets_resultat: 2702\nkostnader: -50 970\n");
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = [
        "error: there is no figure `arets_resultet` in content/data/nyckeltal.yaml",
        "  --> content/chapters/01-resultat.md:6:39",
        "6 | Årets resultat blev {{ data.nyckeltal.arets_resultet | belopp }} tkr.",
        "  |                                       ^",
        "  = hint: did you mean `data.nyckeltal.arets_resultat`?",
        "error: there is no filter `beloppp`",
        "  --> content/chapters/01-resultat.md:8:40",
        "  = hint: did you mean `belopp`?",
    ];
    for line in expected {
        assert!(stderr.contains(line), "{line:?} missing from:\n{stderr}");
    }
    assert!(!stderr.contains("__tera"), "no internal names reach the user:\n{stderr}");
}

#[test]
fn status_lists_every_chapter_and_final_builds_refuse_unfinished_ones() {
    let dir = project(&[
        ("01-forord.md", "---\nstatus: klar\nansvarig: Förbundsdirektör\n---\n# Förord\n\nText.\n"),
        ("02-resultat.md", "---\nansvarig: Ekonom\nstatus: granskning\n---\n# Resultat\n\nText.\n"),
        ("03-noter.md", "# Noter\n\nText.\n"),
    ]);
    let (out, stdout, stderr) = run(bin().arg("status").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"1  01-forord.md    klar        Förbundsdirektör  Förord"), "{stdout}");
    assert!(lines.contains(&"2  02-resultat.md  granskning  Ekonom            Resultat"), "{stdout}");
    assert!(lines.contains(&"3  03-noter.md     -           -                 Noter"), "{stdout}");
    assert!(stdout.contains("1 of 3 chapters klar (1 granskning, 1 without status)."), "{stdout}");

    let (out, _, stderr) = run(bin().args(["build", "--final", "--root"]).arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("  --> content/chapters/02-resultat.md:3:9"), "{stderr}");
    assert!(stderr.contains("its status is `granskning`"), "{stderr}");
    assert!(stderr.contains("  --> content/chapters/03-noter.md:1:1"), "{stderr}");
    assert!(!stderr.contains("01-forord.md"), "{stderr}");
    assert!(stderr.contains("2 chapters are not `klar`"), "{stderr}");
    assert!(!dir.path().join("output").exists());

    // A draft build marks the unfinished chapters only.
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("3 chapters (1 draft)"), "{stdout}");
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert_eq!(text.matches("UTKAST").count(), 1, "one draft page:\n{text}");

    write(dir.path(), "content/chapters/02-resultat.md", "---\nstatus: klar\n---\n# Resultat\n\nText.\n");
    write(dir.path(), "content/chapters/03-noter.md", "---\nstatus: klar\n---\n# Noter\n\nText.\n");
    let (out, stdout, stderr) = run(bin().args(["build", "--final", "--root"]).arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains("draft"), "{stdout}");
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(!text.contains("UTKAST"), "{text}");
    let (_, stdout, _) = run(bin().arg("status").arg("--root").arg(dir.path()));
    assert!(stdout.contains("All 3 chapters are klar"), "{stdout}");
}

/// A GET over plain TCP to 127.0.0.1: the status code and the body.
fn http_get(port: u16, path: &str) -> (u16, String) {
    http_get_as(port, path, &format!("127.0.0.1:{port}"))
}

/// A GET to 127.0.0.1 that names `host` in its `Host` header.
fn http_get_as(port: u16, path: &str, host: &str) -> (u16, String) {
    http_get_at(SocketAddr::from(([127, 0, 0, 1], port)), path, host)
}

/// A GET to `address` that names `host` in its `Host` header.
fn http_get_at(address: SocketAddr, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(GIVE_UP)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, body.to_owned())
}

/// A running `arsrapport serve`, stopped when dropped (also when a test fails).
pub(crate) struct Serve {
    child: Child,
    pub(crate) port: u16,
    /// The address it printed, e.g. `127.0.0.1:41234` or `[::1]:41234`.
    address: SocketAddr,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    pub(crate) fn start(root: &Path) -> Serve {
        Serve::start_with(root, &[])
    }

    fn start_with(root: &Path, args: &[&str]) -> Serve {
        let mut child = bin()
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("--root")
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (lines_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = lines_tx.send(line);
            }
        });
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (stderr_tx, stderr_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = stderr_tx.send(line);
            }
        });
        let url = loop {
            let line = lines.recv_timeout(GIVE_UP).expect("serve prints where it listens");
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                break url.to_owned();
            }
        };
        let address: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().expect(&url);
        Serve { child, port: address.port(), address, stderr: stderr_rx }
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        http_get(self.port, path)
    }

    /// Asks for `path` until `done` holds for the answer.
    pub(crate) fn wait_for(&self, path: &str, what: &str, done: impl Fn(u16, &str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if done(status, &body) {
                return body;
            }
            assert!(started.elapsed() < GIVE_UP, "gave up waiting for {what}; last answer {status}:\n{body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn stderr_so_far(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }
}

#[test]
fn serve_rebuilds_on_save_reloads_pages_and_shows_problems_over_the_last_good_version() {
    let dir = project(&[("01-a.md", "# A\n\nFörsta versionen.\n")]);
    let serve = Serve::start(dir.path());

    let (status, page) = serve.get("/01-a.html");
    assert_eq!(status, 200);
    assert!(page.contains("Första versionen."), "{page}");
    assert!(page.contains("<script src=\"/__arsrapport/live.js\" data-version=\""), "{page}");
    assert!(page.contains("\"></script>\n</body>"), "{page}");
    let first_version = page.split("data-version=").nth(1).unwrap()[..18].to_owned();
    let (status, index) = serve.get("/");
    assert!(status == 200 && index.contains("01-a.html"), "{status}: {index}");
    let (status, pdf) = serve.get("/arsredovisning-2013.pdf");
    assert!(status == 200 && pdf.starts_with("%PDF"), "{status}");
    let (status, script) = serve.get("/__arsrapport/live.js");
    assert!(status == 200 && script.contains("location.reload()"), "{status}");
    for outside in ["/../content/report.yaml", "/%2e%2e/content/report.yaml", "/assets/..%2f..%2fcontent%2freport.yaml"]
    {
        let (status, body) = serve.get(outside);
        assert_eq!(status, 400, "{outside}: {body}");
    }
    let (status, _) = serve.get("/content/report.yaml");
    assert_eq!(status, 404, "only the site is served, not the project");
    assert_eq!(http_get_as(serve.port, "/01-a.html", &format!("localhost:{}", serve.port)).0, 200);
    let (status, body) = http_get_as(serve.port, "/01-a.html", "rebinding.example:80");
    assert_eq!(status, 403, "a page elsewhere cannot read the preview through another name: {body}");
    let state: serde_json::Value = serde_json::from_str(&serve.get("/__arsrapport/poll?since=0").1).unwrap();
    assert_eq!((state["build"].as_u64(), state["error"].is_null()), (Some(1), true), "{state}");

    // A browser waiting for news is answered when the save has been built.
    let generation = state["generation"].as_u64().unwrap();
    let port = serve.port;
    let waiting = std::thread::spawn(move || http_get(port, &format!("/__arsrapport/poll?since={generation}")).1);
    write(dir.path(), "content/chapters/01-a.md", "# A\n\nAndra versionen.\n");
    let page = serve.wait_for("/01-a.html", "the saved chapter", |_, body| body.contains("Andra versionen."));
    assert!(page.contains("data-version=") && !page.contains(&first_version), "the page's version changed: {page}");
    let news: serde_json::Value = serde_json::from_str(&waiting.join().unwrap()).unwrap();
    assert!(news["generation"].as_u64() > Some(generation), "{news}");

    // A broken save: the problem is reported, the last good page stays.
    write(dir.path(), "content/chapters/01-a.md", "# A\n\nTredje {{ data.saknas.x | belopp }}.\n");
    let state = serve.wait_for("/__arsrapport/poll?since=0", "the problem to be reported", |_, body| {
        body.contains("content/chapters/01-a.md:3:")
    });
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert!(state["error"].as_str().unwrap().contains("there is no data file content/data/saknas.yaml"), "{state}");
    assert_eq!(state["build"].as_u64(), Some(2), "{state}");
    let (status, page) = serve.get("/01-a.html");
    assert!(status == 200 && page.contains("Andra versionen."), "the last good version stays: {page}");
    let terminal = serve.wait_for_stderr("content/chapters/01-a.md:3:");
    assert!(terminal.contains("the preview keeps showing the last good version"), "{terminal}");

    // Corrected: served again, and the problem is gone.
    write(dir.path(), "content/chapters/01-a.md", "# A\n\nFjärde versionen.\n");
    serve.wait_for("/01-a.html", "the corrected chapter", |_, body| body.contains("Fjärde versionen."));
    let state: serde_json::Value = serde_json::from_str(&serve.get("/__arsrapport/poll?since=0").1).unwrap();
    assert!(state["error"].is_null(), "{state}");
    assert!(!dir.path().join("output").exists(), "serve builds in memory and writes nothing");
}

impl Serve {
    /// Reads the server's standard error until it holds `text`.
    fn wait_for_stderr(&self, text: &str) -> String {
        let mut all = String::new();
        let started = Instant::now();
        while !all.contains(text) {
            match self.stderr.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    all.push_str(&line);
                    all.push('\n');
                }
                Err(_) => assert!(started.elapsed() < GIVE_UP, "gave up waiting for {text:?} in:\n{all}"),
            }
        }
        all.push_str(&self.stderr_so_far());
        all
    }
}

#[test]
fn serve_shows_the_problems_when_the_first_build_fails_and_recovers() {
    let dir = project(&[("01-a.md", "# A\n\n## B\n\n#### Hoppar över en nivå\n")]);
    let serve = Serve::start(dir.path());
    let (status, page) = serve.get("/");
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("/__arsrapport/live.js\" data-version=\"unbuilt\""), "{page}");
    let state: serde_json::Value = serde_json::from_str(&serve.get("/__arsrapport/poll?since=0").1).unwrap();
    assert!(state["error"].as_str().unwrap().contains("content/chapters/01-a.md:5:1"), "{state}");

    write(dir.path(), "content/chapters/01-a.md", "# A\n\n## B\n\n### Nu stämmer nivån\n");
    let page = serve.wait_for("/01-a.html", "the first good build", |status, _| status == 200);
    assert!(page.contains("Nu stämmer nivån"), "{page}");
}

/// The addresses of the listening TCP sockets on `port`, IPv4 and IPv6, from
/// the kernel's tables. A machine without them fails the test rather than skip it.
fn listening_addresses(port: u16) -> Vec<IpAddr> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table)
            .unwrap_or_else(|e| panic!("cannot read {table} to see where the preview listens: {e}"));
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (address, p) = fields[1].split_once(':').unwrap();
            if u16::from_str_radix(p, 16).unwrap() != port || fields[3] != "0A" {
                continue;
            }
            // Each group of 8 hex digits is a 32-bit word in the machine's byte order.
            let bytes: Vec<u8> = (0..address.len() / 8)
                .flat_map(|i| u32::from_str_radix(&address[i * 8..i * 8 + 8], 16).unwrap().to_ne_bytes())
                .collect();
            found.push(match bytes.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(bytes).unwrap()),
                _ => IpAddr::from(<[u8; 16]>::try_from(bytes).unwrap()),
            });
        }
    }
    found
}

/// The preview listens on the IPv4 loopback address by default and on the
/// IPv6 one when asked (`--host ::1`), nowhere else, and on both answers only
/// requests that name this machine (`127.0.0.1`, `[::1]`, `localhost`).
///
/// Failed when serve bound the unspecified address `::` whatever `--host`
/// said (in src/cmd/serve.rs).
#[test]
fn serve_listens_on_the_ipv4_or_ipv6_loopback_only_and_answers_only_local_names() {
    let interfaces = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
    assert!(
        interfaces.lines().any(|l| l.starts_with("00000000000000000000000000000001")),
        "this machine has no IPv6 loopback address (::1), so the IPv6 half of this test cannot run; \
         enable IPv6 on `lo` (sysctl net.ipv6.conf.lo.disable_ipv6=0)"
    );
    let dir = project(&[("01-a.md", "# A\n\nFörsta versionen.\n")]);
    for (args, loopback) in [(&[][..], "127.0.0.1"), (&["--host", "::1"][..], "::1")] {
        let loopback: IpAddr = loopback.parse().unwrap();
        let serve = Serve::start_with(dir.path(), args);
        assert_eq!(serve.address.ip(), loopback, "the address printed");
        assert_eq!(listening_addresses(serve.port), [loopback], "where the preview listens");
        let named = serve.address.to_string();
        for host in [named.as_str(), &format!("localhost:{}", serve.port), "[::1]", "127.0.0.1"] {
            let (status, page) = http_get_at(serve.address, "/01-a.html", host);
            assert!(status == 200 && page.contains("Första versionen."), "Host {host} on {loopback}: {status}");
        }
        for host in ["rebinding.example", "rebinding.example:80", "[::ffff:10.0.0.1]", "10.0.0.1"] {
            let (status, body) = http_get_at(serve.address, "/01-a.html", host);
            assert_eq!(status, 403, "Host {host} on {loopback}: {body}");
        }
    }
}

/// A save of a theme file rebuilds the preview as a save of a chapter does:
/// a changed label of the theme's language file and a stylesheet added to
/// the project's theme while it runs.
///
/// Failed when the watcher let only changes under `content/` through
/// (`source_name` in src/cmd/serve.rs).
#[test]
fn serve_rebuilds_when_a_theme_file_is_saved() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let labels = std::fs::read_to_string(repo().join("themes/default/i18n/sv.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("themes/default/i18n")).unwrap();
    write(dir.path(), "themes/default/i18n/sv.yaml", &labels);
    let serve = Serve::start(dir.path());
    let (status, page) = serve.get("/01-a.html");
    assert!(status == 200 && page.contains("Hoppa till innehållet"), "{status}: {page}");

    let changed = labels.replace("\"Hoppa till innehållet\"", "\"Direkt till texten\"");
    assert_ne!(changed, labels);
    write(dir.path(), "themes/default/i18n/sv.yaml", &changed);
    let page = serve.wait_for("/01-a.html", "the new label", |_, body| body.contains("Direkt till texten"));
    assert!(!page.contains("Hoppa till innehållet"), "{page}");

    let css = std::fs::read_to_string(repo().join("themes/default/html/assets/style.css")).unwrap();
    std::fs::create_dir_all(dir.path().join("themes/default/html/assets")).unwrap();
    write(dir.path(), "themes/default/html/assets/style.css", &format!("{css}\n/* projektets egen stil */\n"));
    serve.wait_for("/assets/style.css", "the project's stylesheet", |status, body| {
        status == 200 && body.contains("/* projektets egen stil */")
    });
    assert!(!dir.path().join("output").exists(), "serve builds in memory and writes nothing");
}
