import { Migration } from '@mikro-orm/migrations';

/** Next-day reconciliation differences and the payment state of orders (hand-written). */
export class Migration20261123174000_reconciliation extends Migration {
  override name = 'Migration20261123174000_reconciliation';

  override up(): void {
    this.addSql(`create table "reconciliation_difference" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "bill_date" date not null, "subject" varchar(255) not null, "kind" varchar(255) not null, "key" varchar(255) not null, "order_no" varchar(255) null, "ours" jsonb null, "theirs" jsonb null, "resolved" boolean not null default false, "resolution" text null, "resolved_by" varchar(255) null, "resolved_at" timestamptz null);`);
    this.addSql(`alter table "reconciliation_difference" add constraint "reconciliation_difference_key_unique" unique ("bill_date", "subject", "key", "kind");`);
    this.addSql(`create index "reconciliation_difference_open_index" on "reconciliation_difference" ("resolved", "bill_date");`);
    this.addSql(`alter table "orders" add "payment_state" varchar(255) not null default 'NONE';`);
  }
}
