import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CompiledTemplate, type Locals } from './compiled-template.js';

/**
 * The longest HTML `partialOnce` keeps, in characters: a page of 50 chat-length messages is
 * 30–40 thousand; 50 of the longest, full of characters that escaping or links multiply,
 * can reach 2 million, and is rendered for each request instead.
 */
export const MAX_KEPT_HTML = 256 * 1024;

/** Renders `views/partials/<name>.ejs` with exactly the data given (and `partial` itself). */
export type RenderPartial = (name: string, data?: Locals) => string;
/**
 * Renders a partial once for each `key` object and hands back the same HTML while that
 * object lives: for parts built only from data that never changes while it is shared, such
 * as a conversation's kept newest page (frozen, and replaced whenever anything in it would
 * show differently). Once kept, `data` is not looked at again: the HTML must follow from
 * the key alone. HTML longer than `MAX_KEPT_HTML` is rendered afresh each time.
 */
export type RenderPartialOnce = (key: object, name: string, data: Locals) => string;

export interface Views {
  /** An Express view engine for the pages in the views directory. */
  engine(file: string, locals: object, done: (err: unknown, html?: string) => void): void;
  partial: RenderPartial;
  partialOnce: RenderPartialOnce;
}

/**
 * Compiles every template in `dir` once, at start-up. Pages and partials call partials
 * with `partial('name', { … })` instead of EJS `include()`, which would look for the file
 * on disk and copy every local of the page on each call, once per person, room and message.
 */
export function compileViews(dir: string): Views {
  const pages = new Map<string, CompiledTemplate>();
  const partials = new Map<string, CompiledTemplate>();
  for (const file of templateFiles(dir)) {
    const template = new CompiledTemplate(readFileSync(file, 'utf8'), file);
    const relative = path
      .relative(dir, file)
      .split(path.sep)
      .join('/')
      .replace(/\.ejs$/, '');
    if (relative.startsWith('partials/')) partials.set(relative.slice('partials/'.length), template);
    else pages.set(path.resolve(file), template);
  }

  // `data` is the object written at the call site, so it can carry `partial` on to nested
  // partials. Pages also get `partialOnce`; a partial gets it only when it is handed on, as
  // one more property on every call cost the lobby 5–8 % of its rendering (timed alone).
  const partial: RenderPartial = (name, data = {}) => {
    const template = partials.get(name);
    if (!template) throw new Error(`No partial named "${name}" in ${dir}/partials`);
    data.partial = partial;
    return template.render(data);
  };
  const rendered = new WeakMap<object, Map<string, string>>();
  // Held weakly: the HTML goes with its key (a kept page, when it is replaced or let go).
  const partialOnce: RenderPartialOnce = (key, name, data) => {
    const byName = rendered.get(key) ?? new Map<string, string>();
    let html = byName.get(name);
    if (html === undefined) {
      html = partial(name, data);
      if (html.length > MAX_KEPT_HTML) return html;
      byName.set(name, html);
      rendered.set(key, byName);
    }
    return html;
  };

  return {
    engine(file, locals, done) {
      const template = pages.get(path.resolve(file));
      if (!template) return done(new Error(`No compiled view for ${file}`));
      let html: string;
      try {
        html = template.render({ ...locals, partial, partialOnce });
      } catch (err) {
        return done(err);
      }
      done(null, html);
    },
    partial,
    partialOnce,
  };
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ejs'))
    .map((name) => path.join(dir, name));
}
