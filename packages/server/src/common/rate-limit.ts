import type { RequestContext } from '../app/context.js';
import { AppError } from './errors.js';

/** Limits per operation: per subject (traveller, username, terminal) and per client IP, per minute. */
export const RATE_RULES = {
  login: { perSubject: 10, perIp: 30, windowMs: 60_000 },
  createOrder: { perSubject: 20, perIp: 300, windowMs: 60_000 },
  payOrder: { perSubject: 30, perIp: 300, windowMs: 60_000 },
  scanCode: { perSubject: 240, perIp: 1200, windowMs: 60_000 },
} as const;

export type RateRule = keyof typeof RATE_RULES;

/**
 * Refuses a request over its limits with RATE_LIMITED (HTTP 429 and Retry-After). A limiter that
 * cannot answer (Redis down) lets the request through: availability over strictness, logged.
 */
export async function enforceRateLimit(ctx: RequestContext, rule: RateRule, subject: string | number | null): Promise<void> {
  if (!ctx.app.config.RATE_LIMIT_ENABLED || ctx.system) return;
  const r = RATE_RULES[rule];
  const now = ctx.app.clock.now().getTime();
  const checks: Array<[string, number]> = [];
  if (subject !== null) checks.push([`${rule}:s:${subject}`, r.perSubject]);
  if (ctx.ip) checks.push([`${rule}:ip:${ctx.ip}`, r.perIp]);
  for (const [key, limit] of checks) {
    let decision;
    try {
      decision = await ctx.app.rateLimiter.hit(key, limit, r.windowMs, now);
    } catch (err) {
      ctx.log.warn({ err, rule }, 'rate limiter unavailable; request allowed');
      return;
    }
    if (!decision.allowed) {
      const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
      throw new AppError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }
}
