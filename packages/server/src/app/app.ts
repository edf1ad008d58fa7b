import type { MikroORM } from '@mikro-orm/core';
import type { Redis } from 'ioredis';
import type { AppConfig } from './config.js';
import { PaymentAnomalyService } from '../modules/payments/payment-anomaly.service.js';
import { startTracing } from '../common/tracing.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from '../common/clock.js';
import { migrate, openDataSource } from '../common/db/orm.js';
import type { Database } from '../common/db/sql.js';
import { MemoryCache, RedisCache, type Cache } from '../common/infra/cache.js';
import { MemoryLockManager, RedisLockManager, type LockManager } from '../common/infra/locks.js';
import { createMemoryPubSub, createRedisPubSub, type AppPubSub } from '../common/infra/pubsub.js';
import { connectRedis } from '../common/infra/redis.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from '../common/infra/rate-limiter.js';
import { Outbox } from '../common/outbox/outbox.js';
import { Scheduler } from '../common/scheduler.js';
import { AuthService } from '../modules/identity/auth.service.js';
import { SessionTokens } from '../modules/identity/session-token.js';
import { CatalogService } from '../modules/catalog/catalog.service.js';
import { CatalogAdminService } from '../modules/catalog/catalog-admin.service.js';
import { seedDemoIfEmpty } from '../modules/catalog/demo-seed.js';
import { InventoryService } from '../modules/inventory/inventory.service.js';
import { MemorySeatAdmission, RedisSeatAdmission, type SeatAdmission } from '../modules/inventory/seat-admission.js';
import { OrderService } from '../modules/orders/order.service.js';
import { registerOrderJobs } from '../modules/orders/order-expiry.task.js';
import { SettingsService } from '../modules/settings/settings.service.js';
import { FaultInjector } from '../common/faults.js';
import type { PaymentGateway } from '../modules/payments/gateway.js';
import { MockPaymentGateway } from '../modules/payments/mock/mock-gateway.js';
import { PaymentService } from '../modules/payments/payment.service.js';
import { registerPaymentJobs } from '../modules/payments/payment-reconcile.task.js';
import { loadWechatVerifierKeys, WechatPayGateway } from '../modules/payments/wechat/wechat-gateway.js';
import type { WechatPayVerifierKeys } from '../modules/payments/wechat/wechat-crypto.js';
import { QrSigner } from '../modules/tickets/qr-signer.js';
import { TicketService } from '../modules/tickets/ticket.service.js';
import { registerTicketJobs } from '../modules/tickets/ticket-expiry.task.js';
import { RefundService } from '../modules/refunds/refund.service.js';
import { registerRefundHandlersAndJobs } from '../modules/refunds/refund.tasks.js';
import { ChangeService } from '../modules/changes/change.service.js';
import { AdminAccountService, bootstrapAdmin } from '../modules/admin/admin-account.service.js';
import { AdminQueryService } from '../modules/admin/admin-query.service.js';
import { AdminOrderService } from '../modules/admin/admin-order.service.js';
import { AdminMetricsService } from '../modules/admin/admin-metrics.service.js';
import { registerDashboardRollupJobs } from '../modules/admin/metrics/rollup.task.js';
import { GtfsImportService } from '../modules/catalog/gtfs/gtfs-import.service.js';
import { MerchantAdminService } from '../modules/merchants/merchant-admin.service.js';
import { ReconciliationService } from '../modules/payments/reconciliation.service.js';
import { TravellerSessionService } from '../modules/identity/traveller-session.service.js';
import { HttpWechatSessionClient } from '../modules/identity/wechat-session.client.js';
import { SavedPassengerService } from '../modules/passengers/saved-passenger.service.js';
import { MerchantStaffService } from '../modules/merchants/merchant-staff.service.js';
import { seedDemoStaffIfEmpty } from '../modules/merchants/merchant-staff.provisioning.js';
import { RedemptionService } from '../modules/redemption/redemption.service.js';
import { RedemptionLogService } from '../modules/redemption/redemption-log.service.js';
import { DepartureService } from '../modules/redemption/departure.service.js';
import { TerminalEnrolmentService } from '../modules/offline/enrolment.service.js';
import { OfflineBundleService } from '../modules/offline/offline-bundle.service.js';
import { OfflineSyncService } from '../modules/offline/offline-sync.service.js';
import { RedemptionConflictService } from '../modules/offline/conflict.service.js';
import { ManualScanService } from '../modules/offline/manual-scan.service.js';
import { NotificationService } from '../modules/notifications/notification.service.js';
import { registerNotificationHandlers } from '../modules/notifications/notification.tasks.js';
import { createNotificationChannel } from '../modules/notifications/channels/wechat-subscribe.channel.js';

