// Screenshots for the README: starts Natter on a temporary data directory, fills it with a
// believable conversation through the API and the WebSocket (a room chat with a link, emoji
// and an uploaded image; a private chat with a file), then saves the lobby, a room and a
// private chat at desktop (1280×800) and phone (390×844) sizes into docs/images/.
//
//   npm run screenshots                       light theme, into docs/images/
//   node scripts/screenshots.mjs --dark DIR   dark theme, into DIR (after a build; not committed)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
// Built by `npm run screenshots` before this script runs.
import { CHROMIUM, LAUNCH_ARGS } from '../dist/test/helpers/chromium.js';
import { encodePng } from '../dist/test/helpers/png.js';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dark = args.includes('--dark');
const outDir = path.resolve(root, args.find((a) => !a.startsWith('--')) ?? 'docs/images');
const MAX_BYTES = 300 * 1024;
const password = `screenshots ${randomBytes(12).toString('hex')}`;

/** A dashboard mock-up: a header, three stat cards and a bar chart. */
function dashboardPng(width = 640, height = 400) {
  const px = Buffer.alloc(width * height * 3);
  const rect = (x0, y0, w, h, [r, g, b]) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
        const at = (y * width + x) * 3;
        px[at] = r;
        px[at + 1] = g;
        px[at + 2] = b;
      }
    }
  };
  rect(0, 0, width, height, [244, 246, 250]);
  rect(0, 0, width, 48, [36, 87, 197]);
  rect(20, 16, 120, 16, [214, 226, 250]);
  const accents = [
    [46, 160, 103],
    [240, 160, 40],
    [210, 70, 90],
  ];
  for (let i = 0; i < 3; i++) {
    const x = 20 + i * 205;
    rect(x, 68, 190, 84, [255, 255, 255]);
    rect(x, 68, 6, 84, accents[i]);
    rect(x + 20, 86, 90, 10, [200, 205, 214]);
    rect(x + 20, 106, 60 + i * 25, 24, [60, 66, 80]);
  }
  rect(20, 172, 600, 208, [255, 255, 255]);
  const bars = [62, 90, 74, 120, 104, 140, 132, 168, 150, 176, 160, 188];
  bars.forEach((h, i) => {
    rect(44 + i * 48, 360 - h, 30, h, i === bars.length - 1 ? [36, 87, 197] : [126, 163, 255]);
  });
  rect(36, 360, 568, 2, [200, 205, 214]);
  return encodePng(width, height, px);
}

// ---------- Natter in a child process ----------

async function startNatter(dataDir) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'info',
      MESSAGES_PER_SECOND: '1000',
      MESSAGE_BURST: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Natter did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`Natter exited with ${code} before listening`)));
    lines.on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'Natter is listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

