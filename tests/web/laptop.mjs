// A student's laptop on the classroom network, for tests/net/serve_network_test.sh: run inside
// a second host (a network namespace), it joins through the join page at the server's network
// address, sits as the given team, and waits on its team page until the facilitator (on the
// server's machine) opens turn TURN, then passes and waits for the confirmation. Prints what it
// saw; exits non-zero on any failed step, console error or request to another origin.
//
// usage: node tests/web/laptop.mjs ORIGIN CODE ACTOR NAME TURN SCREENSHOT
import { launchBrowser, fail, check } from './browser.mjs';

const [origin, code, actor, name, turn, screenshot] = process.argv.slice(2);
if (!screenshot) fail('usage: node laptop.mjs ORIGIN CODE ACTOR NAME TURN SCREENSHOT');
setTimeout(() => fail('the laptop took more than 60 s'), 60000).unref();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith(origin + '/') && !r.url().startsWith('data:')) problems.push('request to ' + r.url()); });
  await page.goto(`${origin}/join?code=${code}`);
  await page.fill('#name', name);
  await page.click('#find-button');
  await page.waitForSelector(`#seat-${actor}`, { timeout: 10000 });
  await page.check(`#seat-${actor}`);
  await page.click('#join-button');
  await page.waitForSelector('#joined:not([hidden])', { timeout: 10000 });
  await page.click('#go');
  await page.waitForFunction(() => /live/.test(document.querySelector('.cl-conn')?.textContent || ''), null, { timeout: 10000 });
  console.log('joined over the network; the team page is live');
  // The facilitator opens the turn from the server's machine; the page learns it from its stream.
  await page.waitForFunction((t) => new RegExp(`Turn ${t} of`).test(document.querySelector('.cl-turn')?.textContent || '') &&
    !document.querySelector('#pass')?.disabled, turn, { timeout: 20000 });
  await page.click('#pass');
  await page.waitForFunction((t) => new RegExp(`Submitted for turn ${t}|Turn ${t} is over`).test(document.body.textContent), turn, { timeout: 10000 });
  console.log(`turn ${turn} opened live and the pass was confirmed`);
  await page.screenshot({ path: screenshot });
  check(problems.length === 0, problems.join('; '));
} catch (e) {
  fail(e.message);
} finally {
  await browser.close();
}
if (check.failed) process.exit(1);
