import { Migration } from '@mikro-orm/migrations';

/**
 * Rollups for the admin dashboard (issue 14), folded from append-only facts by transaction id.
 *
 * - `xact_id xid8` on the fact tables (`state_transition`, `ticket`, `redemption`): the inserting
 *   transaction, filled by a column default, so no application code changes and no extra statement
 *   on the hot paths. Added without a table rewrite: rows that exist before this migration keep
 *   NULL and are folded once by the backfill; the partial index starts empty.
 * - `rollup_watermark`: the transaction-id horizon folded so far (all transactions below it are
 *   folded), starting at the oldest transaction running when this migration ran, so a transaction
 *   that started before and inserts after it is still folded by range.
 * - One small table per figure, keyed by Hong Kong day (see docs/admin.md "Dashboard rollups").
 */
export class Migration20261123190000_dashboard_rollups extends Migration {
  override name = 'Migration20261123190000_dashboard_rollups';

  override up(): void {
    for (const table of ['state_transition', 'ticket', 'redemption']) {
      this.addSql(`alter table "${table}" add column "xact_id" xid8 null;`);
      this.addSql(`alter table "${table}" alter column "xact_id" set default pg_current_xact_id();`);
      this.addSql(`create index "${table}_xact_id_index" on "${table}" ("xact_id") where "xact_id" is not null;`);
    }
    this.addSql(`create table "rollup_watermark" (
      "name" varchar(64) not null primary key,
      "horizon" xid8 not null,
      "backfilled" boolean not null default false,
      "folded_at" timestamptz null,
      "folds" bigint not null default 0,
      "rows_folded" bigint not null default 0
    );`);
    this.addSql(`insert into "rollup_watermark" ("name", "horizon") values ('dashboard', pg_snapshot_xmin(pg_current_snapshot()));`);
    this.addSql(`create table "rollup_order_day" ("day" date not null, "status" varchar(32) not null, "orders" int not null default 0, primary key ("day", "status"));`);
    this.addSql(`create table "rollup_conversion_day" ("day" date not null primary key, "created" int not null default 0, "paid" int not null default 0, "expired" int not null default 0);`);
    this.addSql(`create table "rollup_sales_day" ("day" date not null primary key, "orders" int not null default 0, "amount" bigint not null default 0);`);
    this.addSql(`create table "rollup_sales_product_day" ("day" date not null, "product_id" int not null, "orders" int not null default 0, "amount" bigint not null default 0, primary key ("day", "product_id"));`);
    this.addSql(`create table "rollup_ticket_day" ("day" date not null, "status" varchar(32) not null, "tickets" int not null default 0, primary key ("day", "status"));`);
    this.addSql(`create table "rollup_refund_day" ("day" date not null primary key, "refunds" int not null default 0, "amount" bigint not null default 0);`);
    this.addSql(`create table "rollup_redemption_day" ("day" date not null, "merchant_id" int not null, "redemptions" int not null default 0, primary key ("day", "merchant_id"));`);
  }
}
