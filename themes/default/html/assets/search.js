/*
 * Search over the chapters, entirely in the browser and offline.
 *
 * Progressive enhancement: the search forms are `hidden` in the HTML and are
 * shown only here, so a browser without scripts never offers a search that
 * cannot work. On the search page (the one with [data-search-results]) the
 * query from ?q=… is run against window.arsrapportSearch, which
 * search-index.js (written by the build) sets:
 *
 *   { chapters: [ { number (null when not numbered), title, href,
 *                   sections: [ { id, heading, text } ] } ] }
 *
 * Every hit must contain all the words searched for. Results are built with
 * DOM methods only (never innerHTML), so no indexed text can become markup.
 */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var CONTEXT = 90;
  /* The count is written this long after the results: a screen reader then
     announces the live region even when a search is repeated word for word. */
  var ANNOUNCE_DELAY_MS = 150;
  var announcing = 0;

  document.querySelectorAll("[data-search-form]").forEach(function (form) {
    form.hidden = false;
  });
  document.querySelectorAll("[data-search-noscript]").forEach(function (note) {
    note.hidden = true;
  });

  var list = document.querySelector("[data-search-results]");
  var status = document.querySelector("[data-search-status]");
  var form = list && document.querySelector("main [data-search-form]");
  if (!list || !status || !form) return;
  var input = form.querySelector("input[type=search]");
  var index = window.arsrapportSearch || { chapters: [] };

  /* Lower case, one kind of space and of minus, so "−50 970" is found as "-50 970". */
  function fold(text) {
    return text
      .normalize("NFC")
      .toLocaleLowerCase("sv")
      .replace(/[\u00a0\u202f\u2009]/g, " ")
      .replace(/\u2212/g, "-");
  }

  function terms(query) {
    return fold(query)
      .split(/\s+/)
      .filter(function (t) {
        return t.length > 0;
      });
  }

  function count(haystack, needle) {
    var n = 0;
    for (var i = haystack.indexOf(needle); i !== -1 && n < 20; i = haystack.indexOf(needle, i + needle.length)) n++;
    return n;
  }

  function search(words) {
    var hits = [];
    var order = 0;
    index.chapters.forEach(function (chapter) {
      var title = fold(chapter.title);
      chapter.sections.forEach(function (section) {
        order++;
        var heading = fold(section.heading);
        var body = fold(section.text);
        var all = title + " " + heading + " " + body;
        var score = 0;
        for (var i = 0; i < words.length; i++) {
          var w = words[i];
          if (all.indexOf(w) === -1) return;
          score += count(body, w) + (heading.indexOf(w) !== -1 ? 10 : 0) + (title.indexOf(w) !== -1 ? 5 : 0);
        }
        hits.push({ chapter: chapter, section: section, body: body, score: score, order: order });
      });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || a.order - b.order;
    });
    return hits;
  }

  /* Appends `text` to `parent`, with every occurrence of a search word marked. */
  function appendMarked(parent, text, words) {
    var folded = fold(text);
    if (folded.length !== text.length) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var at = 0;
    while (at < text.length) {
      var best = -1;
      var len = 0;
      for (var i = 0; i < words.length; i++) {
        var p = folded.indexOf(words[i], at);
        if (p !== -1 && (best === -1 || p < best || (p === best && words[i].length > len))) {
          best = p;
          len = words[i].length;
        }
      }
      if (best === -1) break;
      if (best > at) parent.appendChild(document.createTextNode(text.slice(at, best)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(best, best + len);
      parent.appendChild(mark);
      at = best + len;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* A piece of the section's text around the first word found, cut at spaces. */
  function excerpt(hit, words) {
    var text = hit.section.text;
    var first = -1;
    for (var i = 0; i < words.length; i++) {
      var p = hit.body.indexOf(words[i]);
      if (p !== -1 && (first === -1 || p < first)) first = p;
    }
    if (hit.body.length !== text.length || first === -1) first = 0;
    var start = Math.max(0, first - CONTEXT);
    var end = Math.min(text.length, first + CONTEXT * 2);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space !== -1 && space < first ? space + 1 : start;
    }
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      end = back > first ? back : end;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function message(template, n, query) {
    return template.replace("{n}", String(n)).replace("{q}", query);
  }

  /* Writes the result count into the live region (role="status") after a
     moment, emptied first, so that every search is announced. */
  function announce(text) {
    window.clearTimeout(announcing);
    status.textContent = "";
    if (text) {
      announcing = window.setTimeout(function () {
        status.textContent = text;
      }, ANNOUNCE_DELAY_MS);
    }
  }

  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var words = terms(query);
    if (words.length === 0) {
      announce("");
      return;
    }
    var hits = search(words);
    var template = hits.length === 0 ? status.dataset.none : hits.length === 1 ? status.dataset.one : status.dataset.many;
    announce(message(template, hits.length, query.trim()));
    hits.slice(0, MAX_RESULTS).forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "search-results__item";
      var link = document.createElement("a");
      link.className = "search-results__link";
      link.href = hit.chapter.href + (hit.section.id ? "#" + hit.section.id : "");
      var where = (hit.chapter.number ? hit.chapter.number + " " : "") + hit.chapter.title;
      appendMarked(link, hit.section.heading ? where + " – " + hit.section.heading : where, words);
      var heading = document.createElement("h2");
      heading.className = "search-results__title";
      heading.appendChild(link);
      var text = document.createElement("p");
      text.className = "search-results__excerpt";
      appendMarked(text, excerpt(hit, words), words);
      item.appendChild(heading);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    show(query);
    try {
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      window.history.replaceState(null, "", url.href);
    } catch (e) {
      /* Some browsers refuse to change the address of a page opened from disk. */
    }
  });

  /* Focus stays in the search field after a search, where the words can be
     changed; the count is announced and the results follow the field. A
     visitor arriving with a query (from the search field in every page's
     header) is put there too. */
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
  if (initial) input.focus();
})();
