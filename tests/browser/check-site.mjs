// Checks the built HTML site in headless Chromium:
//
//   node check-site.mjs [SITE_DIR]        (default: ../../output/html)
//
// For every page (*.html) of the site it
//   - runs axe-core (all rules axe enables by default: WCAG 2.0/2.1 A and AA and
//     best practices) at 1280, 375 and 320 px wide, the narrow widths with the
//     navigation disclosure opened, and on the search page also with results shown;
//   - fails when any request leaves the site, any file is missing, the page
//     logs an error, or an id is used twice on it (axe no longer checks that);
//   - fails when the page scrolls sideways at 375 or 320 px (wide tables must
//     scroll inside their own wrapper);
//   - fails when a table wrapper that scrolls is not a focusable, labelled
//     region, or one that does not scroll is a tab stop or a region;
//   - counts the tab stops at every width and fails unless they are the page's
//     visible interactive elements plus its scrolling tables;
//   - on the search page, fails unless the result count is written into a live
//     region after a search, focus stays in the search field, and a query in
//     the address (?q=) is searched on arrival with the focus in the field;
//   - lists axe's "incomplete" results (what axe could not decide and a person
//     must review) and fails on any kind not in the reviewed list
//     axe-incomplete-reviewed.json (or the file named by $AXE_INCOMPLETE_REVIEWED);
//   - tabs through the page at both widths and fails when a focused element
//     shows no focus outline or is not visible;
//   - opens the page again from disk (file://) and fails when a resource there
//     cannot be loaded or lies outside the site folder.
//
// The site is served from a sub-path of a server on 127.0.0.1, so any link that
// is not relative fails. Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM),
// started with a fresh profile and without background networking.
//
// Set SCREENSHOTS=DIR to also save full-page screenshots at both widths.
// Exit status: 0 when every page passes, 1 when anything failed, 2 on a usage
// or set-up error.

import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm, mkdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const siteArg = process.argv[2] ?? path.join(here, '..', '..', 'output', 'html');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.SCREENSHOTS;
/** The site is served from here, not from the server root, to catch root-relative links. */
const BASE = '/publicering/arsredovisning/';
const VIEWPORTS = [
  { name: '1280', width: 1280, height: 900 },
  { name: '375', width: 375, height: 740 },
  { name: '320', width: 320, height: 640 },
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function usage(message) {
  console.error(`check-site: ${message}`);
  process.exit(2);
}

async function listPages(dir, prefix = '') {
  const pages = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) pages.push(...(await listPages(dir, rel)));
    else if (entry.name.endsWith('.html')) pages.push(rel);
  }
  return pages.sort();
}

/** A static file server for `root`, mounted at BASE, on a free port of 127.0.0.1. */
async function serve(root) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      rel = '';
    }
    if (!rel.startsWith(BASE)) {
      res.writeHead(404).end();
      return;
    }
    rel = rel.slice(BASE.length) || 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** Watches a page: requests outside the site, failed loads, errors logged. */
