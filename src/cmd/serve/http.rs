//! The preview's HTTP server: a small synchronous HTTP/1.1 server on
//! `std::net`, made to stay up whatever a client sends. Every connection
//! answers one request and is closed. Limits:
//!
//! - at most [`Limits::connections`] connections at once, each on its own
//!   thread; when all are taken, the one that has waited longest for its
//!   request head is closed to make room (an idle or trickling client), and
//!   when none is waiting, the new connection is refused with 503;
//! - the request head (request line and headers) has a size limit and must
//!   arrive within [`Limits::read_time`], the response must be taken by the
//!   client within [`Limits::write_time`];
//! - a handler that panics answers 500 and the server goes on.
//!
//! [`serve`] returns only when the listening socket itself fails.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections served at once.
    pub connections: usize,
    /// Bytes of the request line.
    pub request_line: usize,
    /// Bytes of the whole request head, request line and headers.
    pub head: usize,
    /// Number of header fields.
    pub headers: usize,
    /// Time for the whole request head to arrive.
    pub read_time: Duration,
    /// Time for the client to take the whole response.
    pub write_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 64,
            request_line: 8 * 1024,
            head: 32 * 1024,
            headers: 100,
            read_time: Duration::from_secs(10),
            write_time: Duration::from_secs(30),
        }
    }
}

/// A request as the handler sees it: only what a preview needs.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: String,
    /// The request target as sent, e.g. `/02-a.html?x=1`.
    pub target: String,
    pub host: Option<String>,
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_owned())], body }
    }

    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", text.as_bytes().to_vec())
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Stack of a connection's thread: the handlers only look things up and copy bytes.
const CONNECTION_STACK: usize = 256 * 1024;
/// How long accepting may fail without a single success before the listener
/// counts as dead (a full file table clears within this).
const ACCEPT_GIVES_UP: Duration = Duration::from_secs(10);

/// Accepts connections until the listening socket fails, and returns why.
pub fn serve(listener: TcpListener, limits: Limits, handler: Arc<Handler>) -> io::Error {
    let table = Arc::new(Table::default());
    let mut failing_since: Option<Instant> = None;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                failing_since = None;
                admit(stream, &table, limits, &handler);
            }
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => return e,
            Err(e) => {
                let since = *failing_since.get_or_insert_with(Instant::now);
                if since.elapsed() > ACCEPT_GIVES_UP {
                    return e;
                }
                // Out of file descriptors or memory, or a connection reset
                // before it was accepted: try again in a moment.
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// The open connections.
#[derive(Default)]
struct Table {
    open: Mutex<Vec<Open>>,
    /// Signalled when a connection leaves the table.
    left: Condvar,
}

struct Open {
    id: u64,
    /// A handle to close the connection from outside its thread.
    stream: TcpStream,
    phase: Phase,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Its request head is awaited, since then.
    Waiting(Instant),
    /// Its request is being answered: it is not closed to make room.
    Answering,
    /// It was closed to make room; its thread is about to end.
    Closing,
}

impl Table {
    fn lock(&self) -> MutexGuard<'_, Vec<Open>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn mark_answering(&self, id: u64) {
        if let Some(open) = self.lock().iter_mut().find(|o| o.id == id && o.phase != Phase::Closing) {
            open.phase = Phase::Answering;
        }
    }
}

/// Takes the connection out of the table when its thread ends, however it ends.
struct Leave<'a> {
    table: &'a Table,
    id: u64,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.table.lock().retain(|o| o.id != self.id);
        self.table.left.notify_all();
    }
}

/// How long a new connection may wait for closed ones to leave the table.
const ROOM_WAIT: Duration = Duration::from_secs(1);

