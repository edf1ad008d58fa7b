import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** A subscribe-message template id as the WeChat console shows it (base64url, ~43 characters). */
const templateId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be a subscribe-message template id from the WeChat console');
const templateFields = z
  .string()
  .regex(/^\w+=[a-z_]+\d+(,\w+=[a-z_]+\d+)*$/, 'must be field=key pairs separated by commas, e.g. orderNo=character_string1,amount=amount2');

/** Every environment variable the server reads, validated at start (README has the table). */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** Folder of the embedded PGlite database when DATABASE_URL is unset. */
  DATA_DIR: z.string().default('.data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /**
   * Longest wait for a row lock by any statement of the app's pool (PostgreSQL `lock_timeout`, ms; 0 =
   * no limit). Transactions that set their own keep it. A wait past it fails with 55P03, which the
   * hot paths answer as BUSY_RETRY: an autocommit statement such as the one-trip order never hangs.
   */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().default('dt:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().default('*'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(5000),
  /** Seed the demo data when the database is empty (default: on for the embedded default). */
  SEED_DEMO: bool.optional(),
  /** Run the cron jobs in this process. */
  SCHEDULER_ENABLED: bool.default(true),
  PAYMENT_GATEWAY: z.enum(['mock', 'wechat']).default('mock'),
  WECHATPAY_APPID: z.string().optional(),
  WECHATPAY_MCHID: z.string().optional(),
  WECHATPAY_MERCHANT_SERIAL_NO: z.string().optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: z.string().optional(),
  WECHATPAY_APIV3_KEY: z.string().length(32, 'must be exactly 32 characters').optional(),
  WECHATPAY_PUBLIC_KEY_ID: z.string().startsWith('PUB_KEY_ID_', 'must start with PUB_KEY_ID_').optional(),
  WECHATPAY_PUBLIC_KEY_FILE: z.string().optional(),
  WECHATPAY_PLATFORM_CERT_DIR: z.string().optional(),
  WECHATPAY_API_BASE_URL: z.string().url().default('https://api.mch.weixin.qq.com'),
  WECHATPAY_NOTIFY_BASE_URL: z.string().url().optional(),
  WECHATPAY_REGION: z.enum(['CN', 'HK']).default('CN'),
  /** Ed25519 private key (PKCS#8 PEM) that signs QR codes; generated and kept in DATA_DIR when unset outside production. */
  QR_SIGNING_KEY_FILE: z.string().optional(),
  QR_SIGNING_KEY_ID: z.string().default('k1'),
  /** The first admin account, created when none exists (dev and test get a demo admin instead). */
  ADMIN_BOOTSTRAP_USERNAME: z.string().optional(),
  ADMIN_BOOTSTRAP_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** Rate limits on login, createOrder, payOrder and scanCode (default: on, except in tests). */
  RATE_LIMIT_ENABLED: bool.optional(),
  /** Worker processes sharing the port (node:cluster); 1 = this process serves. Needs DATABASE_URL when > 1. */
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Extra Node flags for the workers when WORKERS > 1, space-separated (added to the primary's own). */
  WORKER_NODE_ARGS: z.string().default('').transform((s) => s.split(/\s+/).filter(Boolean)),
  /**
   * Admission control: requests in flight per process above which a new request is answered at once
   * with 429 `BUSY_RETRY` and `Retry-After: 1` instead of queueing (0 = no limit). Probes, /metrics,
   * CORS preflights and WebSockets are not counted. Default from `pnpm bench` (docs/performance.md).
   */
  HTTP_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(1_000_000).default(1024),
  /**
   * How long (ms) a whole answer to a public persisted query (search, cities, blackout dates) is
   * reused in this process; 0 = never. The key carries the catalog version (docs/performance.md).
   */
  PUBLIC_QUERY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Apply migrations at start (default). Deployments with a migration Job set it to false. */
  MIGRATE_ON_START: bool.default(true),
  /** On SIGTERM, how long /readyz fails before the server stops taking connections (ms). */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /**
   * OpenTelemetry traces: the OTLP/HTTP collector's base URL (spans go to `<url>/v1/traces`); unset =
   * no tracing (the no-op API, nothing on the hot paths). Same name as the OpenTelemetry standard.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be the collector URL, e.g. http://otel-collector:4318').optional(),
  OTEL_SERVICE_NAME: z.string().default('deeptravel-server'),
  /** Share of traces kept (a parent's decision, from `traceparent`, is followed). */
  OTEL_TRACES_SAMPLER_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Trust X-Forwarded-For from the load balancer for the client IP. */
  TRUST_PROXY: bool.default(false),
  /**
   * GraphQL documents answered (docs/deploy.md "Persisted queries"): `enforce` (default in production)
   * answers only the hashes of the apps' persisted-query manifest (free-form documents: admins only);
   * `allow` (default otherwise) answers free-form documents too.
   */
  PERSISTED_QUERIES: z.enum(['enforce', 'allow']).optional(),
  /** The manifest `packages/client` emits (hash → document); default: packages/client/persisted-queries.json. */
  PERSISTED_QUERIES_FILE: z.string().optional(),
  /** Not in production: requests with `x-persisted-query-key: <this>` may send free-form documents in enforce mode (the apps' e2e set-up calls). */
  PERSISTED_QUERIES_BYPASS_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** HMAC secret of session tokens; required in production. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The mini-program's AppID and AppSecret (WeChat login's jscode2session; subscribe messages). */
  WECHAT_APPID: z.string().regex(/^wx[0-9a-zA-Z]{8,30}$/, 'must be a mini-program AppID (wx…)').optional(),
  WECHAT_APP_SECRET: z.string().min(16, 'must be the mini-program AppSecret (32 characters)').optional(),
  /** WeChat's API host (a local fake in tests). */
  WECHAT_API_BASE_URL: z.string().url('must be a URL such as https://api.weixin.qq.com').default('https://api.weixin.qq.com'),
  /** Where notifications go: `log` records them (dev/test), `wechat` sends subscribe messages (docs/notifications.md). */
  NOTIFICATION_CHANNEL: z.enum(['log', 'wechat']).default('log'),
  /** Subscribe messages sent at the same time by one process (each send waits on WeChat). */
  NOTIFICATION_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Which build of the mini-program a tapped message opens. */
  WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
  /** Subscribe-message template ids per message kind (a kind without one is recorded SKIPPED_NO_TEMPLATE). */
  WECHAT_TEMPLATE_PAYMENT_SUCCESS: templateId.optional(),
  WECHAT_TEMPLATE_ORDER_CANCELLED: templateId.optional(),
  WECHAT_TEMPLATE_REFUND_RESULT: templateId.optional(),
  WECHAT_TEMPLATE_REDEMPTION_SUCCESS: templateId.optional(),
  WECHAT_TEMPLATE_ENTITLEMENT_EXPIRING: templateId.optional(),
  WECHAT_TEMPLATE_ORDER_COMPLETED: templateId.optional(),
  /** Optional field → template key maps per kind, e.g. `orderNo=character_string1,amount=amount2` (defaults in docs/notifications.md). */
  WECHAT_TEMPLATE_FIELDS_PAYMENT_SUCCESS: templateFields.optional(),
  WECHAT_TEMPLATE_FIELDS_ORDER_CANCELLED: templateFields.optional(),
  WECHAT_TEMPLATE_FIELDS_REFUND_RESULT: templateFields.optional(),
  WECHAT_TEMPLATE_FIELDS_REDEMPTION_SUCCESS: templateFields.optional(),
  WECHAT_TEMPLATE_FIELDS_ENTITLEMENT_EXPIRING: templateFields.optional(),
  WECHAT_TEMPLATE_FIELDS_ORDER_COMPLETED: templateFields.optional(),
});

