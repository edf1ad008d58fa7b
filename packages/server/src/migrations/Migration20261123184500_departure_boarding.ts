import { Migration } from '@mikro-orm/migrations';

/** Departure picking at ferry and bus gates: a departure's expected and boarded counts read its tickets by trip. */
export class Migration20261123184500_departure_boarding extends Migration {
  override name = 'Migration20261123184500_departure_boarding';

  override up(): void {
    this.addSql(`create index if not exists "ticket_trip_id_index" on "ticket" ("trip_id");`);
  }
}
