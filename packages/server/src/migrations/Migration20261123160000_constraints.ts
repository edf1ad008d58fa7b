import { Migration } from '@mikro-orm/migrations';

/** Invariants the database itself enforces, and indexes for the hot paths (hand-written). */
export class Migration20261123160000_constraints extends Migration {
  override name = 'Migration20261123160000_constraints';

  override up(): void {
    // Inventory can never be oversold or go negative, whatever the code does.
    this.addSql(`alter table "trip" add constraint "trip_inventory_check" check ("sold" >= 0 and "locked" >= 0 and "sold" + "locked" <= "capacity");`);
    this.addSql(`alter table "daily_inventory" add constraint "daily_inventory_check" check ("sold" >= 0 and "locked" >= 0 and "sold" + "locked" <= "quota");`);
    this.addSql(`alter table "promotion" add constraint "promotion_usage_check" check ("usage_cap" is null or "used_count" <= "usage_cap");`);
    this.addSql(`alter table "ticket_line" add constraint "ticket_line_uses_check" check ("uses_left" >= 0 and "uses_left" <= "uses_total");`);
    this.addSql(`alter table "orders" add constraint "orders_amount_check" check ("total_amount" >= 0);`);
    this.addSql(`create index "trip_departure_at_index" on "trip" ("departure_at");`);
    this.addSql(`create index "trip_product_id_index" on "trip" ("product_id");`);
    this.addSql(`create index "order_item_order_id_index" on "order_item" ("order_id");`);
    this.addSql(`create index "order_passenger_order_id_index" on "order_passenger" ("order_id");`);
    this.addSql(`create index "ticket_line_ticket_id_index" on "ticket_line" ("ticket_id");`);
    this.addSql(`create index "orders_traveller_created_index" on "orders" ("traveller_id", "created_at" desc);`);
    this.addSql(`create index "outbox_event_pending_index" on "outbox_event" ("available_at") where "status" = 'PENDING';`);
    this.addSql(`create index "fare_tier_product_id_index" on "fare_tier" ("product_id");`);
  }
}
