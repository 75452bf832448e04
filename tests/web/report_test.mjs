// Browser test of `parley report`, in Debian's chromium driven by playwright-core: for a run, a
// compare and a sweep folder of the default scenario, the page opens from file:// with no
// request leaving it and no console error, every chart draws, every legend names every option,
// the run's "Why the AI chose" tables show explain.json's numbers, and the PNG and CSV downloads
// work. Screenshots are kept under the artifacts folder.
//
// usage: node tests/web/report_test.mjs PARLEY_BINARY ARTIFACTS_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, fail, check } from './browser.mjs';

const [parley, artifacts] = process.argv.slice(2);
if (!parley || !artifacts) fail('usage: node report_test.mjs PARLEY_BINARY ARTIFACTS_DIR');
const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = path.join(source, 'scenarios', 'afghanistan-2025');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-report-test-'));
fs.mkdirSync(artifacts, { recursive: true });

function parleyRun(args) {
  execFileSync(parley, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

// Outcomes given an event: run and compare add a section for it.
const given = 'done.tlb_return_equipment == 1 or issue.reserves_released < 20';
const folders = {
  run: ['run', scenario, '--runs', '300', '--option', 'all', '--trace', '20', '--given', given],
  compare: ['compare', scenario, '--runs', '300', '--given', given],
  sweep: ['sweep', scenario, '--vary', 'model.settle_rate=0.05..0.5', '--vary',
          'model.influence_rate=0.05..0.2', '--design', 'sobol', '--samples', '32',
          '--runs-per-sample', '10'],
};

// Rounded as the page rounds the why tables.
function dec(v, d) {
  const s = v.toFixed(d);
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

// "Why the AI chose": one collapsed turn per turn of the first traced run; an opened turn shows
// a table per AI actor whose rows are explain.json's numbers; the option and actor menus pick
// what is shown.
async function whySection(page, out, options) {
  const explained = JSON.parse(fs.readFileSync(path.join(out, 'explain.json'), 'utf8'));
  check(await page.locator('#toc a[href="#why"]').count() === 1, 'run: the contents do not list "Why the AI chose"');
  const turns = await page.locator('#why details.why-turn').count();
  check(turns === explained[0].explained.length, `run: the why section shows ${turns} turns, expected ${explained[0].explained.length}`);
  // The second option, turn 3, TLB alone.
  const option = options[1];
  const want = explained.find((e) => e.option === option).explained.find((t) => t.turn === 3).choices.find((c) => c.actor === 'TLB');
  await page.selectOption('#why-option', option);
  await page.selectOption('#why-actor', 'TLB');
  await page.click('#why details.why-turn[data-turn="3"] > summary');
  const table = '#why details.why-turn[data-turn="3"] table.why-table';
  await page.waitForSelector(table, { timeout: 5000 });
  const actors = await page.$$eval(table, (ts) => ts.map((t) => t.dataset.actor));
  check(actors.length === 1 && actors[0] === 'TLB', `run: choosing TLB shows the tables of ${actors.join(', ')}`);
  const rows = await page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => ({ move: tr.dataset.move, cells: [...tr.cells].map((td) => td.textContent) })));
  check(rows.length === want.moves.length + 1, `run: TLB's why table has ${rows.length} rows, expected ${want.moves.length + 1}`);
  check(rows[0].cells[2] === dec(want.pass.value, 4) && rows[0].cells[5] === dec(want.pass.probability, 3),
    `run: the pass row (${rows[0].cells.join(' | ')}) is not explain.json's`);
  want.moves.forEach((m, k) => {
    const r = rows[k + 1];
    if (!r) return;
    const expect = m.available
      ? [dec(m.value, 4), dec(m.cost, 4), (m.score > 0 ? '+' : '') + dec(m.score, 4), dec(m.probability, 3), m.chosen ? '✓' : '']
      : ['', '', '', '', ''];
    check(r.move === m.move && JSON.stringify(r.cells.slice(2)) === JSON.stringify(expect) && (m.available || r.cells[1].includes(m.blocked)),
      `run: TLB ${m.move} (${r.cells.join(' | ')}) is not explain.json's (${expect.join(' | ')})`);
  });
  // Another option keeps the turn open and shows that option's numbers.
  await page.selectOption('#why-option', options[0]);
  const first = explained[0].explained.find((t) => t.turn === 3).choices.find((c) => c.actor === 'TLB');
  const passValue = await page.locator(`${table} tbody tr`).first().locator('td').nth(2).textContent();
  check(passValue === dec(first.pass.value, 4), `run: after choosing ${options[0]}, the pass value is ${passValue}, expected ${dec(first.pass.value, 4)}`);
  await page.locator('#why').screenshot({ path: path.join(artifacts, 'report-why.png') });
}

const browser = await launchBrowser();
let failures = 0;
try {
  for (const [kind, args] of Object.entries(folders)) {
    const out = path.join(work, kind);
    parleyRun([...args, '--out', out, '--report', '-q']);
    const file = path.join(out, 'report.html');
    const url = pathToFileURL(file).href;
    const options = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).options;

    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems = [];
    const requests = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    // Anything but the page itself is refused (and counted above): the page must need nothing.
    await context.route((u) => u.href !== url, (route) => route.abort());
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

    check(requests.length === 0, `${kind}: requests left the page: ${requests.slice(0, 5).join(', ')}`);
    check(problems.length === 0, `${kind}: ${problems.slice(0, 5).join('; ')}`);

    // Every canvas holds a drawn chart: far more than a few pixels differ from the white ground.
    const canvases = await page.evaluate(() => Array.from(document.querySelectorAll('canvas')).map((c) => {
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
      }
      return { label: c.getAttribute('aria-label'), ink, size: c.width * c.height };
    }));
    check(canvases.length > 0, `${kind}: no chart on the page`);
    for (const c of canvases) check(c.ink > 400, `${kind}: chart "${c.label}" is blank (${c.ink} drawn pixels)`);

    // The charts that compare options name every option in their legend, by its label; and
    // the page's option table names every option that was run.
    const labels = await page.evaluate(() => JSON.parse(document.getElementById('parley-data').textContent)
      .options.map((o) => o.label));
    check(labels.length === options.length, `${kind}: the data names ${labels.length} options, the manifest ${options.length}`);
    const legends = await page.evaluate(() => Object.values(Chart.instances)
      .filter((ch) => ch.options.plugins.legend.display !== false && ch.data.datasets.some((d) => d.group))
      .map((ch) => ({ title: ch.canvas.getAttribute('aria-label'), items: ch.legend.legendItems.map((i) => i.text) })));
    if (kind === 'run') check(legends.length > 0, `${kind}: no chart with an option legend`);
    if (kind === 'compare') {
      // Forest plots name the options on their axis, one row each (the baseline is the zero).
      const axes = await page.evaluate(() => Object.values(Chart.instances)
        .map((ch) => ({ title: ch.canvas.getAttribute('aria-label'), labels: ch.data.labels })));
      check(axes.length > 0, `${kind}: no forest plot`);
      for (const a of axes) {
        for (const label of labels.slice(1)) check(a.labels.includes(label), `${kind}: "${a.title}" misses "${label}"`);
      }
      // The verdicts are the engine's words, each coloured by what it says; the ranking shows
      // the min effect it used.
      const verdicts = await page.evaluate(() => Array.from(document.querySelectorAll('span.verdict'))
        .map((v) => ({ text: v.textContent, cls: v.className })));
      const want = { 'better': 'better', 'worse': 'worse', 'higher': 'better', 'lower': 'worse',
                     'no practical difference': 'negligible',
                     'no clear difference': 'unclear' };
      check(verdicts.length > 0, `${kind}: no verdict in the ranking`);
      check(verdicts.some((v) => v.text === 'no practical difference'),
        `${kind}: no "no practical difference" verdict (300 runs of the default scenario have some)`);
      for (const v of verdicts) check(v.cls === 'verdict ' + want[v.text], `${kind}: verdict "${v.text}" has class "${v.cls}"`);
      const minEffects = await page.locator('p.min-effect').allInnerTexts();
      check(minEffects.length > 0 && minEffects.every((t) => t === 'min effect ±0.01'),
        `${kind}: the ranking's min effects read ${JSON.stringify(minEffects.slice(0, 3))}`);
    }
    if (kind === 'sweep') {
      // Each tornado chart says how far its outcome moves over the design, under its title.
      const subtitles = await page.locator('p.chart-subtitle').allInnerTexts();
      const tornadoes = await page.evaluate(() => JSON.parse(document.getElementById('parley-data').textContent).tornado.length);
      check(subtitles.length === tornadoes && tornadoes > 0,
        `${kind}: ${subtitles.length} spread subtitles for ${tornadoes} tornado charts`);
      for (const t of subtitles) check(t.startsWith('Spread over the design: sd '), `${kind}: subtitle "${t}"`);
    }
    for (const l of legends) {
      for (const label of labels) check(l.items.includes(label), `${kind}: the legend of "${l.title}" misses "${label}"`);
    }
    const table = await page.locator('#options table').count();
    if (kind !== 'sweep') {
      check(table === 1, `${kind}: no table of options`);
      const text = await page.locator('#options table').innerText();
      for (const o of options) check(text.includes(o), `${kind}: the option table misses ${o}`);
      // The --given section: its title names the condition; one row of shares per option.
      const title = await page.locator('#given h2').innerText();
      check(title.includes(given), `${kind}: the given section's title is "${title}"`);
      const shares = await page.locator('#given table').first().locator('tbody tr').count();
      check(shares === options.length, `${kind}: ${shares} rows of shares for ${options.length} options`);
      const outcomes = await page.locator('#given table').count();
      check(outcomes === 2, `${kind}: the given section has ${outcomes} tables, expected shares and outcomes`);
    }

    if (kind === 'run') await whySection(page, out, options);

    // The first chart's downloads: a PNG image and the numbers behind it.
    const figure = page.locator('figure.chart').first();
    const [png] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: 'PNG' }).click()]);
    const pngPath = path.join(work, kind + '-chart.png');
    await png.saveAs(pngPath);
    const bytes = fs.readFileSync(pngPath);
    check(png.suggestedFilename().endsWith('.png') && bytes.subarray(1, 4).toString() === 'PNG' && bytes.length > 2000,
      `${kind}: the PNG download is not an image (${png.suggestedFilename()}, ${bytes.length} bytes)`);
    const [csv] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: 'CSV' }).click()]);
    const csvPath = path.join(work, kind + '-chart.csv');
    await csv.saveAs(csvPath);
    const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
    check(csv.suggestedFilename().endsWith('.csv') && rows.length > 2 && rows[0].includes(','),
      `${kind}: the CSV download holds no table (${rows.length} lines)`);

    await page.screenshot({ path: path.join(artifacts, `report-${kind}.png`), fullPage: true });
    await page.screenshot({ path: path.join(artifacts, `report-${kind}-top.png`) });
    // The first charts of the page, as the README shows them.
    const top = await page.evaluate(() =>
      document.querySelectorAll('section')[1].getBoundingClientRect().top + window.scrollY);
    await page.screenshot({ path: path.join(artifacts, `report-${kind}-charts.png`), fullPage: true,
                            clip: { x: 0, y: Math.max(0, top - 10), width: 1400, height: 760 } });
    // Nothing the page did since (menus, tables, downloads) asked for anything either.
    check(requests.length === 0, `${kind}: requests left the page: ${requests.slice(0, 5).join(', ')}`);
    check(problems.length === 0, `${kind}: ${problems.slice(0, 5).join('; ')}`);
    console.log(`${kind}: ${canvases.length} charts drawn, ${legends.length} legends checked, no request, no console error`);
    await context.close();
  }
} catch (e) {
  failures++;
  console.error(e.stack || String(e));
} finally {
  await browser.close();
  fs.rmSync(work, { recursive: true, force: true });
}
if (failures > 0 || check.failed) process.exit(1);
console.log(`report pages pass in chromium; screenshots in ${artifacts}`);
