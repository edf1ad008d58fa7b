import { Migration } from '@mikro-orm/migrations';

/** Who resolved a flagged payment notification, when, and how (issue 14: operator actions with a reason). */
export class Migration20261123194500_anomaly_resolution extends Migration {
  override name = 'Migration20261123194500_anomaly_resolution';

  override up(): void {
    this.addSql(`alter table "payment_anomaly" add column "resolved_at" timestamptz null, add column "resolved_by" varchar(255) null, add column "resolution_note" text null;`);
  }

  override down(): void {
    this.addSql(`alter table "payment_anomaly" drop column "resolved_at", drop column "resolved_by", drop column "resolution_note";`);
  }
}
