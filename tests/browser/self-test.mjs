// Shows that check-site.mjs fails when it should: runs it over a small site
// with one deliberate fault of each kind it looks for (an unreviewed kind of
// axe's "incomplete" results among them), and over the same site without the
// faults.
//
//   node self-test.mjs
//
// Exit status 0 when the checker passed the good site and failed the broken
// one with every fault named; 1 otherwise.

import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function page(title, body, head = '') {
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/style.css">
${head}
</head>
<body>
<a class="skip" href="#main">Hoppa till innehållet</a>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

const css = `
body { font-family: sans-serif; color: #1a1a1a; background: #fff; }
:focus-visible { outline: 3px solid #1a1a1a; }
.skip:not(:focus) { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.no-focus:focus-visible { outline: none; }
@media (max-width: 600px) { .phone-no-focus:focus-visible { outline: none; } }
.wide { width: 900px; }
.table-wrap { overflow-x: auto; }
.table-wrap:focus-visible { outline: 3px solid #1a1a1a; }
`;

const smallTable = '<table><caption>Liten</caption><tr><th scope="col">År</th></tr><tr><td>2013</td></tr></table>';
const wideTable =
  '<table class="wide"><caption>Bred</caption><tr><th scope="col">År</th></tr><tr><td>2013</td></tr></table>';

const good = {
  'index.html': page('Start', '<p><a href="b.html">Nästa sida</a></p>'),
  'b.html': page('Sida b', '<p>Text.</p><p><a href="index.html">Start</a></p>'),
};

/** Each fault, the page that holds it, and what the checker must say. */
const faults = [
  {
    file: 'external.html',
    html: page('Extern', '<p>Text.</p>', '<link rel="stylesheet" href="https://example.invalid/x.css">'),
    expect: 'request leaves the site: https://example.invalid/x.css',
  },
  {
    file: 'missing.html',
    html: page('Saknas', '<p>Text.</p><img src="assets/finns-inte.png" alt="En bild">'),
    expect: 'HTTP 404',
  },
  {
    file: 'alt.html',
    html: page('Alt', '<p>Text.</p><img src="assets/bild.svg">'),
    expect: 'image-alt',
  },
  {
    file: 'contrast.html',
    html: page('Kontrast', '<p style="color:#aaa">Svag text.</p>'),
    expect: 'color-contrast',
  },
  {
    file: 'overflow.html',
    html: page('Bred', '<div class="wide">Bred</div>'),
    expect: '320 px: the page scrolls sideways',
  },
  {
    file: 'focus.html',
    html: page('Fokus', '<p><a class="no-focus" href="index.html">Osynligt fokus</a></p>'),
    expect: 'no visible focus indicator on <a> "Osynligt fokus"',
  },
  {
    file: 'phone-focus.html',
    html: page('Telefon', '<p><a class="phone-no-focus" href="index.html">Fokus på telefon</a></p>'),
    expect: '375 px: no visible focus indicator on <a> "Fokus på telefon"',
  },
  {
    file: 'still-table.html',
    html: page('Stilla', `<div class="table-wrap" role="region" tabindex="0" aria-label="Liten">${smallTable}</div>`),
    expect: '1280 px: 2 tab stops, but 1 interactive elements and 0 scrolling tables',
  },
  {
    file: 'still-region.html',
    html: page('Region', `<div class="table-wrap" role="region" tabindex="0" aria-label="Liten">${smallTable}</div>`),
    expect: '1280 px: table wrapper "Liten" does not scroll but is a tab stop or a region',
  },
  {
    file: 'scrolling-table.html',
    html: page('Rullar', `<div class="table-wrap">${wideTable}</div>`),
    expect: '320 px: table wrapper "Bred" scrolls but is not a focusable, labelled region',
  },
  {
    file: 'search.html',
    html: page(
      'Sök',
      '<form><label for="q">Sökord</label><input id="q" type="search"><button>Sök</button></form>' +
        '<p data-search-status></p><ol data-search-results></ol>' +
        "<script>document.querySelector('form').addEventListener('submit', (e) => { e.preventDefault(); " +
        "const li = document.createElement('li'); li.textContent = 'Träff'; " +
        "document.querySelector('ol').append(li); document.querySelector('p').textContent = '1 träff'; " +
        "document.querySelector('button').focus(); });</script>",
    ),
    expect: 'search result count (1) is not announced in a live region after a search',
  },
  {
    file: 'incomplete.html',
    html: page('Bakgrund', '<p style="background-image: linear-gradient(#fff, #ddd)">Text på en bakgrundsbild.</p>'),
    expect: 'axe incomplete result not yet reviewed: color-contrast',
  },
  {
    file: 'headings.html',
    html: page('Rubriker', '<h3>Hoppar över en nivå</h3><p>Text.</p>'),
    expect: 'heading-order',
  },
  {
    file: 'ids.html',
    html: page('Id', '<h2 id="navet">Navet</h2><p id="navet">Text.</p>'),
    expect: 'id used more than once: navet (2 times)',
  },
  {
    file: 'script.html',
    html: page('Skript', '<p>Text.</p>', '<script>window.nothing.here = 1;</script>'),
    expect: 'script error',
  },
];

async function site(files) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'arsrapport-site-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'assets', 'style.css'), css);
  await writeFile(
    path.join(dir, 'assets', 'bild.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
  );
  for (const [name, html] of Object.entries(files)) await writeFile(path.join(dir, name), html);
  return dir;
}

/** Runs the checker with nothing reviewed, so any incomplete result fails. */
async function check(dir) {
  const reviewed = path.join(dir, '..', `${path.basename(dir)}-reviewed.json`);
  await writeFile(reviewed, '{"reviewed": []}\n');
  const run = spawnSync(process.execPath, [path.join(here, 'check-site.mjs'), dir], {
    encoding: 'utf8',
    env: { ...process.env, AXE_INCOMPLETE_REVIEWED: reviewed },
  });
  await rm(reviewed, { force: true });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let ok = true;
const fail = (message, output) => {
  ok = false;
  console.log(`FAIL ${message}`);
  if (output) console.log(output.replace(/^/gm, '     '));
};

const goodDir = await site(good);
const clean = await check(goodDir);
if (clean.status === 0) console.log('ok   the site without faults passes');
else fail(`the site without faults did not pass (exit ${clean.status})`, clean.output);

const broken = { ...good };
for (const f of faults) broken[f.file] = f.html;
const brokenDir = await site(broken);
const result = await check(brokenDir);
if (result.status === 1) console.log('ok   the site with faults fails with exit status 1');
else fail(`the site with faults exited with ${result.status}, not 1`, result.output);
for (const f of faults) {
  const line = result.output.split('\n').findIndex((l) => l.includes(f.file));
  const section = result.output.split('\n').slice(line).join('\n');
  const next = section.slice(1).search(/\n(ok  |FAIL) /);
  const own = next === -1 ? section : section.slice(0, next + 1);
  if (line !== -1 && own.startsWith('FAIL') && own.includes(f.expect)) console.log(`ok   ${f.file}: ${f.expect}`);
  else fail(`${f.file}: the checker did not report "${f.expect}"`, own);
}

await rm(goodDir, { recursive: true, force: true });
await rm(brokenDir, { recursive: true, force: true });
console.log(ok ? 'self-test: the checker finds every planted fault' : 'self-test: the checker missed something');
process.exit(ok ? 0 : 1);