/// Finds room for one more connection: closes the one that has waited
/// longest for its request head when all are taken, and waits a moment for
/// closed ones to leave (their threads end at once). `false` when there is
/// no room: every connection is being answered.
fn make_room<'a>(
    mut open: MutexGuard<'a, Vec<Open>>,
    table: &'a Table,
    limits: Limits,
) -> (MutexGuard<'a, Vec<Open>>, bool) {
    let deadline = Instant::now() + ROOM_WAIT;
    loop {
        let live = open.iter().filter(|o| o.phase != Phase::Closing).count();
        if live >= limits.connections {
            let oldest = open.iter_mut().filter(|o| matches!(o.phase, Phase::Waiting(_))).min_by_key(|o| o.phase);
            let Some(oldest) = oldest else { return (open, false) };
            let _ = oldest.stream.shutdown(Shutdown::Both);
            oldest.phase = Phase::Closing;
            continue;
        }
        // Closed connections hold their threads until they notice: bounded too.
        if open.len() < 2 * limits.connections {
            return (open, true);
        }
        let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
            return (open, false);
        };
        open = table.left.wait_timeout(open, left).map_or_else(|p| p.into_inner().0, |(g, _)| g);
    }
}

fn admit(stream: TcpStream, table: &Arc<Table>, limits: Limits, handler: &Arc<Handler>) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let Ok(handle) = stream.try_clone() else { return };
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    {
        let (mut open, room) = make_room(table.lock(), table, limits);
        if !room {
            drop(open);
            return refuse(stream);
        }
        open.push(Open { id, stream: handle, phase: Phase::Waiting(Instant::now()) });
    }
    let (table_for_thread, handler) = (Arc::clone(table), Arc::clone(handler));
    let spawned =
        std::thread::Builder::new().name("preview connection".into()).stack_size(CONNECTION_STACK).spawn(move || {
            let _leave = Leave { table: &table_for_thread, id };
            connection(stream, id, &table_for_thread, limits, &*handler);
        });
    if spawned.is_err() {
        // No thread to be had: the stream was moved into the closure and is closed with it.
        table.lock().retain(|o| o.id != id);
    }
}

/// Answers 503 to a connection there is no room for, without waiting on it.
fn refuse(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write(&head(503, &[("Content-Type", "text/plain; charset=utf-8".into())], 0));
}

fn connection(stream: TcpStream, id: u64, table: &Table, limits: Limits, handler: &Handler) {
    let request = read_head(&stream, limits);
    table.mark_answering(id);
    let response = match request {
        Ok(request) => {
            let head_only = request.method == "HEAD";
            let response = catch_unwind(AssertUnwindSafe(|| handler(&request)))
                .unwrap_or_else(|_| Response::text(500, "the preview failed to answer this request\n"));
            (response, head_only)
        }
        Err(HeadError::Closed) => return,
        Err(HeadError::TimedOut) => (Response::text(408, "the request did not arrive in time\n"), false),
        Err(HeadError::LineTooLong) => (Response::text(414, "the request line is too long\n"), false),
        Err(HeadError::TooLarge) => (Response::text(431, "the request's headers are too large\n"), false),
        Err(HeadError::Malformed) => (Response::text(400, "this is not an HTTP/1 request\n"), false),
    };
    let (response, head_only) = response;
    if write_response(&stream, &response, head_only, limits.write_time).is_ok() {
        linger(&stream);
    }
}

