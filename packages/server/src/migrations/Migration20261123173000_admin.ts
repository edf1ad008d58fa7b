import { Migration } from '@mikro-orm/migrations';

/** Admin accounts and the audit log (hand-written). */
export class Migration20261123173000_admin extends Migration {
  override name = 'Migration20261123173000_admin';

  override up(): void {
    this.addSql(`create table "admin_user" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "username" varchar(255) not null, "password_hash" varchar(255) not null, "role" varchar(255) not null, "enabled" boolean not null default true, "session_version" int not null default 1);`);
    this.addSql(`alter table "admin_user" add constraint "admin_user_username_unique" unique ("username");`);
    this.addSql(`create table "admin_audit" ("id" bigserial primary key, "admin_id" int null, "actor" varchar(255) not null, "action" varchar(255) not null, "entity_type" varchar(255) not null, "entity_id" varchar(255) null, "before" jsonb null, "after" jsonb null, "at" timestamptz not null default now());`);
    this.addSql(`create index "admin_audit_entity_index" on "admin_audit" ("entity_type", "entity_id");`);
    this.addSql(`create index "admin_audit_at_index" on "admin_audit" ("at");`);
  }
}
