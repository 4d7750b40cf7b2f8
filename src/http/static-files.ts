import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * A short hash of the browser code and styles of this build. Pages link assets as
 * `/css/base.css?v=<version>`: such URLs are cached for a year, since a new build links
 * new URLs; assets fetched without a version are revalidated on every use.
 */
export function assetVersion(rootDir: string): string {
  const hash = createHash('sha256');
  for (const dir of ['dist/browser', 'public/css']) hashTree(hash, path.join(rootDir, dir));
  return hash.digest('hex').slice(0, 12);
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) hashTree(hash, full);
    else if (!entry.endsWith('.map')) hash.update(entry).update(readFileSync(full));
  }
}

export function staticFiles(rootDir: string): Router {
  const router = express.Router();
  const options = {
    index: false,
    setHeaders: (res: express.Response) => {
      const versioned = typeof res.req.query.v === 'string';
      res.setHeader('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  };
  router.use('/js', express.static(path.join(rootDir, 'dist/browser/public/ts'), options));
  // Modules shared with the server (emoji data) that browser code imports.
  router.use('/src/shared', express.static(path.join(rootDir, 'dist/browser/src/shared'), options));
  for (const dir of ['css', 'avatars', 'images']) {
    router.use(`/${dir}`, express.static(path.join(rootDir, 'public', dir), options));
  }
  return router;
}