/// After the answer: tells the client that nothing more comes and reads, for
/// a moment, what it may still be sending. Closing with unread bytes would
/// reset the connection, and the client could lose the answer (a 431 to a
/// client still sending its headers, say).
fn linger(mut stream: &TcpStream) {
    const LINGER: Duration = Duration::from_secs(1);
    const DRAINED: usize = 256 * 1024;
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut chunk = [0u8; 4096];
    let mut drained = 0;
    while drained < DRAINED {
        let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else { break };
        if stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[derive(Debug, PartialEq)]
enum HeadError {
    /// The client closed the connection (or it was closed to make room).
    Closed,
    TimedOut,
    LineTooLong,
    TooLarge,
    Malformed,
}

/// Reads the request head within the limits of size and time. What follows
/// the head (a body) is never read: every connection is closed after one answer.
fn read_head(mut stream: &TcpStream, limits: Limits) -> Result<Request, HeadError> {
    let deadline = Instant::now() + limits.read_time;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
        let Some(left) = left else { return Err(HeadError::TimedOut) };
        stream.set_read_timeout(Some(left)).map_err(|_| HeadError::Closed)?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(HeadError::TimedOut);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Closed),
        };
        // Only the new bytes and the three before them can complete the end of the head.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        let end = find(&head[from..], b"\r\n\r\n")
            .map(|i| from + i)
            .or_else(|| find(&head[from..], b"\n\n").map(|i| from + i));
        let line_end = find(&head, b"\n").unwrap_or(head.len());
        if line_end > limits.request_line {
            return Err(HeadError::LineTooLong);
        }
        match end {
            Some(end) if end <= limits.head => return parse_head(&head[..end], limits),
            _ if head.len() > limits.head => return Err(HeadError::TooLarge),
            _ => {}
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8], limits: Limits) -> Result<Request, HeadError> {
    let text = std::str::from_utf8(head).map_err(|_| HeadError::Malformed)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(HeadError::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if method.is_empty() || !target.starts_with('/') || !version.starts_with("HTTP/1.") {
        return Err(HeadError::Malformed);
    }
    let mut host = None;
    for (count, line) in lines.enumerate() {
        if count >= limits.headers {
            return Err(HeadError::TooLarge);
        }
        let (name, value) = line.split_once(':').ok_or(HeadError::Malformed)?;
        if name.eq_ignore_ascii_case("host") {
            host = Some(value.trim().to_owned());
        }
    }
    Ok(Request { method: method.to_owned(), target: target.to_owned(), host })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn head(status: u16, headers: &[(&'static str, String)], length: usize) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {length}\r\nConnection: close\r\n\r\n"));
    head.into_bytes()
}

/// Writes the response, giving up when the client has not taken it all by
/// the end of `time` (each write waits at most what is left of it).
fn write_response(mut stream: &TcpStream, response: &Response, head_only: bool, time: Duration) -> io::Result<()> {
    let deadline = Instant::now() + time;
    let head = head(response.status, &response.headers, response.body.len());
    let body: &[u8] = if head_only { &[] } else { &response.body };
    for mut part in [&head[..], body] {
        while !part.is_empty() {
            let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
            let Some(left) = left else { return Err(io::ErrorKind::TimedOut.into()) };
            stream.set_write_timeout(Some(left))?;
            match stream.write(part) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => part = &part[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn limits() -> Limits {
        Limits { read_time: Duration::from_millis(500), write_time: Duration::from_millis(500), ..Limits::default() }
    }

    /// A server on a free port of 127.0.0.1 answering every request with its target.
    fn start(limits: Limits) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(|request: &Request| {
            if request.target == "/panic" {
                panic!("a handler that fails");
            }
            Response::text(200, &request.target)
        });
        std::thread::spawn(move || serve(listener, limits, handler));
        address
    }

    fn exchange(address: SocketAddr, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = stream.write_all(request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    fn get(address: SocketAddr, path: &str) -> String {
        exchange(address, format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
    }

    #[test]
    fn a_request_is_answered_and_the_connection_closed() {
        let address = start(limits());
        let answer = get(address, "/a.html?x=1");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.contains("Content-Length: 11\r\nConnection: close\r\n\r\n/a.html?x=1"), "{answer}");
        let answer = exchange(address, b"HEAD /b HTTP/1.0\n\n");
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n")
                && answer.ends_with("Content-Length: 2\r\nConnection: close\r\n\r\n"),
            "{answer}"
        );
    }

    #[test]
    fn the_head_is_parsed_strictly() {
        let limits = limits();
        let parsed = parse_head(b"GET /x HTTP/1.1\r\nHOST:  localhost:8000 \r\nAccept: */*", limits);
        assert_eq!(
            parsed,
            Ok(Request { method: "GET".into(), target: "/x".into(), host: Some("localhost:8000".into()) })
        );
        for bad in [
            &b"GET /x"[..],
            b"GET  /x HTTP/1.1",
            b"GET x HTTP/1.1",
            b"GET /x SPDY/3",
            b"GET /x HTTP/1.1\r\nno colon",
            b"\xff /x HTTP/1.1",
        ] {
            assert_eq!(parse_head(bad, limits), Err(HeadError::Malformed), "{}", String::from_utf8_lossy(bad));
        }
        let many: String = (0..=limits.headers).map(|i| format!("\r\nX-{i}: y")).collect();
        assert_eq!(parse_head(format!("GET / HTTP/1.1{many}").as_bytes(), limits), Err(HeadError::TooLarge));
    }

    /// Fails with the head's size limit multiplied by 1000 in `read_head`.
    #[test]
    fn oversized_and_malformed_heads_are_answered_with_their_status() {
        let address = start(limits());
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
        assert!(exchange(address, long_line.as_bytes()).starts_with("HTTP/1.1 414 "));
        let big_head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(40_000));
        assert!(exchange(address, big_head.as_bytes()).starts_with("HTTP/1.1 431 "));
        assert!(exchange(address, b"hello\r\n\r\n").starts_with("HTTP/1.1 400 "));
        assert!(get(address, "/panic").starts_with("HTTP/1.1 500 "));
        assert!(get(address, "/after").starts_with("HTTP/1.1 200 "), "the server goes on");
    }

    /// A client that does not finish its head is answered 408 at the end of the
    /// read time (the time is for the whole head: trickling does not extend it).
    /// Fails with the read time multiplied by 100 in `read_head`.
    #[test]
    fn a_head_that_does_not_arrive_in_time_is_given_up() {
        let address = start(limits());
        let started = Instant::now();
        let answer = exchange(address, b"GET / HTTP/1.1\r\nHost: loc");
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
        let waited = started.elapsed();
        assert!(waited >= limits().read_time && waited < Duration::from_secs(10), "{waited:?}");
    }

    /// Every slot taken by a connection that sends nothing: a new client is
    /// still answered at once, because the longest-waiting idle one makes room.
    /// Fails when `make_room` never closes a waiting connection.
    #[test]
    fn idle_connections_make_room_for_new_ones() {
        let limits = Limits { connections: 8, read_time: Duration::from_secs(60), ..Limits::default() };
        let address = start(limits);
        let idle: Vec<TcpStream> = (0..50).map(|_| TcpStream::connect(address).unwrap()).collect();
        let started = Instant::now();
        assert!(get(address, "/still-here").starts_with("HTTP/1.1 200 "));
        assert!(started.elapsed() < Duration::from_secs(30));
        drop(idle);
    }

    /// A client that asks for a large response and never reads it is given up
    /// after the write time; the server answers others meanwhile and after.
    /// Fails with no write timeout in `write_response`.
    #[test]
    fn a_client_that_does_not_read_is_given_up() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(|request: &Request| {
            let size = if request.target == "/big" { 64 * 1024 * 1024 } else { 1 };
            Response::new(200, "application/octet-stream", vec![b'x'; size])
        });
        std::thread::spawn(move || serve(listener, limits(), handler));
        let mut stalled = TcpStream::connect(address).unwrap();
        stalled.write_all(b"GET /big HTTP/1.1\r\n\r\n").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(get(address, "/small").starts_with("HTTP/1.1 200 "));
        // After the write time the stalled connection has been closed: reading
        // it to the end gives less than the whole body.
        std::thread::sleep(Duration::from_millis(1500));
        stalled.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut received = Vec::new();
        let _ = stalled.read_to_end(&mut received);
        assert!(received.len() < 64 * 1024 * 1024, "{} bytes", received.len());
    }

    /// When the listening socket fails, `serve` returns the error instead of
    /// going on without a listener. Fails when `serve` retries every error.
    #[cfg(target_os = "linux")]
    #[test]
    fn serve_returns_when_the_listener_fails() {
        use std::os::fd::AsRawFd;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let fd = listener.as_raw_fd();
        let handler: Arc<Handler> = Arc::new(|_: &Request| Response::text(200, ""));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(serve(listener, limits(), handler)));
        std::thread::sleep(Duration::from_millis(100));
        // Shutting a listening socket down makes a waiting accept fail with EINVAL.
        // SAFETY: fd is a socket owned by the listener, which lives in the server thread.
        unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        let error = rx.recv_timeout(Duration::from_secs(30)).expect("serve returned");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
    }
}
