import { Router } from 'express';
import type { DataSource } from 'typeorm';

const TIMEOUT_MS = 2000;

/** Liveness that includes the database: 503 while it cannot answer. */
export function healthRoutes(db: DataSource): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
    });
    try {
      await Promise.race([db.query('SELECT 1'), timeout]);
      res.json({ status: 'ok' });
    } catch {
      res
        .status(503)
        .json({ status: 'unavailable', error: { code: 'UNAVAILABLE', message: 'Database unreachable' } });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