function watch(page, isInside) {
  const problems = [];
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('about:')) return;
    if (!isInside(url)) problems.push(`request leaves the site: ${url}`);
  });
  page.on('requestfailed', (req) => {
    const url = req.url();
    // A PDF link is never followed here; anything else that fails is missing.
    if (isInside(url)) problems.push(`could not load ${url}: ${req.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
  return problems;
}

/** axe's violations, and its "incomplete" results as `incomplete` on the list. */
async function runAxe(page, axeSource) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const { violations, incomplete } = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations', 'incomplete'] });
    const summary = (list) =>
      list.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    return { violations: summary(result.violations), incomplete: summary(result.incomplete) };
  });
  violations.incomplete = incomplete;
  return violations;
}

/**
 * The reviewed kinds of "incomplete" results. A kind is a rule and the reason
 * axe gives for not deciding ("rule: reason"); each was looked at by a person.
 */
async function reviewedIncomplete() {
  const file = process.env.AXE_INCOMPLETE_REVIEWED ?? path.join(here, 'axe-incomplete-reviewed.json');
  try {
    const { reviewed } = JSON.parse(await readFile(file, 'utf8'));
    return { file, reviewed: new Set((reviewed ?? []).map((r) => `${r.rule}: ${r.reason}`)) };
  } catch (e) {
    usage(`cannot read the reviewed list of axe's incomplete results ${file}: ${e.message}`);
  }
}

/** Why axe could not decide on a node: the first line of its summary after the heading. */
function reason(node) {
  const lines = (node.summary ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => !l.startsWith('Fix ')) ?? 'no reason given';
}

/** Lists the incomplete results and names the kinds nobody has reviewed yet. */
function checkIncomplete(incomplete, reviewed, where, seen) {
  const lines = [];
  const problems = [];
  for (const v of incomplete) {
    const kinds = new Map();
    for (const n of v.nodes) {
      const kind = `${v.id}: ${reason(n)}`;
      kinds.set(kind, [...(kinds.get(kind) ?? []), n.target]);
    }
    for (const [kind, targets] of kinds) {
      const known = reviewed.has(kind);
      seen.set(kind, (seen.get(kind) ?? 0) + targets.length);
      lines.push(`  incomplete at ${where}: ${kind} (${targets.length} elements${known ? ', reviewed' : ''})`);
      for (const t of targets.slice(0, 3)) lines.push(`    at ${t}`);
      if (!known) problems.push(`axe incomplete result not yet reviewed: ${kind} at ${where}`);
    }
  }
  return { lines, problems };
}

function formatViolations(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`    ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`      at ${n.target}`);
      if (n.summary) lines.push(...n.summary.split('\n').map((l) => `        ${l}`));
    }
    if (v.nodes.length > 5) lines.push(`      … and ${v.nodes.length - 5} more`);
  }
  return lines;
}

/**
 * Tabs through the page from the top. Every element that takes focus must be
 * visible and show an outline of at least 2 px (or a box shadow).
 */
async function checkFocus(page) {
  const problems = [];
  await page.evaluate(() => {
    document.activeElement?.blur();
    // Tab goes on from the last element clicked (the navigation's toggle on a
    // phone), not from the top: focusing the body moves that starting point.
    document.body.setAttribute('tabindex', '-1');
    document.body.focus();
    document.body.removeAttribute('tabindex');
    window.scrollTo(0, 0);
  });
  const seen = new Set();
  for (let i = 0; i < 1000; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      const parts = [];
      for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
        const index = e.parentElement ? Array.prototype.indexOf.call(e.parentElement.children, e) : 0;
        parts.unshift(`${e.tagName.toLowerCase()}:nth-child(${index + 1})`);
      }
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      const shadow = style.boxShadow && style.boxShadow !== 'none';
      const text = (el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return {
        key: parts.join(' > '),
        label: `<${el.tagName.toLowerCase()}> "${text}"`,
        indicated: outline || shadow,
        visible: rect.width >= 4 && rect.height >= 4 && style.visibility !== 'hidden',
      };
    });
    if (!info || seen.has(info.key)) break;
    seen.add(info.key);
    if (!info.indicated) problems.push(`no visible focus indicator on ${info.label}`);
    if (!info.visible) problems.push(`focused element is not visible: ${info.label}`);
  }
  if (seen.size === 0) problems.push('nothing on the page takes keyboard focus');
  return { stops: seen.size, problems };
}

/**
 * What should take focus: the visible interactive elements (links, buttons,
 * fields, disclosure toggles) and every table wrapper that scrolls, since a
 * keyboard user can only scroll it by focusing it. Also checks each table
 * wrapper: a region with a label and a tab stop exactly when it scrolls.
 */
async function expectedStops(page) {
  return page.evaluate(() => {
    const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const interactive = [
      ...document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary'),
    ].filter((el) => rendered(el) && !el.disabled && el.getAttribute('tabindex') !== '-1');
    const problems = [];
    let scrolling = 0;
    for (const wrap of document.querySelectorAll('.table-wrap')) {
      if (!rendered(wrap)) continue;
      const scrolls = wrap.scrollWidth > wrap.clientWidth;
      const name = (wrap.getAttribute('aria-label') || wrap.querySelector('caption')?.textContent || '').trim().slice(0, 40);
      const focusable = wrap.tabIndex >= 0 && wrap.hasAttribute('tabindex');
      const region = wrap.getAttribute('role') === 'region' && (wrap.getAttribute('aria-label') || '').trim() !== '';
      if (scrolls) {
        scrolling++;
        if (!focusable || !region) problems.push(`table wrapper "${name}" scrolls but is not a focusable, labelled region`);
      } else if (focusable || wrap.hasAttribute('role')) {
        problems.push(`table wrapper "${name}" does not scroll but is a tab stop or a region`);
      }
    }
    return { interactive: interactive.length, scrolling, problems };
  });
}

/** Ids used more than once: links, labels and the skip link then go astray. */
async function duplicateIds(page) {
  const dupes = await page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} times)`);
  });
  return dupes.map((d) => `id used more than once: ${d}`);
}

