import { readFileSync } from 'node:fs';
import path from 'node:path';

// Summarises a V8 .cpuprofile: the functions with the most self time, the packages
// (or our own dist/src files) that time is spent in, and — for functions whose name
// matches an optional filter — their inclusive time (themselves and all they call).
//   BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --quick --scenario=fanout
//   node dist/bench/profile-summary.js /tmp/prof/<file>.cpuprofile [top] [inclusive-filter-regexp]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function fileOf(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  if (file.includes('node_modules/')) return file.slice(file.lastIndexOf('node_modules/') + 13);
  return path.relative(process.cwd(), file) || file;
}

function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${fileOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

/** `ws`, `typeorm`, `dist/src/ws/hub.js`, `node:` internals, or the native/V8 entry itself. */
function packageOf(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (!url) return node.callFrame.functionName || '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = fileOf(url);
  if (url.includes('node_modules/'))
    return file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0]!;
  return file;
}

function print(title: string, totals: Map<string, number>, total: number, top: number): void {
  console.log(`-- ${title}`);
  for (const [key, micros] of [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
  }
}

function main(): void {
  const [file, topArg, filter] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top] [regexp]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const matcher = filter ? new RegExp(filter) : null;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const node = byId.get(id)!;
    self.set(where(node), (self.get(where(node)) ?? 0) + delta);
    packages.set(packageOf(node), (packages.get(packageOf(node)) ?? 0) + delta);
    if (!matcher) return;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const key = where(byId.get(at)!);
      if (matcher.test(key)) seen.add(key);
    }
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
  });
  console.log(`total ${(total / 1e6).toFixed(2)} s sampled`);
  print('self time by function', self, total, top);
  print('self time by package / file', packages, total, top);
  if (matcher) print(`inclusive time of functions matching /${filter}/`, inclusive, total, top);
}

main();
