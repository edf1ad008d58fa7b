import { Migration } from '@mikro-orm/migrations';

/** Merchant terminals and staff, redemptions and the redemption log (issue 6, hand-written). */
export class Migration20261123170000_redemption extends Migration {
  override name = 'Migration20261123170000_redemption';

  override up(): void {
    this.addSql(`create table "terminal" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "merchant_id" int not null, "code" varchar(255) not null, "name" varchar(255) not null, "key_hash" varchar(255) not null, "enabled" boolean not null default true);`);
    this.addSql(`alter table "terminal" add constraint "terminal_code_unique" unique ("code");`);
    this.addSql(`create index "terminal_merchant_id_index" on "terminal" ("merchant_id");`);
    this.addSql(`alter table "terminal" add constraint "terminal_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`);

    this.addSql(`create table "merchant_staff" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "merchant_id" int not null, "username" varchar(255) not null, "display_name" varchar(255) not null, "role" varchar(255) not null, "password_hash" varchar(255) not null, "enabled" boolean not null default true, "session_version" int not null default 1, "failed_logins" int not null default 0, "locked_until" timestamptz null, "last_login_at" timestamptz null);`);
    this.addSql(`alter table "merchant_staff" add constraint "merchant_staff_username_unique" unique ("username");`);
    this.addSql(`create index "merchant_staff_merchant_id_index" on "merchant_staff" ("merchant_id");`);
    this.addSql(`alter table "merchant_staff" add constraint "merchant_staff_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`);
    this.addSql(`alter table "merchant_staff" add constraint "merchant_staff_role_check" check ("role" in ('STAFF', 'MANAGER'));`);

    this.addSql(`create table "redemption" ("id" bigserial primary key, "at" timestamptz not null, "ticket_id" int not null, "ticket_line_id" int not null, "merchant_id" int not null, "terminal_id" int not null, "staff_id" int not null, "scan_nonce" varchar(255) not null, "qr_ref" varchar(255) not null, "qr_step" int not null, "uses_left_after" int not null);`);
    this.addSql(`alter table "redemption" add constraint "redemption_scan_line_unique" unique ("scan_nonce", "ticket_line_id");`);
    this.addSql(`alter table "redemption" add constraint "redemption_qr_step_unique" unique ("ticket_line_id", "qr_ref", "qr_step");`);
    this.addSql(`create index "redemption_merchant_at_index" on "redemption" ("merchant_id", "at");`);
    this.addSql(`alter table "redemption" add constraint "redemption_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id");`);
    this.addSql(`alter table "redemption" add constraint "redemption_ticket_line_id_foreign" foreign key ("ticket_line_id") references "ticket_line" ("id");`);
    this.addSql(`alter table "redemption" add constraint "redemption_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`);
    this.addSql(`alter table "redemption" add constraint "redemption_terminal_id_foreign" foreign key ("terminal_id") references "terminal" ("id");`);
    this.addSql(`alter table "redemption" add constraint "redemption_staff_id_foreign" foreign key ("staff_id") references "merchant_staff" ("id");`);

    this.addSql(`create table "redemption_log" ("id" bigserial primary key, "at" timestamptz not null, "merchant_id" int not null, "terminal_id" int not null, "staff_id" int not null, "action" varchar(255) not null, "result" varchar(255) not null, "reason" varchar(255) null, "scan_nonce" varchar(255) null, "qr_typ" varchar(255) null, "qr_ref" varchar(255) null, "qr_step" int null, "ticket_id" int null, "ticket_line_id" int null, "redemption_id" bigint null, "detail" jsonb null);`);
    this.addSql(`create index "redemption_log_merchant_at_index" on "redemption_log" ("merchant_id", "at", "id");`);
    this.addSql(`create index "redemption_log_terminal_at_index" on "redemption_log" ("terminal_id", "at", "id");`);
    this.addSql(`create index "redemption_log_scan_nonce_index" on "redemption_log" ("scan_nonce");`);
    this.addSql(`alter table "redemption_log" add constraint "redemption_log_action_check" check ("action" in ('SCAN', 'REDEEM'));`);
    this.addSql(`alter table "redemption_log" add constraint "redemption_log_result_check" check ("result" in ('ALLOWED', 'DENIED'));`);
  }

  override down(): void {
    this.addSql(`drop table if exists "redemption_log" cascade;`);
    this.addSql(`drop table if exists "redemption" cascade;`);
    this.addSql(`drop table if exists "merchant_staff" cascade;`);
    this.addSql(`drop table if exists "terminal" cascade;`);
  }
}
