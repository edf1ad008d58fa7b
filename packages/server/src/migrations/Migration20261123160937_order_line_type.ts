import { Migration } from '@mikro-orm/migrations';

export class Migration20261123160937_order_line_type extends Migration {

  override name = 'Migration20261123160937_order_line_type';

  override up(): void | Promise<void> {
    this.addSql(`alter table "order_item" add "passenger_type" varchar(255) not null default 'ADULT';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "order_item" drop column "passenger_type";`);
  }

}
