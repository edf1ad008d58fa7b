import { Migration } from '@mikro-orm/migrations';

/** Refunds, ticket changes (改签), and what a ticket needs to stand on its own (hand-written). */
export class Migration20261123163000_lifecycle extends Migration {
  override name = 'Migration20261123163000_lifecycle';

  override up(): void {
    this.addSql(`alter table "ticket" add "price" int not null default 0, add "trip_id" int null, add "travel_date" date null, add "replaces_ticket_id" int null;`);
    this.addSql(`alter table "ticket" add constraint "ticket_trip_id_foreign" foreign key ("trip_id") references "trip" ("id") on delete set null;`);
    this.addSql(`update "ticket" t set "trip_id" = oi."trip_id", "travel_date" = oi."travel_date" from "order_item" oi where oi."id" = t."order_item_id";`);
    this.addSql(`create table "refund" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "refund_no" varchar(255) not null, "order_id" int not null, "kind" varchar(255) not null, "ticket_ids" jsonb not null, "payment_id" int null, "change_id" int null, "amount" int not null, "fee" int not null default 0, "currency" varchar(255) not null default 'CNY', "status" varchar(255) not null, "gateway_refund_id" varchar(255) null, "gateway_status" varchar(255) null, "failure_reason" text null, "reason" varchar(255) null, "requested_by" varchar(255) not null, "completed_at" timestamptz null);`);
    this.addSql(`alter table "refund" add constraint "refund_refund_no_unique" unique ("refund_no");`);
    this.addSql(`create index "refund_order_id_index" on "refund" ("order_id");`);
    this.addSql(`create table "ticket_change" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "change_no" varchar(255) not null, "order_id" int not null, "ticket_id" int not null, "from_trip_id" int not null, "to_trip_id" int not null, "to_product_id" int not null, "old_price" int not null, "new_price" int not null, "difference" int not null, "status" varchar(255) not null, "lock_expire_at" timestamptz not null, "new_ticket_id" int null, "prepay_id" varchar(255) null, "completed_at" timestamptz null);`);
    this.addSql(`alter table "ticket_change" add constraint "ticket_change_change_no_unique" unique ("change_no");`);
    this.addSql(`create index "ticket_change_status_index" on "ticket_change" ("status", "lock_expire_at");`);
  }
}