export type AppConfig = z.infer<typeof schema> & {
  /** True outside production: fixed dev tokens, the mock notify route and the demo seed are allowed. */
  devMode: boolean;
};

/** Thrown when the environment is invalid; main prints its one-line message and exits. */
export class ConfigError extends Error {}

/** Reads and validates the environment; the message names the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const cfg = parsed.data;
  if (cfg.PAYMENT_GATEWAY === 'wechat') {
    for (const key of ['WECHATPAY_APPID', 'WECHATPAY_MCHID', 'WECHATPAY_MERCHANT_SERIAL_NO', 'WECHATPAY_MERCHANT_PRIVATE_KEY_FILE', 'WECHATPAY_APIV3_KEY', 'WECHATPAY_NOTIFY_BASE_URL'] as const) {
      if (!cfg[key]) throw new ConfigError(`Invalid configuration: ${key}: required when PAYMENT_GATEWAY=wechat`);
    }
    if (!(cfg.WECHATPAY_PUBLIC_KEY_ID && cfg.WECHATPAY_PUBLIC_KEY_FILE) && !cfg.WECHATPAY_PLATFORM_CERT_DIR) {
      throw new ConfigError(
        'Invalid configuration: WECHATPAY_PUBLIC_KEY_ID: set it with WECHATPAY_PUBLIC_KEY_FILE, or WECHATPAY_PLATFORM_CERT_DIR, when PAYMENT_GATEWAY=wechat',
      );
    }
  }
  if (cfg.NOTIFICATION_CHANNEL === 'wechat') {
    for (const key of ['WECHAT_APPID', 'WECHAT_APP_SECRET'] as const) {
      if (!cfg[key]) throw new ConfigError(`Invalid configuration: ${key}: required when NOTIFICATION_CHANNEL=wechat`);
    }
  }
  if (cfg.NODE_ENV === 'production' && cfg.PERSISTED_QUERIES_BYPASS_KEY) {
    throw new ConfigError('Invalid configuration: PERSISTED_QUERIES_BYPASS_KEY: not allowed in production');
  }
  if (cfg.NODE_ENV === 'production' && !cfg.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET: required in production');
  }
  return { ...cfg, RATE_LIMIT_ENABLED: cfg.RATE_LIMIT_ENABLED ?? cfg.NODE_ENV !== 'test', devMode: cfg.NODE_ENV !== 'production' };
}
