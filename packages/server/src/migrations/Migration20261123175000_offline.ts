import { Migration } from '@mikro-orm/migrations';

/** Terminal enrolment codes, offline redemptions and their conflicts (hand-written; docs/redemption.md "Offline"). */
export class Migration20261123175000_offline extends Migration {
  override name = 'Migration20261123175000_offline';

  override up(): void {
    this.addSql(`create table "terminal_enrolment" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "terminal_id" int not null, "code_hash" varchar(255) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_by" varchar(255) not null);`);
    this.addSql(`alter table "terminal_enrolment" add constraint "terminal_enrolment_code_hash_unique" unique ("code_hash");`);
    this.addSql(`create index "terminal_enrolment_terminal_id_index" on "terminal_enrolment" ("terminal_id");`);
    this.addSql(`alter table "terminal_enrolment" add constraint "terminal_enrolment_terminal_id_foreign" foreign key ("terminal_id") references "terminal" ("id") on update cascade;`);

    this.addSql(`create table "offline_redemption" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "redemption_id" bigint not null, "ticket_line_id" int not null, "terminal_id" int not null, "scanned_at" timestamptz not null, "synced_at" timestamptz not null);`);
    this.addSql(`alter table "offline_redemption" add constraint "offline_redemption_redemption_id_unique" unique ("redemption_id");`);
    this.addSql(`create index "offline_redemption_line_index" on "offline_redemption" ("ticket_line_id", "scanned_at");`);
    this.addSql(`alter table "offline_redemption" add constraint "offline_redemption_redemption_id_foreign" foreign key ("redemption_id") references "redemption" ("id") on update cascade;`);

    this.addSql(`create table "redemption_conflict" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "merchant_id" int not null, "ticket_id" int not null, "ticket_line_id" int not null, "terminal_id" int not null, "staff_id" int not null, "scan_nonce" varchar(255) not null, "scanned_at" timestamptz not null, "qr_ref" varchar(255) null, "qr_step" int null, "reason" varchar(255) not null, "winner_redemption_id" bigint null, "status" varchar(255) not null default 'OPEN', "resolution_note" text null, "resolved_by" varchar(255) null, "resolved_at" timestamptz null);`);
    this.addSql(`alter table "redemption_conflict" add constraint "redemption_conflict_scan_line_unique" unique ("scan_nonce", "ticket_line_id");`);
    this.addSql(`create index "redemption_conflict_merchant_status_index" on "redemption_conflict" ("merchant_id", "status", "scanned_at");`);
    this.addSql(`alter table "redemption_conflict" add constraint "redemption_conflict_status_check" check (status IN ('OPEN', 'RESOLVED'));`);
  }
}
