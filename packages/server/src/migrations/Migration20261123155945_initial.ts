import { Migration } from '@mikro-orm/migrations';

export class Migration20261123155945_initial extends Migration {

  override name = 'Migration20261123155945_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "city" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "name_zh" varchar(255) not null, "name_en" varchar(255) not null, "pinyin" varchar(255) not null, "is_hot" boolean not null default false, "sort_order" int not null default 0);`);
    this.addSql(`alter table "city" add constraint "city_code_unique" unique ("code");`);

    this.addSql(`create table "merchant" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "name" varchar(255) not null, "kind" varchar(255) not null, "enabled" boolean not null default true);`);
    this.addSql(`alter table "merchant" add constraint "merchant_code_unique" unique ("code");`);

    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "topic" varchar(255) not null, "payload" jsonb not null, "status" varchar(255) not null default 'PENDING', "attempts" int not null default 0, "available_at" timestamptz not null default now(), "last_error" text null, "created_at" timestamptz not null default now(), "delivered_at" timestamptz null);`);
    this.addSql(`create index "outbox_event_status_available_at_index" on "outbox_event" ("status", "available_at");`);

    this.addSql(`create table "package_template" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(255) not null, "validity_days" int not null default 1, "description" text null);`);

    this.addSql(`create table "entitlement_line" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "template_id" int not null, "name" varchar(255) not null, "merchant_id" int not null, "scope" text not null, "uses" int not null default 1, "sort_order" int not null default 0);`);

    this.addSql(`create table "promotion" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "name" varchar(255) not null, "kind" varchar(255) not null, "value" int not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "product_ids" jsonb not null, "usage_cap" int null, "used_count" int not null default 0, "min_amount" int not null default 0, "enabled" boolean not null default true);`);
    this.addSql(`alter table "promotion" add constraint "promotion_code_unique" unique ("code");`);

    this.addSql(`create table "refund_rule" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(255) not null, "tiers" jsonb not null, "change_allowed" boolean not null default true, "change_min_hours_before" int not null default 2, "summary_zh" text not null);`);

    this.addSql(`create table "setting" ("key" varchar(255) not null, "value" jsonb not null, "updated_at" timestamptz not null default now(), primary key ("key"));`);

    this.addSql(`create table "state_transition" ("id" bigserial primary key, "entity_type" varchar(255) not null, "entity_id" int not null, "from_state" varchar(255) null, "to_state" varchar(255) not null, "actor" varchar(255) not null, "reason" varchar(255) null, "at" timestamptz not null default now());`);
    this.addSql(`create index "state_transition_entity_type_entity_id_index" on "state_transition" ("entity_type", "entity_id");`);

    this.addSql(`create table "station" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "city_id" int not null, "name_zh" varchar(255) not null, "name_en" varchar(255) not null);`);
    this.addSql(`alter table "station" add constraint "station_code_unique" unique ("code");`);

    this.addSql(`create table "route" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "mode" text not null, "origin_id" int not null, "destination_id" int not null, "operator_id" int not null, "duration_minutes" int not null, "enabled" boolean not null default true);`);
    this.addSql(`alter table "route" add constraint "route_code_unique" unique ("code");`);

    this.addSql(`create table "product" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" text not null, "name" varchar(255) not null, "name_en" varchar(255) null, "route_id" int null, "template_id" int null, "city_id" int null, "refund_rule_id" int not null, "enabled" boolean not null default true, "currency" varchar(255) not null default 'CNY', "daily_quota" int null, "description" text null);`);

    this.addSql(`create table "fare_tier" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "product_id" int not null, "passenger_type" text not null, "min_qty" int not null, "max_qty" int null, "unit_price" int not null);`);
    this.addSql(`create index "fare_tier_product_id_passenger_type_index" on "fare_tier" ("product_id", "passenger_type");`);

    this.addSql(`create table "daily_inventory" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "product_id" int not null, "travel_date" date not null, "quota" int not null, "sold" int not null default 0, "locked" int not null default 0);`);
    this.addSql(`alter table "daily_inventory" add constraint "daily_inventory_product_id_travel_date_unique" unique ("product_id", "travel_date");`);

    this.addSql(`create table "blackout_date" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "product_id" int null, "date" date not null, "reason" varchar(255) null);`);
    this.addSql(`create index "blackout_date_date_index" on "blackout_date" ("date");`);

    this.addSql(`create table "traveller" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "openid" varchar(255) null, "dev_token" varchar(255) null, "nickname" varchar(255) null);`);
    this.addSql(`alter table "traveller" add constraint "traveller_openid_unique" unique ("openid");`);
    this.addSql(`alter table "traveller" add constraint "traveller_dev_token_unique" unique ("dev_token");`);

    this.addSql(`create table "orders" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_no" varchar(255) not null, "traveller_id" int not null, "status" varchar(255) not null, "currency" varchar(255) not null default 'CNY', "total_amount" int not null, "discount_amount" int not null default 0, "lock_expire_at" timestamptz not null, "idempotency_key" varchar(255) null, "promotion_id" int null, "snapshot" jsonb not null, "paid_at" timestamptz null, "cancelled_at" timestamptz null, "cancel_reason" varchar(255) null);`);
    this.addSql(`alter table "orders" add constraint "orders_order_no_unique" unique ("order_no");`);
    this.addSql(`create index "orders_status_lock_expire_at_index" on "orders" ("status", "lock_expire_at");`);
    this.addSql(`alter table "orders" add constraint "orders_traveller_id_idempotency_key_unique" unique ("traveller_id", "idempotency_key");`);

    this.addSql(`create table "payment" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" int null, "claimed_order_id" int null, "gateway" varchar(255) not null, "gateway_txn_id" varchar(255) not null, "amount" int not null, "currency" varchar(255) not null default 'CNY', "status" varchar(255) not null, "flag" varchar(255) null, "response" jsonb null);`);
    this.addSql(`alter table "payment" add constraint "payment_gateway_txn_id_unique" unique ("gateway_txn_id");`);

    this.addSql(`create table "order_passenger" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" int not null, "name" varchar(255) not null, "passenger_type" varchar(255) not null, "phone" varchar(255) null);`);

    this.addSql(`create table "trip" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "route_id" int not null, "product_id" int not null, "departure_at" timestamptz not null, "arrival_at" timestamptz not null, "capacity" int not null, "sold" int not null default 0, "locked" int not null default 0, "status" varchar(255) not null default 'SCHEDULED');`);
    this.addSql(`create index "trip_route_id_departure_at_index" on "trip" ("route_id", "departure_at");`);

    this.addSql(`create table "order_item" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" int not null, "product_id" int not null, "trip_id" int null, "travel_date" date not null, "product_name" varchar(255) not null, "qty" int not null, "unit_price" int not null, "discount" int not null default 0, "subtotal" int not null, "price_lines" jsonb not null);`);

    this.addSql(`create table "ticket" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(255) not null, "order_id" int not null, "order_item_id" int not null, "passenger_id" int null, "product_id" int not null, "product_name" varchar(255) not null, "status" varchar(255) not null, "shared" boolean not null default false, "valid_from" timestamptz not null, "valid_until" timestamptz not null, "qr_secret" varchar(255) not null);`);
    this.addSql(`alter table "ticket" add constraint "ticket_code_unique" unique ("code");`);
    this.addSql(`create index "ticket_order_id_index" on "ticket" ("order_id");`);

    this.addSql(`create table "ticket_line" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "ticket_id" int not null, "name" varchar(255) not null, "merchant_id" int not null, "uses_total" int not null, "uses_left" int not null);`);

    this.addSql(`alter table "entitlement_line" add constraint "entitlement_line_template_id_foreign" foreign key ("template_id") references "package_template" ("id");`);
    this.addSql(`alter table "entitlement_line" add constraint "entitlement_line_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`);
    this.addSql(`alter table "entitlement_line" add constraint "entitlement_line_scope_check" check ("scope" in ('PER_PASSENGER', 'SHARED'));`);

    this.addSql(`alter table "station" add constraint "station_city_id_foreign" foreign key ("city_id") references "city" ("id");`);

    this.addSql(`alter table "route" add constraint "route_origin_id_foreign" foreign key ("origin_id") references "station" ("id");`);
    this.addSql(`alter table "route" add constraint "route_destination_id_foreign" foreign key ("destination_id") references "station" ("id");`);
    this.addSql(`alter table "route" add constraint "route_operator_id_foreign" foreign key ("operator_id") references "merchant" ("id");`);
    this.addSql(`alter table "route" add constraint "route_mode_check" check ("mode" in ('BUS', 'FERRY'));`);

    this.addSql(`alter table "product" add constraint "product_route_id_foreign" foreign key ("route_id") references "route" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_template_id_foreign" foreign key ("template_id") references "package_template" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_city_id_foreign" foreign key ("city_id") references "city" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_refund_rule_id_foreign" foreign key ("refund_rule_id") references "refund_rule" ("id");`);
    this.addSql(`alter table "product" add constraint "product_kind_check" check ("kind" in ('TICKET', 'PACKAGE'));`);

    this.addSql(`alter table "fare_tier" add constraint "fare_tier_product_id_foreign" foreign key ("product_id") references "product" ("id");`);
    this.addSql(`alter table "fare_tier" add constraint "fare_tier_passenger_type_check" check ("passenger_type" in ('ADULT', 'CHILD', 'SENIOR'));`);

    this.addSql(`alter table "daily_inventory" add constraint "daily_inventory_product_id_foreign" foreign key ("product_id") references "product" ("id");`);

    this.addSql(`alter table "blackout_date" add constraint "blackout_date_product_id_foreign" foreign key ("product_id") references "product" ("id") on delete set null;`);

    this.addSql(`alter table "orders" add constraint "orders_traveller_id_foreign" foreign key ("traveller_id") references "traveller" ("id");`);

    this.addSql(`alter table "payment" add constraint "payment_order_id_foreign" foreign key ("order_id") references "orders" ("id") on delete set null;`);

    this.addSql(`alter table "order_passenger" add constraint "order_passenger_order_id_foreign" foreign key ("order_id") references "orders" ("id");`);

    this.addSql(`alter table "trip" add constraint "trip_route_id_foreign" foreign key ("route_id") references "route" ("id");`);
    this.addSql(`alter table "trip" add constraint "trip_product_id_foreign" foreign key ("product_id") references "product" ("id");`);

    this.addSql(`alter table "order_item" add constraint "order_item_order_id_foreign" foreign key ("order_id") references "orders" ("id");`);
    this.addSql(`alter table "order_item" add constraint "order_item_product_id_foreign" foreign key ("product_id") references "product" ("id");`);
    this.addSql(`alter table "order_item" add constraint "order_item_trip_id_foreign" foreign key ("trip_id") references "trip" ("id") on delete set null;`);

    this.addSql(`alter table "ticket" add constraint "ticket_order_id_foreign" foreign key ("order_id") references "orders" ("id");`);
    this.addSql(`alter table "ticket" add constraint "ticket_order_item_id_foreign" foreign key ("order_item_id") references "order_item" ("id");`);
    this.addSql(`alter table "ticket" add constraint "ticket_passenger_id_foreign" foreign key ("passenger_id") references "order_passenger" ("id") on delete set null;`);
    this.addSql(`alter table "ticket" add constraint "ticket_product_id_foreign" foreign key ("product_id") references "product" ("id");`);

    this.addSql(`alter table "ticket_line" add constraint "ticket_line_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id");`);
    this.addSql(`alter table "ticket_line" add constraint "ticket_line_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "station" drop constraint "station_city_id_foreign";`);
    this.addSql(`alter table "product" drop constraint "product_city_id_foreign";`);
    this.addSql(`alter table "entitlement_line" drop constraint "entitlement_line_merchant_id_foreign";`);
    this.addSql(`alter table "route" drop constraint "route_operator_id_foreign";`);
    this.addSql(`alter table "ticket_line" drop constraint "ticket_line_merchant_id_foreign";`);
    this.addSql(`alter table "entitlement_line" drop constraint "entitlement_line_template_id_foreign";`);
    this.addSql(`alter table "product" drop constraint "product_template_id_foreign";`);
    this.addSql(`alter table "product" drop constraint "product_refund_rule_id_foreign";`);
    this.addSql(`alter table "route" drop constraint "route_origin_id_foreign";`);
    this.addSql(`alter table "route" drop constraint "route_destination_id_foreign";`);
    this.addSql(`alter table "product" drop constraint "product_route_id_foreign";`);
    this.addSql(`alter table "trip" drop constraint "trip_route_id_foreign";`);
    this.addSql(`alter table "fare_tier" drop constraint "fare_tier_product_id_foreign";`);
    this.addSql(`alter table "daily_inventory" drop constraint "daily_inventory_product_id_foreign";`);
    this.addSql(`alter table "blackout_date" drop constraint "blackout_date_product_id_foreign";`);
    this.addSql(`alter table "trip" drop constraint "trip_product_id_foreign";`);
    this.addSql(`alter table "order_item" drop constraint "order_item_product_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_product_id_foreign";`);
    this.addSql(`alter table "orders" drop constraint "orders_traveller_id_foreign";`);
    this.addSql(`alter table "payment" drop constraint "payment_order_id_foreign";`);
    this.addSql(`alter table "order_passenger" drop constraint "order_passenger_order_id_foreign";`);
    this.addSql(`alter table "order_item" drop constraint "order_item_order_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_order_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_passenger_id_foreign";`);
    this.addSql(`alter table "order_item" drop constraint "order_item_trip_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_order_item_id_foreign";`);
    this.addSql(`alter table "ticket_line" drop constraint "ticket_line_ticket_id_foreign";`);

    this.addSql(`drop table if exists "city" cascade;`);
    this.addSql(`drop table if exists "merchant" cascade;`);
    this.addSql(`drop table if exists "outbox_event" cascade;`);
    this.addSql(`drop table if exists "package_template" cascade;`);
    this.addSql(`drop table if exists "entitlement_line" cascade;`);
    this.addSql(`drop table if exists "promotion" cascade;`);
    this.addSql(`drop table if exists "refund_rule" cascade;`);
    this.addSql(`drop table if exists "setting" cascade;`);
    this.addSql(`drop table if exists "state_transition" cascade;`);
    this.addSql(`drop table if exists "station" cascade;`);
    this.addSql(`drop table if exists "route" cascade;`);
    this.addSql(`drop table if exists "product" cascade;`);
    this.addSql(`drop table if exists "fare_tier" cascade;`);
    this.addSql(`drop table if exists "daily_inventory" cascade;`);
    this.addSql(`drop table if exists "blackout_date" cascade;`);
    this.addSql(`drop table if exists "traveller" cascade;`);
    this.addSql(`drop table if exists "orders" cascade;`);
    this.addSql(`drop table if exists "payment" cascade;`);
    this.addSql(`drop table if exists "order_passenger" cascade;`);
    this.addSql(`drop table if exists "trip" cascade;`);
    this.addSql(`drop table if exists "order_item" cascade;`);
    this.addSql(`drop table if exists "ticket" cascade;`);
    this.addSql(`drop table if exists "ticket_line" cascade;`);
  }

}
