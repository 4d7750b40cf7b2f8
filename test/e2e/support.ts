// Shared by the browser suites: a real Chromium against a real in-process Natter, pages
// that fail the test on uncaught errors or CSP violations, and screenshots on failure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import type { ConfigInput } from '../../src/config.js';
import { CHROMIUM, LAUNCH_ARGS } from '../helpers/chromium.js';
import { type ChatSocket, HttpClient } from '../helpers/client.js';
import { encodePng } from '../helpers/png.js';
import { startServer, type TestServer } from '../helpers/server.js';

export const DESKTOP = { width: 1280, height: 800 };
export const PASSWORD = `e2e password ${randomUUID()}`;
const RESULTS_DIR = path.resolve('test-results');

export interface Person {
  page: Page;
  id: number;
  username: string;
}

/** One suite's server, browser and pages. Call `suite()` at the top of a test file. */
export class Harness {
  server!: TestServer;
  browser!: Browser;
  readonly contexts: BrowserContext[] = [];
  readonly pageProblems: string[] = [];
  /** HTTP + ws clients of extra people the tests use to make things happen. */
  readonly helpers: { http: HttpClient; socket?: ChatSocket }[] = [];

  watch(page: Page, who: string): void {
    page.on('pageerror', (err) => this.pageProblems.push(`${who}: uncaught ${err.message}`));
    page.on('console', (msg) => {
      // CSP violations are bugs in the front end; network errors during a restart are not.
      if (msg.type() === 'error' && /Refused to|Content Security Policy/i.test(msg.text())) {
        this.pageProblems.push(`${who}: ${msg.text()}`);
      }
    });
  }

  async newPage(who: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({
      baseURL: this.server.url,
      viewport: DESKTOP,
      ...options,
    });
    context.setDefaultTimeout(10_000);
    this.contexts.push(context);
    const page = await context.newPage();
    this.watch(page, who);
    return page;
  }

  async closeContext(context: BrowserContext): Promise<void> {
    await context.close();
    const at = this.contexts.indexOf(context);
    if (at >= 0) this.contexts.splice(at, 1);
  }

  /** A person with a browser page, signed up over the API (the page's context holds the cookie). */
  async person(prefix: string, options: BrowserContextOptions = {}): Promise<Person> {
    const page = await this.newPage(prefix, options);
    const username = `${prefix}_${randomUUID().slice(0, 6)}`;
    const reply = await page.request.post('/api/register', { data: { username, password: PASSWORD } });
    assert.equal(reply.status(), 201, await reply.text());
    const { user } = await reply.json();
    return { page, id: user.id, username };
  }

  /** A person who is not in a browser: signs up over HTTP and talks over a raw socket. */
  async helperPerson(prefix = 'helper'): Promise<{ http: HttpClient; socket: ChatSocket }> {
    const http = new HttpClient(this.server.url);
    await http.register(`${prefix}_${randomUUID().slice(0, 8)}`, PASSWORD);
    const socket = await http.socket(this.server.wsUrl, { origin: this.server.url });
    const person = { http, socket };
    this.helpers.push(person);
    return person;
  }

  /** Runs a test body; on failure saves a screenshot of every open page into test-results/. */
  async withScreenshots(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      assert.deepEqual(this.pageProblems, [], 'the pages logged errors');
    } catch (err) {
      await mkdir(RESULTS_DIR, { recursive: true });
      const slug = name
        .replace(/[^a-z0-9]+/gi, '-')
        .toLowerCase()
        .slice(0, 60);
      let i = 0;
      for (const context of this.contexts) {
        for (const page of context.pages()) {
          const file = path.join(RESULTS_DIR, `${slug}-${++i}.png`);
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
          console.error(`screenshot: ${file}`);
        }
      }
      this.pageProblems.length = 0;
      throw err;
    }
  }
}

/**
 * Declares a browser suite: starts Natter (with `settings`) and Chromium before the tests,
 * then runs `setup`, and stops them after. Returns the harness and an `e2e(name, body)` to declare tests, or
 * null when Chromium is missing (a skip locally, a failure in CI).
 */
export function suite(
  options: { settings?: ConfigInput; setup?: (h: Harness) => Promise<void> } = {},
): { h: Harness; e2e: (name: string, body: (t: TestContext) => Promise<void>) => void } | null {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) {
      test('Chromium is installed for the browser tests', () => {
        assert.fail(`${CHROMIUM} is missing; CI must run the browser tests`);
      });
    } else {
      test('browser tests', {
        skip: `${CHROMIUM} not found; browser tests skipped (set CI to fail instead)`,
      }, () => {});
    }
    return null;
  }
  const h = new Harness();
  before(async () => {
    h.server = await startServer(options.settings ? { settings: options.settings } : {});
    h.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    // Root-level before() hooks of node 20 do not wait for each other: suite setup goes here.
    await options.setup?.(h);
  });
  after(async () => {
    for (const person of h.helpers) await person.socket?.close();
    await h.browser?.close();
    await h.server?.stop();
  });
  return { h, e2e: (name, body) => test(name, (t) => h.withScreenshots(name, () => body(t))) };
}

export function messages(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

/** The confirmed (not pending) message with exactly this text. */
export function confirmed(page: Page, text: string) {
  return messages(page)
    .locator('.msg:not(.msg--pending)')
    .filter({ has: page.getByText(text, { exact: true }) });
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await assert.doesNotReject(confirmed(page, text).waitFor());
}

/** Opens a room page and waits until its socket is live (the member count shows me). */
export async function openRoom(page: Page, roomId: number): Promise<void> {
  await page.goto(`/rooms/${roomId}`);
  await page.locator('#online-count').filter({ hasNotText: /^0$/ }).waitFor();
}

/**
 * An RGB PNG of the given size, made without any image library: a diagonal gradient, or
 * `noise` bytes (repeated) for a file that does not compress.
 */
export function makePng(width: number, height: number, noise?: Uint8Array): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (noise && noise.length > 0) {
        for (let c = 0; c < 3; c++) pixels[at + c] = noise[(at + c) % noise.length] ?? 0;
      } else {
        pixels[at] = Math.round((255 * x) / width);
        pixels[at + 1] = Math.round((255 * y) / height);
        pixels[at + 2] = 180;
      }
    }
  }
  return encodePng(width, height, pixels);
}

/** A function evaluated in the page, from its source (this project has no DOM types). */
export function inPage(body: string): (arg?: any) => any {
  return new Function('arg', body) as (arg?: any) => any;
}

/**
 * Waits until `body` (evaluated in the page) returns something truthy. Polls with evaluate():
 * Playwright's waitForFunction needs eval, which the page's CSP forbids.
 */
export async function waitInPage(page: Page, body: string, timeoutMs = 10_000): Promise<void> {
  const check = inPage(body);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(check).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting in the page for: ${body}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface AxeResults {
  passes: unknown[];
  violations: { id: string; impact?: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** Runs axe-core in the page; returns its serious and critical violations, one line each. */
let axeSource: string | undefined;

export async function axeProblems(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = axeSource;
  // Evaluated through the debugging protocol, so the page's CSP does not apply to axe itself.
  await page.evaluate(source);
  const { passes, violations } = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    const result = await axe.run();
    return {
      passes: result.passes.length,
      violations: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    };
  });
  assert.ok(passes > 10, 'axe ran its checks');
  return violations;
}
