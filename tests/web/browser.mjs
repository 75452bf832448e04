// Shared by the browser tests: Debian's chromium through playwright-core (never a downloaded
// browser), started so that it makes no connection of its own.
import fs from 'node:fs';

let playwright;
try {
  playwright = await import('playwright-core');
} catch {
  console.error('playwright-core is not installed: run `npm ci` in tests/web (tools/check does)');
  process.exit(1);
}

/// Prints `message` and stops the test.
export function fail(message) {
  console.error('FAILED: ' + message);
  process.exit(1);
}

/// Records a failed condition without stopping, so that one run lists every problem.
export function check(condition, message) {
  if (!condition) {
    console.error('FAILED: ' + message);
    check.failed = true;
  }
  return condition;
}
check.failed = false;

/// The chromium binary: $PARLEY_CHROMIUM, else Debian's.
export function chromiumPath() {
  const exe = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(exe)) fail(`no chromium at ${exe}: install Debian's chromium (tools/check does)`);
  return exe;
}

/// A headless chromium with its background services off.
export async function launchBrowser() {
  return playwright.chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage'],
  });
}