function stopNatter(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// ---------- people talking through the API ----------

class Person {
  constructor(base, username, avatar) {
    this.base = base;
    this.username = username;
    this.avatar = avatar;
  }

  async request(method, pathname, body, headers = {}) {
    const res = await fetch(this.base + pathname, {
      method,
      headers: {
        origin: this.base,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const json = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async register() {
    const { user } = await this.request('POST', '/api/register', {
      username: this.username,
      password,
      avatar: this.avatar,
    });
    this.id = user.id;
    return this;
  }

  async upload(bytes, name, type) {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    return (await this.request('POST', '/api/uploads', form)).attachment;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.base.replace('http', 'ws')}/ws`, {
        headers: { cookie: this.cookie, origin: this.base },
      });
      this.acks = new Map();
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'ack') this.acks.get(frame.clientId)?.(frame.message);
      });
      ws.once('open', () => {
        this.ws = ws;
        resolve(ws);
      });
      ws.once('error', reject);
    });
  }

  /** Sends a message and waits until it is stored. */
  say(target, text, attachmentId) {
    const clientId = randomBytes(8).toString('hex');
    return new Promise((resolve) => {
      this.acks.set(clientId, resolve);
      this.ws.send(JSON.stringify({ type: 'send', clientId, ...target, text, attachmentId }));
    });
  }
}

async function seed(base) {
  const alice = await new Person(base, 'alice', 2).register();
  const bob = await new Person(base, 'bob', 3).register();
  const carol = await new Person(base, 'carol', 5).register();
  const dave = await new Person(base, 'dave', 9).register();
  for (const p of [alice, bob, carol, dave]) await p.connect();
  const { rooms } = await alice.request('GET', '/api/rooms');
  const general = rooms.find((r) => r.name === 'General').id;
  const random = rooms.find((r) => r.name === 'Random').id;
  for (const p of [bob, carol]) p.ws.send(JSON.stringify({ type: 'subscribe', roomId: general }));

  const g = { roomId: general };
  await alice.say({ roomId: random }, 'Hello everyone 👋');
  await carol.say(
    g,
    'Morning all! ☕ Stand-up notes are in the wiki: https://wiki.example.com/standup/2026-11-23',
  );
  await bob.say(g, 'Thanks Carol, I will read them after lunch :+1:');
  const image = await alice.upload(dashboardPng(), 'dashboard-mockup.png', 'image/png');
  await alice.say(g, 'Here is the new dashboard mock-up, feedback welcome:', image.id);
  await dave.say(g, 'That looks great 😍 The weekly chart is much easier to read now.');
  await carol.say(g, '@alice can we ship it on Friday?');
  const last = await alice.say(g, 'Yes, if the tests stay green 🎉');
  alice.ws.send(JSON.stringify({ type: 'read', roomId: general, messageId: last.id }));

  const toBob = { toUserId: bob.id };
  const toAlice = { toUserId: alice.id };
  await bob.say(toAlice, 'Hey, do you have a minute for the release checklist?');
  await alice.say(toBob, 'Sure, give me five minutes');
  const checklist = await bob.upload(
    Buffer.from('# Release checklist\n\n- [ ] Changelog\n- [ ] Tag\n- [ ] Announce\n'.repeat(12), 'utf8'),
    'release-checklist.md',
    'text/markdown',
  );
  await bob.say(toAlice, 'Thanks! Here it is:', checklist.id);
  const lastDm = await alice.say(toBob, 'Got it :thumbsup: I will go through it now');
  alice.ws.send(JSON.stringify({ type: 'read', toUserId: bob.id, messageId: lastDm.id }));

  // Things Alice has not read yet: badges in the lobby.
  await carol.say({ roomId: random }, 'Anyone up for a board game night on Thursday? 🎲');
  await dave.say({ roomId: random }, 'Count me in!');
  await dave.say({ toUserId: alice.id }, 'Can you review my pull request when you have a moment?');
  return { alice, bob, general, random, others: [bob, carol, dave] };
}

// ---------- the screenshots ----------

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'natter-screens-'));
  const { child, url } = await startNatter(dataDir);
  let browser;
  try {
    const world = await seed(url);
    await mkdir(outDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...LAUNCH_ARGS, '--font-render-hinting=none'],
    });
    const sizes = {
      desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
      phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    };
    const shots = [
      ['lobby', '/'],
      ['room', `/rooms/${world.general}`],
      ['dm', `/dm/${world.bob.id}`],
    ];
    const written = [];
    for (const [size, options] of Object.entries(sizes)) {
      const context = await browser.newContext({
        baseURL: url,
        colorScheme: dark ? 'dark' : 'light',
        reducedMotion: 'reduce',
        ...options,
      });
      const login = await context.request.post('/api/login', {
        data: { username: 'alice', password },
        headers: { origin: url },
      });
      if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
      // The room and the private chat first: reading them is what a person would have done.
      for (const [name, pathname] of [...shots.slice(1), shots[0]]) {
        await page.goto(pathname);
        await page.waitForLoadState('networkidle');
        await page.evaluate(async () => {
          await document.fonts.ready;
          await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
        });
        if (name !== 'lobby') await page.locator('#online-count, #peer-status').first().waitFor();
        await page.waitForTimeout(400);
        const file = path.join(outDir, `${name}-${size}.png`);
        await page.screenshot({ path: file });
        const { size: bytes } = await stat(file);
        written.push(`${path.relative(root, file)} (${Math.round(bytes / 1024)} KB)`);
        if (bytes > MAX_BYTES) console.error(`warning: ${file} is ${Math.round(bytes / 1024)} KB (> 300 KB)`);
      }
      await context.close();
    }
    for (const p of world.others) p.ws.close();
    world.alice.ws.close();
    console.log(`Saved:\n  ${written.join('\n  ')}`);
  } finally {
    await browser?.close();
    await stopNatter(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
