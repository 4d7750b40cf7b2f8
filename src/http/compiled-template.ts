import ejs from 'ejs';
import { escapeHtml } from './escape-html.js';

export type Locals = Record<string, unknown>;
type TemplateFunction = (locals: Locals) => string;

interface Shape {
  names: string[];
  render: TemplateFunction;
}

/** Names a template cannot take as variables: EJS's own, and what is not an identifier. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['locals', 'escapeFn', 'include', 'rethrow']);
/** More distinct sets of locals than any call site of ours passes; past it, the slow form serves. */
const MAX_SHAPES = 16;

/**
 * One EJS template, compiled once per set of local names it is rendered with. EJS's
 * default puts the template inside `with (locals)`, which makes every name lookup slow
 * (≈ 4× the cost of a small partial); here each local becomes a plain variable instead.
 * Each call site passes the same names every time, so a template has one or two forms,
 * and a partial rendered in a loop finds its form by comparing names with the last one.
 */
export class CompiledTemplate {
  private readonly generic: TemplateFunction;
  private readonly shapes = new Map<string, Shape>();
  private last: Shape | null = null;

  constructor(
    private readonly source: string,
    private readonly filename: string,
  ) {
    // Compiled now so a broken template stops the start, not a later request.
    this.generic = ejs.compile(source, { filename, escape: escapeHtml }) as TemplateFunction;
  }

  render(locals: Locals): string {
    const shape = this.last && hasNames(locals, this.last.names) ? this.last : this.shapeOf(locals);
    if (!shape) return this.generic(locals);
    this.last = shape;
    return shape.render(locals);
  }

  private shapeOf(locals: Locals): Shape | null {
    const names = Object.keys(locals);
    const key = names.join(',');
    let shape = this.shapes.get(key);
    if (!shape) {
      if (this.shapes.size >= MAX_SHAPES) return null;
      shape = { names, render: this.compileFor(names) };
      this.shapes.set(key, shape);
    }
    return shape;
  }

  private compileFor(names: string[]): TemplateFunction {
    const variables = names.filter(
      (name) => IDENTIFIER.test(name) && !RESERVED.has(name) && !name.startsWith('__'),
    );
    // Each call gets its own locals object (the page's copy, or the literal at a partial's
    // call site), so EJS need not copy it again.
    const options: ejs.Options & { unsafePrototypeLocals: boolean } = {
      filename: this.filename,
      escape: escapeHtml,
      _with: false,
      destructuredLocals: variables,
      unsafePrototypeLocals: true,
    };
    try {
      return ejs.compile(this.source, options) as TemplateFunction;
    } catch {
      // A local named like one of the template's own variables: keep EJS's `with` form.
      return this.generic;
    }
  }
}

/** Whether the object's own keys are exactly these names, in this order. */
function hasNames(locals: Locals, names: string[]): boolean {
  let i = 0;
  for (const key in locals) {
    if (!Object.hasOwn(locals, key) || key !== names[i]) return false;
    i++;
  }
  return i === names.length;
}
