import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CompiledTemplate, type Locals } from './compiled-template.js';

/** Renders `views/partials/<name>.ejs` with exactly the data given (and `partial` itself). */
export type RenderPartial = (name: string, data?: Locals) => string;

export interface Views {
  /** An Express view engine for the pages in the views directory. */
  engine(file: string, locals: object, done: (err: unknown, html?: string) => void): void;
  partial: RenderPartial;
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

  // `data` is the object written at the call site, so it can carry `partial` on to nested partials.
  const partial: RenderPartial = (name, data = {}) => {
    const template = partials.get(name);
    if (!template) throw new Error(`No partial named "${name}" in ${dir}/partials`);
    data.partial = partial;
    return template.render(data);
  };

  return {
    engine(file, locals, done) {
      const template = pages.get(path.resolve(file));
      if (!template) return done(new Error(`No compiled view for ${file}`));
      let html: string;
      try {
        html = template.render({ ...locals, partial });
      } catch (err) {
        return done(err);
      }
      done(null, html);
    },
    partial,
  };
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ejs'))
    .map((name) => path.join(dir, name));
}