/** The services of the application, one instance each. */
export interface Services {
  catalog: CatalogService;
  catalogAdmin: CatalogAdminService;
  settings: SettingsService;
  inventory: InventoryService;
  orders: OrderService;
  tickets: TicketService;
  paymentGateway: PaymentGateway;
  payments: PaymentService;
  refunds: RefundService;
  adminAccounts: AdminAccountService;
  adminQueries: AdminQueryService;
  adminOrders: AdminOrderService;
  paymentAnomalies: PaymentAnomalyService;
  adminMetrics: AdminMetricsService;
  gtfs: GtfsImportService;
  merchantAdmin: MerchantAdminService;
  reconciliation: ReconciliationService;
  changes: ChangeService;
  auth: AuthService;
  travellerSessions: TravellerSessionService;
  savedPassengers: SavedPassengerService;
  merchantStaff: MerchantStaffService;
  redemption: RedemptionService;
  redemptionLogs: RedemptionLogService;
  departures: DepartureService;
  terminalEnrolment: TerminalEnrolmentService;
  offlineBundle: OfflineBundleService;
  offlineSync: OfflineSyncService;
  redemptionConflicts: RedemptionConflictService;
  manualScan: ManualScanService;
  notifications: NotificationService;
}

/** The composition root: configuration, infrastructure chosen by config, and the services. */
export interface App {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  orm: MikroORM;
  db: Database;
  cache: Cache;
  locks: LockManager;
  pubsub: AppPubSub;
  rateLimiter: RateLimiter;
  outbox: Outbox;
  scheduler: Scheduler;
  services: Services;
  /** Redis connections when REDIS_URL is set (for /readyz). */
  redis: Redis | null;
  /** WeChat Pay's keys when the gateway is wechat (notify verification). */
  wechatKeys: WechatPayVerifierKeys | null;
  qr: QrSigner;
  faults: FaultInjector;
  /** OpenTelemetry traces (no-ops unless OTEL_EXPORTER_OTLP_ENDPOINT is set): flush sends buffered spans now. */
  tracing: { flush(): Promise<void> };
  close(): Promise<void>;
}

/** What tests may replace. */
export interface AppOverrides {
  clock?: Clock;
  log?: Logger;
}

const DEV_SESSION_SECRET = 'dev-only-session-secret-not-for-production-use';

