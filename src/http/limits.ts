import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../chat/errors.js';

export interface AuthLimitSettings {
  loginPerUserAndIp: number;
  loginPerIp: number;
  registrationsPerIpPerHour: number;
}

const FIFTEEN_MINUTES = 15 * 60_000;

function limiter(
  windowMs: number,
  limit: number,
  key: (req: Request) => string,
  skipSuccessfulRequests = false,
) {
  return rateLimit({
    windowMs,
    limit,
    keyGenerator: key,
    skipSuccessfulRequests,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      throw new AppError(
        'RATE_LIMITED',
        429,
        `Too many attempts; try again in ${inWords(Number(res.getHeader('Retry-After')))}.`,
      );
    },
  });
}

/** 42 → "42 seconds", 896 → "15 minutes". */
function inWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 1) return 'a moment';
  if (seconds < 90) return `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

const ip = (req: Request) => ipKeyGenerator(req.ip ?? '');

/**
 * Login is limited per username and address (only failures count, so a victim logging
 * in from their own address is never locked out by someone else's guessing) and per
 * address (so one machine cannot try many usernames). Sign-ups are limited per address.
 */
export function authLimiters(settings: AuthLimitSettings) {
  return {
    login: [
      limiter(FIFTEEN_MINUTES, settings.loginPerIp, ip),
      limiter(
        FIFTEEN_MINUTES,
        settings.loginPerUserAndIp,
        (req) => `${ip(req)}|${String(req.body?.username ?? '').toLowerCase()}`,
        true,
      ),
    ],
    register: limiter(60 * 60_000, settings.registrationsPerIpPerHour, ip),
  };
}
