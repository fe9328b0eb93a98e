//! `serve` under attack and under rough handling of the project's folders:
//! an endless header, 2 000 idle connections, a failing rebuild, and
//! `content/` or a theme folder replaced as a whole. The preview must go on
//! answering and rebuilding. (tests/serve-attack.py does the same from outside.)

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::authoring::Serve;
use crate::common::*;

/// Asks for `path` until the preview's answer holds `text`.
fn wait_for_text(preview: &Serve, path: &str, text: &str) -> String {
    preview.wait_for(path, &format!("{text:?} at {path}"), |_, body| body.contains(text))
}

fn chapter(text: &str) -> String {
    format!("# Ekonomi\n\n{text}\n")
}

/// While one client streams an endless header and 2 000 others hold idle
/// connections, a normal request is answered at once, and afterwards too.
/// Fails when the server never closes a waiting connection to make room
/// (`make_room` in src/cmd/serve/http.rs): the request is refused.
#[test]
fn serve_answers_while_attacked_by_an_endless_header_and_idle_connections() {
    let dir = project(&[("01-ekonomi.md", &chapter("Före angreppet."))]);
    let mut preview = Serve::start(dir.path());
    let port = preview.port;
    wait_for_text(&preview, "/01-ekonomi.html", "Före angreppet.");

    // An endless header: sends until the preview closes the connection.
    let endless = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ").unwrap();
        let chunk = [b'a'; 4096];
        let mut sent = 0usize;
        while sent < 256 * 1024 * 1024 {
            if stream.write_all(&chunk).is_err() {
                return Ok(sent);
            }
            sent += chunk.len();
        }
        Err(sent)
    });
    let idle: Vec<TcpStream> = (0..2000).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();

    let started = Instant::now();
    let (status, body) = preview.get("/01-ekonomi.html");
    assert!(status == 200 && body.contains("Före angreppet."), "{status}: {body}");
    assert!(started.elapsed() < Duration::from_secs(10), "answered only after {:?}", started.elapsed());
    // The bytes sent before the preview closed the connection include what
    // the two ends' buffers hold: megabytes on loopback.
    let sent = endless.join().unwrap();
    assert!(sent.is_ok(), "the preview was still reading the header after {sent:?} bytes");

    drop(idle);
    assert!(preview.is_running());
    let (status, _) = preview.get("/");
    assert_eq!(status, 200);
}

/// A save that cannot be built is shown and the last good version stays;
/// a rebuild after the attack still works.
#[test]
fn serve_keeps_the_last_good_version_through_a_failing_rebuild() {
    let dir = project(&[("01-ekonomi.md", &chapter("Första versionen."))]);
    let mut preview = Serve::start(dir.path());
    wait_for_text(&preview, "/01-ekonomi.html", "Första versionen.");
    let chapter_file = dir.path().join("content/chapters/01-ekonomi.md");
    std::fs::write(&chapter_file, chapter("{{ data.saknas.x }}")).unwrap();
    wait_for_text(&preview, "/__arsrapport/poll?since=0", "content/chapters/01-ekonomi.md:3:");
    let (status, body) = preview.get("/01-ekonomi.html");
    assert!(status == 200 && body.contains("Första versionen."), "{status}: {body}");
    std::fs::write(&chapter_file, chapter("Andra versionen.")).unwrap();
    wait_for_text(&preview, "/01-ekonomi.html", "Andra versionen.");
    assert!(preview.is_running());
}

/// Replaces `dir` by a copy of itself with `edit` applied, as unpacking an
/// archive or `git checkout` of a folder does: the old folder is deleted and
/// a new one made under the same name, at once.
fn replace_folder(dir: &Path, edit: impl FnOnce(&Path)) {
    let fresh = dir.with_extension("new");
    copy_dir(dir, &fresh);
    edit(&fresh);
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::rename(&fresh, dir).unwrap();
}

/// `content/` and a theme folder replaced as a whole, twice each, are still
/// watched: a save in the new folder is seen. Fails when the watcher takes a
/// new folder of the same name for the one it watches (the check of the
/// folders' identity in `watch_folders` replaced by "exists").
#[test]
fn serve_keeps_watching_content_and_a_theme_folder_replaced_as_a_whole() {
    let dir = project(&[("01-ekonomi.md", &chapter("Version ett."))]);
    let labels = std::fs::read_to_string(repo().join("themes/default/i18n/sv.yaml")).unwrap();
    let labels_file = dir.path().join("themes/default/i18n/sv.yaml");
    std::fs::create_dir_all(labels_file.parent().unwrap()).unwrap();
    std::fs::write(&labels_file, &labels).unwrap();
    let preview = Serve::start(dir.path());
    wait_for_text(&preview, "/01-ekonomi.html", "Version ett.");

    // The replacement itself is seen from the project folder's watch; a save
    // in the new folder afterwards only if the new folder is watched.
    let content = dir.path().join("content");
    let chapter_file = content.join("chapters/01-ekonomi.md");
    for (replaced, saved) in [("Version två.", "Version tre."), ("Version fyra.", "Version fem.")] {
        replace_folder(&content, |new| {
            std::fs::write(new.join("chapters/01-ekonomi.md"), chapter(replaced)).unwrap();
        });
        wait_for_text(&preview, "/01-ekonomi.html", replaced);
        std::fs::write(&chapter_file, chapter(saved)).unwrap();
        wait_for_text(&preview, "/01-ekonomi.html", saved);
    }

    // The site's navigation is headed by the label `contents`.
    let label = labels.lines().find(|l| l.starts_with("contents:")).expect("the label in sv.yaml");
    let theme = dir.path().join("themes/default");
    let with_title = |title: &str| labels.replace(label, &format!("contents: \"{title}\""));
    for (replaced, saved) in
        [("Innehåll, tema 1", "Innehåll, tema 1 sparat"), ("Innehåll, tema 2", "Innehåll, tema 2 sparat")]
    {
        replace_folder(&theme, |new| std::fs::write(new.join("i18n/sv.yaml"), with_title(replaced)).unwrap());
        wait_for_text(&preview, "/", replaced);
        std::fs::write(&labels_file, with_title(saved)).unwrap();
        wait_for_text(&preview, "/", saved);
    }
}