async function noSidewaysScroll(page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  return scrollWidth > clientWidth + 1 ? [`the page scrolls sideways: ${scrollWidth} px content in ${clientWidth} px`] : [];
}

async function settle(page) {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** On the search page: search for a word every report has and check the result list. */
async function exerciseSearch(page, axeSource) {
  const problems = [];
  const input = page.locator('input[type="search"]').first();
  if ((await input.count()) === 0 || !(await input.isVisible())) {
    return { searched: false, problems: ['the search page shows no search field'] };
  }
  const word = await page.evaluate(() => {
    const first = document.querySelector('.site-nav__label');
    return first ? first.textContent.trim().split(/\s+/)[0] : '';
  });
  await input.fill(word);
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-search-results] li').length > 0, null, {
    timeout: 5000,
  }).catch(() => problems.push(`searching for "${word}" found nothing`));
  problems.push(...(await searchAnnounced(page, 'after a search')));
  const violations = await runAxe(page, axeSource);
  // Arriving with the query in the address, as from the header's search field.
  const url = new URL(page.url());
  url.searchParams.set('q', word);
  await page.goto(url.href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('[data-search-results] li').length > 0, null, {
    timeout: 5000,
  }).catch(() => problems.push(`arriving with ?q=${word} found nothing`));
  problems.push(...(await searchAnnounced(page, `on arrival with ?q=${word}`)));
  return { searched: word, violations, problems };
}

/**
 * The result count is announced: it stands, with the number of results, in a
 * live region (role="status" or aria-live="polite") that was in the page before
 * the search, and the focus is in the search field, where the user can refine.
 */
async function searchAnnounced(page, when) {
  // The count is written a moment after the results, so that a screen reader
  // notices the change even when the same search is repeated.
  await page.waitForTimeout(400);
  const state = await page.evaluate(() => {
    const results = document.querySelectorAll('[data-search-results] li').length;
    const live = [...document.querySelectorAll('[role="status"], [aria-live="polite"], [aria-live="assertive"]')];
    const texts = live.map((el) => el.textContent.trim());
    const focused = document.activeElement;
    return {
      results,
      texts,
      focusInField: !!focused && focused.matches('input[type="search"]') && !!focused.closest('main'),
    };
  });
  const problems = [];
  if (!state.texts.some((t) => t.includes(String(state.results)))) {
    problems.push(`search result count (${state.results}) is not announced in a live region ${when}`);
  }
  if (!state.focusInField) problems.push(`focus is not in the search field ${when}`);
  return problems;
}