/**
 * Builds the application: PostgreSQL or PGlite, Redis or in-memory, chosen here and nowhere else.
 * Migrations run before anything reads the database.
 */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<App> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const tracing = startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME, ratio: config.OTEL_TRACES_SAMPLER_RATIO });
  const source = await openDataSource({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE, lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS, log });
  if (!config.DATABASE_URL) log.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL unset: using embedded PGlite');
  if (config.MIGRATE_ON_START) await migrate(source, log);

  let redis: Redis | null = null;
  let redisSub: Redis | null = null;
  let cache: Cache;
  let locks: LockManager;
  let pubsub: AppPubSub;
  let admission: SeatAdmission;
  let rateLimiter: RateLimiter;
  if (config.REDIS_URL) {
    // Named by key prefix, so an operator (and the fault tests) can tell deployments' connections apart.
    redis = connectRedis(config.REDIS_URL, `deeptravel@${config.REDIS_PREFIX}`);
    redisSub = connectRedis(config.REDIS_URL, `deeptravel-sub@${config.REDIS_PREFIX}`);
    cache = new RedisCache(redis, config.REDIS_PREFIX);
    locks = new RedisLockManager(redis, config.REDIS_PREFIX);
    pubsub = createRedisPubSub(redis, redisSub, (err) => log.warn({ err }, 'redis pub/sub command failed'), config.REDIS_PREFIX);
    admission = new RedisSeatAdmission(redis, config.REDIS_PREFIX);
    rateLimiter = new RedisRateLimiter(redis, config.REDIS_PREFIX);
  } else {
    log.info('REDIS_URL unset: in-memory cache, locks and pub/sub (one instance only)');
    cache = new MemoryCache();
    locks = new MemoryLockManager();
    pubsub = createMemoryPubSub();
    admission = new MemorySeatAdmission();
    rateLimiter = new MemoryRateLimiter();
  }

  const outbox = new Outbox(source.db, clock, log);
  const scheduler = new Scheduler(locks, log);
  const tokens = new SessionTokens(config.SESSION_SECRET ?? DEV_SESSION_SECRET);
  const qr = new QrSigner(config);
  const wechatKeys = config.PAYMENT_GATEWAY === 'wechat' ? loadWechatVerifierKeys(config) : null;
  const paymentGateway: PaymentGateway = wechatKeys ? new WechatPayGateway(config, wechatKeys) : new MockPaymentGateway();
  const settings = new SettingsService();
  const inventory = new InventoryService(admission);
  const orders = new OrderService(inventory, settings);
  const tickets = new TicketService(qr);
  const payments = new PaymentService(paymentGateway, orders, inventory, tickets);
  const refunds = new RefundService(paymentGateway, inventory);
  const changes = new ChangeService(paymentGateway, inventory, refunds);
  payments.changes = changes;
  const services: Services = {
    catalog: new CatalogService(),
    catalogAdmin: new CatalogAdminService(),
    settings,
    inventory,
    orders,
    tickets,
    paymentGateway,
    payments,
    refunds,
    changes,
    adminAccounts: new AdminAccountService(),
    adminQueries: new AdminQueryService(),
    adminOrders: new AdminOrderService(),
    paymentAnomalies: new PaymentAnomalyService(),
    adminMetrics: new AdminMetricsService(),
    gtfs: new GtfsImportService(),
    merchantAdmin: new MerchantAdminService(),
    reconciliation: new ReconciliationService(paymentGateway, payments),
    auth: new AuthService(source.db, tokens, clock, config.devMode),
    travellerSessions: new TravellerSessionService(
      new HttpWechatSessionClient({ appid: config.WECHAT_APPID, secret: config.WECHAT_APP_SECRET, baseUrl: config.WECHAT_API_BASE_URL }),
    ),
    savedPassengers: new SavedPassengerService(),
    merchantStaff: new MerchantStaffService(),
    redemption: new RedemptionService(),
    redemptionLogs: new RedemptionLogService(),
    departures: new DepartureService(),
    terminalEnrolment: new TerminalEnrolmentService(),
    offlineBundle: new OfflineBundleService(),
    offlineSync: new OfflineSyncService(),
    redemptionConflicts: new RedemptionConflictService(),
    manualScan: new ManualScanService(),
    notifications: new NotificationService(createNotificationChannel(config, { cache, locks, clock, log }), config),
  };

  const seed = config.SEED_DEMO ?? !config.DATABASE_URL;
  if (seed) await seedDemoIfEmpty(source.db, clock, { devTravellers: config.devMode, log });
  await bootstrapAdmin(source.db, { username: config.ADMIN_BOOTSTRAP_USERNAME, password: config.ADMIN_BOOTSTRAP_PASSWORD, devMode: config.devMode, log });
  // Demo terminals and staff (known passwords): dev and test only, never in production.
  if (seed && config.devMode) await seedDemoStaffIfEmpty(source.db, { log });

  const app: App = {
    config, log, clock, orm: source.orm, db: source.db, cache, locks, pubsub, rateLimiter, outbox, scheduler, services, redis, wechatKeys, qr,
    faults: new FaultInjector(config.NODE_ENV === 'test'),
    tracing,
    close: async () => {
      await scheduler.stop();
      await outbox.stop();
      redis?.disconnect();
      redisSub?.disconnect();
      await source.close();
      await tracing.shutdown().catch((err) => log.warn({ err }, 'flushing traces at shutdown failed'));
    },
  };
  registerOrderJobs(app);
  registerPaymentJobs(app);
  registerTicketJobs(app);
  registerRefundHandlersAndJobs(app);
  registerDashboardRollupJobs(app);
  registerNotificationHandlers(app);
  return app;
}
