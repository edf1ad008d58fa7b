import { Migration } from '@mikro-orm/migrations';

/** Saved passengers (常用旅客) of a traveller: name, type, optional phone; no identity documents. */
export class Migration20261123172000_saved_passengers extends Migration {

  override name = 'Migration20261123172000_saved_passengers';

  override up(): void | Promise<void> {
    this.addSql(`create table "saved_passenger" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "traveller_id" int not null, "name" varchar(255) not null, "passenger_type" varchar(255) not null, "phone" varchar(255) null);`);
    this.addSql(`alter table "saved_passenger" add constraint "saved_passenger_traveller_id_foreign" foreign key ("traveller_id") references "traveller" ("id") on delete cascade;`);
    this.addSql(`create index "saved_passenger_traveller_id_index" on "saved_passenger" ("traveller_id");`);
    this.addSql(`alter table "saved_passenger" add constraint "saved_passenger_type_check" check (passenger_type in ('ADULT', 'CHILD', 'SENIOR'));`);
    this.addSql(`alter table "saved_passenger" add constraint "saved_passenger_name_check" check (length(name) between 1 and 40);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "saved_passenger" cascade;`);
  }

}
