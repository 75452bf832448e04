// Browser test of the classroom pages of `parley serve`, in Debian's chromium driven by
// playwright-core: a facilitator and three teams (US, TLB, PAK), each in a browser context of
// its own, play three turns through the pages alone. The teams join through the join page;
// the facilitator opens every turn with a deadline from the console; one team misses a turn
// that resolves at its deadline; the facilitator announces an event (its headline reaches the
// teams' news), pauses and resumes, turns the advisor on, sends a message, resolves a turn by
// force, undoes (the turn number goes back on every page), exports the events, ends the game,
// and the debrief draws its charts in the console and on a team's page, and the table of why
// the AI chose (the server's numbers, the team's seat marked). No page may log an
// error or make a request to anything but the server. Screenshots and a printed brief are kept.
//
// usage: node tests/web/classroom_test.mjs PARLEY_BINARY ARTIFACTS_DIR
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, fail, check } from './browser.mjs';

const [parley, artifacts] = process.argv.slice(2);
if (!parley || !artifacts) fail('usage: node classroom_test.mjs PARLEY_BINARY ARTIFACTS_DIR');
const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = path.join(source, 'scenarios', 'afghanistan-2025');
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-classroom-test-'));
fs.mkdirSync(artifacts, { recursive: true });

// ---- the server ---------------------------------------------------------------------------------