async function main() {
  let siteDir;
  try {
    siteDir = await realpath(siteArg);
  } catch {
    usage(`no site at ${siteArg}: run \`cargo run --release -- build\` first`);
  }
  const pages = await listPages(siteDir);
  if (pages.length === 0) usage(`no .html pages in ${siteDir}`);
  const require = createRequire(import.meta.url);
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axeVersion = require('axe-core/package.json').version;

  const { file: reviewedFile, reviewed } = await reviewedIncomplete();
  const incompleteSeen = new Map();

  const { server, origin } = await serve(siteDir);
  const siteUrl = `${origin}${BASE}`;
  const fileRoot = pathToFileURL(siteDir + path.sep).href;
  const isInside = (url) => url.startsWith(siteUrl) || url.startsWith(fileRoot);

  const profile = await mkdtemp(path.join(os.tmpdir(), 'arsrapport-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
      locale: 'sv-SE',
      offline: false,
    });
  } catch (e) {
    server.close();
    await rm(profile, { recursive: true, force: true });
    usage(`cannot start Chromium (${CHROMIUM}): ${e.message}`);
  }
  // Nothing outside the site is ever fetched: such requests are recorded by
  // `watch` and then refused here.
  await context.route('**/*', (route) => (isInside(route.request().url()) ? route.continue() : route.abort()));

  if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
  console.log(`axe-core ${axeVersion} in ${CHROMIUM}, ${pages.length} pages from ${siteDir}`);
  console.log(`served at ${siteUrl}`);

  let passed = 0;
  let failed = 0;
  let totalViolations = 0;
  const page = context.pages()[0] ?? (await context.newPage());
  for (const rel of pages) {
    const problems = [];
    const counts = [];
    const details = [];
    const notes = [];
    const tabStops = [];
    const watched = watch(page, isInside);

    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await page.goto(siteUrl + rel, { waitUntil: 'load' });
      await settle(page);
      if (vp.width < 600) {
        problems.push(...(await noSidewaysScroll(page)).map((p) => `${vp.name} px: ${p}`));
        // Open the navigation, so its links are checked too.
        const toggle = page.locator('summary').first();
        if ((await toggle.count()) > 0 && (await toggle.isVisible())) await toggle.click();
      }
      if (SCREENSHOTS) {
        const name = `${rel.replace(/\//g, '_').replace(/\.html$/, '')}-${vp.name}.png`;
        await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
      }
      const violations = await runAxe(page, axeSource);
      counts.push(`${vp.name} px: ${violations.length}`);
      totalViolations += violations.length;
      if (violations.length) details.push(`  at ${vp.name} px:`, ...formatViolations(violations));
      const incomplete = checkIncomplete(violations.incomplete, reviewed, `${vp.name} px`, incompleteSeen);
      notes.push(...incomplete.lines);
      problems.push(...incomplete.problems);

      if (vp.width >= 1000) problems.push(...(await duplicateIds(page)));
      // Focus must show at every width: on a phone the opened navigation's links too.
      const expected = await expectedStops(page);
      const focus = await checkFocus(page);
      problems.push(...focus.problems.map((p) => `${vp.name} px: ${p}`));
      problems.push(...expected.problems.map((p) => `${vp.name} px: ${p}`));
      if (focus.stops !== expected.interactive + expected.scrolling) {
        problems.push(
          `${vp.name} px: ${focus.stops} tab stops, but ${expected.interactive} interactive elements ` +
            `and ${expected.scrolling} scrolling tables`,
        );
      }
      tabStops.push(`${vp.name} px: ${focus.stops}`);
      if (await page.locator('[data-search-results]').count()) {
        const search = await exerciseSearch(page, axeSource);
        problems.push(...search.problems);
        if (search.violations) {
          counts.push(`${vp.name} px with results: ${search.violations.length}`);
          totalViolations += search.violations.length;
          if (search.violations.length) {
            details.push(`  at ${vp.name} px with search results:`, ...formatViolations(search.violations));
          }
          const where = `${vp.name} px with search results`;
          const more = checkIncomplete(search.violations.incomplete, reviewed, where, incompleteSeen);
          notes.push(...more.lines);
          problems.push(...more.problems);
        }
      }
    }

    // The same page opened from disk.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(fileRoot + rel, { waitUntil: 'load' });
    await settle(page);
    problems.push(...watched.splice(0));
    page.removeAllListeners('request');
    page.removeAllListeners('requestfailed');
    page.removeAllListeners('response');
    page.removeAllListeners('console');
    page.removeAllListeners('pageerror');

    const ok = problems.length === 0 && details.length === 0;
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${rel.padEnd(36)} axe violations: ${counts.join(', ')}`);
    console.log(`     tab stops ${tabStops.join(', ')}`);
    for (const line of details) console.log(line);
    for (const line of notes) console.log(line);
    for (const p of [...new Set(problems)]) console.log(`  ${p}`);
  }

  await context.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
  console.log(`axe violations in all: ${totalViolations}`);
  console.log(`axe incomplete results (what axe left to a person): ${incompleteSeen.size ? '' : 'none'}`);
  for (const [kind, n] of incompleteSeen) {
    console.log(`  ${kind}: ${n} elements${reviewed.has(kind) ? ', reviewed' : ', NOT REVIEWED'}`);
  }
  console.log(`  the reviewed kinds are listed in ${reviewedFile}`);
  console.log(`pages: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
