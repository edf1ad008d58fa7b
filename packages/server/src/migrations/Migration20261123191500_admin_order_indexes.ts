import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the admin order list and page (issue 14): the newest-first list, an order's payments,
 * messages, redemptions and conflicts, and the search by a passenger's phone.
 */
export class Migration20261123191500_admin_order_indexes extends Migration {
  override name = 'Migration20261123191500_admin_order_indexes';

  override up(): void {
    this.addSql(`create index if not exists "orders_created_at_index" on "orders" ("created_at" desc, "id" desc);`);
    this.addSql(`create index if not exists "order_passenger_phone_index" on "order_passenger" ("phone");`);
    this.addSql(`create index if not exists "payment_order_id_index" on "payment" ("order_id");`);
    this.addSql(`create index if not exists "notification_order_id_index" on "notification" ("order_id");`);
    this.addSql(`create index if not exists "redemption_ticket_id_index" on "redemption" ("ticket_id");`);
    this.addSql(`create index if not exists "redemption_conflict_ticket_id_index" on "redemption_conflict" ("ticket_id");`);
  }
}
