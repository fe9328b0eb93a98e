// Live preview for `arsrapport serve`. It is added only to pages the preview
// server sends, never to a built site. It asks the server (long polling)
// whether anything changed: when a rebuild changed this page it reloads it
// (a page a rebuild left as it was stays, with its scroll position); while
// the last save cannot be built it shows the problems over the page, which
// keeps showing the last version that could be built.
(() => {
  "use strict";
  // The version of this page as served; the server tells the current one.
  const version = document.currentScript.dataset.version;
  // The server answers a poll within 25 s; one that takes longer is lost.
  const POLL_TIMEOUT_MS = 35000;
  let since = 0;
  let overlay = null;

  // The overlay speaks the document's language: its texts come with the
  // problems, from the theme's language file. The problems themselves are
  // arsrapport's messages, in English, and are marked so.
  const FALLBACK = {
    language: "en",
    preview_problems_title: "The last save could not be built",
    preview_problems_note:
      "The page shows the last version that could be built. Correct the problem below and save " +
      "again; the page updates by itself.",
    preview_hide: "Hide",
  };

  function show(text, labels) {
    const label = (key) => (labels && typeof labels[key] === "string" && labels[key]) || FALLBACK[key];
    if (!overlay) {
      overlay = document.createElement("section");
      overlay.id = "arsrapport-problems";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute("aria-labelledby", "arsrapport-problems-title");
      overlay.style.cssText =
        "position:fixed;inset:auto 1rem 1rem 1rem;max-height:70vh;overflow:auto;z-index:2147483647;" +
        "background:#fff;color:#1a1a1a;border:3px solid #b3261e;border-radius:6px;padding:1rem 1.25rem;" +
        "box-shadow:0 8px 32px rgba(0,0,0,.35);font:16px/1.45 system-ui,sans-serif;text-align:left";
      const title = document.createElement("h2");
      title.id = "arsrapport-problems-title";
      title.style.cssText = "margin:0 0 .4rem;font-size:1.15rem;color:#b3261e";
      const note = document.createElement("p");
      note.style.cssText = "margin:0 0 .75rem";
      // Long lines wrap (at any character if need be) rather than scroll sideways.
      const details = document.createElement("pre");
      details.lang = "en";
      details.style.cssText =
        "margin:0 0 .75rem;padding:.75rem;background:#f6f6f6;border-radius:4px;" +
        "white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.4 ui-monospace,monospace";
      const hide = document.createElement("button");
      hide.type = "button";
      hide.style.cssText = "font:inherit;padding:.3rem .9rem";
      hide.addEventListener("click", () => { overlay.style.display = "none"; });
      overlay.append(title, note, details, hide);
      document.body.append(overlay);
    }
    overlay.lang = label("language");
    overlay.querySelector("h2").textContent = label("preview_problems_title");
    overlay.querySelector("p").textContent = label("preview_problems_note");
    overlay.querySelector("button").textContent = label("preview_hide");
    overlay.querySelector("pre").textContent = text;
    overlay.style.display = "block";
  }

  function clear() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // One poll, given up after POLL_TIMEOUT_MS: a connection that hangs (a
  // server restarted, a network that drops it) must not stop the updates.
  async function poll() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), POLL_TIMEOUT_MS);
    try {
      const url = "/__arsrapport/poll?since=" + since + "&page=" + encodeURIComponent(location.pathname);
      const response = await fetch(url, { cache: "no-store", signal: abort.signal });
      if (!response.ok) {
        // 503: too many open pages are waiting; come back as asked.
        const after = Number(response.headers.get("Retry-After")) || 2;
        throw new Error("the preview answered " + response.status, { cause: after * 1000 });
      }
      return await response.json();
    } finally {
      clearTimeout(timer);
    }
  }

  async function watch() {
    let wait = 500;
    for (;;) {
      let state;
      try {
        state = await poll();
      } catch (error) {
        // The server is stopped, restarting or busy: try again a little later.
        await pause(typeof error.cause === "number" ? error.cause : wait);
        wait = Math.min(wait * 2, 5000);
        continue;
      }
      wait = 500;
      if (state.version !== version) {
        location.reload();
        return;
      }
      since = state.generation;
      if (state.error) {
        show(state.error, state.labels);
      } else {
        clear();
      }
    }
  }

  watch();
})();
