import { Migration } from '@mikro-orm/migrations';

/** Notification consents and messages (issue 8, hand-written; docs/notifications.md). */
export class Migration20261123171000_notifications extends Migration {
  override name = 'Migration20261123171000_notifications';

  override up(): void {
    this.addSql(`create table "notification_consent" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "traveller_id" int not null, "template_id" varchar(255) not null, "remaining" int not null default 0, "accepted_total" int not null default 0, "rejected_total" int not null default 0, "last_decision" varchar(255) null, "decided_at" timestamptz null);`);
    this.addSql(`alter table "notification_consent" add constraint "notification_consent_traveller_template_unique" unique ("traveller_id", "template_id");`);
    this.addSql(`alter table "notification_consent" add constraint "notification_consent_traveller_id_foreign" foreign key ("traveller_id") references "traveller" ("id");`);
    this.addSql(`alter table "notification_consent" add constraint "notification_consent_remaining_check" check (remaining >= 0);`);

    this.addSql(`create table "notification" ("id" bigserial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "idempotency_key" varchar(255) not null, "traveller_id" int not null, "kind" varchar(255) not null, "event_id" bigint null, "order_id" int null, "ticket_id" int null, "template_id" varchar(255) null, "openid" varchar(255) null, "page" varchar(255) null, "fields" jsonb not null, "status" varchar(255) not null, "reason" varchar(255) null, "attempts" int not null default 0, "last_error" text null, "lease_until" timestamptz null, "consent_id" int null, "msg_id" varchar(255) null, "sent_at" timestamptz null);`);
    this.addSql(`alter table "notification" add constraint "notification_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`alter table "notification" add constraint "notification_traveller_id_foreign" foreign key ("traveller_id") references "traveller" ("id");`);
    this.addSql(`create index "notification_traveller_created_index" on "notification" ("traveller_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "notification_status_index" on "notification" ("status", "created_at");`);
    this.addSql(`alter table "notification" add constraint "notification_status_check" check (status IN ('PENDING', 'SENDING', 'SENT', 'SKIPPED_NO_CONSENT', 'SKIPPED_NO_OPENID', 'SKIPPED_NO_TEMPLATE', 'FAILED', 'DEAD', 'UNCONFIRMED'));`);
  }

  override down(): void {
    this.addSql(`drop table if exists "notification" cascade;`);
    this.addSql(`drop table if exists "notification_consent" cascade;`);
  }
}
