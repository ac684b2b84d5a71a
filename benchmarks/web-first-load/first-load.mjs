// The web client's first load, as a person opening tanager serve's page would see it (benchmarks/README.md §10).
//
//   node first-load.mjs http://127.0.0.1:5080/ [runs]
//
// Against a running, warm `tanager serve` (published, Release): registers a user, makes a workspace with a channel, then
// opens the page `runs` times in a fresh browser context (empty cache: everything downloaded) with the user's session
// token already in localStorage, as after an earlier sign-in, and measures from navigation to the channel list shown
// (the first channel button in the sidebar visible). Each context then reloads the page (cache warm) and measures again.
// Bytes are what the browser reports having received (encoded, i.e. compressed, plus headers) for every request.
import { chromium } from 'playwright-core';

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:5080/');
const runs = Number(process.argv[3] ?? 5);
const api = path => new URL(`api/v1/${path}`, base);

async function call(method, path, token, body) {
  const response = await fetch(api(path), {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? null : response.json();
}

const email = `load-${Date.now()}@example.test`;
const { token } = await call('POST', 'auth/register', null, { email, password: 'correct horse battery', display_name: 'Load' });
const workspace = await call('POST', 'workspaces', token, { name: 'Acme' });
await call('POST', `workspaces/${workspace.id}/channels`, token, { name: 'general' });
// Warm the server: its first requests JIT the paths the page will use.
for (let i = 0; i < 20; i++) {
  await call('GET', 'users/me', token);
  await call('GET', `workspaces/${workspace.id}/channels`, token);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const key = `tanager.token:${base.href}`;

async function measure(page, cdp, navigate) {
  let bytes = 0;
  let requests = 0;
  const onFinished = event => { bytes += event.encodedDataLength; requests++; };
  cdp.on('Network.loadingFinished', onFinished);
  const start = performance.now();
  await navigate();
  await page.locator('nav .tg-channel').first().waitFor({ state: 'visible', timeout: 60_000 });
  const ms = performance.now() - start;
  // Requests still in flight when the list appeared (none expected) would be missed: wait for the network to settle.
  await page.waitForLoadState('networkidle');
  cdp.off('Network.loadingFinished', onFinished);
  return { ms, bytes, requests };
}

const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(([k, t]) => localStorage.setItem(k, t), [key, token]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cold.push(await measure(page, cdp, () => page.goto(base.href)));
  warm.push(await measure(page, cdp, () => page.reload()));
  await context.close();
}
await browser.close();

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const show = (name, list) => console.log(`${name}: time to channel list ms ${list.map(r => r.ms.toFixed(0)).join(' ')} (median ${median(list.map(r => r.ms)).toFixed(0)}); `
  + `bytes received ${list.map(r => r.bytes).join(' ')} (median ${median(list.map(r => r.bytes))}) in ${median(list.map(r => r.requests))} requests`);
show('cold cache', cold);
show('warm cache', warm);
