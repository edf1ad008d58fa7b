import { Migration } from '@mikro-orm/migrations';

/** Indexes for rebuilding admission counters from PostgreSQL (order lines by trip, by pass day). */
export class Migration20261123176000_hot_path_indexes extends Migration {
  override name = 'Migration20261123176000_hot_path_indexes';

  override up(): void {
    this.addSql(`create index if not exists "order_item_trip_id_index" on "order_item" ("trip_id");`);
    this.addSql(`create index if not exists "order_item_product_date_index" on "order_item" ("product_id", "travel_date");`);
  }
}
