import { Migration } from '@mikro-orm/migrations';

export class Migration20261123161502_payments extends Migration {

  override name = 'Migration20261123161502_payments';

  override up(): void | Promise<void> {
    this.addSql(`create table "payment_anomaly" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" varchar(255) not null, "gateway" varchar(255) not null, "gateway_txn_id" varchar(255) null, "order_id" int null, "order_no" varchar(255) null, "amount" int null, "detail" jsonb not null, "resolved" boolean not null default false);`);

    this.addSql(`alter table "orders" add "prepay_id" varchar(255) null, add "prepaid_at" timestamptz null, add "gateway_closed_at" timestamptz null;`);

    this.addSql(`alter table "payment" add "source" varchar(255) not null default 'NOTIFY', add "refund_status" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "payment_anomaly" cascade;`);

    this.addSql(`alter table "orders" drop column "prepay_id", drop column "prepaid_at", drop column "gateway_closed_at";`);

    this.addSql(`alter table "payment" drop column "source", drop column "refund_status";`);
  }

}