const server = spawn(parley, ['serve', scenario, '--port', '0', '--data', data, '--reference-runs', '300'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
let stopping = false;
server.stderr.on('data', (b) => { serverLog += b; });
// The server dies with the test, however the test ends.
process.on('exit', () => {
  server.kill('SIGKILL');
  fs.rmSync(data, { recursive: true, force: true });
});
setTimeout(() => fail('the test took more than 200 s'), 200000).unref();

const { origin, token, code } = await new Promise((resolve) => {
  let out = '';
  const timer = setTimeout(() => fail('parley serve printed no facilitator link in 30 s:\n' + out + serverLog), 30000);
  server.stdout.on('data', (b) => {
    out += b;
    const f = /(http:\/\/127\.0\.0\.1:\d+)\/facilitator#token=([0-9a-f]{32})/.exec(out);
    const j = /\/join\?code=([A-Z0-9]+)/.exec(out);
    if (f && j) {
      clearTimeout(timer);
      resolve({ origin: f[1], token: f[2], code: j[1] });
    }
  });
  server.on('exit', (status) => stopping || fail(`parley serve stopped (status ${status}):\n${out}${serverLog}`));
});

// The facilitator's view of world 1, straight from the API: what the pages should show.
async function api(p, init) {
  const res = await fetch(origin + p, Object.assign({ headers: { Authorization: 'Bearer ' + token } }, init));
  if (!res.ok) fail(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}
const worldView = () => api('/api/worlds/1');

// ---- the browsers -------------------------------------------------------------------------------

const browser = await launchBrowser();
const pages = [];

// A page in a context of its own (its own storage: one person's browser), watched for console
// errors, page errors and requests that leave the server's origin (refused and counted).
async function person(label, viewport) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.route((u) => u.origin !== origin, (route) => route.abort());
  const page = await context.newPage();
  const record = { label, page, context, problems: [], foreign: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') record.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => record.problems.push('page error: ' + e.message));
  page.on('request', (r) => { if (new URL(r.url()).origin !== origin) record.foreign.push(r.url()); });
  page.on('dialog', (d) => d.accept());
  pages.push(record);
  return record;
}

async function text(page, selector) {
  return (await page.locator(selector).first().textContent()) || '';
}

// Waits until the element's text matches `pattern`; a check (not a stop) when it does not.
async function expectText(who, selector, pattern, what, timeout = 10000) {
  try {
    await who.page.waitForFunction(([s, p]) => {
      return Array.from(document.querySelectorAll(s)).some((e) => new RegExp(p).test(e.textContent));
    }, [selector, pattern.source], { timeout });
    return true;
  } catch {
    return check(false, `${who.label}: ${what} (${selector} says "${(await text(who.page, selector)).trim().slice(0, 200)}")`);
  }
}

// Counts the drawn pixels of every canvas under `selector`: a chart that drew nothing has
// only its white ground.
async function inks(page, selector) {
  return page.evaluate((s) => Array.from(document.querySelectorAll(s)).map((c) => {
    const { data: px } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) ink++;
    return { label: c.getAttribute('aria-label'), ink };
  }), selector);
}

// Each phase needs the ones before it: after a failed phase the test stops (every failed
// check so far is listed) instead of waiting out the timeouts of every later step.
function phaseDone(name) {
  if (check.failed) throw new Error(`stopped after ${name}: the later steps depend on it`);
}

let failures = 0;
try {
  // ---- the facilitator opens the console and sets the grace period to 0 -----------------------
  const fac = await person('facilitator', { width: 1400, height: 1000 });
  await fac.page.goto(`${origin}/facilitator#token=${token}`);
  await expectText(fac, '#join-code', new RegExp('^' + code + '$'), 'the join code is not shown');
  check((await fac.page.locator('#join-link').getAttribute('href')) === `${origin}/join?code=${code}`, 'facilitator: the join link is not the join page with the code');
  await fac.page.fill('#set-grace', '0');
  await fac.page.click('#settings-save');
  await expectText(fac, '#messages', /Settings saved/, 'saving the settings was not confirmed');
  check((await worldView()).settings.grace_seconds === 0, 'the settings form did not set the grace period to 0');
  phaseDone('the settings');

  // ---- three teams join through the join page --------------------------------------------------
  const teams = {};
  for (const [actor, name, viewport] of [['US', 'Ann', { width: 390, height: 844 }], ['TLB', 'Tariq', { width: 1280, height: 900 }],
                                          ['PAK', 'Priya', { width: 1280, height: 900 }]]) {
    const t = await person(actor, viewport);
    await t.page.goto(`${origin}/join`);
    await t.page.fill('#code', code.toLowerCase());
    await t.page.fill('#name', name);
    await t.page.click('#find-button');
    await t.page.waitForSelector(`#seat-${actor}`, { timeout: 10000 });
    await t.page.check(`#seat-${actor}`);
    await t.page.click('#join-button');
    await t.page.waitForSelector('#joined:not([hidden])', { timeout: 10000 });
    const link = await t.page.locator('#go').getAttribute('href');
    check(/\/team#token=[0-9a-f]{32}$/.test(link), `${actor}: the join page gave no team link (${link})`);
    check((await text(t.page, '#team-link')) === link, `${actor}: the join page does not show the link to keep`);
    await t.page.click('#go');
    await expectText(t, '#bar-team', /.+/, 'the team page names no team');
    await expectText(t, '.cl-conn', /^live$/, 'the team page is not live');
    t.name = name;
    t.actorName = (await text(t.page, '#bar-team')).trim();
    teams[actor] = t;
  }
  const v0 = await worldView();
  for (const actor of ['US', 'TLB', 'PAK']) {
    const seat = v0.teams.find((x) => x.actor === actor);
    check(seat.seated && seat.brief.members.includes(teams[actor].name), `${actor}: ${teams[actor].name} is not seated there`);
    check(teams[actor].actorName === seat.name, `${actor}: the team page names "${teams[actor].actorName}", expected "${seat.name}"`);
    await expectText(fac, '#teams', new RegExp(teams[actor].name), `the teams table does not show ${teams[actor].name}`);
  }
  await expectText(teams.US, '#brief', /What you want/, 'the team page shows no brief');
  await expectText(teams.US, '#issues', /USD bn/, 'the situation shows no issue in its unit');
  phaseDone('joining');

  const all = () => [fac, teams.US, teams.TLB, teams.PAK];
  const everyPage = async (selector, pattern, what) => { for (const p of all()) await expectText(p, selector, pattern, what); };

  // Opens the next turn from the console with a deadline of `minutes`:`seconds`.
  async function openTurn(turn, minutes, seconds) {
    await fac.page.fill('#deadline-minutes', String(minutes));
    await fac.page.fill('#deadline-seconds', String(seconds));
    await expectText(fac, '#open', new RegExp(`Open turn ${turn}`), `the open button does not offer turn ${turn}`);
    await fac.page.click('#open');
    await everyPage('.cl-turn', new RegExp(`^Turn ${turn} of 24`), `turn ${turn} did not open`);
  }

  // A team ticks its first available move (or passes) and submits through the page; returns
  // the move's id (or null for a pass).
  async function play(actor, turn, pass) {
    const t = teams[actor];
    await expectText(t, '#moves-title', new RegExp(`turn ${turn}`), `the moves of turn ${turn} are not offered`);
    if (pass) {
      await t.page.click('#pass');
      await expectText(t, '#submission, .cl-clock', new RegExp(`Submitted for turn ${turn}: pass|Turn ${turn} is over`), `passing turn ${turn} was not recorded`);
      check(await submitted(actor, turn, null), `${actor}: the server did not get the pass the page submitted`);
      return null;
    }
    const label = t.page.locator('#moves label.cl-move:not(.unavailable)').first();
    const move = await label.getAttribute('data-move');
    const name = (await label.locator('.cl-move-name').textContent()).trim();
    await label.click();
    await expectText(t, '#choice-count', new RegExp(`Chosen: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'ticking a move did not choose it');
    await t.page.click('#submit');
    // The last team to submit closes the turn at once: then the page says the turn is over.
    await expectText(t, '#submission, .cl-clock', new RegExp(`Submitted for turn ${turn}: .*You can change it until the turn closes|Turn ${turn} is over`),
      `submitting turn ${turn} was not confirmed`);
    check(await submitted(actor, turn, move), `${actor}: the server did not get the move ${move} the page submitted`);
    return move;
  }

  // What the server holds of a team's choice of a turn: the open turn's submission, or the
  // record of a resolved turn.
  async function submitted(actor, turn, move) {
    const v = await worldView();
    if (v.status.open && v.status.resolved + 1 === turn) {
      const sub = v.teams.find((x) => x.actor === actor).submission;
      return Boolean(sub && (move === null ? sub.length === 0 : sub.includes(move)));
    }
    const c = v.debrief.choices.find((x) => x.turn === turn && x.actor === actor);
    return Boolean(c && c.submitted && (move === null ? c.moves.length === 0 : c.moves.includes(move)));
  }

  // The debrief's "Why the AI chose": one collapsed turn per resolved turn; opened, a table per
  // actor whose rows are the view's numbers (the server's explain table), the seats marked.
  async function whyTables() {
    const why = (await worldView()).debrief.why;
    check(why.length === 3, `the debrief's why has ${why.length} turns, expected 3`);
    const dec = (v, d) => {
      const s = v.toFixed(d);
      return /^-0\.0*$/.test(s) ? s.slice(1) : s;
    };
    for (const [who, root] of [[fac, '#debrief .cl-ai-why'], [teams.US, '#debrief-section .cl-ai-why']]) {
      const turns = await who.page.locator(`${root} details.why-turn`).count();
      check(turns === 3, `${who.label}: the why section shows ${turns} turns, expected 3`);
    }
    const root = '#debrief .cl-ai-why details.why-turn[data-turn="3"]';
    await fac.page.click(`${root} > summary`);
    const turn3 = why[2];
    check(turn3.choices.some((c) => c.seated && c.actor === 'US') && turn3.choices.some((c) => !c.seated),
      'turn 3 of the why has not both the AI actors and the US team\'s seat');
    for (const c of turn3.choices) {
      const table = `${root} table.why-table[data-actor="${c.actor}"]`;
      try {
        await fac.page.waitForSelector(table, { timeout: 5000 });
      } catch {
        check(false, `the why table of ${c.actor} in turn 3 is not drawn`);
        continue;
      }
      const rows = await fac.page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => ({ move: tr.dataset.move, cells: [...tr.cells].map((td) => td.textContent) })));
      check(rows.length === c.moves.length + 1, `${c.actor}: the why table has ${rows.length} rows, expected ${c.moves.length + 1}`);
      check(rows[0].cells[5] === dec(c.pass.probability, 3) && (rows[0].cells[6] === '✓') === (c.choice === null),
        `${c.actor}: the pass row (${rows[0].cells.join(' | ')}) is not the view's`);
      c.moves.forEach((m, k) => {
        const r = rows[k + 1];
        if (!r) return;
        const want = m.available
          ? [dec(m.value, 4), dec(m.cost, 4), (m.score > 0 ? '+' : '') + dec(m.score, 4), dec(m.probability, 3), m.chosen ? '✓' : '']
          : ['', '', '', '', ''];
        const got = r.cells.slice(2);
        check(r.move === m.move && JSON.stringify(got) === JSON.stringify(want) && (m.available || r.cells[1].includes(m.blocked)),
          `${c.actor} ${m.move}: the why row (${r.cells.join(' | ')}) is not the view's (${want.join(' | ')})`);
      });
    }
    await expectText(fac, root, /United States: a team’s seat; the AI would have/, 'the why table does not mark the US team\'s seat');
    // One actor at a time.
    await fac.page.selectOption('#debrief .cl-ai-why select', 'TLB');
    const shown = await fac.page.locator(`${root} table.why-table`).count();
    const tlb = await fac.page.locator(`${root} table.why-table[data-actor="TLB"]`).count();
    check(shown === 1 && tlb === 1, `choosing TLB shows ${shown} why tables (${tlb} of TLB), expected TLB's alone`);
    await fac.page.locator('#debrief .cl-ai-why').screenshot({ path: path.join(artifacts, 'classroom-why.png') });
  }

  // ---- turn 1: every team submits; the turn resolves when the last one does -------------------
  await openTurn(1, 2, 0);
  await expectText(teams.US, '.cl-clock', /^[12]:\d\d left$/, 'the countdown does not show the time left');
  const usMove = await play('US', 1);
  await expectText(fac, '#teams', /✓ submitted/, 'the console does not show that the US submitted');
  await teams.US.page.screenshot({ path: path.join(artifacts, 'classroom-team-phone.png'), fullPage: false });
  await play('TLB', 1);
  await play('PAK', 1, true);
  await everyPage('.cl-clock', /Turn 1 is over/, 'turn 1 did not resolve when every team had submitted');
  const usHeadline = (await worldView()).public.events.find((e) => e.move === usMove && e.by === 'person')?.headline;
  check(Boolean(usHeadline), `the US's move ${usMove} is not among the events`);
  if (usHeadline) for (const t of [teams.TLB, teams.PAK]) await expectText(t, '#events', new RegExp(usHeadline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the US move is not in the news');
  phaseDone('turn 1');

  // ---- turn 2: PAK does not submit; the turn resolves at its 5 s deadline ----------------------
  const opened = Date.now();
  await openTurn(2, 0, 5);
  await play('US', 2);
  await play('TLB', 2);
  await expectText(teams.PAK, '#submission', /Not submitted yet/, 'the page of a team that has not submitted does not say so');
  await teams.TLB.page.evaluate(() => window.scrollTo(0, 0));
  await teams.TLB.page.screenshot({ path: path.join(artifacts, 'classroom-team.png') });
  await everyPage('.cl-clock', /Turn 2 is over/, 'turn 2 did not resolve at its deadline');
  const waited = (Date.now() - opened) / 1000;
  check(waited >= 4.5, `turn 2 resolved after ${waited.toFixed(1)} s, before its 5 s deadline`);
  const missed = (await worldView()).debrief.choices.find((c) => c.turn === 2 && c.actor === 'PAK');
  check(missed && missed.submitted === false, 'the record of turn 2 does not show that PAK missed it');
  phaseDone('turn 2');

  // ---- turn 3: the facilitator announces an event; it reaches every team's news ----------------
  await openTurn(3, 3, 0);
  await fac.page.selectOption('#inject-move', 'irn_chabahar_link');
  await fac.page.click('#inject');
  for (const t of Object.values(teams)) {
    await expectText(t, '#events li[data-move="irn_chabahar_link"]', /Chabahar.*news from the facilitator/, 'the announced event is not in the news');
    await expectText(t, '#notice', /News: Iran opens a Chabahar transit link/, 'the announcement is not on top of the page');
  }
  const injected = (await worldView()).public.events.find((e) => e.move === 'irn_chabahar_link' && e.by === 'inject');
  check(Boolean(injected), 'the announced event is not among the events');
  // Pause and resume: the teams' clocks say so, and a paused team cannot submit.
  await fac.page.click('#pause');
  await expectText(teams.US, '.cl-clock', /^Paused/, 'pausing does not show on the team page');
  check(await teams.US.page.locator('#pass').isDisabled(), 'a team can still pass while the game is paused');
  await fac.page.click('#resume');
  await expectText(teams.US, '.cl-clock', /left$/, 'resuming does not restart the countdown on the team page');
  // The advisor: the teams see how the AI rates their moves.
  await fac.page.check('#advisor');
  await expectText(teams.US, '#moves', /AI rates it/, 'the advisor does not show on the team page');
  // A message to every world reaches every team.
  await fac.page.fill('#message-text', 'Two minutes to agree on your move.');
  await fac.page.click('#message-all');
  for (const t of Object.values(teams)) await expectText(t, '#notice', /Two minutes to agree/, 'the message is not on top of the page');
  // PAK thinks too long: the facilitator resolves the turn by force.
  await play('US', 3);
  await play('TLB', 3);
  await fac.page.click('#resolve');
  await everyPage('.cl-clock', /Turn 3 is over/, 'resolving turn 3 by force did not work');
  phaseDone('turn 3');

  // ---- undo: turn 4 is opened, then undone; the turn number goes back on every page ------------
  await openTurn(4, 2, 0);
  await fac.page.click('#undo');
  await everyPage('.cl-turn', /^Turn 3 of 24/, 'undoing the open turn 4 did not bring the pages back to turn 3');
  await everyPage('.cl-clock', /Turn 3 is over/, 'after the undo, turn 3 is not shown as played');
  check((await worldView()).status.resolved === 3, 'after the undo, the world has not 3 turns played');
  // The record of the world, downloaded from the console.
  const [download] = await Promise.all([fac.page.waitForEvent('download'), fac.page.click('#export-events')]);
  const csvPath = path.join(data, 'events.csv');
  await download.saveAs(csvPath);
  const csv = fs.readFileSync(csvPath, 'utf8');
  check(csv.startsWith('run,option,turn,actor,move,headline,by') && csv.includes('irn_chabahar_link'),
    `the events.csv export is not the world's record (${csv.slice(0, 80)})`);
  phaseDone('the undo');
  // From the top, so that the sticky status bar sits in its place on the full-page picture.
  await fac.page.evaluate(() => window.scrollTo(0, 0));
  await fac.page.screenshot({ path: path.join(artifacts, 'classroom-facilitator.png'), fullPage: true });
  await fac.page.screenshot({ path: path.join(artifacts, 'classroom-facilitator-top.png') });

  // ---- the end: the debrief draws its charts --------------------------------------------------
  await fac.page.click('#end');
  await everyPage('.cl-clock', /The game has ended/, 'ending the game did not reach the page');
  for (const who of [fac, teams.US]) {
    const root = who === fac ? '#debrief' : '#debrief-section';
    try {
      await who.page.waitForFunction((r) => document.querySelectorAll(`${r} canvas`).length >= 17, root, { timeout: 20000 });
    } catch {
      check(false, `${who.label}: the debrief drew ${await who.page.locator(`${root} canvas`).count()} charts, expected 17 (16 metrics and the teams)`);
    }
    for (const c of await inks(who.page, `${root} canvas`)) check(c.ink > 400, `${who.label}: debrief chart "${c.label}" is blank (${c.ink} drawn pixels)`);
    await expectText(who, root, /did not submit/, 'the debrief does not show the missed turn');
    await expectText(who, root, /Chabahar/, 'the debrief does not list the announced event');
  }
  await whyTables();
  await teams.US.page.setViewportSize({ width: 1280, height: 900 });
  await teams.US.page.locator('#debrief-section').screenshot({ path: path.join(artifacts, 'classroom-debrief.png') });

  // ---- a printed brief: one page ---------------------------------------------------------------
  const brief = await fac.context.newPage();
  brief.on('pageerror', (e) => fac.problems.push('brief page error: ' + e.message));
  brief.on('console', (m) => { if (m.type() === 'error') fac.problems.push('brief console: ' + m.text()); });
  await brief.goto(`${origin}/brief#token=${token}&world=1&actor=US`);
  await brief.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
  const briefText = await brief.locator('#brief-page').textContent();
  check(/What you want/.test(briefText) && /You want [\d.]+ USD bn/.test(briefText) && /Your moves/.test(briefText) &&
    /Withhold aid/.test(briefText) && /Your relations/.test(briefText),
    'the printable brief misses what the actor wants (in the issue\'s unit), its moves or its relations');
  const pdf = path.join(artifacts, 'classroom-brief-US.pdf');
  // With the margins a browser's print dialog uses by default.
  await brief.pdf({ path: pdf, format: 'A4', printBackground: true, margin: { top: '1cm', bottom: '1cm', left: '1cm', right: '1cm' } });
  const pdfPages = (fs.readFileSync(pdf, 'latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pdfPages === 1, `the printed brief takes ${pdfPages} pages, expected one`);
  await brief.emulateMedia({ media: 'print' });
  await brief.screenshot({ path: path.join(artifacts, 'classroom-brief.png'), fullPage: true });

  // ---- no errors, no foreign requests ----------------------------------------------------------
  for (const p of pages) {
    check(p.problems.length === 0, `${p.label}: ${p.problems.slice(0, 5).join('; ')}`);
    check(p.foreign.length === 0, `${p.label}: requests left the server: ${p.foreign.slice(0, 5).join(', ')}`);
  }
} catch (e) {
  failures++;
  console.error(e.stack || String(e));
} finally {
  await browser.close();
  stopping = true;
  server.kill('SIGTERM');
}
if (failures > 0 || check.failed) process.exit(1);
console.log(`classroom pages pass in chromium: 4 people, 3 turns, inject, undo, debrief; screenshots in ${artifacts}`);
